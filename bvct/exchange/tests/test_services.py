"""Bundles refused with a clear message (tampered, wrongly addressed, unknown sender, replayed,
stale, truncated), atomic apply, receipts, conflicts. The peer is simulated in-process with real
keys (`FakePeer`); the two-database round trip is `test_round_trip.py`."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import DomainError
from bvct.exchange import keys, services
from bvct.exchange.bundle import BundleError
from bvct.exchange.models import Bundle, CaseTransfer, OutboundItem, Peer, ReceivedTransfer
from bvct.exchange.tests.factories import FakePeer, make_site
from bvct.reports.models import PeriodicReport
from bvct.verification import services as verification
from bvct.verification.defaults import seed_default_reply_limits
from bvct.verification.models import VerificationRequest
from bvct.vetting.tests.factories import make_case
from conftest import Tree


def _report_item(n: int, *, to: str = "T-A", unit: str = "X-A1") -> dict[str, Any]:
    return {
        "id": f"B/report/{n}",
        "kind": "report",
        "payload": {
            "origin_id": n,
            "org_unit": unit,
            "submitted_to": to,
            "period": "half",
            "year": 2026,
            "part": 1,
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "version": n,
            "reference": f"Số 0{n}-BC/B",
            "data": {"sections": []},
            "clearance": 0,
            "submitted_at": "2026-07-01T08:00:00+00:00",
        },
    }


@pytest.fixture
def peer_b(tree: Tree) -> FakePeer:
    make_site(tree.prov_a)
    peer = FakePeer("B", [tree.prov_b])
    peer.pin()
    return peer


def test_a_report_bundle_applies_once_and_its_receipt_says_so(peer_b: FakePeer) -> None:
    # when B's bundle with one report is imported
    bundle = services.bundle_import(actor=None, data=peer_b.seal([_report_item(1)]))
    # then the report is there, submitted to Tỉnh A, authored by B's site account
    report = PeriodicReport.objects.get(reference="Số 01-BC/B")
    assert report.submitted_to is not None
    assert report.submitted_to.code == "T-A"
    assert report.submitted_by.username == "site:B"
    assert bundle.status == Bundle.Status.APPLIED
    # and our receipt, readable by B only, says applied
    receipt = peer_b.open(services.read_bundle_file(bundle.receipt))
    assert receipt.receipt_for == bundle.bundle_id
    assert [(i["id"], i["payload"]["outcome"]) for i in receipt.items] == [
        ("B/report/1", "applied")
    ]
    # and the same item in a new bundle changes nothing
    again = services.bundle_import(actor=None, data=peer_b.seal([_report_item(1)]))
    assert [i["outcome"] for i in again.items] == ["duplicate"]
    assert PeriodicReport.objects.count() == 1


def test_one_bad_item_applies_nothing_and_the_receipt_says_why(peer_b: FakePeer) -> None:
    # given a bundle whose second item is addressed to a unit this site does not serve
    data = peer_b.seal([_report_item(1), _report_item(2, to="T-B", unit="X-B1")])
    # when it is imported
    bundle = services.bundle_import(actor=None, data=data)
    # then nothing was applied, and the receipt names the rejected item and its reason
    assert PeriodicReport.objects.count() == 0
    assert bundle.status == Bundle.Status.REFUSED
    outcomes = [(i["outcome"], i["reason"]) for i in bundle.items]
    assert outcomes[0][0] == "held"
    assert outcomes[1] == ("rejected", "Đơn vị Tỉnh B (T-B) không thuộc trạm này.")
    receipt = peer_b.open(services.read_bundle_file(bundle.receipt))
    assert [i["payload"]["outcome"] for i in receipt.items] == ["held", "rejected"]
    assert AuditEvent.objects.filter(action="exchange.item.reject").count() == 1


def _refused(data: bytes, message: str) -> None:
    before = Bundle.objects.count()
    with pytest.raises(BundleError, match=message):
        services.bundle_import(actor=None, data=data)
    assert Bundle.objects.count() == before
    assert PeriodicReport.objects.count() == 0
    assert AuditEvent.objects.filter(action="exchange.bundle.refuse").exists()


def test_a_tampered_bundle_is_refused(peer_b: FakePeer) -> None:
    data = bytearray(peer_b.seal([_report_item(1)]))
    data[-5] ^= 0x01
    _refused(bytes(data), "bị sửa đổi")


def test_a_bundle_signed_with_another_key_is_refused(peer_b: FakePeer) -> None:
    impostor = FakePeer("B", peer_b.serves)
    _refused(impostor.seal([_report_item(1)]), "chữ ký không khớp")


def test_a_truncated_bundle_is_refused(peer_b: FakePeer) -> None:
    data = peer_b.seal([_report_item(1)])
    _refused(data[: len(data) - 10], "bị cắt cụt")
    _refused(data[:8], "bị cắt cụt")


def test_a_bundle_for_another_site_is_refused(peer_b: FakePeer) -> None:
    _refused(peer_b.seal([_report_item(1)], recipient="C"), "gửi cho trạm C")


def test_a_bundle_from_an_unpinned_site_is_refused(tree: Tree, peer_b: FakePeer) -> None:
    stranger = FakePeer("C", [tree.commune_b1])
    _refused(stranger.seal([_report_item(1)]), "chưa được ghim")


def test_a_stale_bundle_is_refused(peer_b: FakePeer) -> None:
    old = timezone.now() - dt.timedelta(days=31)
    _refused(peer_b.seal([_report_item(1)], created_at=old), "quá cũ")


def test_a_replayed_bundle_is_refused(peer_b: FakePeer) -> None:
    data = peer_b.seal([_report_item(1)])
    services.bundle_import(actor=None, data=data)
    with pytest.raises(BundleError, match="đã được nhập"):
        services.bundle_import(actor=None, data=data)
    assert PeriodicReport.objects.count() == 1


def test_a_fingerprint_that_does_not_match_is_not_pinned(tree: Tree) -> None:
    make_site(tree.prov_a)
    data = FakePeer("B", [tree.prov_b]).identity()
    with pytest.raises(DomainError, match="không khớp"):
        services.peer_pin(actor=None, data=data, fingerprint="00000 " * 8)
    assert not Peer.objects.exists()


def _sent_request(tree: Tree) -> VerificationRequest:
    seed_default_reply_limits()
    officer = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=3)
    return verification.request_create(
        actor=officer,
        case=make_case(org_unit=tree.commune_a1),
        data=verification.RequestInput(
            legal_basis="HD 06",
            purpose="thẩm tra",
            questions="Lịch sử",
            addressee_unit=tree.commune_b1,
        ),
    )


def test_a_reply_to_a_withdrawn_request_is_rejected_and_the_receipt_marks_ours(
    tree: Tree, peer_b: FakePeer
) -> None:
    # given our request went to B, and we withdrew it meanwhile
    request = _sent_request(tree)
    peer = Peer.objects.get(site_id="B")
    sent = services.bundle_export(actor=None, peer=peer)
    opened = peer_b.open(services.read_bundle_file(sent))
    assert [i["id"] for i in opened.items] == [f"A/request/{request.pk}"]
    verification.request_withdraw(actor=request.created_by, request=request, reason="Hủy")
    # when B's reply arrives
    reply = {
        "id": "B/reply/7",
        "kind": "reply",
        "payload": {
            "origin_id": request.pk,
            "outcome": "certified",
            "text": "",
            "reference": "Số 01-CV/B",
            "replied_on": timezone.localdate().isoformat(),
            "document": None,
        },
    }
    bundle = services.bundle_import(actor=None, data=peer_b.seal([reply]))
    # then it is rejected with the reason, and the request stays withdrawn
    assert bundle.items[0]["outcome"] == "rejected"
    assert "đã được rút" in bundle.items[0]["reason"]
    request.refresh_from_db()
    assert request.status == VerificationRequest.Status.WITHDRAWN
    # and B's receipt for our bundle marks our request delivered
    receipt = peer_b.seal(
        [
            {
                "id": f"A/request/{request.pk}",
                "kind": "outcome",
                "payload": {"outcome": "applied", "reason": ""},
            }
        ],
        kind="receipt",
        receipt_for=sent.bundle_id,
    )
    services.bundle_import(actor=None, data=receipt)
    assert OutboundItem.objects.get().status == OutboundItem.Status.DELIVERED
    assert services.pending_items(services.require_site(), peer) == []


def test_a_transfer_of_a_case_closed_before_it_left_is_rejected(
    tree: Tree, peer_b: FakePeer
) -> None:
    # given B transfers to Xã A1 a case it closed before the bundle left
    item: dict[str, Any] = {
        "id": "B/transfer/3",
        "kind": "transfer",
        "payload": {
            "origin_id": 3,
            "to_unit": "X-A1",
            "reason": "chuyển sinh hoạt",
            "created_at": "2026-07-01T08:00:00+00:00",
            "case": {
                "id": 9,
                "type": "admission",
                "purpose": "",
                "status": "refused",
                "closed": True,
                "opened_at": "2026-05-01T08:00:00+00:00",
                "holding_unit": "X-B1",
                "history": [],
                "subject": {
                    "full_name": "Lê Văn A",
                    "birth_date": None,
                    "birth_precision": "day",
                    "birth_year": 1990,
                    "sex": "male",
                    "unit": "X-B1",
                },
            },
        },
    }
    bundle = services.bundle_import(actor=None, data=peer_b.seal([item]))
    assert bundle.items[0]["outcome"] == "rejected"
    assert "đã kết thúc" in bundle.items[0]["reason"]
    assert not ReceivedTransfer.objects.exists()
    # and an open one is received
    item["id"], item["payload"]["origin_id"] = "B/transfer/4", 4
    item["payload"]["case"]["closed"] = False
    assert (
        services.bundle_import(actor=None, data=peer_b.seal([item])).status == Bundle.Status.APPLIED
    )
    assert ReceivedTransfer.objects.get().to_unit == tree.commune_a1


def test_a_case_transfer_goes_in_the_next_bundle(tree: Tree, peer_b: FakePeer) -> None:
    officer = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,))
    case = make_case(org_unit=tree.commune_a1)
    with pytest.raises(DomainError, match="Lý do"):
        services.transfer_create(actor=officer, case=case, to_unit=tree.commune_b1, reason=" ")
    transfer = services.transfer_create(
        actor=officer, case=case, to_unit=tree.commune_b1, reason="Chuyển"
    )
    peer = Peer.objects.get(site_id="B")
    opened = peer_b.open(services.read_bundle_file(services.bundle_export(actor=None, peer=peer)))
    assert [(i["kind"], i["payload"]["to_unit"]) for i in opened.items] == [("transfer", "X-B1")]
    assert CaseTransfer.objects.get() == transfer


def test_every_group_of_a_fingerprint_comes_from_the_keys() -> None:
    """All 8 groups are read from the 32-byte digest: none is padding (five random identities
    sharing a constant group would have a chance of 1 in 10^20)."""

    def public(key: Ed25519PrivateKey | X25519PrivateKey) -> str:
        raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    prints = [
        keys.fingerprint(
            "S", public(Ed25519PrivateKey.generate()), public(X25519PrivateKey.generate())
        )
        for _ in range(5)
    ]
    for group in range(8):
        assert len({p.split()[group] for p in prints}) > 1, (group, prints)

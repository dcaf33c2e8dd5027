"""Two sites, two databases, bundle files only (the demo walkthrough of docs/exchange.md on the
test tree): site A (this test's database) sends an admission verification request to a unit
that site B (a SQLite file driven through `bvct` subprocesses) serves; B imports it, answers it
in its own inbox and sends the reply back with its receipt; A records both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.exchange import services
from bvct.exchange.bundle import BundleError
from bvct.exchange.models import Bundle, OutboundItem, Peer
from bvct.exchange.tests.support import dump_tree, new_site_b
from bvct.orgs.tests.factories import make_child
from bvct.people.tests.factories import make_person
from bvct.verification import services as verification
from bvct.verification.defaults import seed_default_reply_limits
from bvct.verification.models import VerificationRequest
from bvct.vetting.tests.factories import make_case
from conftest import Tree

B_SETUP = """
import json
from django.core.management import call_command
from bvct.accounts.models import Role, User
from bvct.orgs.models import OrgUnit
call_command("loaddata", {tree!r}, verbosity=0)
call_command("site", "init", "--id", "B", "--name", "Trạm B", "--serves", "T-B")
call_command("site", "identity", "--out", {b_identity!r})
call_command("site", "pin", {a_identity!r}, "--fingerprint", {a_fingerprint!r})
officer = User.objects.create_user(
    username="b.officer", org_unit=OrgUnit.objects.get(code="T-B"), clearance=3
)
officer.roles.set([Role.objects.get_or_create(code="officer")[0]])
"""

B_ANSWER = """
from django.core.management import call_command
from bvct.accounts.models import User
from bvct.verification import services
from bvct.verification.models import VerificationRequest
call_command("bundle", "import", {bundle!r}, "--receipt-out", {receipt!r})
request = VerificationRequest.objects.get(addressee_unit__code="X-B1")
print("mirror", request.reference, request.status, request.case.person.full_name,
      request.letter is not None, request.case.person.org_unit.code)
services.reply_record(
    actor=User.objects.get(username="b.officer"), request=request,
    data=services.ReplyInput(outcome="certified"),
)
call_command("bundle", "export", "--to", "A", "--out", {reply!r})
"""


def test_an_admission_request_and_its_reply_travel_by_bundle_files_alone(
    tree: Tree, tmp_path: Path, site_b_template: Path
) -> None:
    # given site A serving Tỉnh A
    services.site_init(actor=None, site_id="A", name="Trạm A", serves=["T-A"])
    a_identity = tmp_path / "a.json"
    a_identity.write_text(json.dumps(services.identity()))
    # and site B serving Tỉnh B, which pinned A after comparing A's fingerprint
    b = new_site_b(site_b_template, tmp_path / "b")
    b_identity = tmp_path / "b.json"
    b.python(
        B_SETUP.format(
            tree=str(dump_tree(tmp_path / "tree.json")),
            b_identity=str(b_identity),
            a_identity=str(a_identity),
            a_fingerprint=services.fingerprint(),
        )
    )
    # and a request from a case held at Xã A1 to Xã B1 (Tỉnh B)
    seed_default_reply_limits()
    officer = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=3)
    operator = make_user(org_unit=tree.prov_a, roles=(RoleCode.CLERK,))
    # (about a person of a chi bộ created after B copied the tree: B mirrors them at the ward)
    cell = make_child(tree.commune_a1, name="Chi bộ mới", code="B-NEW", kind="branch")
    request = verification.request_create(
        actor=officer,
        case=make_case(person=make_person(org_unit=cell), holding_unit=tree.commune_a1),
        data=verification.RequestInput(
            legal_basis="HD 06",
            purpose="thẩm tra lý lịch",
            questions="Lịch sử chính trị",
            addressee_unit=tree.commune_b1,
        ),
    )
    b_data = json.loads(b_identity.read_text())
    services.peer_pin(actor=operator, data=b_data, fingerprint=b_data["fingerprint"])
    peer = Peer.objects.get(site_id="B")
    assert [p.item_id("A") for p in services.pending_items(services.require_site(), peer)] == [
        f"A/request/{request.pk}"
    ]
    # when A exports, B imports and answers, B exports the reply, A imports receipt and reply
    sent = services.bundle_export(actor=operator, peer=peer)
    out = b.python(
        B_ANSWER.format(
            bundle=str(services.exchange_dir() / sent.file_name),
            receipt=str(tmp_path / "receipt-1.bvct"),
            reply=str(tmp_path / "reply.bvct"),
        )
    )
    services.bundle_import(actor=operator, data=(tmp_path / "receipt-1.bvct").read_bytes())
    received = services.bundle_import(actor=operator, data=(tmp_path / "reply.bvct").read_bytes())
    # then B held a mirror of the request, with its letter, and answered it in its inbox
    assert f"mirror {request.reference} sent {request.case.person.full_name} True X-A1" in out
    # and on A the request is answered with B's numbered certification letter
    request.refresh_from_db()
    assert request.status == VerificationRequest.Status.ANSWERED
    assert request.reply_outcome == "certified"
    assert request.reply_reference.startswith("Số 01-CV/")
    assert request.reply_document is not None
    assert request.reply_document.content_type.endswith("wordprocessingml.document")
    # and both sides know their items were delivered
    assert OutboundItem.objects.get(peer=peer).status == OutboundItem.Status.DELIVERED
    sent.refresh_from_db()
    assert sent.status == Bundle.Status.RECEIPTED
    assert [i["outcome"] for i in sent.items] == ["applied"]
    assert received.status == Bundle.Status.APPLIED
    assert received.receipt.kind == Bundle.Kind.RECEIPT
    # and every step is an audit event on A
    actions = list(
        AuditEvent.objects.filter(action__startswith="exchange.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "exchange.site.init",
        "exchange.peer.pin",
        "exchange.bundle.export",
        "exchange.receipt.import",
        "exchange.bundle.import",
        "exchange.receipt.create",
    ]
    # and importing the reply again is refused as a replay, changing nothing
    with pytest.raises(BundleError, match="đã được nhập"):
        services.bundle_import(actor=operator, data=(tmp_path / "reply.bvct").read_bytes())
    assert Bundle.objects.filter(direction="in").count() == 2

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.chain import GENESIS_HASH
from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record, changes
from bvct.audit.tests.factories import append
from bvct.audit.verify import event_hash, verify_chain
from bvct.core.context import RequestMeta, current_request_meta
from conftest import Tree


@pytest.mark.django_db
def test_appends_produce_a_linear_chain() -> None:
    # when
    events = append(4)
    # then every event follows the one before it
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert [seq for seq, _, _ in rows] == [1, 2, 3, 4]
    assert rows[0][1] == GENESIS_HASH
    assert [prev for _, prev, _ in rows[1:]] == [h for _, _, h in rows[:-1]]
    assert [e.hash for e in events] == [h for _, _, h in rows]
    assert verify_chain().line() == f"OK: 4 events, head #4 {rows[-1][2]}"


def test_changes_names_changed_fields_only() -> None:
    # when
    summary = changes({"name": "A", "code": "X", "gone": 1}, {"name": "B", "code": "X", "new": 2})
    # then
    assert summary == {
        "old": {"gone": 1, "name": "A", "new": None},
        "new": {"gone": None, "name": "B", "new": 2},
    }


def test_changes_never_copies_sensitive_values() -> None:
    # when a sensitive field changes
    summary = changes(
        {"full_name": "Nguyễn Văn A", "clearance": 1},
        {"full_name": "Nguyễn Văn B", "clearance": 2},
        sensitive=frozenset({"full_name"}),
    )
    # then the log says that it changed, not from what to what
    assert summary == {
        "old": {"clearance": 1, "full_name": "[changed]"},
        "new": {"clearance": 2, "full_name": "[changed]"},
    }
    assert "Nguyễn" not in str(summary)


@pytest.mark.django_db
def test_passwords_and_secrets_never_reach_the_log() -> None:
    # when a caller passes secrets (by mistake) in the summary
    event = audit_record(
        actor=None,
        action="test.secret",
        data={
            "password": "hunter2-hunter2",
            "new": {"api_token": "t0k3n", "Password2": "x", "secrets": {"pin": 1234}},
            "note": "[changed]",
            "old": {"password": "[changed]"},
        },
    )
    # then the values are masked, and markers stay as they are
    assert AuditEvent.objects.get(seq=event.seq).data == {
        "password": "[redacted]",
        "new": {"api_token": "[redacted]", "Password2": "[redacted]", "secrets": "[redacted]"},
        "note": "[changed]",
        "old": {"password": "[changed]"},
    }


@pytest.mark.django_db
def test_record_stores_request_meta_and_json_safe_values(tree: Tree) -> None:
    # given a request with an id and an IPv6 address written the long way
    actor = make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,))
    token = current_request_meta.set(
        RequestMeta(request_id="req-00000001", ip="2001:0DB8:0000:0000:0000:0000:0000:0001")
    )
    try:
        # when
        event = audit_record(
            actor=actor,
            action="orgs.unit.update",
            target=tree.commune_a1,
            org_unit=tree.prov_a,
            data={"day": dt.date(2026, 1, 31), "amount": decimal.Decimal("1.50"), "nul": "a\x00b"},
        )
    finally:
        current_request_meta.reset(token)
    # then
    stored = AuditEvent.objects.get(seq=event.seq)
    assert (stored.actor_id, stored.target_type, stored.target_id, stored.org_unit_id) == (
        actor.pk,
        "orgs.orgunit",
        str(tree.commune_a1.pk),
        tree.prov_a.pk,
    )
    assert (stored.request_id, stored.ip) == ("req-00000001", "2001:db8::1")
    assert stored.data == {"day": "2026-01-31", "amount": "1.50", "nul": "a\ufffdb"}
    assert event_hash(stored) == stored.hash


@pytest.mark.django_db
def test_an_invalid_client_address_is_not_stored() -> None:
    token = current_request_meta.set(RequestMeta(request_id="", ip="not-an-ip"))
    try:
        event = audit_record(actor=None, action="test.ip")
    finally:
        current_request_meta.reset(token)
    assert AuditEvent.objects.get(seq=event.seq).ip is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action", ["Orgs.Unit", "orgs", "orgs..unit", "orgs.unit ", "a." + "b" * 63]
)
def test_malformed_action_names_are_refused(action: str) -> None:
    with pytest.raises(ValueError, match="dotted lower-case words"):
        audit_record(actor=None, action=action)
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_non_finite_numbers_are_refused_before_anything_is_written() -> None:
    with pytest.raises(ValueError, match="Out of range float values"):
        audit_record(actor=None, action="test.nan", data={"x": float("inf")})
    assert AuditEvent.objects.count() == 0

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent, ChainVerification
from bvct.audit.services import audit_record, changes
from bvct.audit.tests.conftest import client_for
from bvct.audit.tests.factories import append, as_attacker
from conftest import Tree

LIST = reverse("audit:event-list")
VERIFY = reverse("audit:chain-verify")
HTMX = {"HX-Request": "true"}


def listed(response: object) -> list[int]:
    return [event.seq for event in response.context["page"].object_list]  # type: ignore[attr-defined]


@pytest.fixture
def spread(tree: Tree) -> dict[str, int]:
    """One event per place: national, province A, a commune of A, province B."""
    return {
        "national": audit_record(actor=None, action="orgs.tree.load").seq,
        "prov_a": audit_record(actor=None, action="orgs.unit.update", org_unit=tree.prov_a).seq,
        "commune_a1": audit_record(
            actor=None, action="orgs.unit.create", org_unit=tree.commune_a1
        ).seq,
        "prov_b": audit_record(actor=None, action="orgs.unit.update", org_unit=tree.prov_b).seq,
    }


# --- list -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_the_auditors_subtree_only(auditor: User, spread: dict[str, int]) -> None:
    with translation.override("vi"):
        response = client_for(auditor).get(LIST)
    assert response.status_code == 200
    assert listed(response) == [spread["commune_a1"], spread["prov_a"]]
    assert "Nhật ký kiểm soát" in response.content.decode()
    assert 'data-testid="audit-filter"' in response.content.decode()


@pytest.mark.django_db
def test_national_auditor_also_sees_events_without_a_unit(
    national_auditor: User, spread: dict[str, int]
) -> None:
    response = client_for(national_auditor).get(LIST)
    assert listed(response) == [4, 3, 2, 1]


@pytest.mark.django_db
def test_list_shows_vietnamese_time(auditor: User, tree: Tree) -> None:
    # given an event at 17:30:05 UTC, which is 00:30:05 the next day in Hà Nội
    with time_machine.travel(dt.datetime(2026, 1, 31, 17, 30, 5, tzinfo=dt.UTC), tick=False):
        audit_record(actor=None, action="orgs.unit.update", org_unit=tree.prov_a)
    # when
    response = client_for(auditor).get(LIST)
    # then
    assert "01/02/2026 00:30:05" in response.content.decode()


@pytest.mark.django_db
def test_date_filters_use_vietnamese_days(auditor: User, tree: Tree) -> None:
    # given events late on 31/01 and early on 01/02 (Vietnamese time)
    for moment in (
        dt.datetime(2026, 1, 31, 16, 59, 59, tzinfo=dt.UTC),  # 31/01 23:59:59 +07
        dt.datetime(2026, 1, 31, 17, 0, 0, tzinfo=dt.UTC),  # 01/02 00:00:00 +07
        dt.datetime(2026, 2, 2, 1, 0, 0, tzinfo=dt.UTC),  # 02/02 08:00 +07
    ):
        with time_machine.travel(moment, tick=False):
            audit_record(actor=None, action="test.day", org_unit=tree.prov_a)
    client = client_for(auditor)
    # then
    assert listed(client.get(LIST, {"date_to": "31/01/2026"})) == [1]
    assert listed(client.get(LIST, {"date_from": "01/02/2026"})) == [3, 2]
    assert listed(client.get(LIST, {"date_from": "01/02/2026", "date_to": "01/02/2026"})) == [2]


@pytest.mark.django_db
def test_filters_by_action_actor_target_and_unit(auditor: User, tree: Tree) -> None:
    # given
    actor = make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,), username="a.admin")
    first = audit_record(
        actor=actor, action="orgs.unit.update", target=tree.commune_a1, org_unit=tree.commune_a1
    )
    audit_record(actor=None, action="orgs.unit_merge.done", org_unit=tree.commune_a2)
    audit_record(actor=None, action="accounts.user.update", target=actor, org_unit=tree.prov_a)
    audit_record(actor=actor, action="orgs.unit.create", org_unit=tree.grassroots_a1)
    client = client_for(auditor)
    # then
    assert listed(client.get(LIST, {"action": "orgs.unit"})) == [4, 1]
    assert listed(client.get(LIST, {"action": "orgs.unit.update"})) == [1]
    assert listed(client.get(LIST, {"action": "orgs"})) == [4, 2, 1]
    assert listed(client.get(LIST, {"actor": "A.Admin"})) == [4, 1]
    assert listed(client.get(LIST, {"target_type": "orgs.orgunit"})) == [1]
    assert listed(
        client.get(LIST, {"target_type": "accounts.user", "target_id": str(actor.pk)})
    ) == [3]
    assert listed(client.get(LIST, {"target_id": first.target_id})) == [1]
    assert listed(client.get(LIST, {"org_unit": "x-a1"})) == [4, 1]  # X-A1 and below


@pytest.mark.django_db
def test_invalid_filters_say_what_and_where(auditor: User, tree: Tree) -> None:
    # given
    append(1, org_unit=tree.prov_a)
    client = client_for(auditor)
    # when
    with translation.override("vi"):
        bad_date = client.get(LIST, {"date_from": "2026-31-01"})
        reversed_range = client.get(LIST, {"date_from": "02/02/2026", "date_to": "01/02/2026"})
        outside = client.get(LIST, {"org_unit": "T-B"})
    # then
    assert listed(bad_date) == []
    assert bad_date.context["form"].errors == {
        "date_from": ["Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/01/2026."]
    }
    assert reversed_range.context["form"].errors == {
        "date_to": ["Đến ngày: 01/02/2026 trước Từ ngày 02/02/2026."]
    }
    assert outside.context["form"].errors == {
        "org_unit": ["Mã đơn vị: không có đơn vị mã “T-B” trong phạm vi của bạn."]
    }
    assert "Mã đơn vị: không có đơn vị mã" in outside.content.decode()


@pytest.mark.django_db
def test_list_is_paginated(auditor: User, tree: Tree) -> None:
    append(51, org_unit=tree.prov_a)
    client = client_for(auditor)
    first = client.get(LIST, {"action": "test"})
    second = client.get(LIST, {"action": "test", "page": "2"})
    assert listed(first) == list(range(51, 1, -1))
    assert listed(second) == [1]
    assert "?action=test&amp;page=2" in first.content.decode()


@pytest.mark.django_db
def test_htmx_gets_only_the_results(auditor: User, tree: Tree) -> None:
    append(2, org_unit=tree.prov_a)
    response = client_for(auditor).get(LIST, {"action": "test"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="audit-results"')
    assert "<html" not in body
    assert body.count('data-testid="audit-row"') == 2


@pytest.mark.django_db
def test_list_query_budget(
    auditor: User, tree: Tree, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    append(30, org_unit=tree.prov_a, actor=auditor)
    client = client_for(auditor)
    # session, user, roles, actor's unit (scope), count, page
    # +1: the second-factor check (the device that verified the session)
    with django_assert_num_queries(7):
        client.get(LIST)


@pytest.mark.django_db
def test_non_auditors_are_refused_the_list(officer: User, tree: Tree) -> None:
    append(1, org_unit=tree.prov_a)
    assert client_for(officer).get(LIST).status_code == 403
    assert TwoFactorClient().get(LIST).status_code == 302
    assert AuditEvent.objects.count() == 1


# --- detail -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_every_field_and_the_change_table(auditor: User, tree: Tree) -> None:
    # given
    actor = make_user(
        org_unit=tree.prov_a, roles=(RoleCode.ADMIN,), username="a.admin", full_name="Trần Văn Quản"
    )
    event = audit_record(
        actor=actor,
        action="orgs.unit.update",
        target=tree.commune_a1,
        org_unit=tree.commune_a1,
        data={
            **changes({"name": "Xã Cũ", "clearance": 1}, {"name": "Xã Mới", "clearance": None}),
            "reason": "sáp nhập",
        },
    )
    # when
    with translation.override("vi"):
        response = client_for(auditor).get(reverse("audit:event-detail", args=[event.seq]))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert [(r.field, r.old, r.new) for r in response.context["event"].change_rows()] == [
        ("clearance", "1", "—"),
        ("name", "Xã Cũ", "Xã Mới"),
    ]
    for text in (
        "orgs.unit.update",
        "a.admin (Trần Văn Quản)",
        "Xã A1 (X-A1)",
        "Xã Cũ",
        "Xã Mới",
        "sáp nhập",
        event.hash,
        event.prev_hash,
        "orgs.orgunit",
        "Điều gì đã thay đổi",
    ):
        assert text in body


@pytest.mark.django_db
def test_detail_of_an_event_with_plain_data(national_auditor: User) -> None:
    event = audit_record(actor=None, action="orgs.tree.load", data={"created": 3})
    response = client_for(national_auditor).get(reverse("audit:event-detail", args=[event.seq]))
    assert response.context["event"].other_data() == [("created", "3")]
    assert "hệ thống" in response.content.decode() or "system" in response.content.decode()


@pytest.mark.django_db
def test_detail_out_of_scope_is_404_like_a_missing_one(
    auditor: User, spread: dict[str, int]
) -> None:
    client = client_for(auditor)
    assert client.get(reverse("audit:event-detail", args=[spread["prov_b"]])).status_code == 404
    assert client.get(reverse("audit:event-detail", args=[spread["national"]])).status_code == 404
    assert client.get(reverse("audit:event-detail", args=[999])).status_code == 404


@pytest.mark.django_db
def test_non_auditors_are_refused_the_detail(officer: User, spread: dict[str, int]) -> None:
    response = client_for(officer).get(reverse("audit:event-detail", args=[spread["prov_a"]]))
    assert response.status_code == 403
    assert AuditEvent.objects.count() == 4


# --- verification -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_page_before_any_verification(auditor: User) -> None:
    with translation.override("vi"):
        response = client_for(auditor).get(VERIFY)
    assert response.status_code == 200
    assert 'data-testid="verify-never"' in response.content.decode()
    assert "Nhật ký kiểm soát chưa từng được kiểm tra." in response.content.decode()


@pytest.mark.django_db
def test_verify_now_records_the_run_and_shows_it(auditor: User, tree: Tree) -> None:
    # given
    append(3, org_unit=tree.prov_a)
    client = client_for(auditor)
    # when
    with translation.override("vi"):
        response = client.post(VERIFY, {"confirm": "verify"}, follow=True)
    # then
    body = response.content.decode()
    record = ChainVerification.objects.get()
    assert (record.actor_id, record.is_ok, record.checked, record.head_seq) == (
        auditor.pk,
        True,
        3,
        3,
    )
    event = AuditEvent.objects.get(seq=4)
    assert (event.action, event.actor_id, event.org_unit_id) == (
        "audit.chain.verify",
        auditor.pk,
        tree.prov_a.pk,
    )
    assert response.redirect_chain == [(VERIFY, 302)]
    assert "Chuỗi còn nguyên vẹn." in body
    assert '<dd class="col-sm-8" data-testid="verify-checked">3</dd>' in body


@pytest.mark.django_db
def test_verify_now_with_htmx_returns_the_result_panel(auditor: User, tree: Tree) -> None:
    append(2, org_unit=tree.prov_a)
    with as_attacker():
        AuditEvent.objects.filter(seq=2).update(data={"n": 7})
    response = client_for(auditor).post(VERIFY, {"confirm": "verify"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="verify-result"')
    assert 'data-testid="verify-first-bad">#2</dd>' in body
    assert reverse("audit:event-detail", args=[2]) in body  # the bad event is in scope: linked


@pytest.mark.django_db
def test_a_bad_event_out_of_scope_is_named_but_not_linked(auditor: User, tree: Tree) -> None:
    append(1, org_unit=tree.prov_b)
    with as_attacker():
        AuditEvent.objects.filter(seq=1).update(data={"n": 7})
    response = client_for(auditor).post(VERIFY, {"confirm": "verify"}, headers=HTMX)
    assert 'data-testid="verify-first-bad">#1</dd>' in response.content.decode()
    assert reverse("audit:event-detail", args=[1]) not in response.content.decode()


@pytest.mark.django_db
def test_an_empty_post_verifies_nothing(auditor: User) -> None:
    response = client_for(auditor).post(VERIFY)
    assert response.status_code == 400
    assert ChainVerification.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_non_auditors_cannot_verify(officer: User) -> None:
    response = client_for(officer).post(VERIFY, {"confirm": "verify"})
    assert response.status_code == 403
    assert ChainVerification.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# --- home page attention ----------------------------------------------------------------------


@pytest.mark.django_db
def test_home_tells_auditors_about_verification(auditor: User, officer: User, tree: Tree) -> None:
    home = reverse("core:home")
    auditor_client = client_for(auditor)
    with translation.override("vi"):
        # never verified
        assert (
            "Nhật ký kiểm soát chưa từng được kiểm tra" in auditor_client.get(home).content.decode()
        )
        assert (
            "Nhật ký kiểm soát"
            not in client_for(officer).get(home).content.decode().split('id="attention"')[1]
        )
        # verified just now: nothing to say
        with time_machine.travel(dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC), tick=False):
            auditor_client.post(VERIFY, {"confirm": "verify"})
            assert 'data-testid="attention-empty"' in auditor_client.get(home).content.decode()
        # eight days later: stale
        with time_machine.travel(dt.datetime(2026, 3, 9, 8, 0, 1, tzinfo=dt.UTC), tick=False):
            body = auditor_client.get(home).content.decode()
            assert "Nhật ký kiểm soát chưa được kiểm tra trong hơn 7 ngày" in body
        # a failed verification
        with as_attacker():
            AuditEvent.objects.filter(seq=1).update(data={})
        auditor_client.post(VERIFY, {"confirm": "verify"})
        body = auditor_client.get(home).content.decode()
        assert "Lần kiểm tra nhật ký kiểm soát gần nhất phát hiện can thiệp" in body
        assert "text-bg-danger" in body

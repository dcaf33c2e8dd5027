"""Travel abroad: routing to one or both committees, approvals and refusals, the return report
due in working days across holidays, overdue detection, short reports, and member isolation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bvct.access import policy
from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.core.errors import AccessDenied, DomainError
from bvct.people.models import Relative
from bvct.people.tests.factories import make_person, make_relative
from bvct.travel import services
from bvct.travel.models import TravelApplication, TravelLimit
from bvct.travel.tests.conftest import People, trip
from bvct.workdays.calendar import add_working_days
from conftest import Tree

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
S = TravelApplication.Status


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=HANOI))


def test_routing_to_the_managing_committee_and_where_the_member_is_active(
    tree: Tree, people: People
) -> None:
    person = people.person
    assert services.managing_committee(tree.branch_a1) == tree.grassroots_a1
    assert services.committees_for(person, None) == [tree.grassroots_a1]
    assert services.committees_for(person, tree.grassroots_a1) == [tree.grassroots_a1]
    assert services.committees_for(person, tree.commune_b1) == [tree.grassroots_a1, tree.commune_b1]


def test_both_committees_must_approve(tree: Tree, people: People) -> None:
    with at(D(2026, 12, 3)):
        application = services.application_submit(
            actor=people.member,
            person=people.person,
            data=trip(active_unit=tree.commune_b1),
        )
        assert application.on_paper is False
        assert [d.committee for d in application.decisions.all()] == [
            tree.grassroots_a1,
            tree.commune_b1,
        ]
        with pytest.raises(DomainError):  # no decision before the chi bộ's opinion
            services.committee_decide(
                actor=people.approver,
                application=application,
                committee=tree.grassroots_a1,
                approve=True,
            )
        services.branch_opinion(actor=people.clerk, application=application, opinion="Đồng ý.")
        # an approver elsewhere may not decide for either committee
        with pytest.raises(AccessDenied):
            services.committee_decide(
                actor=people.approver_a2,
                application=application,
                committee=tree.grassroots_a1,
                approve=True,
            )
        first = services.committee_decide(
            actor=people.approver,
            application=application,
            committee=tree.grassroots_a1,
            approve=True,
        )
        assert first.status == S.AWAITING_DECISION  # still waiting for the second committee
        both = services.committee_decide(
            actor=people.approver_b,
            application=application,
            committee=tree.commune_b1,
            approve=True,
        )
        assert both.status == S.APPROVED


def test_a_refusal_needs_a_reason_and_ends_the_application(tree: Tree, people: People) -> None:
    with at(D(2026, 12, 3)):
        application = services.application_submit(
            actor=people.clerk, person=people.person, data=trip()
        )
        assert application.on_paper is True
        services.branch_opinion(
            actor=people.clerk, application=application, opinion="Không đồng ý."
        )
        with pytest.raises(DomainError) as raised:
            services.committee_decide(
                actor=people.approver,
                application=application,
                committee=tree.grassroots_a1,
                approve=False,
            )
        assert raised.value.field == "reason"
        refused = services.committee_decide(
            actor=people.approver,
            application=application,
            committee=tree.grassroots_a1,
            approve=False,
            reason="Đang trong thời gian xem xét kỷ luật.",
        )
    assert refused.status == S.REFUSED


def test_input_rules_name_the_field(tree: Tree, people: People) -> None:
    father = make_relative(person=people.person, relationship=Relative.Relationship.FATHER)
    cases = [
        (trip(countries=" "), "countries"),
        (trip(returns_on=D(2027, 1, 1)), "returns_on"),
        (trip(classified_material=True), "classified_note"),
        (trip(relatives=[father]), "relatives_commitment"),
        (trip(funding="foreign"), "funding_note"),
        (trip(departs_on=D(2026, 1, 1), returns_on=D(2026, 1, 2)), "departs_on"),
    ]
    with at(D(2026, 12, 3)):
        for data, field in cases:
            with pytest.raises(DomainError) as raised:
                services.application_submit(actor=people.member, person=people.person, data=data)
            assert raised.value.field == field
    assert not TravelApplication.objects.exists()


def test_return_report_due_in_working_days_across_tet_and_overdue(
    tree: Tree, people: People
) -> None:
    TravelLimit.objects.get_or_create(
        valid_from=D(2022, 8, 5), defaults={"working_days": 7, "legal_basis": "x"}
    )
    with at(D(2026, 2, 2)):
        application = services.application_submit(
            actor=people.member,
            person=people.person,
            data=trip(departs_on=D(2026, 2, 5), returns_on=D(2026, 2, 13)),
        )
        services.branch_opinion(actor=people.clerk, application=application, opinion="Đồng ý.")
        services.committee_decide(
            actor=people.approver,
            application=application,
            committee=tree.grassroots_a1,
            approve=True,
        )
    with at(D(2026, 2, 14)):
        application = services.reentry_record(
            actor=people.member, application=application, day=D(2026, 2, 13)
        )
    due = add_working_days(D(2026, 2, 13), 7)
    assert application.report_due_on == due
    assert due > D(2026, 2, 13) + dt.timedelta(days=9)  # the Tết break is not counted
    assert services.overdue_reports(today=due) == []
    assert services.overdue_reports(today=due + dt.timedelta(days=1)) == [application]
    with at(due + dt.timedelta(days=3)):
        services.report_submit(
            actor=people.member, application=application, content="Đi du lịch cùng gia đình."
        )
    assert services.overdue_reports(today=due + dt.timedelta(days=5)) == []


def test_a_member_sees_only_their_own(tree: Tree, people: People) -> None:
    with at(D(2026, 12, 3)):
        mine = services.application_submit(actor=people.member, person=people.person, data=trip())
        other_member = make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,))
        other_person = make_person(org_unit=tree.branch_a1, account=other_member)
        theirs = services.application_submit(actor=other_member, person=other_person, data=trip())
        with pytest.raises(AccessDenied):
            services.application_submit(actor=other_member, person=people.person, data=trip())
    assert list(policy.travel_visible_to(people.member)) == [mine]
    assert theirs in policy.travel_visible_to(people.clerk)
    assert mine not in policy.travel_visible_to(people.approver_a2)


def test_short_reports_get_a_receipt(people: People) -> None:
    report = services.short_report_submit(
        actor=people.member,
        person=people.person,
        kind="contact",
        happened_on=D(2026, 11, 30),
        counterpart="Đại diện một tổ chức phi chính phủ",
        content="Gặp tại hội thảo, trao đổi về chuyên môn.",
    )
    assert report.receipt.startswith("BN-")
    with pytest.raises(DomainError):
        services.short_report_submit(
            actor=people.member,
            person=people.person,
            kind="award",
            happened_on=D(2099, 1, 1),
            counterpart="X",
            content="Y",
        )


def test_classified_material_needs_its_own_approval(tree: Tree, people: People) -> None:
    with at(D(2026, 12, 3)):
        application = services.application_submit(
            actor=people.member,
            person=people.person,
            data=trip(classified_material=True, classified_note="Tài liệu hội thảo (Mật)"),
        )
        services.branch_opinion(actor=people.clerk, application=application, opinion="Đồng ý.")
        approved = services.committee_decide(
            actor=people.approver,
            application=application,
            committee=tree.grassroots_a1,
            approve=True,
        )
        assert approved.status == S.AWAITING_DECISION  # the material is not approved yet
        with pytest.raises(AccessDenied):  # the approver has no clearance
            services.classified_decide(actor=people.approver, application=application, approve=True)
        cleared = make_user(org_unit=tree.commune_a1, roles=(RoleCode.APPROVER,), clearance=1)
        with pytest.raises(DomainError) as raised:
            services.classified_decide(actor=cleared, application=application, approve=False)
        assert raised.value.field == "reason"
        done = services.classified_decide(actor=cleared, application=application, approve=True)
    assert (done.status, done.classified_approved, done.classified_approved_by) == (
        S.APPROVED,
        True,
        cleared,
    )

"""Travel pages and API: the member's own trips only, the staff lists of the subtree, the
overdue list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.people.tests.factories import make_person
from bvct.travel import services
from bvct.travel.models import TravelApplication
from bvct.travel.tests.conftest import People, trip
from conftest import Tree

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def _apply_form(**overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    values = {
        "purpose": "family",
        "countries": "Hàn Quốc",
        "departs_on": (today + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
        "returns_on": (today + dt.timedelta(days=20)).strftime("%d/%m/%Y"),
        "funding": "self",
    }
    values.update(overrides)
    return values


def test_the_member_applies_and_sees_only_their_own(tree: Tree, people: People) -> None:
    member = client_for(people.member)
    bad = member.post(reverse("travel:apply"), _apply_form(departs_on="31/02/2027"))
    assert bad.status_code == 200
    assert 'data-testid="form-error"' in bad.content.decode()
    assert not TravelApplication.objects.exists()
    response = member.post(reverse("travel:apply"), _apply_form())
    mine = TravelApplication.objects.get()
    assert response["Location"] == reverse("travel:my-detail", args=[mine.pk])
    # another member's trip answers 404, and the API lists only mine
    other = make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,))
    other_person = make_person(org_unit=tree.branch_a1, account=other)
    theirs = services.application_submit(
        actor=other,
        person=other_person,
        data=trip(
            departs_on=timezone.localdate() + dt.timedelta(days=3),
            returns_on=timezone.localdate() + dt.timedelta(days=5),
        ),
    )
    assert member.get(reverse("travel:my-detail", args=[theirs.pk])).status_code == 404
    assert [row["id"] for row in member.get(reverse("api:travel-list")).json()] == [mine.pk]


def test_staff_lists_pending_and_overdue(tree: Tree, people: People) -> None:
    today = timezone.localdate()
    application = services.application_submit(
        actor=people.clerk,
        person=people.person,
        data=trip(departs_on=today, returns_on=today),
    )
    clerk = client_for(people.clerk)
    page = clerk.get(reverse("travel:lists")).content.decode()
    assert people.person.full_name in page
    services.branch_opinion(actor=people.clerk, application=application, opinion="Đồng ý.")
    services.committee_decide(
        actor=people.approver, application=application, committee=tree.grassroots_a1, approve=True
    )
    # ten days after the planned return with no report, the trip is on the overdue list
    TravelApplication.objects.filter(pk=application.pk).update(
        departs_on=today - dt.timedelta(days=30), returns_on=today - dt.timedelta(days=20)
    )
    page = clerk.get(reverse("travel:lists")).content.decode()
    assert 'data-testid="overdue-row"' in page
    # an approver of a sibling commune sees nothing of it
    assert (
        client_for(people.approver_a2)
        .get(reverse("travel:detail", args=[application.pk]))
        .status_code
        == 404
    )
    assert (
        'data-testid="overdue-row"'
        not in client_for(people.approver_a2).get(reverse("travel:lists")).content.decode()
    )


def test_a_clerk_enters_a_paper_application(tree: Tree, people: People) -> None:
    clerk = client_for(people.clerk)
    url = reverse("travel:paper", args=[people.person.pk])
    assert clerk.get(url).status_code == 200
    response = clerk.post(url, _apply_form())
    application = TravelApplication.objects.get()
    assert response["Location"] == reverse("travel:detail", args=[application.pk])
    assert (application.on_paper, application.entered_by) == (True, people.clerk)
    # an approver does not keep dossiers; a clerk elsewhere does not see the person
    assert client_for(people.approver).get(url).status_code == 403
    stranger = make_user(org_unit=tree.commune_b1, roles=(RoleCode.CLERK,))
    assert client_for(stranger).get(url).status_code == 404


def test_reminder_before_the_report_is_due_and_home_alerts(tree: Tree, people: People) -> None:
    from bvct.travel.models import TravelLimit  # noqa: PLC0415
    from bvct.travel.selectors import travel_attention  # noqa: PLC0415
    from bvct.workdays.calendar import add_working_days  # noqa: PLC0415

    TravelLimit.objects.get_or_create(
        valid_from=dt.date(2022, 8, 5), defaults={"working_days": 7, "legal_basis": "x"}
    )
    today = timezone.localdate()
    application = services.application_submit(
        actor=people.member, person=people.person, data=trip(departs_on=today, returns_on=today)
    )
    services.branch_opinion(actor=people.clerk, application=application, opinion="Đồng ý.")
    services.committee_decide(
        actor=people.approver, application=application, committee=tree.grassroots_a1, approve=True
    )
    application = services.reentry_record(actor=people.member, application=application, day=today)
    due = application.report_due_on
    assert due == add_working_days(today, 7)
    assert services.remind_reports(today=today) == []
    day_before = add_working_days(today, 5)  # two working days before the due date
    assert services.remind_reports(today=day_before) == [application]
    assert services.remind_reports(today=day_before) == []

    def counts(user: User) -> dict[str, int]:
        with translation.override("en"):
            return {str(i.label): i.count for i in travel_attention(user)}

    assert counts(people.member)["Return reports to send"] == 1
    assert counts(people.clerk)["Travel applications waiting"] == 0


def test_the_classified_material_form_for_a_cleared_approver(tree: Tree, people: People) -> None:
    today = timezone.localdate()
    application = services.application_submit(
        actor=people.member,
        person=people.person,
        data=trip(
            departs_on=today, returns_on=today, classified_material=True, classified_note="Mật"
        ),
    )
    services.branch_opinion(actor=people.clerk, application=application, opinion="Đồng ý.")
    cleared = make_user(org_unit=tree.commune_a1, roles=(RoleCode.APPROVER,), clearance=1)
    url = reverse("travel:detail", args=[application.pk])
    assert 'data-testid="classified-form"' in client_for(cleared).get(url).content.decode()
    assert (
        'data-testid="classified-form"' not in client_for(people.approver).get(url).content.decode()
    )
    client_for(cleared).post(reverse("travel:classified", args=[application.pk]), {"approve": "1"})
    application.refresh_from_db()
    assert application.classified_approved is True

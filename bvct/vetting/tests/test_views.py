"""Case pages: every template rendered, actions offered only when allowed, the member portal."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.people.tests.factories import make_person
from bvct.vetting.models import Case, CaseType, ClockEvent, Purpose, Status
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.vetting.tests.helpers import nothing_changes
from conftest import Tree


def client_for(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def test_inbox_shows_the_four_lists(tree: Tree, actors: Actors) -> None:
    mine = make_case(person=actors.subject, holding_unit=tree.commune_a1, assignee=actors.clerk)
    response = client_for(actors.clerk).get(reverse("cases:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    for testid in ("inbox-overdue", "inbox-due-soon", "inbox-assigned", "inbox-unassigned"):
        assert f'data-testid="{testid}"' in body
    assert body.count(f'data-case="{mine.pk}"') == 1
    assert [t.name for t in response.templates][:2] == ["vetting/inbox.html", "base.html"]


def test_case_list_filters_and_htmx_partial(tree: Tree, actors: Actors) -> None:
    admission = make_case(person=actors.subject)
    appraisal = make_case(
        person=actors.subject, case_type=CaseType.APPRAISAL, purpose=Purpose.KEY_POST
    )
    client = client_for(actors.officer)
    full = client.get(reverse("cases:case-list"), {"case_type": "appraisal"})
    assert full.status_code == 200
    assert f'data-case="{appraisal.pk}"' in full.content.decode()
    assert f'data-case="{admission.pk}"' not in full.content.decode()
    partial = client.get(reverse("cases:case-list"), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert f'data-case="{admission.pk}"' in body
    assert f'data-case="{appraisal.pk}"' in body


def test_case_list_query_budget(tree: Tree, actors: Actors, django_assert_num_queries) -> None:
    for _ in range(4):
        make_case(org_unit=tree.grassroots_a1)
    client = client_for(actors.officer)
    client.get(reverse("cases:case-list"))  # warm the session
    # session, user, roles, the user's unit, count, page, calendar overrides
    # +1: the second-factor check (the device that verified the session)
    with django_assert_num_queries(8):
        response = client.get(reverse("cases:case-list"), HTTP_HX_REQUEST="true")
    assert response.content.decode().count('data-testid="case-row"') == 4


def test_detail_offers_only_allowed_transitions(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    url = case.get_absolute_url()
    clerk_page = client_for(actors.clerk).get(url).content.decode()
    approver_page = client_for(actors.approver).get(url).content.decode()
    inspector_page = client_for(actors.inspector).get(url).content.decode()
    assert 'data-testid="action-verifying"' in clerk_page
    assert 'data-testid="action-withdrawn"' not in clerk_page
    assert 'data-testid="action-verifying"' not in approver_page
    assert 'data-testid="action-withdrawn"' in approver_page
    assert 'data-testid="actions"' not in inspector_page
    assert 'data-testid="claim"' not in inspector_page


def test_detail_explains_blocked_steps(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    body = client_for(actors.clerk).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="action-resolved"' not in body
    assert body.count('data-testid="blocked"') == 1


def test_htmx_transition_returns_the_status_panel(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    response = client_for(actors.clerk).post(
        reverse("cases:case-transition", args=[case.pk]),
        {"to": "verifying"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="status-panel"')
    case.refresh_from_db()
    assert case.status == Status.VERIFYING


def test_refused_transition_changes_nothing_and_reports(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    client = client_for(actors.clerk)
    with nothing_changes():
        plain = client.post(reverse("cases:case-transition", args=[case.pk]), {"to": "concluded"})
        panel = client.post(
            reverse("cases:case-transition", args=[case.pk]),
            {"to": "concluded"},
            HTTP_HX_REQUEST="true",
        )
    assert (plain.status_code, plain["Location"]) == (302, case.get_absolute_url())
    assert panel.content.decode().count('data-testid="panel-error"') == 1


def test_outsider_gets_404_and_nothing_changes(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    client = client_for(actors.outsider)
    with nothing_changes():
        assert client.get(case.get_absolute_url()).status_code == 404
        response = client.post(
            reverse("cases:case-transition", args=[case.pk]), {"to": "verifying"}
        )
    assert response.status_code == 404


def test_open_a_case_from_the_person(tree: Tree, actors: Actors) -> None:
    client = client_for(actors.clerk)
    url = reverse("cases:case-open", args=[actors.subject.pk])
    form = client.get(url)
    assert form.status_code == 200
    invalid = client.post(url, {"case_type": "appraisal", "purpose": ""})
    assert invalid.status_code == 200
    assert Case.objects.count() == 0
    response = client.post(url, {"case_type": "admission", "subject_matter": "Lý lịch"})
    case = Case.objects.get()
    assert (response.status_code, response["Location"]) == (302, case.get_absolute_url())
    assert (case.person, case.subject_matter) == (actors.subject, "Lý lịch")


def test_claim_reassign_pause_resume_from_the_page(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, holding_unit=tree.commune_a1)
    clerk, officer = client_for(actors.clerk), client_for(actors.officer)
    clerk.post(reverse("cases:case-assign", args=[case.pk]), {"assignee": actors.clerk.pk})
    page = officer.get(case.get_absolute_url()).content.decode()
    assert f'<option value="{actors.approver.pk}">' in page
    officer.post(reverse("cases:case-assign", args=[case.pk]), {"assignee": actors.approver.pk})
    clerk.post(reverse("cases:case-pause", args=[case.pk]), {"reason": "Chờ tường trình"})
    paused_page = clerk.get(case.get_absolute_url()).content.decode()
    clerk.post(reverse("cases:case-resume", args=[case.pk]))
    case.refresh_from_db()
    assert case.assignee == actors.approver
    assert 'data-testid="resume"' in paused_page
    assert list(ClockEvent.objects.values_list("kind", flat=True)) == ["pause", "resume"]
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "vetting.case.claim",
        "vetting.case.assign",
        "vetting.case.pause",
        "vetting.case.resume",
    ]


def test_extend_page_for_an_approver(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.RESOLVED)
    client = client_for(actors.approver)
    url = reverse("cases:case-extend", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="extension-rule"' in page.content.decode()
    refused = client.post(url, {"days": 40, "reason": "Cần thêm"})
    assert refused.status_code == 200
    assert case.steps.get().extensions == 0
    done = client.post(url, {"days": 10, "reason": "Cần thêm"})
    assert done.status_code == 302
    assert case.steps.get().extensions == 1


def test_checklist_decision_and_team_from_the_page(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, case_type=CaseType.HISTORY)
    client = client_for(actors.officer)
    client.post(reverse("cases:case-decision", args=[case.pk]), {"reference": "Số 5-QĐ/ĐU"})
    client.post(
        reverse("cases:case-team", args=[case.pk]), {"member": actors.officer.pk, "is_leader": "on"}
    )
    client.post(
        reverse("cases:case-checklist", args=[case.pk]), {"code": "minutes", "received": "on"}
    )
    page = client.get(case.get_absolute_url()).content.decode()
    case.refresh_from_db()
    assert case.verification_decision == "Số 5-QĐ/ĐU"
    assert list(case.team.values_list("user", "is_leader")) == [(actors.officer.pk, True)]
    assert list(case.checklist_marks.values_list("code", flat=True)) == ["minutes"]
    assert 'data-testid="team"' in page


def test_member_sees_only_their_own_cases_and_nothing_internal(tree: Tree, actors: Actors) -> None:
    # given a case about the member with internal notes, and another member's case
    own = make_case(
        person=actors.subject, assignee=actors.clerk, subject_matter="Ghi chú nội bộ bí mật"
    )
    other_member = make_user(org_unit=tree.grassroots_a1, roles=(RoleCode.MEMBER,))
    other = make_case(person=make_person(org_unit=tree.grassroots_a1, account=other_member))
    client = client_for(actors.member)
    # when
    listing = client.get(reverse("cases:my-cases")).content.decode()
    detail = client.get(reverse("cases:my-case-detail", args=[own.pk]))
    # then
    assert listing.count('data-testid="my-case"') == 1
    assert reverse("cases:my-case-detail", args=[own.pk]) in listing
    body = detail.content.decode()
    assert detail.status_code == 200
    assert own.holding_unit.name in body
    assert "Ghi chú nội bộ" not in body
    assert str(actors.clerk) not in body
    assert client.get(reverse("cases:my-case-detail", args=[other.pk])).status_code == 404
    assert client.get(own.get_absolute_url()).status_code == 403


def test_member_without_cases(tree: Tree, actors: Actors) -> None:
    body = client_for(actors.member).get(reverse("cases:my-cases")).content.decode()
    assert 'data-testid="no-case"' in body


def test_home_page_lists_case_attention_and_nav_points_to_the_inbox(
    tree: Tree, actors: Actors
) -> None:
    make_case(person=actors.subject, holding_unit=tree.commune_a1)
    response = client_for(actors.clerk).get(reverse("core:home"))
    body = response.content.decode()
    assert f'href="{reverse("cases:inbox")}"' in body
    assert [(str(i.label), i.count) for i in response.context["attention"]] == [
        ("Chưa có người nhận ở đơn vị của bạn", 1)
    ]

"""The competent authority: defaults from the tree, data overrides, the decision rule on the
service, the pages and the API, and what a unit merge does to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from bvct.access import policy
from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied
from bvct.orgs import services as org_services
from bvct.orgs.models import OrgUnit
from bvct.orgs.tests.factories import make_child
from bvct.people.tests.factories import make_person
from bvct.vetting import selectors, services
from bvct.vetting.authority import competent_unit, competent_unit_for
from bvct.vetting.models import AuthorityRule, Case, CaseType, Purpose, Status
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.vetting.tests.helpers import nothing_changes
from conftest import Tree

A, P = CaseType.APPRAISAL, Purpose


# --- defaults on the tree ------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["grassroots_a1", "branch_a1"])
def test_admission_is_decided_by_the_commune_above_grassroots(tree: Tree, where: str) -> None:
    unit = getattr(tree, where)
    assert competent_unit_for(case_type=CaseType.ADMISSION, subject_unit=unit) == tree.commune_a1
    assert competent_unit_for(case_type=CaseType.HISTORY, subject_unit=unit) == tree.commune_a1


@pytest.mark.parametrize(
    ("purpose", "expected"),
    [
        (P.KEY_POST, "prov_a"),
        (P.COMMITTEE_SEAT, "prov_a"),
        (P.CONFIDENTIAL_POST, "prov_a"),
        (P.ELECTION_CANDIDACY, "prov_a"),
        (P.PLANNING_TRAINING, "commune_a1"),
    ],
)
def test_appraisal_follows_the_cadre_management_level(
    tree: Tree, purpose: str, expected: str
) -> None:
    got = competent_unit_for(case_type=A, subject_unit=tree.branch_a1, purpose=purpose)
    assert got == getattr(tree, expected)


def test_subject_managed_at_a_province_or_commune_is_decided_there(tree: Tree) -> None:
    assert competent_unit_for(case_type=CaseType.ADMISSION, subject_unit=tree.prov_b) == tree.prov_b
    assert (
        competent_unit_for(case_type=CaseType.ADMISSION, subject_unit=tree.commune_a2)
        == tree.commune_a2
    )


def test_root_decides_when_nothing_else_fits(tree: Tree) -> None:
    grassroots = make_child(tree.root, name="Đảng bộ cơ sở TW", code="G-TW", kind="grassroots")
    got = competent_unit_for(case_type=A, subject_unit=grassroots, purpose=P.PLANNING_TRAINING)
    assert got == tree.root


# --- overrides -----------------------------------------------------------------------------------


def _rule(case_type: str, org_unit: OrgUnit, competent: OrgUnit, purpose: str = "") -> None:
    AuthorityRule.objects.create(
        case_type=case_type, purpose=purpose, org_unit=org_unit, competent_unit=competent
    )


def test_a_grassroots_committee_authorised_to_admit(tree: Tree) -> None:
    _rule(CaseType.ADMISSION, tree.grassroots_a1, tree.grassroots_a1)
    got = competent_unit_for(case_type=CaseType.ADMISSION, subject_unit=tree.branch_a1)
    assert got == tree.grassroots_a1
    # other case types keep the default
    assert competent_unit_for(case_type=CaseType.HISTORY, subject_unit=tree.branch_a1) == (
        tree.commune_a1
    )


def test_deepest_rule_wins_and_purpose_wins_at_the_same_depth(tree: Tree) -> None:
    _rule(A, tree.prov_a, tree.root)
    _rule(A, tree.commune_a1, tree.prov_a)
    _rule(A, tree.commune_a1, tree.commune_a1, purpose=P.KEY_POST)
    key = competent_unit_for(case_type=A, subject_unit=tree.branch_a1, purpose=P.KEY_POST)
    other = competent_unit_for(case_type=A, subject_unit=tree.branch_a1, purpose=P.COMMITTEE_SEAT)
    under_a2 = competent_unit_for(case_type=A, subject_unit=tree.commune_a2, purpose=P.KEY_POST)
    assert (key, other, under_a2) == (tree.commune_a1, tree.prov_a, tree.root)


def test_rule_outside_the_subjects_ancestry_is_ignored(tree: Tree) -> None:
    _rule(CaseType.ADMISSION, tree.commune_a2, tree.prov_a)
    _rule(CaseType.ADMISSION, tree.prov_b, tree.prov_b)
    got = competent_unit_for(case_type=CaseType.ADMISSION, subject_unit=tree.branch_a1)
    assert got == tree.commune_a1


def test_competent_unit_for_takes_two_queries(
    tree: Tree, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _rule(A, tree.commune_a1, tree.prov_a, purpose=P.KEY_POST)
    with django_assert_num_queries(2):
        competent_unit_for(case_type=A, subject_unit=tree.branch_a1, purpose=P.KEY_POST)


def test_a_rule_naming_a_merged_unit_points_to_its_successor(tree: Tree) -> None:
    _rule(CaseType.ADMISSION, tree.grassroots_a1, tree.commune_a2)
    tree.commune_a2.valid_to = dt.date(2026, 6, 30)
    tree.commune_a2.successor = tree.commune_a1
    tree.commune_a2.save()
    got = competent_unit_for(case_type=CaseType.ADMISSION, subject_unit=tree.branch_a1)
    assert got == tree.commune_a1


# --- opening, deciding ---------------------------------------------------------------------------


def test_case_open_stores_and_audits_the_competent_unit(tree: Tree, actors: Actors) -> None:
    case = services.case_open(
        actor=actors.clerk, person=actors.subject, case_type=A, purpose=P.KEY_POST
    )
    assert case.competent_unit == tree.prov_a
    event = AuditEvent.objects.get(action="vetting.case.open")
    assert event.data["competent_unit"] == tree.prov_a.pk


@pytest.fixture
def province_approver(tree: Tree) -> User:
    return make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,), clearance=3)


def _resolved_admission(tree: Tree, actors: Actors) -> Case:
    return make_case(person=actors.subject, status=Status.RESOLVED, competent_unit=tree.commune_a1)


def test_province_approver_may_not_decide_a_commune_admission(
    tree: Tree, actors: Actors, province_approver: User
) -> None:
    case = _resolved_admission(tree, actors)
    with nothing_changes(), pytest.raises(AccessDenied, match="Xã A1"):
        services.case_refuse(case=case, actor=province_approver, reason="Không đủ điều kiện")


def test_commune_approver_may_decide(tree: Tree, actors: Actors) -> None:
    case = _resolved_admission(tree, actors)
    services.case_refuse(case=case, actor=actors.approver, reason="Không đủ điều kiện")
    case.refresh_from_db()
    assert case.status == Status.REFUSED


def test_http_post_of_a_decision_by_the_province_is_refused(
    client: Client, tree: Tree, actors: Actors, province_approver: User
) -> None:
    case = _resolved_admission(tree, actors)
    client.force_login(province_approver)
    url = reverse("cases:case-transition", kwargs={"pk": case.pk})
    with nothing_changes():
        response = client.post(url, {"to": Status.REFUSED, "reason": "Không đủ"})
    assert response.status_code in {200, 302, 400, 403}
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    api = client.post(
        reverse("api:case-transition", kwargs={"pk": case.pk}),
        {"to": Status.REFUSED, "reason": "Không đủ"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert "Xã A1" in api.content.decode()


def test_decision_buttons_only_for_the_competent_approvers(
    client: Client, tree: Tree, actors: Actors, province_approver: User
) -> None:
    case = _resolved_admission(tree, actors)
    mine = selectors.case_detail(actor=actors.approver, case=case)
    theirs = selectors.case_detail(actor=province_approver, case=case)
    assert Status.REFUSED in {a.to for a in mine.actions}
    assert Status.REFUSED not in {a.to for a in theirs.actions}
    assert any("Xã A1" in " ".join(b.reasons) for b in theirs.blocked)
    # the page: the competent authority is named; the province sees no refuse button
    client.force_login(province_approver)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="competent-unit">Xã A1<' in page
    assert f'value="{Status.REFUSED}"' not in page
    # the API detail follows the same rule
    detail = client.get(reverse("api:case-detail", kwargs={"pk": case.pk})).json()
    assert Status.REFUSED not in {a["to"] for a in detail["actions"]}
    client.force_login(actors.approver)
    detail = client.get(reverse("api:case-detail", kwargs={"pk": case.pk})).json()
    assert Status.REFUSED in {a["to"] for a in detail["actions"]}


def test_competent_unit_is_computed_for_older_rows(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    assert case.competent_unit_id is None
    assert competent_unit(case) == tree.commune_a1


# --- unit merges ---------------------------------------------------------------------------------


def test_merge_moves_open_cases_and_rules_to_the_successor(tree: Tree, actors: Actors) -> None:
    admin = make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,))
    person = make_person(org_unit=tree.commune_a2)
    open_case = make_case(person=person, competent_unit=tree.commune_a2)
    closed = make_case(person=make_person(org_unit=tree.commune_a2), competent_unit=tree.commune_a2)
    Case.objects.filter(pk=closed.pk).update(closed_at=closed.opened_at, status=Status.REFUSED)
    _rule(CaseType.ADMISSION, tree.grassroots_a1, tree.commune_a2)
    org_services.unit_merge(
        unit=tree.commune_a2,
        successor=tree.commune_a1,
        effective_date=timezone.localdate(),
        actor=admin,
    )
    open_case.refresh_from_db()
    closed.refresh_from_db()
    assert open_case.competent_unit == tree.commune_a1
    assert open_case.holding_unit == tree.commune_a1
    assert closed.competent_unit == tree.commune_a2  # history stays
    assert AuthorityRule.objects.get().competent_unit == tree.commune_a1
    event = AuditEvent.objects.get(action="orgs.unit.merge")
    moved = event.data["records_moved"]
    assert moved["vetting.cases.held"] == 1
    assert moved["vetting.cases.competent"] == 2
    # the scope copied on the open case follows; the closed one keeps the old unit's path
    assert (open_case.holding_path, open_case.competent_path) == (tree.commune_a1.path,) * 2
    assert (closed.holding_path, closed.competent_path) == (tree.commune_a2.path,) * 2
    assert moved["vetting.cases.scope"] == 2  # both pointed into the old unit


def test_merge_moves_the_scope_of_cases_below_a_moved_child(tree: Tree, actors: Actors) -> None:
    # given a case about a member of a chi bộ under commune A1, held and decided by A1
    admin = make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,))
    case = make_case(
        person=make_person(org_unit=tree.branch_a1),
        holding_unit=tree.commune_a1,
        competent_unit=tree.commune_a1,
    )
    at_a2 = make_user(org_unit=tree.commune_a2, roles=(RoleCode.OFFICER,), clearance=3)
    assert not policy.cases_visible_to(at_a2).filter(pk=case.pk).exists()
    # when A1 merges into A2 (its grassroots organisation and chi bộ move under A2)
    org_services.unit_merge(
        unit=tree.commune_a1,
        successor=tree.commune_a2,
        effective_date=timezone.localdate(),
        actor=admin,
    )
    # then the copies are the units' new paths, and the scope follows the tree
    case.refresh_from_db()
    tree.branch_a1.refresh_from_db()
    assert tree.branch_a1.path.startswith(tree.commune_a2.path)
    assert case.subject_path == tree.branch_a1.path
    assert (case.holding_path, case.competent_path) == (tree.commune_a2.path,) * 2
    assert policy.cases_visible_to(User.objects.get(pk=at_a2.pk)).filter(pk=case.pk).exists()
    # (the merge moved A1's users to A2; an officer placed at the ended A1 now sees nothing)
    at_a1 = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=3)
    assert not policy.cases_visible_to(at_a1).filter(pk=case.pk).exists()


def test_an_authority_outside_the_subjects_ancestry_sees_what_it_decides(
    tree: Tree, actors: Actors
) -> None:
    # given a rule that gives admissions under commune A1 to commune A2 (not an ancestor)
    _rule(CaseType.ADMISSION, tree.commune_a1, tree.commune_a2)
    case = services.case_open(actor=actors.clerk, person=actors.subject, case_type="admission")
    elsewhere = make_user(org_unit=tree.commune_a2, roles=(RoleCode.APPROVER,), clearance=3)
    other = make_user(org_unit=tree.commune_b1, roles=(RoleCode.APPROVER,), clearance=3)
    # then A2's approver reaches the case and is its decider; an unrelated approver does not
    assert case.competent_unit == tree.commune_a2
    assert policy.cases_visible_to(elsewhere).filter(pk=case.pk).exists()
    assert policy.can_decide_case(elsewhere, case)
    assert not policy.cases_visible_to(other).filter(pk=case.pk).exists()
    assert not policy.can_decide_case(other, case)

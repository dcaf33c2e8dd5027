"""The transition table, the one state-changing service, guards and the open-case rule."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.people.tests.factories import make_person
from bvct.vetting import conclusions, services, workflow
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.defaults import DEFAULT_LIMITS
from bvct.vetting.models import (
    Case,
    CaseNotice,
    CaseNotification,
    CaseTransition,
    CaseType,
    ChecklistMark,
    Purpose,
    RoutingRule,
    Status,
    TeamMember,
)
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.vetting.tests.helpers import nothing_changes
from conftest import Tree

PURPOSE: dict[str, str] = {CaseType.APPRAISAL: Purpose.PLANNING_TRAINING}


def _ready_for_anything(case: Case, actors: Actors) -> None:
    """Satisfy every guard: all documents received, a decision, a team of three with a leader."""
    now = timezone.now()
    for item in workflow.spec_for(case.case_type).checklist:
        ChecklistMark.objects.create(
            case=case, code=item.code, marked_by=actors.boss, marked_at=now
        )
    case.verification_decision = "Số 12-QĐ/ĐU ngày 02/01/2025"
    case.save(update_fields=["verification_decision"])
    for n, user in enumerate((actors.boss, actors.officer, actors.approver)):
        TeamMember.objects.create(
            case=case, user=user, is_leader=n == 0, added_by=actors.boss, added_at=now
        )
    CaseNotice.objects.create(  # the subject was told; the explanation window is over
        case=case,
        kind=CaseNotice.Kind.OPENING,
        body="Nội dung thẩm tra",
        issued_on=timezone.localdate(),
        issued_by=actors.boss,
    )


def _conclusion_for(case_type: str, target: str) -> ConclusionInput | None:
    outcomes = conclusions.OUTCOMES.get((case_type, target))
    return ConclusionInput(outcomes[-1], "Các sự việc đã xác minh.") if outcomes else None


# --- the table ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case_type", CaseType.values)
def test_table_is_complete_and_every_stage_has_a_default_limit(case_type: str) -> None:
    spec = workflow.spec_for(case_type)
    table = workflow.TRANSITIONS[case_type]
    limited = {row.status for row in DEFAULT_LIMITS if row.case_type == case_type}
    # every open stage leads somewhere; a terminal stage leads only to reopening on new facts
    assert set(table) - spec.reopenable == spec.stages - spec.terminal
    for source in spec.reopenable:
        assert table[source] == {Status.VERIFYING}
        assert spec.edge(source, Status.VERIFYING).decides  # type: ignore[union-attr]
    assert all(table[source] for source in table)
    assert set().union(*table.values()) <= spec.stages
    # every stage is reachable from the initial one
    reached, frontier = {spec.initial}, [spec.initial]
    while frontier:
        for target in table.get(frontier.pop(), frozenset()):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == spec.stages
    # every open stage has a clock, and limits exist only for open stages
    assert limited == set(table) - spec.terminal


@pytest.mark.parametrize("case_type", CaseType.values)
def test_every_pair_outside_the_table_is_refused(
    case_type: str, tree: Tree, actors: Actors
) -> None:
    # given one case of the type, put in turn at every stage, and an actor with every role
    case = make_case(person=actors.subject, case_type=case_type, purpose=PURPOSE.get(case_type, ""))
    _ready_for_anything(case, actors)
    table = workflow.TRANSITIONS[case_type]
    refused = 0
    for source in Status.values:
        for target in Status.values:
            if target in table.get(Status(source), frozenset()):
                continue
            Case.objects.filter(pk=case.pk).update(status=source)
            case.refresh_from_db()
            # when / then
            with (
                nothing_changes(),
                pytest.raises(DomainError, match="không thể chuyển sang") as info,
            ):
                services.case_transition(case=case, to=target, actor=actors.boss, reason="x")
            assert info.value.code == "transition"
            refused += 1
    allowed = sum(len(targets) for targets in table.values())
    assert refused == len(Status.values) ** 2 - allowed


@pytest.mark.parametrize(
    ("case_type", "source", "target"),
    [
        (case_type, source, target)
        for case_type, table in workflow.TRANSITIONS.items()
        for source, targets in table.items()
        for target in sorted(targets)
    ],
)
def test_every_pair_in_the_table_is_accepted(
    case_type: str, source: str, target: str, tree: Tree, actors: Actors
) -> None:
    # given a case at `source` with every guard satisfied
    case = make_case(
        person=actors.subject,
        case_type=case_type,
        purpose=PURPOSE.get(case_type, ""),
        status=source,
    )
    _ready_for_anything(case, actors)
    # when
    moved = services.case_transition(
        case=case,
        to=target,
        actor=actors.boss,
        reason="lý do",
        conclusion=_conclusion_for(case_type, target),
    )
    # then one history row and one audit event; the clock stops or restarts
    assert moved.status == target
    row = CaseTransition.objects.get(case=case, from_status=source)
    assert (row.to_status, row.actor, row.reason) == (target, actors.boss, "lý do")
    event = AuditEvent.objects.get(action="vetting.case.transition")
    assert event.data["old"] == {"status": source}
    assert event.data["new"] == {"status": target}
    assert event.data["transition"] == row.pk
    if conclusions.concludes(case_type, target):  # a decision writes its numbered conclusion
        conclusion = row.conclusion
        assert event.data["conclusion"]["reference"] == conclusion.reference
        assert conclusion.is_current
        assert conclusion.document is not None
    else:
        assert "conclusion" not in event.data
    if workflow.is_terminal(case_type, target):
        assert moved.closed_at is not None
        assert moved.current_step is None
    else:
        assert moved.current_step is not None
        assert moved.current_step.status == target
    assert case.steps.filter(ended_on__isnull=True).count() == (0 if moved.closed_at else 1)


# --- roles, reasons, guards ---------------------------------------------------------------------


def test_clerk_may_not_decide_admission(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.RESOLVED)
    _ready_for_anything(case, actors)
    with nothing_changes(), pytest.raises(AccessDenied, match="Vai trò của bạn"):
        services.case_approve(case=case, actor=actors.clerk)


def test_inspector_may_not_move_a_case(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    with nothing_changes(), pytest.raises(AccessDenied):
        services.case_transition(case=case, to=Status.VERIFYING, actor=actors.inspector)


def test_outsider_may_not_move_a_case(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    with nothing_changes(), pytest.raises(AccessDenied):
        services.case_transition(case=case, to=Status.VERIFYING, actor=actors.outsider)


def test_refusal_needs_a_reason(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.RESOLVED)
    with nothing_changes(), pytest.raises(DomainError, match="phải ghi lý do"):
        services.case_refuse(case=case, actor=actors.approver, reason="  ")


def test_resolution_refused_while_documents_are_missing(tree: Tree, actors: Actors) -> None:
    # given only the lý lịch received
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    services.case_checklist_mark(case=case, actor=actors.clerk, code="ly_lich_2knd", received=True)
    # when / then the message lists the three missing documents
    with nothing_changes(), pytest.raises(DomainError) as info:
        services.case_transition(case=case, to=Status.RESOLVED, actor=actors.clerk)
    assert info.value.message == (
        "Chưa nhận đủ hồ sơ: Kết quả thẩm tra (20-KNĐ); Ý kiến của đoàn thể (5-KNĐ); "
        "Nghị quyết chi bộ (6-KNĐ)."
    )


def test_history_verification_needs_a_prior_decision(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, case_type=CaseType.HISTORY)
    with (
        nothing_changes(),
        pytest.raises(
            DomainError, match="quyết định thẩm tra, xác minh của cấp ủy có thẩm quyền trước"
        ),
    ):
        services.case_transition(case=case, to=Status.DECISION_ISSUED, actor=actors.officer)
    services.case_record_decision(case=case, actor=actors.officer, reference="Số 3-QĐ/ĐU")
    moved = services.case_transition(case=case, to=Status.DECISION_ISSUED, actor=actors.officer)
    assert moved.status == Status.DECISION_ISSUED


def test_history_verification_needs_a_team_of_three_with_a_leader(
    tree: Tree, actors: Actors
) -> None:
    # given a decision and two members
    case = make_case(
        person=actors.subject, case_type=CaseType.HISTORY, status=Status.DECISION_ISSUED
    )
    services.case_record_decision(case=case, actor=actors.officer, reference="Số 3-QĐ/ĐU")
    services.case_team_add(case=case, actor=actors.officer, member=actors.officer, is_leader=True)
    services.case_team_add(case=case, actor=actors.officer, member=actors.approver)
    # then verification may not start
    with (
        nothing_changes(),
        pytest.raises(DomainError, match=r"ít nhất 3 thành viên, có tổ trưởng \(hiện có 2\)"),
    ):
        services.case_transition(case=case, to=Status.VERIFYING, actor=actors.officer)
    # when a third member joins, it may
    services.case_team_add(case=case, actor=actors.officer, member=actors.clerk)
    moved = services.case_transition(case=case, to=Status.VERIFYING, actor=actors.officer)
    assert moved.status == Status.VERIFYING


def test_team_has_one_leader_and_members_must_see_the_case(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, case_type=CaseType.HISTORY)
    services.case_team_add(case=case, actor=actors.officer, member=actors.officer, is_leader=True)
    with nothing_changes(), pytest.raises(DomainError, match="tổ đã có tổ trưởng"):
        services.case_team_add(case=case, actor=actors.officer, member=actors.clerk, is_leader=True)
    with nothing_changes(), pytest.raises(DomainError, match="không được xem vụ việc này"):
        services.case_team_add(case=case, actor=actors.officer, member=actors.outsider)


def test_checklist_mark_refuses_unknown_codes_and_no_ops(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    with nothing_changes(), pytest.raises(DomainError, match="không có tài liệu đó"):
        services.case_checklist_mark(case=case, actor=actors.clerk, code="nope", received=True)
    with nothing_changes(), pytest.raises(DomainError, match="không có gì thay đổi"):
        services.case_checklist_mark(
            case=case, actor=actors.clerk, code="ly_lich_2knd", received=False
        )


# --- opening, the one-open-case rule, routing ---------------------------------------------------


def test_open_starts_the_first_clock_and_is_audited(tree: Tree, actors: Actors) -> None:
    case = services.case_open(
        actor=actors.clerk, person=actors.subject, case_type=CaseType.ADMISSION
    )
    assert (case.status, case.holding_unit, case.assignee) == (Status.OPEN, tree.commune_a1, None)
    assert case.current_step is not None
    assert case.current_step.limit.working_days == 10
    event = AuditEvent.objects.get(action="vetting.case.open")
    assert event.data["new"] == {"case_type": "admission", "purpose": "", "status": "open"}


def test_one_open_case_per_person_type_and_purpose(tree: Tree, actors: Actors) -> None:
    # given an open key-post appraisal
    first = services.case_open(
        actor=actors.clerk,
        person=actors.subject,
        case_type=CaseType.APPRAISAL,
        purpose=Purpose.KEY_POST,
    )
    # then a second one is refused, another purpose is not
    with nothing_changes(), pytest.raises(DomainError, match="đã có một vụ việc cùng loại"):
        services.case_open(
            actor=actors.clerk,
            person=actors.subject,
            case_type=CaseType.APPRAISAL,
            purpose=Purpose.KEY_POST,
        )
    other = services.case_open(
        actor=actors.clerk,
        person=actors.subject,
        case_type=CaseType.APPRAISAL,
        purpose=Purpose.CONFIDENTIAL_POST,
    )
    assert other.pk != first.pk
    # and once the first is withdrawn, the purpose may be opened again
    services.case_withdraw(case=first, actor=actors.officer, reason="Hồ sơ chuyển nơi khác")
    again = services.case_open(
        actor=actors.clerk,
        person=actors.subject,
        case_type=CaseType.APPRAISAL,
        purpose=Purpose.KEY_POST,
    )
    assert again.status == Status.OPEN


def test_database_refuses_a_second_open_case(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_case(person=actors.subject, opened_by=case.opened_by)


def test_purpose_only_for_appraisals(tree: Tree, actors: Actors) -> None:
    with nothing_changes(), pytest.raises(DomainError, match="phải có mục đích"):
        services.case_open(actor=actors.clerk, person=actors.subject, case_type=CaseType.APPRAISAL)
    with nothing_changes(), pytest.raises(DomainError, match="chỉ vụ thẩm định"):
        services.case_open(
            actor=actors.clerk,
            person=actors.subject,
            case_type=CaseType.HISTORY,
            purpose=Purpose.KEY_POST,
        )


def test_only_dossier_keepers_in_jurisdiction_open_cases(tree: Tree, actors: Actors) -> None:
    with nothing_changes(), pytest.raises(AccessDenied):
        services.case_open(
            actor=actors.approver, person=actors.subject, case_type=CaseType.ADMISSION
        )
    with nothing_changes(), pytest.raises(AccessDenied):
        services.case_open(
            actor=actors.outsider, person=actors.subject, case_type=CaseType.ADMISSION
        )


def test_routing_rule_deepest_wins(tree: Tree, actors: Actors) -> None:
    # given a province-wide rule and a commune rule with an assignee
    admin = make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,))
    services.routing_rule_set(
        actor=admin, case_type=CaseType.ADMISSION, org_unit=tree.prov_a, holding_unit=tree.prov_a
    )
    services.routing_rule_set(
        actor=admin,
        case_type=CaseType.ADMISSION,
        org_unit=tree.commune_a1,
        holding_unit=tree.commune_a1,
        assignee=actors.officer,
    )
    # when cases are opened for people in the commune and elsewhere in the province
    near = services.case_open(
        actor=actors.clerk, person=actors.subject, case_type=CaseType.ADMISSION
    )
    far_clerk = make_user(org_unit=tree.commune_a2, roles=(RoleCode.CLERK,))
    far = services.case_open(
        actor=far_clerk,
        person=make_person(org_unit=tree.commune_a2),
        case_type=CaseType.ADMISSION,
    )
    history = services.case_open(
        actor=actors.clerk, person=actors.subject, case_type=CaseType.HISTORY
    )
    # then
    assert (near.holding_unit, near.assignee) == (tree.commune_a1, actors.officer)
    assert (far.holding_unit, far.assignee) == (tree.prov_a, None)
    assert (history.holding_unit, history.assignee) == (tree.commune_a1, None)
    assert RoutingRule.objects.count() == 2


def test_routing_rule_needs_an_administrator_of_both_units(tree: Tree, actors: Actors) -> None:
    admin = make_user(org_unit=tree.commune_a1, roles=(RoleCode.ADMIN,))
    with nothing_changes(), pytest.raises(AccessDenied):
        services.routing_rule_set(
            actor=admin,
            case_type=CaseType.ADMISSION,
            org_unit=tree.commune_a1,
            holding_unit=tree.prov_a,
        )


# --- notifications after commit -----------------------------------------------------------------


def test_transition_notifies_the_subject_and_assignee_after_commit(
    tree: Tree, actors: Actors, django_capture_on_commit_callbacks: object
) -> None:
    case = make_case(person=actors.subject, assignee=actors.clerk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        services.case_transition(case=case, to=Status.VERIFYING, actor=actors.clerk)
    assert len(callbacks) == 1
    rows = CaseNotification.objects.order_by("recipient_id")
    assert [(n.recipient, n.kind, n.status) for n in rows] == sorted(
        [(actors.member, "stage", "verifying"), (actors.clerk, "stage", "verifying")],
        key=lambda row: row[0].pk,
    )
    # running the task again adds nothing
    callbacks[0]()
    assert CaseNotification.objects.count() == 2


def test_refused_transition_schedules_nothing(
    tree: Tree, actors: Actors, django_capture_on_commit_callbacks: object
) -> None:
    case = make_case(person=actors.subject)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,  # type: ignore[operator]
        pytest.raises(DomainError),
    ):
        services.case_transition(case=case, to=Status.CONCLUDED, actor=actors.boss)
    assert callbacks == []
    assert CaseNotification.objects.count() == 0


# --- assignment ---------------------------------------------------------------------------------


def test_claim_and_reassign_are_audited(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, holding_unit=tree.commune_a1)
    services.case_claim(case=case, actor=actors.clerk)
    services.case_assign(case=case, actor=actors.officer, assignee=actors.approver)
    case.refresh_from_db()
    assert case.assignee == actors.approver
    events = list(AuditEvent.objects.order_by("seq").values_list("action", "data"))
    assert events == [
        ("vetting.case.claim", {"old": {"assignee": None}, "new": {"assignee": actors.clerk.pk}}),
        (
            "vetting.case.assign",
            {"old": {"assignee": actors.clerk.pk}, "new": {"assignee": actors.approver.pk}},
        ),
    ]


def test_clerk_may_claim_but_not_reassign(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, holding_unit=tree.commune_a1)
    with nothing_changes(), pytest.raises(AccessDenied):
        services.case_assign(case=case, actor=actors.clerk, assignee=actors.officer)


def test_reassign_refuses_someone_who_cannot_work_the_case(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, holding_unit=tree.commune_a1)
    with nothing_changes(), pytest.raises(DomainError, match="không được xử lý vụ việc này"):
        services.case_assign(case=case, actor=actors.officer, assignee=actors.outsider)

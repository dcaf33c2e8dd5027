"""Writes on cases. `case_transition` is the only code that changes a case's stage.

Every service is keyword-only, takes `actor=`, checks access through `bvct.access.policy`, runs in
one transaction, locks the case first (`locks.case_qs_for_update`), and writes one audit event.
Notifications are enqueued with `transaction.on_commit`, so a rolled-back change tells no one.
Audit data holds ids, codes and stages, never personal values.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.vetting import conclusions, workflow
from bvct.vetting.authority import competent_unit, competent_unit_for
from bvct.vetting.clocks import step_start
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.locks import case_qs_for_update
from bvct.vetting.models import (
    Case,
    CaseConclusion,
    CaseNotification,
    CaseTransition,
    CaseType,
    ChecklistMark,
    Purpose,
    RoutingRule,
    Status,
    TeamMember,
)
from bvct.vetting.routing import route_for
from bvct.vetting.scope import case_scope_fill
from bvct.vetting.tasks import case_notify_task


def _notify(case: Case, kind: str, event_key: str) -> None:
    case_id = case.pk
    transaction.on_commit(lambda: case_notify_task.enqueue(case_id, kind, event_key))


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


# --- open -------------------------------------------------------------------------------------


def _check_type_and_purpose(case_type: str, purpose: str) -> None:
    if case_type not in CaseType.values:
        raise DomainError(_("Case type: choose one of the listed types."), field="case_type")
    needs_purpose = workflow.spec_for(case_type).needs_purpose
    if needs_purpose and purpose not in Purpose.values:
        raise DomainError(
            _("Purpose: a political-standard appraisal needs a purpose."), field="purpose"
        )
    if not needs_purpose and purpose:
        raise DomainError(_("Purpose: only appraisals have a purpose."), field="purpose")


def _already_open() -> DomainError:
    return DomainError(
        _("This person already has an open case of this type and purpose."), field="case_type"
    )


@transaction.atomic
def case_open(
    *, actor: User, person: Person, case_type: str, purpose: str = "", subject_matter: str = ""
) -> Case:
    """Open a case about a person; routing rules choose the unit holding the file."""
    if not policy.can_open_case_for(actor, person):
        raise AccessDenied(_("You may not open a case about this person."))
    _check_type_and_purpose(case_type, purpose)
    if Case.objects.open().filter(person=person, case_type=case_type, purpose=purpose).exists():
        raise _already_open()
    assert actor.org_unit is not None  # noqa: S101 (can_open_case_for: staff have a unit)
    route = route_for(
        case_type=case_type, subject_unit=person.org_unit, default_unit=actor.org_unit
    )
    spec = workflow.spec_for(case_type)
    case = Case(
        case_type=case_type,
        purpose=purpose,
        person=person,
        status=spec.initial,
        holding_unit=route.holding_unit,
        competent_unit=competent_unit_for(
            case_type=case_type, subject_unit=person.org_unit, purpose=purpose
        ),
        assignee=route.assignee,
        subject_matter=subject_matter.strip(),
        opened_by=actor,
        opened_at=timezone.now(),
    )
    case_scope_fill(case)
    case.full_clean(exclude=["current_step"], validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:  # a concurrent open of the same case
        raise _already_open() from exc
    CaseTransition.objects.create(
        case=case, from_status="", to_status=spec.initial, actor=actor, occurred_at=case.opened_at
    )
    case.current_step = step_start(case=case, status=spec.initial, day=timezone.localdate())
    case.save(update_fields=["current_step"])
    audit_record(
        actor=actor,
        action="vetting.case.open",
        target=case,
        org_unit=case.holding_unit,
        data={
            "person": person.pk,
            "new": {"case_type": case_type, "purpose": purpose, "status": case.status},
            "holding_unit": case.holding_unit_id,
            "competent_unit": case.competent_unit_id,
            "assignee": case.assignee_id,
        },
    )
    _notify(case, CaseNotification.Kind.STAGE, f"open:{case.pk}")
    if case.assignee_id:
        _notify(case, CaseNotification.Kind.ASSIGNED, f"assign:{case.pk}:{case.assignee_id}:0")
    return case


# --- the one state-changing service -------------------------------------------------------------


def _refuse_transition(case: Case, to: str) -> DomainError:
    return DomainError(
        _("A case at stage “%(source)s” cannot move to “%(target)s”.")
        % {"source": _status_label(case.status), "target": _status_label(to)},
        field="to",
        code="transition",
    )


def _check_transition(
    case: Case, to: str, actor: User, reason: str, *, by_appeal: bool = False
) -> workflow.Edge:
    edge = workflow.spec_for(case.case_type).edge(case.status, to)
    if by_appeal:  # an appeal panel's decision to reopen: the panel was checked by dueprocess
        if edge is None:
            raise _refuse_transition(case, to)
        return edge
    if not policy.can_work_case(actor, case):
        raise AccessDenied(_("You may not work on this case."))
    if edge is None:
        raise _refuse_transition(case, to)
    if not actor.has_role(*edge.roles):
        raise AccessDenied(_("Your role may not take this step."))
    if edge.decides and not policy.can_decide_case(actor, case):
        raise AccessDenied(
            _("Only an approver of %(unit)s, the competent authority, may take this decision.")
            % {"unit": competent_unit(case)}
        )
    if edge.reason_required and not reason.strip():
        raise DomainError(_("Reason: this step needs a written reason."), field="reason")
    failures = workflow.guard_failures(case, edge)
    if failures:
        raise DomainError(" ".join(failures), field="to", code="guard")
    return edge


def _reopen(case: Case) -> CaseConclusion | None:
    """Leaving a terminal stage: the case is open again and its conclusion no longer current;
    refused when another case of the same (person, type, purpose) is open meanwhile."""
    case.closed_at = None
    try:
        with transaction.atomic():
            case.save(update_fields=["closed_at"])
    except IntegrityError as exc:
        raise DomainError(
            _(
                "Reopen: this person already has another open case of this type and purpose; "
                "continue that case instead."
            ),
            field="to",
        ) from exc
    current = CaseConclusion.objects.filter(case=case, is_current=True).first()
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    return current


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: str,
    actor: User,
    reason: str = "",
    conclusion: ConclusionInput | None = None,
    by_appeal: bool = False,
) -> Case:
    """Move a case to stage `to`: lock, check table, role and guards, stop the running clock,
    start the next one, write the history row and the audit event, notify after commit.

    A decision into ADMITTED, REFUSED or CONCLUDED needs `conclusion` (outcome and facts) and
    writes the numbered `CaseConclusion` with its DOCX in the same transaction. Leaving a
    terminal stage (reopening) clears `closed_at` and retires the current conclusion.
    `by_appeal` is for `dueprocess.appeal_decide` only (the panel chair reopens the case)."""
    locked = (
        case_qs_for_update()
        .select_related("person", "holding_unit", "current_step")
        .get(pk=case.pk)
    )
    _check_transition(locked, to, actor, reason, by_appeal=by_appeal)
    concluding = conclusions.concludes(locked.case_type, to)
    if concluding:
        conclusion = conclusions.check_input(locked, to, conclusion)
    today = timezone.localdate()
    old = locked.status
    retired = None
    if workflow.is_terminal(locked.case_type, old):
        retired = _reopen(locked)
    step = locked.current_step
    if step is not None:
        step.ended_on = today
        step.paused_on = None
        step.save(update_fields=["ended_on", "paused_on"])
    locked.status = to
    locked.current_step = None
    if workflow.is_terminal(locked.case_type, to):
        locked.closed_at = timezone.now()
    else:
        locked.current_step = step_start(case=locked, status=to, day=today)
    locked.save(update_fields=["status", "current_step", "closed_at"])
    transition = CaseTransition.objects.create(
        case=locked,
        from_status=old,
        to_status=to,
        actor=actor,
        reason=reason.strip(),
        occurred_at=timezone.now(),
    )
    data: dict[str, object] = {
        "transition": transition.pk,
        "old": {"status": old},
        "new": {"status": to},
    }
    if concluding:
        assert conclusion is not None  # noqa: S101 (check_input returned it)
        written = conclusions.conclusion_write(
            case=locked, transition=transition, actor=actor, data=conclusion, day=today
        )
        data["conclusion"] = {
            "id": written.pk,
            "reference": written.reference,
            "outcome": written.outcome,
            "evaluation": written.evaluation_id,
            "document": written.document_id,
        }
    if retired is not None:
        data["retired_conclusion"] = retired.pk
    if by_appeal:
        data["by_appeal"] = True
    audit_record(
        actor=actor,
        action="vetting.case.transition",
        target=locked,
        org_unit=locked.holding_unit,
        data=data,
    )
    _notify(locked, CaseNotification.Kind.STAGE, f"transition:{transition.pk}")
    return locked


# --- named verbs --------------------------------------------------------------------------------


def case_approve(
    *, case: Case, actor: User, reason: str = "", conclusion: ConclusionInput | None = None
) -> Case:
    """Decide to admit (admission) or conclude (appraisal, political history)."""
    return case_transition(
        case=case,
        to=workflow.APPROVE_TO[case.case_type],
        actor=actor,
        reason=reason,
        conclusion=conclusion,
    )


def case_refuse(
    *, case: Case, actor: User, reason: str, conclusion: ConclusionInput | None = None
) -> Case:
    """Refuse admission; the facts default to the written reason."""
    given = conclusion or ConclusionInput(outcome="", facts=reason)
    return case_transition(
        case=case, to=Status.REFUSED, actor=actor, reason=reason, conclusion=given
    )


def case_return_for_changes(*, case: Case, actor: User, reason: str) -> Case:
    return case_transition(case=case, to=Status.VERIFYING, actor=actor, reason=reason)


def case_withdraw(*, case: Case, actor: User, reason: str) -> Case:
    return case_transition(case=case, to=Status.WITHDRAWN, actor=actor, reason=reason)


# --- assignment ---------------------------------------------------------------------------------


@transaction.atomic
def case_assign(*, case: Case, actor: User, assignee: User) -> Case:
    """Give the case to `assignee`. Anyone who works cases may claim one (assign to themselves);
    giving it to someone else needs an officer or an approver. The assignee must be able to
    work the case."""
    locked = case_qs_for_update().select_related("person", "holding_unit").get(pk=case.pk)
    if not locked.is_open:
        raise DomainError(_("This case is closed."))
    is_claim = assignee.pk == actor.pk
    allowed = (
        policy.can_work_case(actor, locked) if is_claim else policy.can_assign_case(actor, locked)
    )
    if not allowed:
        raise AccessDenied(_("You may not assign this case."))
    if not is_claim and not policy.can_work_case(assignee, locked):
        raise DomainError(
            _("Assignee: %(name)s may not work on this case.") % {"name": assignee},
            field="assignee",
        )
    if locked.assignee_id == assignee.pk:
        raise DomainError(_("Assignee: the case is already assigned to them."), field="assignee")
    old = locked.assignee_id
    locked.assignee = assignee
    locked.save(update_fields=["assignee"])
    action = "vetting.case.claim" if is_claim else "vetting.case.assign"
    event = audit_record(
        actor=actor,
        action=action,
        target=locked,
        org_unit=locked.holding_unit,
        data={"old": {"assignee": old}, "new": {"assignee": assignee.pk}},
    )
    if not is_claim:
        _notify(locked, CaseNotification.Kind.ASSIGNED, f"assign:{locked.pk}:{event.pk}")
    return locked


def case_claim(*, case: Case, actor: User) -> Case:
    return case_assign(case=case, actor=actor, assignee=actor)


# --- checklist, verification decision, team -----------------------------------------------------


def _locked_open(case: Case, actor: User) -> Case:
    locked = case_qs_for_update().select_related("person", "holding_unit").get(pk=case.pk)
    if not policy.can_work_case(actor, locked):
        raise AccessDenied(_("You may not work on this case."))
    if not locked.is_open:
        raise DomainError(_("This case is closed."))
    return locked


@transaction.atomic
def case_checklist_mark(*, case: Case, actor: User, code: str, received: bool) -> Case:
    """Record a required document as received (or undo it)."""
    locked = _locked_open(case, actor)
    codes = {item.code for item in workflow.spec_for(locked.case_type).checklist}
    if code not in codes:
        raise DomainError(_("Checklist: no such document for this case type."), field="code")
    existing = ChecklistMark.objects.filter(case=locked, code=code)
    if received == existing.exists():
        raise DomainError(_("Checklist: nothing to change."), field="code")
    if received:
        ChecklistMark.objects.create(
            case=locked, code=code, marked_by=actor, marked_at=timezone.now()
        )
    else:
        existing.delete()
    audit_record(
        actor=actor,
        action="vetting.case.checklist",
        target=locked,
        org_unit=locked.holding_unit,
        data={"code": code, "new": {"received": received}},
    )
    return locked


@transaction.atomic
def case_record_decision(*, case: Case, actor: User, reference: str) -> Case:
    """The competent committee's decision to verify (needed before a political-history
    verification starts)."""
    locked = _locked_open(case, actor)
    text = reference.strip()
    if not text:
        raise DomainError(_("Decision: write its number and date."), field="reference")
    old = locked.verification_decision
    locked.verification_decision = text
    locked.full_clean(exclude=["current_step"], validate_constraints=False)
    locked.save(update_fields=["verification_decision"])
    audit_record(
        actor=actor,
        action="vetting.case.decision",
        target=locked,
        org_unit=locked.holding_unit,
        data={"old": {"verification_decision": old}, "new": {"verification_decision": text}},
    )
    return locked


@transaction.atomic
def case_team_add(*, case: Case, actor: User, member: User, is_leader: bool = False) -> TeamMember:
    locked = _locked_open(case, actor)
    if not policy.can_view_case(member, locked):
        raise DomainError(
            _("Team member: %(name)s may not see this case.") % {"name": member}, field="member"
        )
    if locked.team.filter(user=member).exists():
        raise DomainError(_("Team member: already in the team."), field="member")
    if is_leader and locked.team.filter(is_leader=True).exists():
        raise DomainError(_("Team member: the team already has a leader."), field="is_leader")
    row = TeamMember.objects.create(
        case=locked, user=member, is_leader=is_leader, added_by=actor, added_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="vetting.case.team_add",
        target=locked,
        org_unit=locked.holding_unit,
        data={"member": member.pk, "is_leader": is_leader},
    )
    return row


# --- routing rules ------------------------------------------------------------------------------


@transaction.atomic
def routing_rule_set(
    *,
    actor: User,
    case_type: str,
    org_unit: OrgUnit,
    holding_unit: OrgUnit,
    assignee: User | None = None,
) -> RoutingRule:
    """Create or replace the rule for (type, unit): administrators, inside their subtree."""
    if not (
        policy.can_manage_org_unit(actor, org_unit)
        and policy.can_manage_org_unit(actor, holding_unit)
    ):
        raise AccessDenied(_("You may not route cases for this unit."))
    if case_type not in CaseType.values:
        raise DomainError(_("Case type: choose one of the listed types."), field="case_type")
    if assignee is not None and assignee.org_unit_id != holding_unit.pk:
        raise DomainError(
            _("Assignee: must belong to the unit that holds the file."), field="assignee"
        )
    rule, _created = RoutingRule.objects.update_or_create(
        case_type=case_type,
        org_unit=org_unit,
        defaults={"holding_unit": holding_unit, "assignee": assignee},
    )
    audit_record(
        actor=actor,
        action="vetting.routing.set",
        target=rule,
        org_unit=org_unit,
        data={
            "new": {
                "case_type": case_type,
                "holding_unit": holding_unit.pk,
                "assignee": assignee.pk if assignee else None,
            }
        },
    )
    return rule

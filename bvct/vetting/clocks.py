"""Legal clocks in Vietnamese working days: start, pause/resume, extend, escalate.

Every date arithmetic goes through `bvct.workdays.calendar`. A step's due date is the
`limit.working_days`-th working day after the day it started; a pause moves it by the working
days spent waiting on the subject; an extension by the days granted. Overdue means the due day
has passed (the due day itself is still in time) and the clock is not paused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.orgs.models import OrgUnit
from bvct.vetting.defaults import DEFAULT_LIMITS, DEFAULT_WINDOWS
from bvct.vetting.locks import case_qs_for_update
from bvct.vetting.models import (
    Case,
    CaseNotification,
    CaseStep,
    ClockEvent,
    StepLimit,
    WindowLimit,
)
from bvct.vetting.tasks import case_notify_task
from bvct.workdays.calendar import WorkCalendar, add_working_days, working_days_between

SOON_WORKING_DAYS = 5


def limit_for(*, case_type: str, status: str, purpose: str, day: date) -> StepLimit | None:
    """The limit in force on `day`: a purpose-specific row wins, then the latest version."""
    return (
        StepLimit.objects.filter(
            case_type=case_type, status=status, purpose__in={purpose, ""}, valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-purpose", "-valid_from")
        .first()
    )


def step_start(*, case: Case, status: str, day: date) -> CaseStep:
    """Start the clock of a stage (called inside the transition's transaction)."""
    limit = limit_for(case_type=case.case_type, status=status, purpose=case.purpose, day=day)
    if limit is None:
        raise DomainError(
            _("Time limits: none is configured for this stage on %(date)s; ask an administrator.")
            % {"date": day.strftime("%d/%m/%Y")},
            field="status",
        )
    return CaseStep.objects.create(
        case=case,
        status=status,
        limit=limit,
        started_on=day,
        due_on=add_working_days(day, limit.working_days),
    )


@dataclass(frozen=True)
class DueInfo:
    due_on: date
    working_days_left: int  # negative: overdue by that many working days
    is_paused: bool

    @property
    def is_overdue(self) -> bool:
        return not self.is_paused and self.working_days_left < 0

    @property
    def overdue_days(self) -> int:
        return max(0, -self.working_days_left)

    @property
    def is_due_soon(self) -> bool:
        return not self.is_paused and 0 <= self.working_days_left <= SOON_WORKING_DAYS


def due_info(step: CaseStep, today: date, calendar: WorkCalendar | None = None) -> DueInfo:
    if calendar is None:
        left = working_days_between(today, step.due_on)
    else:
        left = calendar.working_days_between(today, step.due_on)
    return DueInfo(step.due_on, left, step.is_paused)


def _clock_event(
    step: CaseStep, kind: str, actor: User | None, *, days: int = 0, reason: str = ""
) -> None:
    event = ClockEvent(
        step=step,
        kind=kind,
        on=timezone.localdate(),
        days=days,
        reason=reason,
        actor=actor,
        occurred_at=timezone.now(),
    )
    event.full_clean()
    event.save()


def _running_step(case: Case) -> CaseStep:
    step = case.current_step
    if step is None or step.ended_on is not None:
        raise DomainError(_("This case is closed: its clock no longer runs."))
    return step


def _locked_for_clock(case: Case, actor: User) -> tuple[Case, CaseStep]:
    locked = (
        case_qs_for_update()
        .select_related("current_step", "person", "holding_unit")
        .get(pk=case.pk)
    )
    if not policy.can_work_case(actor, locked):
        raise AccessDenied(_("You may not change the clock of this case."))
    return locked, _running_step(locked)


def _required_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise DomainError(_("Reason: write why."), field="reason")
    return text


@transaction.atomic
def case_pause(*, case: Case, actor: User, reason: str) -> Case:
    """Waiting on the subject (an explanation, a missing document): the clock stops."""
    locked, step = _locked_for_clock(case, actor)
    text = _required_reason(reason)
    if step.is_paused:
        raise DomainError(
            _("The clock is already paused since %(date)s.")
            % {"date": step.paused_on.strftime("%d/%m/%Y") if step.paused_on else ""}
        )
    step.paused_on = timezone.localdate()
    step.save(update_fields=["paused_on"])
    _clock_event(step, ClockEvent.Kind.PAUSE, actor, reason=text)
    audit_record(
        actor=actor,
        action="vetting.case.pause",
        target=locked,
        org_unit=locked.holding_unit,
        data={"step": step.pk, "new": {"paused_on": step.paused_on}},
    )
    return locked


@transaction.atomic
def case_resume(*, case: Case, actor: User) -> Case:
    """The subject answered: the due date moves by the working days spent waiting."""
    locked, step = _locked_for_clock(case, actor)
    if step.paused_on is None:
        raise DomainError(_("The clock is not paused."))
    today = timezone.localdate()
    days = max(0, working_days_between(step.paused_on, today))
    old_due = step.due_on
    step.due_on = add_working_days(step.due_on, days) if days else step.due_on
    step.paused_days += days
    step.paused_on = None
    step.save(update_fields=["due_on", "paused_days", "paused_on"])
    _clock_event(step, ClockEvent.Kind.RESUME, actor, days=days)
    audit_record(
        actor=actor,
        action="vetting.case.resume",
        target=locked,
        org_unit=locked.holding_unit,
        data={"step": step.pk, "old": {"due_on": old_due}, "new": {"due_on": step.due_on}},
    )
    return locked


@transaction.atomic
def case_extend(*, case: Case, actor: User, days: int, reason: str) -> Case:
    """Extend the current step's limit: an approver, a reason, within the limit's rules."""
    locked, step = _locked_for_clock(case, actor)
    if not policy.can_extend_case(actor, locked):
        raise AccessDenied(_("Only an approver may extend a time limit."))
    text = _required_reason(reason)
    limit = step.limit
    if step.extensions >= limit.max_extensions:
        raise DomainError(
            _("This stage may be extended %(count)d time(s); no extension is left.")
            % {"count": limit.max_extensions},
            field="days",
        )
    if not 1 <= days <= limit.max_extension_days:
        raise DomainError(
            _("Days: between 1 and %(max)d working days.") % {"max": limit.max_extension_days},
            field="days",
        )
    old_due = step.due_on
    step.due_on = add_working_days(step.due_on, days)
    step.extended_days += days
    step.extensions += 1
    step.save(update_fields=["due_on", "extended_days", "extensions"])
    _clock_event(step, ClockEvent.Kind.EXTEND, actor, days=days, reason=text)
    audit_record(
        actor=actor,
        action="vetting.case.extend",
        target=locked,
        org_unit=locked.holding_unit,
        data={
            "step": step.pk,
            "days": days,
            "old": {"due_on": old_due},
            "new": {"due_on": step.due_on},
        },
    )
    return locked


def overdue_steps(today: date) -> list[CaseStep]:
    """Running, not paused, past due, and not yet escalated for this due date."""
    return list(
        CaseStep.objects.filter(ended_on__isnull=True, paused_on__isnull=True, due_on__lt=today)
        .exclude(escalated_for_due_on=F("due_on"))
        .order_by("due_on", "pk")
    )


@transaction.atomic
def case_escalate(*, step_id: int, today: date) -> CaseStep | None:
    """Escalate one overdue step to the superior of the unit holding the file (system action).
    Returns None when there is nothing (any more) to do: idempotent."""
    step = CaseStep.objects.filter(pk=step_id).first()
    if step is None:
        return None
    case = case_qs_for_update().select_related("holding_unit").get(pk=step.case_id)
    step = CaseStep.objects.get(pk=step_id)
    is_overdue = step.ended_on is None and step.paused_on is None and step.due_on < today
    if not is_overdue or step.escalated_for_due_on == step.due_on:
        return None
    parent_path = case.holding_unit.path[: -OrgUnit.steplen]
    superior = OrgUnit.objects.filter(path=parent_path).first() or case.holding_unit
    step.escalated_to = superior
    step.escalated_for_due_on = step.due_on
    step.save(update_fields=["escalated_to", "escalated_for_due_on"])
    days = working_days_between(step.due_on, today)
    _clock_event(step, ClockEvent.Kind.ESCALATE, None, days=days)
    audit_record(
        actor=None,
        action="vetting.case.escalate",
        target=case,
        org_unit=case.holding_unit,
        data={"step": step.pk, "due_on": step.due_on, "overdue_days": days, "to_unit": superior.pk},
    )
    key = f"escalate:{step.pk}:{step.due_on.isoformat()}"
    transaction.on_commit(
        lambda: case_notify_task.enqueue(case.pk, CaseNotification.Kind.ESCALATED, key)
    )
    return step


def escalate_overdue(*, today: date | None = None) -> list[CaseStep]:
    """`bvct tick`: escalate every overdue step, one transaction each; running it twice escalates
    nothing new."""
    day = today or timezone.localdate()
    done = []
    for step in overdue_steps(day):
        escalated = case_escalate(step_id=step.pk, today=day)
        if escalated is not None:
            done.append(escalated)
    return done


def seed_default_limits() -> int:
    """Insert the default limits that are missing (the data migration does the same); returns
    how many rows were added. Used after a test flush and by `bvct demo`-like setups."""
    added = 0
    for row in DEFAULT_LIMITS:
        _limit, created = StepLimit.objects.get_or_create(
            case_type=row.case_type,
            status=row.status,
            purpose=row.purpose,
            valid_from=row.valid_from,
            defaults={
                "working_days": row.working_days,
                "max_extension_days": row.max_extension_days,
                "max_extensions": row.max_extensions,
                "legal_basis": row.legal_basis,
                "is_statutory": row.is_statutory,
            },
        )
        added += int(created)
    for window in DEFAULT_WINDOWS:
        _window, created = WindowLimit.objects.get_or_create(
            kind=window.kind,
            case_type=window.case_type,
            valid_from=window.valid_from,
            defaults={
                "days": window.days,
                "working_days": window.working_days,
                "legal_basis": window.legal_basis,
                "is_statutory": window.is_statutory,
            },
        )
        added += int(created)
    return added

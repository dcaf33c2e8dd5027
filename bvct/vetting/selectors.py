"""Reads on cases, always scoped to the actor through `bvct.access.policy`.

A case outside the actor's reach answers 404 exactly like a missing one. Lists compute working
days left with one `WorkCalendar` loaded for the whole range (one query, not one per row).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.selectors import AttentionItem
from bvct.vetting import conclusions, workflow
from bvct.vetting.authority import competent_unit
from bvct.vetting.clocks import SOON_WORKING_DAYS, DueInfo, due_info
from bvct.vetting.models import Case, CaseStep, CaseTransition, ClockEvent, Status, TeamMember
from bvct.workdays.calendar import WorkCalendar, add_working_days, load_calendar

PAGE_SIZE = 25


def _with_relations(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related(
        "person", "holding_unit", "assignee", "current_step", "competent_unit"
    )


def case_get_for_actor(*, actor: User, pk: int) -> Case:
    return get_object_or_404(_with_relations(policy.cases_visible_to(actor)), pk=pk)


def member_case_get(*, actor: User, pk: int) -> Case:
    return get_object_or_404(_with_relations(policy.cases_for_member(actor)), pk=pk)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    due: DueInfo | None


def _calendar_for(cases: list[Case], today: date) -> WorkCalendar:
    dues = [c.current_step.due_on for c in cases if c.current_step is not None]
    return load_calendar(min([today, *dues]), max([today, *dues]))


def case_rows(cases: list[Case], today: date | None = None) -> list[CaseRow]:
    day = today or timezone.localdate()
    calendar = _calendar_for(cases, day)
    return [
        CaseRow(c, due_info(c.current_step, day, calendar) if c.current_step else None)
        for c in cases
    ]


# --- list with filters --------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilters:
    case_type: str = ""
    purpose: str = ""
    status: str = ""
    is_open: bool | None = True
    assignee: str = ""  # "me", "none" or ""
    overdue: bool = False


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def case_filter(*, actor: User, filters: CaseFilters, today: date | None = None) -> QuerySet[Case]:
    day = today or timezone.localdate()
    cases = policy.cases_visible_to(actor)
    if filters.case_type:
        cases = cases.filter(case_type=filters.case_type)
    if filters.purpose:
        cases = cases.filter(purpose=filters.purpose)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.is_open is not None:
        cases = cases.filter(closed_at__isnull=filters.is_open)
    if filters.assignee == "me":
        cases = cases.filter(assignee=actor)
    elif filters.assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    if filters.overdue:
        cases = cases.filter(_overdue_q(day))
    return cases


def case_list_for_actor(
    *, actor: User, filters: CaseFilters, page: int = 1, today: date | None = None
) -> CasePage:
    cases = case_filter(actor=actor, filters=filters, today=today)
    total = cases.count()
    number = min(max(1, page), max(1, math.ceil(total / PAGE_SIZE)))
    start = (number - 1) * PAGE_SIZE
    chunk = list(_with_relations(cases).order_by("-opened_at", "-pk")[start : start + PAGE_SIZE])
    return CasePage(case_rows(chunk, today), total, number)


# --- inbox --------------------------------------------------------------------------------------


def _overdue_q(today: date) -> Q:
    return Q(current_step__due_on__lt=today, current_step__paused_on__isnull=True)


def _due_soon_q(today: date) -> Q:
    limit = add_working_days(today, SOON_WORKING_DAYS)
    return Q(
        current_step__due_on__gte=today,
        current_step__due_on__lte=limit,
        current_step__paused_on__isnull=True,
    )


def _mine_q(actor: User) -> Q:
    """Cases that are the actor's to watch: assigned to them, held by their unit, or escalated
    to their unit."""
    return (
        Q(assignee=actor)
        | Q(holding_unit_id=actor.org_unit_id)
        | Q(current_step__escalated_to_id=actor.org_unit_id)
    )


@dataclass(frozen=True)
class Inbox:
    assigned: list[CaseRow] = field(default_factory=list)
    unassigned: list[CaseRow] = field(default_factory=list)
    due_soon: list[CaseRow] = field(default_factory=list)
    overdue: list[CaseRow] = field(default_factory=list)


def inbox_querysets(*, actor: User, today: date) -> dict[str, QuerySet[Case]]:
    visible = policy.cases_visible_to(actor).filter(closed_at__isnull=True)
    mine = visible.filter(_mine_q(actor))
    return {
        "assigned": visible.filter(assignee=actor),
        "unassigned": visible.filter(holding_unit_id=actor.org_unit_id, assignee__isnull=True),
        "due_soon": mine.filter(_due_soon_q(today)),
        "overdue": mine.filter(_overdue_q(today)),
    }


def inbox_for_actor(*, actor: User, today: date | None = None) -> Inbox:
    day = today or timezone.localdate()
    querysets = inbox_querysets(actor=actor, today=day)
    ordered = {
        name: list(_with_relations(qs).order_by("current_step__due_on", "pk")[:100])
        for name, qs in querysets.items()
    }
    everything = [case for cases in ordered.values() for case in cases]
    calendar = _calendar_for(everything, day)

    def rows(cases: list[Case]) -> list[CaseRow]:
        return [
            CaseRow(c, due_info(c.current_step, day, calendar) if c.current_step else None)
            for c in cases
        ]

    return Inbox(**{name: rows(cases) for name, cases in ordered.items()})


def case_attention(actor: User) -> list[AttentionItem]:
    """Home page: my overdue cases, those due soon, and unassigned cases in my unit."""
    if not policy.can_work_cases(actor):
        return []
    querysets = inbox_querysets(actor=actor, today=timezone.localdate())
    url = reverse("cases:inbox")
    return [
        AttentionItem(_("Overdue cases"), querysets["overdue"].count(), url, "danger"),
        AttentionItem(
            _("Cases due within 5 working days"), querysets["due_soon"].count(), url, "warning"
        ),
        AttentionItem(
            _("Unassigned cases in your unit"), querysets["unassigned"].count(), url, "info"
        ),
    ]


# --- detail -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistState:
    code: str
    label: str
    needed_for: str
    received: bool


@dataclass(frozen=True)
class Action:
    """A transition the actor may take now (guards already pass)."""

    to: str
    label: str
    reason_required: bool
    is_decision: bool
    concludes: bool = False  # taken on the conclude page: outcome, facts, numbered document


@dataclass(frozen=True)
class BlockedAction:
    label: str
    reasons: list[str]


@dataclass
class CaseDetail:
    case: Case
    due: DueInfo | None
    transitions: list[CaseTransition]
    steps: list[CaseStep]
    clock_events: list[ClockEvent]
    checklist: list[ChecklistState]
    team: list[TeamMember]
    actions: list[Action]
    blocked: list[BlockedAction]
    can_work: bool
    can_assign: bool
    can_extend: bool
    extensions_left: int
    max_extension_days: int
    assignable: list[User]


def _actions(actor: User, case: Case) -> tuple[list[Action], list[BlockedAction]]:
    if not case.is_open or not policy.can_work_case(actor, case):
        return [], []
    spec = workflow.spec_for(case.case_type)
    actions: list[Action] = []
    blocked: list[BlockedAction] = []
    for edge in spec.edges.get(Status(case.status), ()):
        if not actor.has_role(*edge.roles):
            continue
        failures = workflow.guard_failures(case, edge)
        if edge.decides and not policy.can_decide_case(actor, case):
            failures = [
                _("Only an approver of %(unit)s, the competent authority, may take this decision.")
                % {"unit": competent_unit(case)},
                *failures,
            ]
        if failures:
            blocked.append(BlockedAction(str(edge.label), failures))
            continue
        is_decision = edge.decides or edge.roles == workflow.APPROVERS
        concludes = conclusions.concludes(case.case_type, edge.to)
        actions.append(
            Action(edge.to, str(edge.label), edge.reason_required, is_decision, concludes)
        )
    return actions, blocked


def _assignable(actor: User, case: Case) -> list[User]:
    if not policy.can_assign_case(actor, case):
        return []
    candidates = User.objects.filter(
        is_active=True,
        org_unit_id=case.holding_unit_id,
        roles__code__in=["clerk", "officer", "approver"],
    ).distinct()
    return [
        u for u in candidates.order_by("full_name", "username") if policy.can_work_case(u, case)
    ]


def case_detail(*, actor: User, case: Case, today: date | None = None) -> CaseDetail:
    day = today or timezone.localdate()
    step = case.current_step
    marked = set(case.checklist_marks.values_list("code", flat=True))
    spec = workflow.spec_for(case.case_type)
    actions, blocked = _actions(actor, case)
    limit = step.limit if step is not None else None
    return CaseDetail(
        case=case,
        due=due_info(step, day) if step is not None else None,
        transitions=list(case.transitions.select_related("actor")),
        steps=list(case.steps.select_related("limit", "escalated_to")),
        clock_events=list(
            ClockEvent.objects.filter(step__case=case).select_related("actor", "step")
        ),
        checklist=[
            ChecklistState(i.code, str(i.label), str(Status(i.needed_for).label), i.code in marked)
            for i in spec.checklist
        ],
        team=list(case.team.select_related("user")),
        actions=actions,
        blocked=blocked,
        can_work=case.is_open and policy.can_work_case(actor, case),
        can_assign=case.is_open and policy.can_assign_case(actor, case),
        can_extend=case.is_open and policy.can_extend_case(actor, case),
        extensions_left=(limit.max_extensions - step.extensions) if limit and step else 0,
        max_extension_days=limit.max_extension_days if limit else 0,
        assignable=_assignable(actor, case) if case.is_open else [],
    )


def member_case_rows(*, actor: User, today: date | None = None) -> list[CaseRow]:
    cases = list(_with_relations(policy.cases_for_member(actor)).order_by("-opened_at", "-pk"))
    return case_rows(cases, today)

"""Timeliness of cases: how long each stage took, per case type and stage, from the history.

A *visit* of stage S starts at the transition into S and ends at the case's next transition (a
terminal stage has no visits: the time a case spent closed before a reopening is not a stage). A
visit counts in the period [date_from, date_to] when it **ended** in it. Its duration is in working
days (`WorkCalendar.working_days_between(start, end)`: the start day excluded, the end included).

For every (case type, stage) the report gives the count, the median (the middle value, or the mean
of the two middle values), the 90th percentile by the **nearest-rank** method (the value at rank
⌈0.9·n⌉ of the sorted list: always one of the observed durations), the maximum, the open cases now
in the stage past their limit (running step overdue and not paused, as in the inbox) and the limit
in force today (the purpose-less `StepLimit`) for reference. There is deliberately no "fastest 90%"
figure without the maximum next to it.

Scope: cases whose subject's managing unit is in `node`'s subtree, and only those the actor may
see; `node` must be in the actor's jurisdiction (404 otherwise, like a missing node). A bounded
number of queries whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from bvct.access import policy
from bvct.accounts.models import User
from bvct.orgs.models import OrgUnit
from bvct.vetting import workflow
from bvct.vetting.models import CaseTransition, CaseType, Status, StepLimit
from bvct.vetting.selectors import _overdue_q
from bvct.workdays.calendar import load_calendar


def nearest_rank(values: list[int], percent: int) -> int:
    """The `percent`-th percentile by nearest rank: sorted(values)[⌈percent/100·n⌉ − 1]."""
    ordered = sorted(values)
    rank = max(1, math.ceil(percent * len(ordered) / 100))
    return ordered[rank - 1]


@dataclass(frozen=True)
class TimelinessRow:
    case_type: str
    status: str
    count: int
    median: float | None
    p90: int | None
    max: int | None
    open_overdue: int
    limit_days: int | None

    @property
    def case_type_label(self) -> str:
        return str(CaseType(self.case_type).label)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass(frozen=True)
class TimelinessReport:
    node: OrgUnit
    date_from: dt.date
    date_to: dt.date
    case_type: str
    rows: list[TimelinessRow]


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _period_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def visits_ended_in(
    transitions: list[tuple[int, str, str, dt.datetime]], date_from: dt.date, date_to: dt.date
) -> list[tuple[str, str, dt.date, dt.date]]:
    """(case type, stage, start day, end day) of the visits that ended in the period, from
    (case id, case type, to_status, occurred_at) rows ordered by case and time."""
    visits = []
    for prev, nxt in itertools.pairwise(transitions):
        if prev[0] != nxt[0] or workflow.is_terminal(prev[1], prev[2]):
            continue  # another case, or the time a case spent closed before it was reopened
        end = _local_date(nxt[3])
        if date_from <= end <= date_to:
            visits.append((prev[1], prev[2], _local_date(prev[3]), end))
    return visits


def timeliness_report(
    *,
    actor: User,
    node: OrgUnit,
    date_from: dt.date,
    date_to: dt.date,
    case_type: str = "",
    today: dt.date | None = None,
) -> TimelinessReport:
    if not (policy.can_view_org_unit(actor, node) and actor.has_role(*policy.DOSSIER_ROLES)):
        raise Http404
    day = today or timezone.localdate()
    cases = policy.cases_visible_to(actor).filter(
        OrgUnit.subtree_filter(node.path, prefix="person__org_unit__")
    )
    if case_type:
        cases = cases.filter(case_type=case_type)
    start, end = _period_bounds(date_from, date_to)
    ended_in_period = CaseTransition.objects.filter(
        case__in=cases.values("pk"), occurred_at__gte=start, occurred_at__lt=end
    ).values("case_id")
    rows = list(
        CaseTransition.objects.filter(case_id__in=ended_in_period, occurred_at__lt=end)
        .order_by("case_id", "occurred_at", "pk")
        .values_list("case_id", "case__case_type", "to_status", "occurred_at")
    )
    visits = visits_ended_in(rows, date_from, date_to)
    durations: dict[tuple[str, str], list[int]] = defaultdict(list)
    if visits:
        calendar = load_calendar(min(v[2] for v in visits), max(v[3] for v in visits))
        for kind, stage, first, last in visits:
            durations[(kind, stage)].append(calendar.working_days_between(first, last))
    overdue = {
        (r["case_type"], r["status"]): r["n"]
        for r in cases.filter(closed_at__isnull=True)
        .filter(_overdue_q(day))
        .values("case_type", "status")
        .annotate(n=Count("pk"))
    }
    limits = {
        (limit.case_type, limit.status): limit.working_days
        for limit in StepLimit.objects.filter(purpose="", valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )
    }
    type_order = {value: i for i, value in enumerate(CaseType.values)}
    stage_order = {value: i for i, value in enumerate(Status.values)}
    keys = sorted(
        set(durations) | set(overdue), key=lambda k: (type_order[k[0]], stage_order[k[1]])
    )
    report_rows = []
    for key in keys:
        values = durations.get(key, [])
        report_rows.append(
            TimelinessRow(
                case_type=key[0],
                status=key[1],
                count=len(values),
                median=float(statistics.median(values)) if values else None,
                p90=nearest_rank(values, 90) if values else None,
                max=max(values) if values else None,
                open_overdue=overdue.get(key, 0),
                limit_days=limits.get(key),
            )
        )
    return TimelinessReport(node, date_from, date_to, case_type, report_rows)


def node_for_actor(*, actor: User, pk: int | None) -> OrgUnit:
    """The node to report on: `pk` within the actor's jurisdiction (404 otherwise), or by
    default the actor's own node."""
    if pk is None:
        root = policy.jurisdiction_root(actor)
        if root is None or not policy.is_staff_user(actor):
            raise Http404
        return root
    try:
        return policy.org_units_visible_to(actor).get(pk=pk)
    except OrgUnit.DoesNotExist as exc:
        raise Http404 from exc

"""Reads for the dashboard and the received reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.inspections.models import Inspection, RemediationItem
from bvct.orgs.models import OrgUnit
from bvct.reports import charts
from bvct.reports.models import PeriodicReport
from bvct.verification.models import VerificationRequest
from bvct.vetting.models import Case, CaseConclusion, ConclusionOutcome

VR = VerificationRequest.Status
MONTHS = 12


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString
    headers: list[str]
    rows: list[list[object]]  # the same numbers, as a table
    testid: str


def months_back(today: dt.date, n: int = MONTHS) -> list[dt.date]:
    """The first days of the last `n` months, oldest first, this month included."""
    firsts = []
    year, month = today.year, today.month
    for _i in range(n):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _by_month(
    rows: QuerySet[Any], field: str, months: list[dt.date], *, moment: bool = True
) -> list[int]:
    """Counts per calendar month (local time for a moment, the day itself for a date)."""
    month = (
        TruncMonth(field, tzinfo=timezone.get_current_timezone()) if moment else TruncMonth(field)
    )
    counted = rows.annotate(m=month).values("m").annotate(n=Count("pk"))
    found: dict[dt.date, int] = {}
    for row in counted.order_by():
        month = row["m"]
        day = month.date() if isinstance(month, dt.datetime) else month
        found[day.replace(day=1)] = found.get(day.replace(day=1), 0) + row["n"]
    return [found.get(m, 0) for m in months]


def _label(month: dt.date) -> str:
    return f"{month.month:02d}/{month.year % 100:02d}"


def dashboard_charts(*, actor: User, node: OrgUnit, today: dt.date | None = None) -> list[Chart]:
    """Charts of the actor's subtree over the last twelve months (records they may see)."""
    today = today or timezone.localdate()
    months = months_back(today)
    labels = [_label(m) for m in months]
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(months[0], dt.time.min, tzinfo=zone)
    cases = Case.objects.filter(
        OrgUnit.subtree_filter(node.path, prefix="person__org_unit__"),
        person__classification__lte=actor.clearance,
    )
    opened = _by_month(cases.filter(opened_at__gte=since), "opened_at", months)
    closed = _by_month(cases.filter(closed_at__gte=since), "closed_at", months)
    result = [
        Chart(
            _("Cases opened and closed per month"),
            charts.bar_chart(
                title=_("Cases opened and closed per month"),
                labels=labels,
                series=[(_("Opened"), opened), (_("Closed"), closed)],
                testid="chart-cases",
            ),
            [_("Month"), _("Opened"), _("Closed")],
            [[label, o, c] for label, o, c in zip(labels, opened, closed, strict=True)],
            "chart-cases",
        )
    ]
    outcomes = dict(
        CaseConclusion.objects.filter(case__in=cases, is_current=True, issued_on__gte=months[0])
        .values_list("outcome")
        .annotate(n=Count("pk"))
    )
    items = [
        (str(ConclusionOutcome(o).label), outcomes.get(o, 0)) for o in ConclusionOutcome.values
    ]
    result.append(
        Chart(
            _("Outcomes of the last twelve months"),
            charts.hbar_chart(
                title=_("Outcomes of the last twelve months"), items=items, testid="chart-outcomes"
            ),
            [_("Outcome"), _("Number")],
            [list(item) for item in items],
            "chart-outcomes",
        )
    )
    letters = VerificationRequest.objects.filter(
        OrgUnit.subtree_filter(node.path, prefix="requesting_unit__"),
        classification__lte=actor.clearance,
        status=VR.ANSWERED,
        replied_on__gte=months[0],
    )
    on_time = _by_month(
        letters.filter(replied_on__lte=F("due_on")), "replied_on", months, moment=False
    )
    late = _by_month(letters.filter(replied_on__gt=F("due_on")), "replied_on", months, moment=False)
    result.append(
        Chart(
            _("Verification letters answered on time and late"),
            charts.bar_chart(
                title=_("Verification letters answered on time and late"),
                labels=labels,
                series=[(_("On time"), on_time), (_("Late"), late)],
                testid="chart-requests",
            ),
            [_("Month"), _("On time"), _("Late")],
            [[label, a, b] for label, a, b in zip(labels, on_time, late, strict=True)],
            "chart-requests",
        )
    )
    inspections = Inspection.objects.filter(OrgUnit.subtree_filter(node.path, prefix="unit__"))
    by_status = dict(
        inspections.filter(starts_on__year=today.year).values_list("status").annotate(n=Count("pk"))
    )
    remediation = RemediationItem.objects.filter(inspection__in=inspections)
    progress = [
        (_("Inspections planned this year"), by_status.get(Inspection.Status.PLANNED, 0)),
        (
            _("Inspections under way"),
            by_status.get(Inspection.Status.DECIDED, 0)
            + by_status.get(Inspection.Status.IN_PROGRESS, 0),
        ),
        (
            _("Inspections notified or closed"),
            by_status.get(Inspection.Status.NOTIFIED, 0)
            + by_status.get(Inspection.Status.CLOSED, 0),
        ),
        (_("Remediation done"), remediation.filter(status="done").count()),
        (
            _("Remediation open, on time"),
            remediation.filter(status="open", due_on__gte=today).count(),
        ),
        (_("Remediation overdue"), remediation.filter(status="open", due_on__lt=today).count()),
    ]
    result.append(
        Chart(
            _("Inspections and remediation"),
            charts.hbar_chart(
                title=_("Inspections and remediation"), items=progress, testid="chart-inspections"
            ),
            [_("Item"), _("Number")],
            [list(item) for item in progress],
            "chart-inspections",
        )
    )
    return result


def received_reports(
    *, actor: User, node: OrgUnit, period: str, year: int, part: int
) -> tuple[list[OrgUnit], dict[int, PeriodicReport]]:
    """The node's direct children and the latest version each submitted for the period."""
    children = list(
        policy.org_units_visible_to(actor)
        .filter(path__startswith=node.path, depth=node.depth + 1)
        .order_by("path")
    )
    latest: dict[int, PeriodicReport] = {}
    rows = policy.periodic_reports_visible_to(actor).filter(
        org_unit__in=children, period=period, year=year, part=part
    )
    for report in rows.order_by("org_unit_id", "version"):
        latest[report.org_unit_id] = report
    return children, latest

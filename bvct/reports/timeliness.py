"""Timeliness in the report: the cases per type and stage (from `vetting.timeliness`), and the
replies to verification letters sent by the subtree — count, median, p90, max, and the letters
still open past their due date. Working days, Vietnamese calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bvct.accounts.models import User
from bvct.orgs.models import OrgUnit
from bvct.reports.figures import spread
from bvct.verification.models import VerificationRequest
from bvct.vetting.timeliness import timeliness_report
from bvct.workdays.calendar import load_calendar

VR = VerificationRequest.Status


def case_rows(
    *, actor: User, node: OrgUnit, start: dt.date, end: dt.date, today: dt.date
) -> list[dict[str, Any]]:
    report = timeliness_report(actor=actor, node=node, date_from=start, date_to=end, today=today)
    return [
        {
            "type": row.case_type,
            "type_label": str(row.case_type_label),
            "stage": row.status,
            "stage_label": str(row.status_label),
            "count": row.count,
            "median": row.median,
            "p90": row.p90,
            "max": row.max,
            "open_overdue": row.open_overdue,
            "limit_days": row.limit_days,
        }
        for row in report.rows
    ]


def reply_row(
    *, node: OrgUnit, clearance: int, start: dt.date, end: dt.date, today: dt.date
) -> dict[str, Any]:
    letters = VerificationRequest.objects.filter(
        classification__lte=clearance, requesting_unit__path__startswith=node.path
    )
    answered = [
        (sent, replied)
        for sent, replied in letters.filter(
            status=VR.ANSWERED, replied_on__range=(start, end)
        ).values_list("sent_on", "replied_on")
        if sent is not None and replied is not None
    ]
    days: list[int] = []
    if answered:
        calendar = load_calendar(min(a for a, _ in answered), max(b for _, b in answered))
        days = [calendar.working_days_between(sent, replied) for sent, replied in answered]
    open_overdue = letters.filter(status__in=[VR.SENT, VR.RECEIVED], due_on__lt=today).count()
    return {**spread(days), "open_overdue": open_overdue}

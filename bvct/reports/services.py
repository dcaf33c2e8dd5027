"""Periodic reports: the live figures for a node and period, and the submission that freezes
them, takes the number "Số N-BC/…" and sends the report to the superior node."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.orgs.models import OrgUnit
from bvct.reports import timeliness
from bvct.reports.figures import Rollup, period_bounds, period_label, rollup
from bvct.reports.models import Period, PeriodicReport
from bvct.reports.sections import ALL_SECTIONS
from bvct.vetting.numbering import next_number, reference

DOC_REPORT = "BC"  # báo cáo


def figures(
    *, actor: User, node: OrgUnit, period: str, year: int, part: int, today: dt.date | None = None
) -> Rollup:
    """The live figures of `node`'s subtree for the period, as `actor` may count them."""
    if not (policy.can_view_reports(actor) and policy.can_view_org_unit(actor, node)):
        raise Http404
    day = today or timezone.localdate()
    start, end = bounds(period, year, part)
    result = rollup(
        node=node, sections=ALL_SECTIONS, start=start, end=end, clearance=actor.clearance, today=day
    )
    result.extra = {
        "period": period,
        "year": year,
        "part": part,
        "label": period_label(period, year, part),
        "case_timeliness": timeliness.case_rows(
            actor=actor, node=node, start=start, end=end, today=day
        ),
        "reply_timeliness": timeliness.reply_row(
            node=node, clearance=actor.clearance, start=start, end=end, today=day
        ),
    }
    return result


def bounds(period: str, year: int, part: int) -> tuple[dt.date, dt.date]:
    if period not in Period.values:
        raise DomainError(
            _("Period: choose a month, a quarter, six months or a year."), field="period"
        )
    try:
        return period_bounds(period, year, part)
    except ValueError as exc:
        raise DomainError(_("Period: no such part of the year."), field="part") from exc


def _parent(node: OrgUnit) -> OrgUnit | None:
    if node.is_root():
        return None
    return OrgUnit.objects.filter(path=node.path[: -OrgUnit.steplen]).first()


@transaction.atomic
def report_submit(
    *, actor: User, node: OrgUnit, period: str, year: int, part: int
) -> PeriodicReport:
    """Freeze the figures, number the report and send it to the superior node. Submitting the
    same period again makes a new version (a correction); the earlier one stays as it was."""
    if not policy.can_submit_report(actor, node):
        raise AccessDenied(_("Only an approver of this unit submits its reports."))
    today = timezone.localdate()
    start, end = bounds(period, year, part)
    if start > today:
        raise DomainError(_("Period: it has not started yet."), field="part")
    data: dict[str, Any] = figures(
        actor=actor, node=node, period=period, year=year, part=part, today=today
    ).as_data()
    number, _term = next_number(issuing_unit=node, doc_type=DOC_REPORT, day=today)
    previous = PeriodicReport.objects.filter(org_unit=node, period=period, year=year, part=part)
    version = (previous.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    data["generated_on"] = today.isoformat()
    report = PeriodicReport.objects.create(
        org_unit=node,
        period=period,
        year=year,
        part=part,
        starts_on=start,
        ends_on=end,
        version=version,
        reference=reference(number, DOC_REPORT, node),
        data=data,
        clearance=actor.clearance,
        submitted_by=actor,
        submitted_at=timezone.now(),
        submitted_to=_parent(node),
    )
    audit_record(
        actor=actor,
        action="reports.report.submit",
        target=report,
        org_unit=node,
        data={
            "period": period,
            "year": year,
            "part": part,
            "version": version,
            "reference": report.reference,
        },
    )
    return report

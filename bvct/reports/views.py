"""Dashboard and report pages. Thin: parse, fetch through `policy` (a node or a report outside
the reader's jurisdiction answers 404), compute or read the figures, render or download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bvct.access import policy
from bvct.audit.services import audit_record
from bvct.core.downloads import attachment
from bvct.core.errors import DomainError
from bvct.core.replica import reads_from_replica
from bvct.core.selectors import attention_items_for
from bvct.core.types import AuthenticatedHttpRequest
from bvct.intake.reports import XLSX_CONTENT_TYPE
from bvct.orgs.models import OrgUnit
from bvct.reports import exports, selectors, services
from bvct.reports.figures import current_part, period_label
from bvct.reports.models import Period, PeriodicReport
from bvct.vetting.conclusions import DOCX_TYPE


@dataclass(frozen=True)
class Params:
    node: OrgUnit
    period: str
    year: int
    part: int

    @property
    def query(self) -> str:
        return f"node={self.node.code}&period={self.period}&year={self.year}&part={self.part}"


def _params(request: AuthenticatedHttpRequest, source: Any) -> Params:
    """The node (by code, in the reader's subtree; their own by default) and the period (this
    year's current half by default); a bad value falls back to the default with a message."""
    today = timezone.localdate()
    root = policy.jurisdiction_root(request.user)
    if root is None:
        raise Http404
    code = source.get("node", "").strip()
    node = (
        policy.org_units_visible_to(request.user).filter(code__iexact=code).first()
        if code
        else root
    )
    if node is None:
        raise Http404
    period = source.get("period", Period.HALF)
    period = period if period in Period.values else Period.HALF
    year_raw, part_raw = source.get("year", ""), source.get("part", "")
    year = int(year_raw) if year_raw.isdigit() and 2000 <= int(year_raw) <= 2100 else today.year  # noqa: PLR2004
    part = int(part_raw) if part_raw.isdigit() else current_part(period, today)
    try:
        services.bounds(period, year, part)
    except DomainError as exc:
        messages.error(request, exc.message)
        part = current_part(period, today) if year == today.year else 1
    return Params(node, period, year, part)


def presentable(data: dict[str, Any]) -> dict[str, Any]:
    """The figures with what the tables need: each row's "under" (the children's sum) and, per
    section, one row of values per child."""
    sections = []
    for section in data["sections"]:
        rows = [{**row, "under": row["total"] - row["own"]} for row in section["rows"]]
        child_rows = [
            (child, [row["by_child"][i] for row in section["rows"]])
            for i, child in enumerate(data["children"])
        ]
        sections.append({**section, "rows": rows, "child_rows": child_rows})
    return {
        **data,
        "start": exports.day_text(data["start"]),
        "end": exports.day_text(data["end"]),
        "sections": sections,
    }


def _choices() -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "periods": Period.choices,
        "years": range(today.year, today.year - 6, -1),
        "parts": range(1, 13),
    }


@require_GET
@reads_from_replica
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    root = policy.jurisdiction_root(request.user)
    charts = []
    if root is not None and policy.can_view_reports(request.user):
        charts = selectors.dashboard_charts(actor=request.user, node=root)
    return render(
        request,
        "reports/dashboard.html",
        {
            "node": root,
            "attention": attention_items_for(actor=request.user),
            "charts": charts,
            "can_view_reports": policy.can_view_reports(request.user),
        },
    )


@require_GET
@reads_from_replica
def periodic(request: AuthenticatedHttpRequest) -> HttpResponse:
    params = _params(request, request.GET)
    result = services.figures(
        actor=request.user,
        node=params.node,
        period=params.period,
        year=params.year,
        part=params.part,
    )
    return render(
        request,
        "reports/periodic.html",
        {
            **_choices(),
            "params": params,
            "data": presentable(result.as_data()),
            "can_submit": policy.can_submit_report(request.user, params.node),
            "submitted": policy.periodic_reports_visible_to(request.user).filter(
                org_unit=params.node, period=params.period, year=params.year, part=params.part
            ),
        },
    )


def _download(data: bytes, name: str, kind: str) -> HttpResponseBase:
    return attachment(data, filename=name, content_type=kind)


def _file(
    data: dict[str, Any], fmt: str, *, reference: str = "", signer: str = ""
) -> tuple[bytes, str]:
    if fmt == "docx":
        return exports.docx(
            data, reference=reference, day=timezone.localdate(), signer_name=signer
        ), DOCX_TYPE
    return exports.xlsx(data, reference=reference), XLSX_CONTENT_TYPE


@require_GET
def periodic_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    params = _params(request, request.GET)
    fmt = "docx" if request.GET.get("format") == "docx" else "xlsx"
    data = services.figures(
        actor=request.user,
        node=params.node,
        period=params.period,
        year=params.year,
        part=params.part,
    ).as_data()
    content, kind = _file(data, fmt)
    audit_record(
        actor=request.user,
        action="reports.report.export",
        org_unit=params.node,
        data={"period": params.period, "year": params.year, "part": params.part, "format": fmt},
    )
    return _download(
        content,
        f"bao-cao-{params.node.code}-{params.year}-{params.period}{params.part}.{fmt}",
        kind,
    )


@require_POST
def submit(request: AuthenticatedHttpRequest) -> HttpResponse:
    params = _params(request, request.POST)
    try:
        report = services.report_submit(
            actor=request.user,
            node=params.node,
            period=params.period,
            year=params.year,
            part=params.part,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('reports:periodic')}?{params.query}")
    messages.success(request, f"{report.reference}: " + str(_sent(report)))
    return redirect("reports:detail", pk=report.pk)


def _sent(report: PeriodicReport) -> str:
    from django.utils.translation import gettext as _  # noqa: PLC0415

    if report.submitted_to is None:
        return _("the report is frozen.")
    return _("the report is frozen and sent to %(unit)s.") % {"unit": report.submitted_to.name}


def _report(request: AuthenticatedHttpRequest, pk: int) -> PeriodicReport:
    rows = policy.periodic_reports_visible_to(request.user).select_related(
        "org_unit", "submitted_by", "submitted_to"
    )
    return get_object_or_404(rows, pk=pk)


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    audit_record(
        actor=request.user,
        action="reports.report.view",
        target=report,
        org_unit=report.org_unit,
        data={"reference": report.reference},
    )
    return render(
        request, "reports/detail.html", {"report": report, "data": presentable(report.data)}
    )


@require_GET
def detail_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    report = _report(request, pk)
    fmt = "docx" if request.GET.get("format") == "docx" else "xlsx"
    content, kind = _file(
        report.data, fmt, reference=report.reference, signer=report.submitted_by.full_name
    )
    audit_record(
        actor=request.user,
        action="reports.report.export",
        target=report,
        org_unit=report.org_unit,
        data={"reference": report.reference, "format": fmt},
    )
    return _download(
        content,
        f"bao-cao-{report.org_unit.code}-{report.year}-{report.period}{report.part}-v{report.version}.{fmt}",
        kind,
    )


@require_GET
@reads_from_replica
def received(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The reports the node's direct children submitted for a period, side by side."""
    params = _params(request, request.GET)
    children, latest = selectors.received_reports(
        actor=request.user,
        node=params.node,
        period=params.period,
        year=params.year,
        part=params.part,
    )
    submitted = [c for c in children if c.pk in latest]
    sections: list[dict[str, Any]] = []
    if submitted:
        # by (section, metric) key: snapshots frozen by another version of the code still line up
        totals = {
            c.pk: {
                (section["key"], row["key"]): row["total"]
                for section in latest[c.pk].data["sections"]
                for row in section["rows"]
            }
            for c in submitted
        }
        for section in latest[submitted[-1].pk].data["sections"]:
            rows = []
            for row in section["rows"]:
                values = [totals[c.pk].get((section["key"], row["key"])) for c in submitted]
                rows.append(
                    {"label": row["label"], "values": values, "sum": sum(v or 0 for v in values)}
                )
            sections.append({"title": section["title"], "rows": rows})
    return render(
        request,
        "reports/received.html",
        {
            **_choices(),
            "params": params,
            "label": period_label(params.period, params.year, params.part),
            "submitted": [(c, latest[c.pk]) for c in submitted],
            "missing": [c for c in children if c.pk not in latest][:200],
            "missing_count": len(children) - len(submitted),
            "sections": sections,
        },
    )

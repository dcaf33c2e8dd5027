"""Pages of bvct.privacy: large-export requests and the data-subject request register."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.core.downloads import attachment
from bvct.core.errors import DomainError
from bvct.core.forms import parse_day
from bvct.core.types import AuthenticatedHttpRequest
from bvct.intake.exports import ExportFilters, approval_threshold
from bvct.intake.reports import XLSX_CONTENT_TYPE
from bvct.privacy import selectors, services
from bvct.privacy.models import ExportRequest, SubjectRequest, SubjectRequestKind

# --- large exports ------------------------------------------------------------------------------


@require_GET
def export_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.export_request_list(actor=request.user)
    context = {
        "awaiting": list(selectors.export_requests_awaiting(request.user)),
        "mine": list(rows.filter(requested_by=request.user)[:50]),
        "others": list(rows.exclude(requested_by=request.user)[:50]),
        "threshold": approval_threshold(),
        "can_request": policy.can_request_export(request.user),
    }
    return render(request, "privacy/export_list.html", context)


@require_http_methods(["GET", "POST"])
def export_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    filters = ExportFilters(
        unit_code=source.get("unit", "").strip(), query=source.get("q", "").strip()
    )
    error = None
    if request.method == "POST":
        try:
            created = services.export_request_create(
                actor=request.user, filters=filters, purpose=request.POST.get("purpose", "")
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The export request was sent for approval."))
            return redirect("privacy:export-detail", pk=created.pk)
    context = {
        "filters": filters,
        "purpose": source.get("purpose", ""),
        "error": error,
        "threshold": approval_threshold(),
    }
    return render(request, "privacy/export_form.html", context)


@require_GET
def export_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.export_request_get_for_actor(actor=request.user, pk=pk)
    now = timezone.now()
    context = {
        "item": item,
        "can_decide": item.status == ExportRequest.Status.PENDING
        and policy.can_decide_export(request.user, item),
        "can_cancel": item.status == ExportRequest.Status.PENDING
        and policy.can_cancel_export(request.user, item),
        "can_download": item.is_downloadable(now)
        and policy.can_download_export(request.user, item),
        "expired": item.status == ExportRequest.Status.APPROVED and not item.is_downloadable(now),
    }
    return render(request, "privacy/export_detail.html", context)


@require_POST
def export_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.export_request_get_for_actor(actor=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.export_request_decide(
            actor=request.user, request=item, approve=approve, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The export was approved.") if approve else _("The export was refused.")
        )
    return redirect("privacy:export-detail", pk=item.pk)


@require_POST
def export_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.export_request_get_for_actor(actor=request.user, pk=pk)
    try:
        services.export_request_cancel(actor=request.user, request=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The export request was withdrawn."))
    return redirect("privacy:export-detail", pk=item.pk)


@require_GET
def export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    item = selectors.export_request_get_for_actor(actor=request.user, pk=pk)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        services.export_request_download(actor=request.user, request=item, out=out)
    except DomainError as exc:
        out.close()
        messages.error(request, exc.message)
        return redirect("privacy:export-detail", pk=item.pk)
    out.seek(0)
    name = f"danh-sach-nguoi-duyet-{item.pk}.xlsx"
    return attachment(out, filename=name, content_type=XLSX_CONTENT_TYPE)


# --- data-subject requests (staff) --------------------------------------------------------------


@require_GET
def subject_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = selectors.subject_request_list(actor=request.user)
    context = {
        "overdue": list(rows.filter(SubjectRequest.overdue_filter(today))[:200]),
        "open": list(rows.filter(status__in=SubjectRequest.OPEN)[:200]),
        "closed": list(rows.exclude(status__in=SubjectRequest.OPEN).order_by("-closed_at")[:50]),
        "limits": selectors.limits_in_force(today),
        "today": today,
    }
    return render(request, "privacy/subject_list.html", context)


def _kinds() -> list[SubjectRequestKind]:
    return list(SubjectRequestKind.objects.filter(is_active=True))


@require_http_methods(["GET", "POST"])
def subject_paper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A request received on paper, entered for a person whose dossier the actor keeps."""
    person = get_object_or_404(policy.people_visible_to(request.user), pk=pk)
    error = None
    if request.method == "POST":
        try:
            received_on = parse_day(
                request.POST.get("received_on", ""), field="received_on", label=_("Received on")
            )
            created = services.subject_request_register(
                actor=request.user,
                person=person,
                kind_code=request.POST.get("kind", ""),
                details=request.POST.get("details", ""),
                received_on=received_on,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The request was registered; its clocks are running."))
            return redirect("privacy:subject-detail", pk=created.pk)
    context = {"person": person, "kinds": _kinds(), "error": error, "post": request.POST}
    return render(request, "privacy/subject_form.html", context)


@require_GET
def subject_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.subject_request_get_for_actor(actor=request.user, pk=pk)
    services.subject_request_view(actor=request.user, request=item)
    context: dict[str, Any] = {
        "item": item,
        "overdue": item.is_overdue(timezone.localdate()),
        "can_work": policy.can_work_subject_request(request.user, item),
        "can_extend": policy.can_extend_subject_request(request.user, item),
        "can_close": policy.can_close_subject_request(request.user, item),
    }
    return render(request, "privacy/subject_detail.html", context)


def _act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    item = selectors.subject_request_get_for_actor(actor=request.user, pk=pk)
    post = request.POST
    try:
        if action == "acknowledge":
            services.subject_request_acknowledge(actor=request.user, request=item)
        elif action == "extend":
            services.subject_request_extend(
                actor=request.user, request=item, reason=post.get("reason", "")
            )
        else:
            services.subject_request_close(
                actor=request.user,
                request=item,
                complete=post.get("result") != "refused",
                outcome=post.get("outcome", ""),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The request was updated."))
    return redirect("privacy:subject-detail", pk=item.pk)


@require_POST
def subject_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "acknowledge")


@require_POST
def subject_extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "extend")


@require_POST
def subject_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "close")


# --- the member's own requests ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def my_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            created = services.subject_request_file(
                actor=request.user,
                kind_code=request.POST.get("kind", ""),
                details=request.POST.get("details", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Your request was received."))
            return redirect("privacy:my-request", pk=created.pk)
    context = {
        "rows": policy.subject_requests_for_member(request.user).select_related("kind"),
        "kinds": _kinds(),
        "error": error,
        "post": request.POST,
        "linked": policy.person_for_member(request.user) is not None,
    }
    return render(request, "privacy/my_requests.html", context)


@require_GET
def my_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.my_subject_request_get(actor=request.user, pk=pk)
    return render(request, "privacy/my_request.html", {"item": item})

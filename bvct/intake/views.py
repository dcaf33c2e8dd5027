"""Import pages (upload, job with live progress, problem report) and the people export."""

from __future__ import annotations

import tempfile
from io import BytesIO
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.core.downloads import attachment
from bvct.core.errors import DomainError
from bvct.core.htmx import is_htmx
from bvct.core.types import AuthenticatedHttpRequest
from bvct.intake import exports, selectors, services
from bvct.intake.forms import ImportUploadForm
from bvct.intake.reports import XLSX_CONTENT_TYPE, write_template

JOBS_PER_PAGE = 25
PROBLEMS_PER_PAGE = 100
DETAIL_TEMPLATE = "intake/job_detail.html"


@require_GET
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    jobs = selectors.import_job_list_for_actor(actor=request.user)
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    unit = request.user.org_unit
    context = {"page": page, "unit": unit, "threshold": exports.approval_threshold()}
    return render(request, "intake/job_list.html", context)


@require_http_methods(["GET", "POST"])
def job_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid() and form.org_unit is not None:
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                actor=request.user,
                org_unit=form.org_unit,
                file_name=upload.name,
                upload=upload,
                is_dry_run=form.cleaned_data["is_dry_run"],
                start=True,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("intake:job-detail", pk=job.pk)
    return render(request, "intake/job_form.html", {"form": form})


@require_GET
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_actor(actor=request.user, pk=pk)
    problems = selectors.import_job_problems(job=job)
    context = {
        "job": job,
        "page": Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page")),
        "stalled": services.is_stalled(job),
    }
    template = f"{DETAIL_TEMPLATE}#job" if is_htmx(request) else DETAIL_TEMPLATE
    return render(request, template, context)


@require_GET
def job_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    job = selectors.import_job_get_for_actor(actor=request.user, pk=pk)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    exports.problem_report_export(actor=request.user, job=job, out=out)
    out.seek(0)
    name = f"bao-cao-nhap-{job.pk}.xlsx"
    return attachment(out, filename=name, content_type=XLSX_CONTENT_TYPE)


@require_POST
def job_resume(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_actor(actor=request.user, pk=pk)
    try:
        services.import_job_resume(actor=request.user, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The import continues from row %(row)d.") % {"row": job.last_committed_row + 1},
        )
    return redirect("intake:job-detail", pk=job.pk)


@require_GET
def template_download(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    out = BytesIO()
    write_template(out)
    out.seek(0)
    return attachment(out, filename="mau-nhap-nguoi.xlsx", content_type=XLSX_CONTENT_TYPE)


@require_GET
def people_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    filters = exports.ExportFilters(
        unit_code=request.GET.get("unit", "").strip(), query=request.GET.get("q", "").strip()
    )
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        exports.people_export(actor=request.user, filters=filters, out=out)
    except exports.ExportNeedsApprovalError as exc:
        out.close()
        messages.warning(request, exc.message)
        query = urlencode({"unit": filters.unit_code, "q": filters.query})
        return redirect(f"{reverse('privacy:export-new')}?{query}")
    except DomainError as exc:
        out.close()
        messages.error(request, exc.message)
        return redirect("intake:job-list")
    out.seek(0)
    return attachment(out, filename="danh-sach-nguoi.xlsx", content_type=XLSX_CONTENT_TYPE)

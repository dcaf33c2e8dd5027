"""Case documents: upload, working-session minutes and the authorised downloads.

Documents are fetched through the scoped querysets of `policy` (404 outside the actor's reach);
the bytes are checked against their SHA-256 and every read is an audit event. Files are sent as
attachments with `nosniff`, never rendered inline.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.downloads import attachment
from bvct.core.errors import DomainError
from bvct.core.types import AuthenticatedHttpRequest
from bvct.vetting import documents, selectors, workflow
from bvct.vetting.models import Case, CaseDocument


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255, required=False)
    checklist_code = forms.CharField(
        label=gettext_lazy("Required document"), max_length=40, required=False
    )
    visible_to_subject = forms.BooleanField(
        label=gettext_lazy("The subject may see it"), required=False
    )


class SessionForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Held on"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    place = forms.CharField(label=gettext_lazy("Place"), max_length=255)
    attendees = forms.CharField(label=gettext_lazy("Attendees"), max_length=5000)
    minutes = forms.CharField(label=gettext_lazy("Minutes"), max_length=20000)


def checklist_choices(case: Case) -> list[tuple[str, str]]:
    return [(item.code, str(item.label)) for item in workflow.spec_for(case.case_type).checklist]


def file_response(document: CaseDocument, data: bytes) -> HttpResponse:
    """A stored document as an attachment, through the one download helper."""
    name = document.original_name or f"document-{document.pk}"
    response = attachment(data, filename=name, content_type=document.content_type)
    assert isinstance(response, HttpResponse)  # noqa: S101 (bytes give an HttpResponse)
    return response


def _documents_anchor(case: Case) -> str:
    return reverse("cases:case-detail", kwargs={"pk": case.pk}) + "#documents"


def _form_error(form: forms.Form) -> DomainError:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    return DomainError(f"{label}: {errors[0]}" if label else str(errors[0]), field=field)


@require_POST
def document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    form = UploadForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise _form_error(form)
        upload = form.cleaned_data["file"]
        data = documents.read_limited(upload)
        documents.document_upload(
            case=case,
            actor=request.user,
            title=form.cleaned_data["title"] or "",
            name=upload.name or "",
            data=data,
            checklist_code=form.cleaned_data["checklist_code"] or "",
            visible_to_subject=form.cleaned_data["visible_to_subject"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The document was kept with the case."))
    return redirect(_documents_anchor(case))


@require_POST
def session_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    form = SessionForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        documents.session_record(case=case, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The working session was recorded."))
    return redirect(_documents_anchor(case))


def _download(actor: User, document: CaseDocument) -> HttpResponse:
    try:
        data = documents.document_read(document=document, actor=actor)
    except DomainError as exc:  # the stored bytes no longer match their checksum
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    return file_response(document, data)


@require_GET
def document_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(policy.case_documents_visible_to(request.user), pk=pk)
    return _download(request.user, document)


@require_GET
def my_document_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(policy.member_documents_visible_to(request.user), pk=pk)
    return _download(request.user, document)

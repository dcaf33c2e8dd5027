"""Pages of verification requests: outgoing and incoming lists, the new-request form on a case,
the request page with each side's actions, the registry of bodies and the statistics. Every
request is fetched through `selectors` (404 outside reach); every write is one service call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.errors import DomainError
from bvct.core.forms import parse_day
from bvct.core.replica import reads_from_replica
from bvct.core.types import AuthenticatedHttpRequest
from bvct.orgs.models import OrgUnit
from bvct.people.identity import ReplyIdentifiers
from bvct.people.models import Relative
from bvct.verification import scope, selectors, services, tracking
from bvct.verification.forms import BodyForm, IssueForm, ReplyForm, RequestForm
from bvct.verification.models import CoveredPerson, ExternalBody, VerificationRequest
from bvct.vetting import documents
from bvct.vetting import selectors as case_selectors
from bvct.vetting.models import Case, CaseDocument
from bvct.vetting.views_documents import file_response

S = VerificationRequest.Status
ISSUE_LABELS = {
    "cover": gettext_lazy("Persons covered"),
    "family": gettext_lazy("Family"),
    "birth_date": gettext_lazy("Date of birth (dd/mm/yyyy)"),
    "cccd": "CCCD",
    "hometown_province_code": gettext_lazy("Hometown province code"),
}
STATES = ("pending", "overdue", "answered", "all")


def _state(request: AuthenticatedHttpRequest) -> str:
    state = request.GET.get("state", "pending")
    return state if state in STATES else "pending"


@require_GET
def outgoing(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = _state(request)
    rows = selectors.outgoing_for_actor(actor=request.user, state=state)[:200]
    context = {"rows": rows, "state": state, "side": "outgoing", "today": timezone.localdate()}
    return render(request, "verification/request_list.html", context)


@require_GET
def incoming(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = _state(request)
    rows = selectors.incoming_for_actor(actor=request.user, state=state)[:200]
    context = {"rows": rows, "state": state, "side": "incoming", "today": timezone.localdate()}
    return render(request, "verification/request_list.html", context)


# --- a new request on a case --------------------------------------------------------------------


def _relative_rows(actor: User, case: Case) -> list[dict[str, Any]]:
    today = timezone.localdate()
    relatives = list(case.person.relatives.select_related("linked_person").order_by("pk"))
    offers = tracking.reuse_offers(actor=actor, case=case, relatives=[None, *relatives])
    subject = {"relative": None, "verdict": None, "own_record": False, "offers": offers[None]}
    return [
        subject,
        *(
            {
                "relative": relative,
                "verdict": scope.verdict(case, relative, today),
                "own_record": scope.own_record_available(relative),
                "offers": offers[relative.pk],
            }
            for relative in relatives
        ),
    ]


def _addressee(code: str) -> OrgUnit | None:
    if not code.strip():
        return None
    unit = OrgUnit.objects.filter(code__iexact=code.strip()).first()
    if unit is None:
        raise DomainError(
            _("Addressee: no unit has the code “%(code)s”.") % {"code": code.strip()},
            field="addressee_unit_code",
        )
    return unit


@require_http_methods(["GET", "POST"])
def request_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_selectors.case_get_for_actor(actor=request.user, pk=pk)
    relatives = case.person.relatives.order_by("pk")
    initial = {
        "purpose": _("political-history verification for %(case)s")
        % {"case": case.get_case_type_display().lower()}
    }
    form = RequestForm(
        request.POST or None,
        initial=initial,
        relatives=relatives,
        clearance=request.user.clearance,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_create(
                actor=request.user,
                case=case,
                data=services.RequestInput(
                    legal_basis=data["legal_basis"],
                    purpose=data["purpose"],
                    questions=data["questions"],
                    addressee_unit=_addressee(data["addressee_unit_code"]),
                    addressee_body=data["addressee_body"],
                    include_subject=data["include_subject"],
                    relatives=list(data["relatives"]),
                    classification=data["classification"],
                    reason=data["reason"],
                    sent_on=data["sent_on"],
                ),
            )
        except DomainError as exc:
            target = {"addressee": "addressee_unit_code", "covers": "relatives"}.get(
                exc.field or "", exc.field
            )
            form.add_error(target if target in form.fields else None, exc.message)
        else:
            if created.status == S.AWAITING_CONSENT:
                messages.info(request, _("The request waits for an approver's consent."))
            else:
                messages.success(
                    request,
                    _("Letter %(reference)s sent; answer due by %(date)s.")
                    % {"reference": created.reference, "date": f"{created.due_on:%d/%m/%Y}"},
                )
            return redirect("requests:request-detail", pk=created.pk)
    context = {"case": case, "form": form, "rows": _relative_rows(request.user, case)}
    return render(request, "verification/request_new.html", context)


@require_POST
def reuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_selectors.case_get_for_actor(actor=request.user, pk=pk)
    relative_id = request.POST.get("relative", "")
    source_id = request.POST.get("source", "")
    try:
        relative = (
            get_object_or_404(Relative, pk=int(relative_id), person=case.person)
            if relative_id.isdigit()
            else None
        )
        source = (
            selectors.request_get_for_actor(actor=request.user, pk=int(source_id))
            if source_id.isdigit()
            else None
        )
        services.coverage_reuse(actor=request.user, case=case, relative=relative, source=source)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Recorded: no new letter is needed for this person."))
    return redirect(reverse("cases:case-detail", kwargs={"pk": case.pk}) + "#requests")


# --- one request --------------------------------------------------------------------------------


def _detail_context(actor: User, item: VerificationRequest) -> dict[str, Any]:
    external = item.addressee_unit is None
    requester = policy.can_request_for(actor, item)
    answerer = policy.can_answer_request(actor, item)
    may_reply = item.is_pending and (requester if external else answerer)
    return {
        "item": item,
        "covers": list(item.covers.select_related("relative", "issue").order_by("pk")),
        "requester": requester,
        "answerer": answerer,
        "may_consent": item.status == S.AWAITING_CONSENT
        and policy.can_consent_request(actor, item),
        "may_reply": may_reply,
        "reply_form": ReplyForm(external=external) if may_reply else None,
        "overdue": tracking.is_overdue(item),
        "assignable": _assignable(item) if answerer and item.is_pending else [],
        "families": IssueForm.base_fields["family"].choices,  # type: ignore[attr-defined]
        "may_issue": requester and item.reply_outcome == "issue_found",
    }


def _assignable(item: VerificationRequest) -> list[User]:
    unit = item.addressee_unit
    if unit is None:
        return []
    users = User.objects.filter(is_active=True, org_unit=unit).order_by("full_name", "username")
    return [u for u in users if policy.can_answer_request(u, item)][:50]


@require_GET
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get_for_actor(actor=request.user, pk=pk)
    return render(request, "verification/request_detail.html", _detail_context(request.user, item))


def _back(request: AuthenticatedHttpRequest, item: VerificationRequest, error: Any) -> HttpResponse:
    if error is not None:
        messages.error(request, error.message)
    return redirect("requests:request-detail", pk=item.pk)


@require_POST
def request_consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get_for_actor(actor=request.user, pk=pk)
    try:
        services.request_consent(
            actor=request.user,
            request=item,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        return _back(request, item, exc)
    return _back(request, item, None)


@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get_for_actor(actor=request.user, pk=pk)
    try:
        services.request_withdraw(
            actor=request.user, request=item, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return _back(request, item, exc)
    return _back(request, item, None)


@require_POST
def request_receive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get_for_actor(actor=request.user, pk=pk)
    try:
        services.request_receive(actor=request.user, request=item)
    except DomainError as exc:
        return _back(request, item, exc)
    return _back(request, item, None)


@require_POST
def request_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get_for_actor(actor=request.user, pk=pk)
    try:
        raw = request.POST.get("assignee", "")
        assignee = (
            User.objects.filter(pk=int(raw), is_active=True).first() if raw.isdigit() else None
        )
        if assignee is None:
            raise DomainError(_("Assignee: no such user."), field="assignee")
        services.request_assign(actor=request.user, request=item, assignee=assignee)
    except DomainError as exc:
        return _back(request, item, exc)
    return _back(request, item, None)


@require_http_methods(["GET", "POST"])
def request_reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get_for_actor(actor=request.user, pk=pk)
    external = item.addressee_unit is None
    form = ReplyForm(request.POST or None, request.FILES or None, external=external)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        try:
            services.reply_record(
                actor=request.user,
                request=item,
                data=services.ReplyInput(
                    outcome=data["outcome"],
                    text=data["text"],
                    reference=data.get("reference") or "",
                    replied_on=data["replied_on"],
                    file_name=upload.name if upload else "",
                    file_data=documents.read_limited(upload) if upload else b"",
                ),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The answer was recorded."))
            return redirect("requests:request-detail", pk=item.pk)
    context = _detail_context(request.user, item) | {"reply_form": form}
    return render(request, "verification/request_detail.html", context)


@require_POST
def request_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get_for_actor(actor=request.user, pk=pk)
    form = IssueForm(request.POST)
    try:
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            label = ISSUE_LABELS.get(field, field)
            raise DomainError(f"{label}: {errors[0]}", field=field)
        data = form.cleaned_data
        cover = get_object_or_404(CoveredPerson, pk=data["cover"], request=item)
        services.reply_to_issue(
            actor=request.user,
            request=item,
            cover=cover,
            family=data["family"],
            summary=data["summary"],
            identifiers=ReplyIdentifiers(
                full_name=data["full_name"],
                birth_date=data["birth_date"],
                cccd=data["cccd"],
                hometown_province_code=data["hometown_province_code"],
            ),
        )
    except DomainError as exc:
        return _back(request, item, exc)
    messages.success(request, _("The issue was recorded on the dossier, under verification."))
    return _back(request, item, None)


def _document(actor: User, document: CaseDocument | None) -> HttpResponse:
    if document is None:
        return HttpResponse(status=404)
    try:
        data = documents.document_read(document=document, actor=actor)
    except DomainError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    return file_response(document, data)


@require_GET
def request_letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get_for_actor(actor=request.user, pk=pk)
    return _document(request.user, item.letter)


@require_GET
def reply_document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get_for_actor(actor=request.user, pk=pk)
    return _document(request.user, item.reply_document)


# --- registry and statistics --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def bodies(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.body_register(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The body was registered."))
            return redirect("requests:bodies")
    context = {
        "bodies": ExternalBody.objects.order_by("name"),
        "form": form,
        "can_register": policy.can_register_bodies(request.user),
    }
    return render(request, "verification/bodies.html", context)


def _date(raw: str, default: dt.date) -> dt.date:
    """A period filter: a date that does not parse falls back to the default period."""
    try:
        return parse_day(raw, field="period", label="")
    except DomainError:
        return default


@require_GET
@reads_from_replica
def stats(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    date_from = _date(request.GET.get("from", ""), today.replace(month=1, day=1))
    date_to = _date(request.GET.get("to", ""), today)
    report = tracking.request_stats(
        selectors.visible(request.user), date_from=date_from, date_to=date_to
    )
    context = {"report": report, "date_from": date_from, "date_to": date_to}
    return render(request, "verification/stats.html", context)

"""Case pages: parse, fetch through selectors (404 outside the actor's reach), one service,
respond. An htmx request gets the `status-panel` partial of the detail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.errors import DomainError
from bvct.core.htmx import is_htmx
from bvct.core.replica import reads_from_replica
from bvct.core.types import AuthenticatedHttpRequest
from bvct.people.selectors import person_get_for_actor
from bvct.verification import selectors as verification_selectors
from bvct.vetting import (
    clocks,
    conclusions,
    selectors,
    services,
    views_documents,
    views_dueprocess,
)
from bvct.vetting.forms import (
    AssignForm,
    CaseFilterForm,
    CaseOpenForm,
    ChecklistForm,
    DecisionForm,
    ExtendForm,
    ReasonForm,
    TeamForm,
    TransitionForm,
)
from bvct.vetting.models import Case, CaseType, Purpose, Status

DETAIL = "vetting/case_detail.html"


# --- lists --------------------------------------------------------------------------------------


@require_GET
@reads_from_replica
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    box = selectors.inbox_for_actor(actor=request.user)
    return render(request, "vetting/inbox.html", {"inbox": box})


def _filters(form: CaseFilterForm) -> selectors.CaseFilters:
    values = form.values()
    state = values.get("state") or "open"
    return selectors.CaseFilters(
        case_type=values.get("case_type", ""),
        purpose=values.get("purpose", ""),
        status=values.get("status", ""),
        is_open={"open": True, "closed": False}.get(state),
        assignee=values.get("assignee", ""),
        overdue=bool(values.get("overdue")),
    )


@require_GET
@reads_from_replica
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET)
    filters = _filters(form)
    page = selectors.case_list_for_actor(
        actor=request.user, filters=filters, page=form.values().get("page") or 1
    )
    context = {
        "page": page,
        "filters": filters,
        "state": form.values().get("state") or "open",
        "case_types": CaseType.choices,
        "purposes": Purpose.choices,
        "statuses": Status.choices,
    }
    template = "vetting/case_list.html"
    return render(request, f"{template}#results" if is_htmx(request) else template, context)


# --- detail -------------------------------------------------------------------------------------


def _detail_context(request: AuthenticatedHttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    return {
        "case": case,
        "detail": selectors.case_detail(actor=request.user, case=case),
        "errors": [],
        **extra,
    }


@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    due = views_dueprocess.staff_due_process(request.user, case)
    extra = {
        "due": due,
        "documents": list(
            policy.case_documents_visible_to(request.user)
            .filter(case=case)
            .select_related("uploaded_by")
        ),
        "sessions": list(case.sessions.all()),
        "can_work": due.can_work,
        "checklist_choices": views_documents.checklist_choices(case),
        "verification_requests": verification_selectors.requests_for_case(
            actor=request.user, case=case
        ),
        "today": timezone.localdate(),
        "evaluation_purpose": (
            conclusions.criteria_purpose(case)
            if policy.can_evaluate_person(request.user, case.person)
            else None
        ),
    }
    return render(request, DETAIL, _detail_context(request, case, **extra))


@require_http_methods(["GET", "POST"])
def case_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = person_get_for_actor(actor=request.user, pk=pk)
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, person=person, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Case #%(number)d opened.") % {"number": case.pk})
            return redirect(case)
    return render(request, "vetting/case_open.html", {"form": form, "person": person})


def _respond(
    request: AuthenticatedHttpRequest, pk: int, action: Callable[[Case], object]
) -> HttpResponse:
    """Run one service on the case; report a refusal; redirect, or the panel for htmx."""
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    errors: list[str] = []
    try:
        action(case)
    except DomainError as exc:  # AccessDenied included: the case is visible, the step is not
        errors.append(exc.message)
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    if not is_htmx(request):
        for error in errors:
            messages.error(request, error)
        return redirect(case)
    context = _detail_context(request, case, errors=errors)
    return render(request, f"{DETAIL}#status-panel", context)


def _invalid(form: Any) -> DomainError:
    first = next(iter(form.errors.values()))[0]
    return DomainError(str(first))


@require_POST
def case_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = TransitionForm(request.POST)

    def act(case: Case) -> object:
        if not form.is_valid():
            raise _invalid(form)
        data = form.cleaned_data
        return services.case_transition(
            case=case, to=data["to"], actor=request.user, reason=data["reason"]
        )

    return _respond(request, pk, act)


@require_POST
def case_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = AssignForm(request.POST)

    def act(case: Case) -> object:
        if not form.is_valid():
            raise _invalid(form)
        assignee = User.objects.filter(pk=form.cleaned_data["assignee"], is_active=True).first()
        if assignee is None:
            raise DomainError(_("Assignee: no such user."), field="assignee")
        return services.case_assign(case=case, actor=request.user, assignee=assignee)

    return _respond(request, pk, act)


@require_POST
def case_pause(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)

    def act(case: Case) -> object:
        if not form.is_valid():
            raise _invalid(form)
        return clocks.case_pause(case=case, actor=request.user, reason=form.cleaned_data["reason"])

    return _respond(request, pk, act)


@require_POST
def case_resume(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, lambda case: clocks.case_resume(case=case, actor=request.user))


@require_http_methods(["GET", "POST"])
def case_extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clocks.case_extend(case=case, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The time limit was extended."))
            return redirect(case)
    context = {
        "case": case,
        "form": form,
        "detail": selectors.case_detail(actor=request.user, case=case),
    }
    return render(request, "vetting/case_extend.html", context)


@require_POST
def case_checklist(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = ChecklistForm(request.POST)

    def act(case: Case) -> object:
        if not form.is_valid():
            raise DomainError(_("Checklist: choose a document."), field="code")
        return services.case_checklist_mark(
            case=case,
            actor=request.user,
            code=form.cleaned_data["code"],
            received=form.cleaned_data["received"],
        )

    return _respond(request, pk, act)


@require_POST
def case_decision(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)

    def act(case: Case) -> object:
        if not form.is_valid():
            raise _invalid(form)
        reference = form.cleaned_data["reference"]
        return services.case_record_decision(case=case, actor=request.user, reference=reference)

    return _respond(request, pk, act)


@require_POST
def case_team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = TeamForm(request.POST)

    def act(case: Case) -> object:
        if not form.is_valid():
            raise _invalid(form)
        member = User.objects.filter(pk=form.cleaned_data["member"], is_active=True).first()
        if member is None:
            raise DomainError(_("Team member: no such user."), field="member")
        return services.case_team_add(
            case=case, actor=request.user, member=member, is_leader=form.cleaned_data["is_leader"]
        )

    return _respond(request, pk, act)


# --- member portal ------------------------------------------------------------------------------


@require_GET
def my_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.member_case_rows(actor=request.user)
    return render(request, "vetting/my_cases.html", {"rows": rows})


@require_GET
def my_case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.member_case_get(actor=request.user, pk=pk)
    row = selectors.case_rows([case])[0]
    context = {
        "case": case,
        "row": row,
        "errors": [],
        **views_dueprocess.member_context(request, case),
    }
    return render(request, "vetting/my_case_detail.html", context)

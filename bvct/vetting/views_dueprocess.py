"""Pages of conclusions and due process: the conclude form, the conclusion, notices,
explanations and appeals on the case page, and the member portal's case page.

Cases are fetched through the scoped selectors (404 outside the actor's reach); notices and
appeals are then looked up inside that case only. Every write is one service call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.accounts.models import RoleCode, User
from bvct.core.errors import DomainError
from bvct.core.forms import BootstrapFormMixin
from bvct.core.htmx import is_htmx
from bvct.core.types import AuthenticatedHttpRequest
from bvct.criteria.explain import Explanation as TraceExplanation
from bvct.criteria.explain import explain_for_officer, explain_for_subject
from bvct.vetting import conclusions, dueprocess, selectors, services, workflow
from bvct.vetting.authority import competent_unit
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.models import (
    Appeal,
    Case,
    CaseConclusion,
    CaseDocument,
    CaseNotice,
    Status,
)

# --- forms --------------------------------------------------------------------------------------


class ConcludeForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"))
    facts = forms.CharField(
        label=gettext_lazy("Facts relied on"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=gettext_lazy("One fact per line; they are quoted in the conclusion."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = choices  # type: ignore[attr-defined]


class TextForm(forms.Form):
    text = forms.CharField(max_length=10000, required=False)
    notice = forms.IntegerField(required=False)
    appeal = forms.IntegerField(required=False)
    reviewer = forms.IntegerField(required=False)
    is_chair = forms.BooleanField(required=False)
    upheld = forms.ChoiceField(choices=[("", ""), ("1", "1"), ("0", "0")], required=False)


def _parsed(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    form = TextForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("The form is not valid; reload the page and try again."))
    return form.cleaned_data


# --- view data ----------------------------------------------------------------------------------


def _url(name: str, pk: int) -> str | None:
    """A link to another helper's route (document downloads), None until it exists."""
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return None


@dataclass
class NoticeRow:
    notice: CaseNotice
    explanation: Any
    letter_url: str | None
    window_open: bool


@dataclass
class ConclusionView:
    conclusion: CaseConclusion
    trace: TraceExplanation | None
    document_url: str | None
    appeal_deadline: Any


@dataclass
class AppealRow:
    appeal: Appeal
    panel: list[Any]
    can_form_panel: bool
    is_chair: bool
    candidates: list[User] = field(default_factory=list)


@dataclass
class DueProcess:
    notices: list[NoticeRow]
    conclusion: ConclusionView | None
    conclusions: list[CaseConclusion]
    appeals: list[AppealRow]
    can_issue: bool
    can_work: bool
    min_panel: int


def _notice_rows(case: Case, *, member: bool) -> list[NoticeRow]:
    today = timezone.localdate()
    rows = []
    for notice in case.notices.select_related("explanation").order_by("issued_on", "pk"):
        letter = dueprocess.notice_document(notice)
        route = "cases:my-document-download" if member else "cases:document-download"
        explanation = getattr(notice, "explanation", None)
        rows.append(
            NoticeRow(
                notice=notice,
                explanation=explanation,
                letter_url=_url(route, letter.pk) if letter is not None else None,
                window_open=(
                    explanation is None
                    and notice.explanation_due_on is not None
                    and today <= notice.explanation_due_on
                ),
            )
        )
    return rows


def _conclusion_view(
    conclusion: CaseConclusion | None, *, actor: User, member: bool
) -> ConclusionView | None:
    if conclusion is None:
        return None
    trace = None
    if conclusion.evaluation is not None:
        stored = conclusion.evaluation.trace
        trace = (
            explain_for_subject(stored)
            if member
            else explain_for_officer(stored, actor=actor, person=conclusion.case.person)
        )
    route = "cases:my-document-download" if member else "cases:document-download"
    return ConclusionView(
        conclusion=conclusion,
        trace=trace,
        document_url=_url(route, conclusion.document_id) if conclusion.document_id else None,
        appeal_deadline=dueprocess.appeal_deadline(conclusion),
    )


def _candidates(case: Case) -> list[User]:
    unit = competent_unit(case)
    step = len(unit.path)
    prefixes = [unit.path[:end] for end in range(4, step + 1, 4)]
    users = (
        User.objects.filter(
            is_active=True,
            org_unit__path__in=prefixes,
            roles__code__in=[RoleCode.OFFICER, RoleCode.APPROVER],
        )
        .select_related("org_unit")
        .distinct()
        .order_by("full_name", "username")
    )
    return [
        u for u in users if policy.can_view_case(u, case) and not dueprocess.conflicts_of(u, case)
    ][:50]


def staff_due_process(actor: User, case: Case) -> DueProcess:
    """What the case page shows about conclusions, notices, explanations and appeals."""
    latest = (
        CaseConclusion.objects.filter(case=case)
        .select_related("evaluation__version__ruleset", "signed_by", "issuing_unit")
        .order_by("-issued_on", "-pk")
    )
    current = next((c for c in latest if c.is_current), None)
    appeals = []
    may_form = dueprocess.may_form_panel(actor, case)
    for appeal in case.appeals.select_related("lodged_by").order_by("-lodged_on", "-pk"):
        panel = list(appeal.panel.select_related("user"))
        pending = appeal.status in {Appeal.Status.LODGED, Appeal.Status.HEARING}
        appeals.append(
            AppealRow(
                appeal=appeal,
                panel=panel,
                can_form_panel=pending and may_form,
                is_chair=pending and any(r.is_chair and r.user_id == actor.pk for r in panel),
                candidates=_candidates(case) if pending and may_form else [],
            )
        )
    can_work = policy.can_work_case(actor, case)
    return DueProcess(
        notices=_notice_rows(case, member=False),
        conclusion=_conclusion_view(current, actor=actor, member=False),
        conclusions=list(latest),
        appeals=appeals,
        can_issue=can_work and case.is_open,
        can_work=can_work,
        min_panel=dueprocess.MIN_PANEL,
    )


# --- staff pages --------------------------------------------------------------------------------


def _back(request: AuthenticatedHttpRequest, case: Case, error: DomainError | None) -> HttpResponse:
    if error is not None:
        messages.error(request, error.message)
    return redirect(reverse("cases:case-detail", kwargs={"pk": case.pk}) + "#due-process")


@require_http_methods(["GET", "POST"])
def case_conclude(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The approver's decision with its outcome and facts (decision edges only)."""
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    target = request.POST.get("to") or request.GET.get("to") or ""
    if not target:
        target = workflow.APPROVE_TO[case.case_type]
    if not conclusions.concludes(case.case_type, target):
        messages.error(request, _("This step is not a decision."))
        return redirect(case)
    form = ConcludeForm(
        request.POST or None, choices=conclusions.outcomes_for(case.case_type, target)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_transition(
                case=case,
                to=target,
                actor=request.user,
                reason=data["reason"] or "",
                conclusion=ConclusionInput(data["outcome"], data["facts"]),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The decision was recorded and its document issued."))
            return redirect(reverse("cases:case-conclusion", kwargs={"pk": case.pk}))
    context = {
        "case": case,
        "form": form,
        "target": target,
        "target_label": Status(target).label,
        "blocked": workflow.guard_failures(
            case,
            workflow.spec_for(case.case_type).edge(case.status, target),  # type: ignore[arg-type]
        )
        if workflow.spec_for(case.case_type).edge(case.status, target)
        else [],
    }
    return render(request, "vetting/conclude.html", context)


@require_GET
def case_conclusion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    due = staff_due_process(request.user, case)
    shown = due.conclusion
    if shown is None and due.conclusions:
        shown = _conclusion_view(due.conclusions[0], actor=request.user, member=False)
    return render(request, "vetting/conclusion.html", {"case": case, "due": due, "shown": shown})


@require_POST
def case_notice_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    try:
        data = _parsed(request)
        dueprocess.notice_issue(case=case, actor=request.user, body=data["text"] or "")
    except DomainError as exc:
        return _back(request, case, exc)
    messages.success(request, _("The notice was issued to the subject."))
    return _back(request, case, None)


def _notice_in(case: Case, notice_id: int | None) -> CaseNotice:
    """The notice of this case (404 for another case's notice)."""
    if not notice_id:
        raise DomainError(_("Notice: choose the notice being answered."), field="notice")
    return get_object_or_404(CaseNotice, pk=notice_id, case=case)


def _appeal_in(case: Case, appeal_id: int | None) -> Appeal:
    """The appeal of this case (404 for another case's appeal)."""
    if not appeal_id:
        raise DomainError(_("Appeal: choose the appeal."), field="appeal")
    return get_object_or_404(Appeal, pk=appeal_id, case=case)


@require_POST
def case_explanation_paper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    try:
        data = _parsed(request)
        notice = _notice_in(case, data["notice"])
        dueprocess.explanation_submit(
            notice=notice, actor=request.user, text=data["text"] or "", on_paper=True
        )
    except DomainError as exc:
        return _back(request, case, exc)
    return _back(request, case, None)


@require_POST
def case_appeal_lodge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    try:
        data = _parsed(request)
        dueprocess.appeal_lodge(case=case, actor=request.user, grounds=data["text"] or "")
    except DomainError as exc:
        return _back(request, case, exc)
    return _back(request, case, None)


@require_POST
def case_appeal_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    try:
        data = _parsed(request)
        appeal = _appeal_in(case, data["appeal"])
        reviewer = User.objects.filter(pk=data["reviewer"] or 0, is_active=True).first()
        if reviewer is None:
            raise DomainError(_("Reviewer: no such user."), field="reviewer")
        dueprocess.appeal_panel_add(
            appeal=appeal, actor=request.user, reviewer=reviewer, is_chair=data["is_chair"]
        )
    except DomainError as exc:
        return _back(request, case, exc)
    return _back(request, case, None)


@require_POST
def case_appeal_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_actor(actor=request.user, pk=pk)
    try:
        data = _parsed(request)
        appeal = _appeal_in(case, data["appeal"])
        if data["upheld"] not in {"0", "1"}:
            raise DomainError(_("Decision: uphold or set aside the conclusion."), field="upheld")
        dueprocess.appeal_decide(
            appeal=appeal,
            actor=request.user,
            upheld=data["upheld"] == "1",
            decision=data["text"] or "",
        )
    except DomainError as exc:
        return _back(request, case, exc)
    return _back(request, case, None)


# --- member portal ------------------------------------------------------------------------------


def _visible_documents(case: Case) -> list[tuple[CaseDocument, str | None]]:
    documents = CaseDocument.objects.filter(
        case=case, visible_to_subject=True, classification=0
    ).order_by("uploaded_at", "pk")
    return [(d, _url("cases:my-document-download", d.pk)) for d in documents]


def member_context(request: AuthenticatedHttpRequest, case: Case) -> dict[str, Any]:
    """The member's own case: stage, due date, holding unit, notices (marked seen), the
    explanation form while the window is open, the conclusion with the subject-facing
    explanation of the criteria, visible documents, appeals. Nothing internal."""
    for notice in case.notices.filter(seen_at__isnull=True):
        dueprocess.notice_mark_seen(notice=notice, actor=request.user)
    current = conclusions.current_conclusion(case)
    shown = _conclusion_view(current, actor=request.user, member=True)
    today = timezone.localdate()
    pending = case.appeals.filter(status__in=[Appeal.Status.LODGED, Appeal.Status.HEARING])
    return {
        "notices": _notice_rows(case, member=True),
        "conclusion": shown,
        "documents": _visible_documents(case),
        "appeals": list(case.appeals.order_by("-lodged_on", "-pk")),
        "may_appeal": shown is not None and today <= shown.appeal_deadline and not pending.exists(),
    }


def _member_back(
    request: AuthenticatedHttpRequest, case: Case, error: DomainError | None
) -> HttpResponse:
    if is_htmx(request):
        context = {
            "case": case,
            "row": selectors.case_rows([case])[0],
            "errors": [error.message] if error else [],
            **member_context(request, case),
        }
        return render(request, "vetting/my_case_detail.html#due-process", context)
    if error is not None:
        messages.error(request, error.message)
    return redirect(reverse("cases:my-case-detail", kwargs={"pk": case.pk}))


@require_POST
def my_explanation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.member_case_get(actor=request.user, pk=pk)
    try:
        data = _parsed(request)
        notice = _notice_in(case, data["notice"])
        dueprocess.explanation_submit(notice=notice, actor=request.user, text=data["text"] or "")
    except DomainError as exc:
        return _member_back(request, case, exc)
    messages.success(request, _("Your explanation was received."))
    return _member_back(request, case, None)


@require_POST
def my_appeal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.member_case_get(actor=request.user, pk=pk)
    try:
        data = _parsed(request)
        dueprocess.appeal_lodge(case=case, actor=request.user, grounds=data["text"] or "")
    except DomainError as exc:
        return _member_back(request, case, exc)
    messages.success(request, _("Your appeal was lodged."))
    return _member_back(request, case, None)

"""Time-limit pages: the limits in force (every staff member), their revision (national
administrators). Thin: parse, one service, respond."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from bvct.access import policy
from bvct.core.errors import DomainError
from bvct.core.forms import BootstrapFormMixin
from bvct.core.types import AuthenticatedHttpRequest
from bvct.inspections.models import ScoreFormula
from bvct.verification.models import ReplyLimit
from bvct.vetting import limits
from bvct.vetting.models import StepLimit, WindowLimit

DATE_FORMATS = ["%d/%m/%Y"]


class RevisionForm(BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(label=gettext_lazy("Days"), min_value=1, max_value=3650)
    max_extension_days = forms.IntegerField(
        label=gettext_lazy("Longest extension (working days)"),
        min_value=0,
        max_value=3650,
        required=False,
    )
    max_extensions = forms.IntegerField(
        label=gettext_lazy("Number of extensions allowed"),
        min_value=0,
        max_value=10,
        required=False,
    )
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), max_length=255)
    is_statutory = forms.BooleanField(label=gettext_lazy("Set by a regulation"), required=False)
    valid_from = forms.DateField(
        label=gettext_lazy("Valid from (dd/mm/yyyy)"), input_formats=DATE_FORMATS
    )

    reminder_days = forms.IntegerField(
        label=gettext_lazy("Reminder (working days before the due date)"),
        min_value=0,
        max_value=60,
        required=False,
    )
    reuse_months = forms.IntegerField(
        label=gettext_lazy("A reply may be reused for (months)"),
        min_value=1,
        max_value=120,
        required=False,
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != "step":
            del self.fields["max_extension_days"]
            del self.fields["max_extensions"]
        if kind != "reply":
            del self.fields["reminder_days"]
            del self.fields["reuse_months"]


@require_GET
def limits_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "steps": limits.step_limits(),
        "windows": limits.window_limits(),
        "replies": limits.reply_limits(),
        "formulas": ScoreFormula.objects.all(),
        "can_edit": policy.can_edit_limits(request.user),
    }
    return render(request, "vetting/limits.html", context)


def _limit(kind: str, pk: str) -> limits.Limit:
    row: limits.Limit | None = None
    if pk.isdigit() and kind == "step":
        row = StepLimit.objects.filter(pk=int(pk)).first()
    elif pk.isdigit() and kind == "window":
        row = WindowLimit.objects.filter(pk=int(pk)).first()
    elif pk.isdigit() and kind == "reply":
        row = ReplyLimit.objects.filter(pk=int(pk)).first()
    if row is None:
        raise Http404
    return row


def _kind(limit: limits.Limit) -> str:
    if isinstance(limit, StepLimit):
        return "step"
    return "window" if isinstance(limit, WindowLimit) else "reply"


@require_http_methods(["GET", "POST"])
def limit_revise(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    if not data.get("kind"):
        messages.info(request, _("Choose the time limit to revise."))
        return redirect("cases:limits")
    limit = _limit(data.get("kind", ""), data.get("id", ""))
    kind = _kind(limit)
    initial: dict[str, Any] = {
        "days": limit.days if isinstance(limit, WindowLimit) else limit.working_days,
        "legal_basis": limit.legal_basis,
        "is_statutory": limit.is_statutory,
    }
    if isinstance(limit, StepLimit):
        initial |= {
            "max_extension_days": limit.max_extension_days,
            "max_extensions": limit.max_extensions,
        }
    if isinstance(limit, ReplyLimit):
        initial |= {"reminder_days": limit.reminder_days, "reuse_months": limit.reuse_months}
    form = RevisionForm(
        request.POST if request.method == "POST" else None, initial=initial, kind=kind
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        revision = limits.Revision(
            days=values["days"],
            legal_basis=values["legal_basis"],
            valid_from=values["valid_from"],
            is_statutory=values["is_statutory"],
            max_extension_days=values.get("max_extension_days") or 0,
            max_extensions=values.get("max_extensions") or 0,
            reminder_days=values.get("reminder_days") or 0,
            reuse_months=values.get("reuse_months") or 12,
        )
        try:
            limits.limit_revise(actor=request.user, limit=limit, revision=revision)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The new time limit was recorded."))
            return redirect("cases:limits")
    context = {"limit": limit, "kind": kind, "form": form}
    return render(request, "vetting/limit_revise.html", context)

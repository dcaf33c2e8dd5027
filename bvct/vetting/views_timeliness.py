"""The timeliness page: how long each stage of the cases under a node took in a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.forms import BootstrapFormMixin
from bvct.core.htmx import is_htmx
from bvct.core.types import AuthenticatedHttpRequest
from bvct.orgs.models import OrgUnit
from bvct.vetting import timeliness
from bvct.vetting.models import CaseType

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_NODES = 500


def preset_period(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """(first, last) day of a preset period that contains `today`."""
    if preset == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return today.replace(month=first_month, day=1), today
    if preset == "six_months":
        month = today.month - 5
        year = today.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return dt.date(year, month, 1), today
    if preset == "year":
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today  # this month


class TimelinessForm(BootstrapFormMixin, forms.Form):
    node = forms.ModelChoiceField(
        label=_("Unit"), queryset=OrgUnit.objects.none(), required=False, empty_label=None
    )
    preset = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("month", _("This month")),
            ("quarter", _("This quarter")),
            ("six_months", _("Last 6 months")),
            ("year", _("This year")),
            ("custom", _("Custom dates")),
        ],
    )
    date_from = forms.DateField(label=_("From"), required=False, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label=_("To"), required=False, input_formats=DATE_FORMATS)
    case_type = forms.ChoiceField(
        label=_("Case type"), required=False, choices=[("", _("All")), *CaseType.choices]
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = policy.org_units_visible_to(actor).order_by("path")[:MAX_NODES]
        self.fields["node"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("preset") == "custom":
            if not data.get("date_from") or not data.get("date_to"):
                raise forms.ValidationError(_("Period: enter both dates, as dd/mm/yyyy."))
            if data["date_to"] < data["date_from"]:
                self.add_error("date_to", _("To: must not be before the first day."))
        return data


@require_GET
def timeliness_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.user
    today = timezone.localdate()
    form = TimelinessForm(request.GET or None, actor=actor)
    report = None
    node = policy.jurisdiction_root(actor)
    preset = "month"
    date_from, date_to = preset_period(preset, today)
    case_type = ""
    if form.is_bound and form.is_valid():
        values = form.cleaned_data
        node = values.get("node") or node
        preset = values.get("preset") or "month"
        if preset == "custom":
            date_from, date_to = values["date_from"], values["date_to"]
        else:
            date_from, date_to = preset_period(preset, today)
        case_type = values.get("case_type") or ""
    if node is not None and (not form.is_bound or form.is_valid()):
        report = timeliness.timeliness_report(
            actor=actor, node=node, date_from=date_from, date_to=date_to, case_type=case_type
        )
    context = {
        "form": form,
        "report": report,
        "node": node,
        "preset": preset,
        "date_from": date_from,
        "date_to": date_to,
        "case_type": case_type,
        "units": form.fields["node"].queryset,  # type: ignore[attr-defined]
        "case_types": CaseType.choices,
    }
    template = "vetting/timeliness.html"
    return render(request, f"{template}#results" if is_htmx(request) else template, context)

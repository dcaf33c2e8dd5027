"""Forms of the case pages: parsing only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.core.forms import BootstrapFormMixin
from bvct.vetting.models import CaseType, Purpose, Status


class CaseOpenForm(BootstrapFormMixin, forms.Form):
    case_type = forms.ChoiceField(label=_("Case type"), choices=CaseType.choices)
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", _("— not an appraisal —")), *Purpose.choices],
        required=False,
        help_text=_("Only for a political-standard appraisal."),
    )
    subject_matter = forms.CharField(
        label=_("What is being verified"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class TransitionForm(BootstrapFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("Next stage"), choices=Status.choices)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ExtendForm(BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=365)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AssignForm(BootstrapFormMixin, forms.Form):
    assignee = forms.IntegerField(label=_("Assign to"), widget=forms.HiddenInput)


class ChecklistForm(forms.Form):
    code = forms.CharField(max_length=40)
    received = forms.BooleanField(required=False)


class DecisionForm(BootstrapFormMixin, forms.Form):
    reference = forms.CharField(label=_("Verification decision (number and date)"), max_length=120)


class TeamForm(BootstrapFormMixin, forms.Form):
    member = forms.IntegerField(label=_("Team member"))
    is_leader = forms.BooleanField(label=_("Team leader"), required=False)


class CaseFilterForm(forms.Form):
    case_type = forms.ChoiceField(choices=[("", ""), *CaseType.choices], required=False)
    purpose = forms.ChoiceField(choices=[("", ""), *Purpose.choices], required=False)
    status = forms.ChoiceField(choices=[("", ""), *Status.choices], required=False)
    state = forms.ChoiceField(
        choices=[("open", "open"), ("closed", "closed"), ("all", "all")], required=False
    )
    assignee = forms.ChoiceField(choices=[("", ""), ("me", "me"), ("none", "none")], required=False)
    overdue = forms.BooleanField(required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return self.cleaned_data

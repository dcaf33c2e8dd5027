from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.accounts.models import Clearance
from bvct.core.forms import BootstrapFormMixin
from bvct.people.models import RecordedIssue, Relative
from bvct.verification.models import AddresseeKind, ExternalBody, ReplyOutcome

DATE_FORMATS = ["%d/%m/%Y"]


class RequestForm(BootstrapFormMixin, forms.Form):
    addressee_unit_code = forms.CharField(
        label=_("Addressee: party organisation (unit code)"),
        max_length=30,
        required=False,
        help_text=_("The code shown in the organisation tree, e.g. X20242."),
    )
    addressee_body = forms.ModelChoiceField(
        label=_("or a registered body"),
        queryset=ExternalBody.objects.none(),
        required=False,
        empty_label="—",
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=500)
    purpose = forms.CharField(label=_("Purpose"), max_length=500)
    questions = forms.CharField(
        label=_("Questions"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, initial=0)
    include_subject = forms.BooleanField(label=_("Cover the subject"), required=False, initial=True)
    relatives = forms.ModelMultipleChoiceField(
        label=_("Relatives covered"),
        queryset=Relative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Why relatives the rules do not name are covered"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    sent_on = forms.DateField(
        label=_("Already sent on paper on (dd/mm/yyyy)"),
        input_formats=DATE_FORMATS,
        required=False,
    )

    def __init__(self, *args: Any, relatives: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relatives"].queryset = relatives  # type: ignore[attr-defined]
        self.fields["addressee_body"].queryset = ExternalBody.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["classification"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Clearance.choices if value <= clearance
        ]


class ReplyForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Reply"), choices=ReplyOutcome.choices)
    text = forms.CharField(
        label=_("Content of the reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    reference = forms.CharField(
        label=_("Reply number and date (external body)"), max_length=120, required=False
    )
    replied_on = forms.DateField(
        label=_("Answered on (dd/mm/yyyy)"), input_formats=DATE_FORMATS, required=False
    )
    file = forms.FileField(label=_("Scanned reply (PDF, image)"), required=False)

    def __init__(self, *args: Any, external: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not external:
            del self.fields["reference"]
            del self.fields["file"]


class IssueForm(forms.Form):
    cover = forms.IntegerField()
    family = forms.ChoiceField(choices=RecordedIssue.Family.choices)
    summary = forms.CharField(max_length=5000, required=False)
    full_name = forms.CharField(max_length=200, required=False)
    birth_date = forms.DateField(input_formats=DATE_FORMATS, required=False)
    cccd = forms.CharField(max_length=12, required=False)
    hometown_province_code = forms.CharField(max_length=2, required=False)


class BodyForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in AddresseeKind.choices if c[0] != AddresseeKind.PARTY]
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    province_code = forms.CharField(label=_("Province (2025 code)"), max_length=2, required=False)

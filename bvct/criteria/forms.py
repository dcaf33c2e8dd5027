from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.core.forms import BootstrapFormMixin
from bvct.criteria.explain import OFFICER, SUBJECT
from bvct.criteria.models import Purpose
from bvct.criteria.yaml_io import MAX_YAML_BYTES

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("YAML file"), required=False)
    text = forms.CharField(
        label=_("or paste the YAML here"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_YAML_BYTES:
                self.add_error("file", _("The file is larger than 256 KB."))
                return data
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("file", _("The file is not UTF-8 text."))
                return data
        if not data.get("text"):
            self.add_error("text", _("Choose a YAML file or paste its text."))
        return data


class PublishForm(BootstrapFormMixin, forms.Form):
    effective_from = forms.DateField(
        label=_("In force from (dd/mm/yyyy)"), input_formats=DATE_FORMATS
    )
    impact_digest = forms.CharField(widget=forms.HiddenInput, required=False)


class ImpactForm(BootstrapFormMixin, forms.Form):
    effective_from = forms.DateField(
        label=_("In force from (dd/mm/yyyy)"), input_formats=DATE_FORMATS
    )


class EvaluationForm(BootstrapFormMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    date = forms.DateField(label=_("Date (dd/mm/yyyy)"), input_formats=DATE_FORMATS, required=False)
    audience = forms.ChoiceField(
        label=_("Version"),
        choices=[(OFFICER, _("For officers")), (SUBJECT, _("For the person concerned"))],
        required=False,
    )

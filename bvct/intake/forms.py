"""Forms of the import pages: upload a sheet, filter an export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.forms import BootstrapFormMixin
from bvct.orgs.models import OrgUnit

ALLOWED_SUFFIXES = (".csv", ".xlsx")


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("With the template's headers in row 1. CSV files must be saved as UTF-8."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    unit_code = forms.CharField(
        label=_("Unit code"),
        max_length=40,
        help_text=_("Rows without an organisation code go to this unit."),
    )
    is_dry_run = forms.BooleanField(
        label=_("Check only (dry run): report the problems, create nobody"), required=False
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.org_unit: OrgUnit | None = None
        if actor.org_unit is not None:
            self.fields["unit_code"].initial = actor.org_unit.code

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(ALLOWED_SUFFIXES):
            raise ValidationError(_("File: choose a .csv or .xlsx file."))
        return upload

    def clean_unit_code(self) -> str:
        code: str = self.cleaned_data["unit_code"].strip()
        units = policy.org_units_visible_to(self.actor)
        unit = units.filter(code=code).first() or units.filter(code=code.upper()).first()
        if unit is None or not policy.can_create_person_in(self.actor, unit):
            raise ValidationError(
                _("Unit code: no organisation “%(code)s” in your jurisdiction.") % {"code": code}
            )
        self.org_unit = unit
        return code

"""Filters of the audit log (shared by the page and, through `to_filter`, the API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.accounts.models import User
from bvct.audit.selectors import AuditEventFilter, org_unit_for_audit_filter
from bvct.core.forms import BootstrapFormMixin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
_DATE_ERROR = _("Enter a date as dd/mm/yyyy, for example 31/01/2026.")


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _DATE_ERROR},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )


class AuditEventFilterForm(BootstrapFormMixin, forms.Form):
    date_from = _date_field(_("From (date)"))
    date_to = _date_field(_("To (date)"))
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=64,
        help_text=_("An action, or the start of one: orgs.unit"),
    )
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    target_type = forms.CharField(
        label=_("Target type"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "accounts.user"}),
    )
    target_id = forms.CharField(label=_("Target id"), required=False, max_length=64)
    org_unit = forms.CharField(
        label=_("Unit code"),
        required=False,
        max_length=40,
        help_text=_("Events of this unit and the units below it."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user  # whose jurisdiction the unit code must be in
        super().__init__(*args, **kwargs)

    def clean_org_unit(self) -> Any:
        code: str = self.cleaned_data["org_unit"].strip()
        if not code:
            return None
        unit = org_unit_for_audit_filter(actor=self.user, code=code)
        if unit is None:
            raise forms.ValidationError(
                _("Unit code: no unit with code “%(code)s” in your jurisdiction."),
                params={"code": code},
                code="unknown_unit",
            )
        return unit

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                _("To (date): %(end)s is before From (date) %(start)s.")
                % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
            )
        return cleaned

    def to_filter(self) -> AuditEventFilter:
        """The filter of a valid form."""
        data = self.cleaned_data
        return AuditEventFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            action=(data.get("action") or "").strip(),
            actor_username=(data.get("actor") or "").strip(),
            target_type=(data.get("target_type") or "").strip(),
            target_id=(data.get("target_id") or "").strip(),
            org_unit=data.get("org_unit"),
        )


class ChainVerifyForm(forms.Form):
    """The verify button posts `confirm=verify`: an empty POST changes nothing."""

    confirm = forms.ChoiceField(choices=[("verify", "verify")], widget=forms.HiddenInput)

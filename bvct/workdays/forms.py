"""Forms of the calendar pages: they parse input; the calendar and the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.core.errors import DomainError
from bvct.core.forms import BootstrapFormMixin
from bvct.workdays.calendar import FIRST_YEAR, LAST_YEAR
from bvct.workdays.models import WorkdayOverride

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_DAYS = 10_000


def date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        ),
        error_messages={
            "required": _("Enter a date (dd/mm/yyyy)."),
            "invalid": _("Enter the date as dd/mm/yyyy, e.g. 26/04/2025."),
        },
    )


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)


class AddWorkingDaysForm(BootstrapFormMixin, forms.Form):
    start = date_field(_("Start date"))
    days = forms.IntegerField(
        label=_("Working days"),
        min_value=-MAX_DAYS,
        max_value=MAX_DAYS,
        help_text=_("The start date is not counted. A negative number counts backwards."),
        error_messages={
            "required": _("Enter a number of working days."),
            "invalid": _("Enter a whole number of working days, e.g. 60."),
        },
    )


class CountWorkingDaysForm(BootstrapFormMixin, forms.Form):
    start = date_field(_("From"))
    end = date_field(_("To"))


class OverrideForm(BootstrapFormMixin, forms.Form):
    date = date_field(_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkdayOverride.Kind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("For example the government notice that changed the day."),
    )


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service refusal on its field (or on the form), marked invalid for screen readers."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
    if field is not None:
        attrs = form.fields[field].widget.attrs
        if "is-invalid" not in attrs.get("class", ""):
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
        attrs["aria-invalid"] = "true"

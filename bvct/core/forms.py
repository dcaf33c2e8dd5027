"""Form helpers: Bootstrap classes and aria attributes on every widget."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from bvct.core.errors import DomainError


def _css_for(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapFormMixin:
    """Adds Bootstrap classes, and marks invalid fields for assistive technology.

    Invalid fields are marked after validation (`full_clean`), never in `__init__`, so subclasses
    may still change fields and choices in their own `__init__`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: forms.BaseForm = self  # type: ignore[assignment]
        for field in form.fields.values():
            widget = field.widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {_css_for(widget)}".strip()

    def full_clean(self) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        super().full_clean()  # type: ignore[misc]
        for name in form.errors:
            field = form.fields.get(name)
            if field is None:
                continue
            attrs = field.widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"


# --- small POST values outside a Form (action buttons on detail pages) ------------------------


def parse_day(raw: str, *, field: str, label: str) -> datetime.date:
    """A dd/mm/yyyy value; DomainError naming the field by its label otherwise."""
    try:
        return datetime.datetime.strptime(raw.strip(), "%d/%m/%Y").date()  # noqa: DTZ007 (a calendar day)
    except ValueError as exc:
        raise DomainError(
            _("%(field)s: write the date as dd/mm/yyyy.") % {"field": label}, field=field
        ) from exc


def parse_choice_id(raw: str, *, field: str, label: str) -> int:
    """A whole number chosen in a form (an id, a count); DomainError naming the field otherwise."""
    if not raw.strip().isdigit():
        raise DomainError(_("%(field)s: choose a value.") % {"field": label}, field=field)
    return int(raw)

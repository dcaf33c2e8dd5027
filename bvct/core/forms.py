"""Form helpers: Bootstrap classes and aria attributes on every widget."""

from __future__ import annotations

from typing import Any

from django import forms


class BootstrapFormMixin:
    """Adds Bootstrap classes, and marks invalid fields for assistive technology."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: forms.BaseForm = self  # type: ignore[assignment]
        for name, field in form.fields.items():
            widget = field.widget
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else ("form-select" if isinstance(widget, forms.Select) else "form-control")
            )
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if form.is_bound and name in form.errors:
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-invalid"] = "true"

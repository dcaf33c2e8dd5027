"""Forms for entering one section: lenient text inputs; `schema` does the real validation.

A single section (personal details) is one form; a list section is a formset with one blank row to
add and a "remove" box per row. Schema errors are put back on the row and field they name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms
from django.http import QueryDict
from typing_extensions import override

from bvct.core.forms import BootstrapFormMixin
from bvct.declarations.schema import (
    MAX_ROWS,
    FieldSpec,
    Kind,
    SchemaError,
    SectionSpec,
    input_value,
)

_PLACEHOLDERS = {Kind.MONTH: "mm/yyyy", Kind.DATE: "dd/mm/yyyy", Kind.YEAR: "yyyy"}


def _form_field(spec: FieldSpec) -> forms.Field:
    attrs: dict[str, Any] = {"autocomplete": "off"}
    if spec.kind in _PLACEHOLDERS:
        attrs |= {"placeholder": _PLACEHOLDERS[spec.kind], "inputmode": "numeric"}
    if spec.required:
        attrs["aria-required"] = "true"
    if spec.kind is Kind.BOOL:
        return forms.BooleanField(label=spec.label, required=False)
    if spec.kind is Kind.CHOICE:
        choices = [("", "—"), *spec.choices]
        return forms.CharField(
            label=spec.label, required=False, widget=forms.Select(choices=choices, attrs=attrs)
        )
    return forms.CharField(
        label=spec.label, required=False, strip=False, widget=forms.TextInput(attrs=attrs)
    )


class SectionRowForm(BootstrapFormMixin, forms.Form):
    spec: SectionSpec

    def values(self) -> dict[str, Any]:
        return {f.name: self.cleaned_data.get(f.name) for f in self.spec.fields}

    def is_blank(self) -> bool:
        return not any(v for v in self.values().values())


@cache
def row_form_class(spec: SectionSpec) -> type[SectionRowForm]:
    fields: dict[str, Any] = {f.name: _form_field(f) for f in spec.fields}
    return type(f"{spec.key.title()}RowForm", (SectionRowForm,), {"spec": spec, **fields})


class SectionRowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    spec: SectionSpec

    @override
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # added after BootstrapFormMixin styled the others
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


@cache
def formset_class(spec: SectionSpec) -> type[SectionRowFormSet]:
    return forms.formset_factory(  # type: ignore[return-value]
        row_form_class(spec),
        formset=SectionRowFormSet,
        extra=1,
        can_delete=True,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS + 1,
    )


def _initial(spec: SectionSpec, row: dict[str, Any]) -> dict[str, Any]:
    return {f.name: input_value(f, row.get(f.name)) for f in spec.fields}


@dataclass
class SectionEntry:
    """One section on the page: its spec and its (bound or unbound) form or formset."""

    spec: SectionSpec
    form: SectionRowForm | None = None
    formset: SectionRowFormSet | None = None
    errors: tuple[str, ...] = ()
    is_saved: bool = False
    _row_forms: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return self.spec.key

    def data(self) -> Any:
        """The section as entered (call after `is_valid`): a row, or the non-blank kept rows."""
        if self.form is not None:
            return self.form.values()
        assert self.formset is not None  # noqa: S101 (one of the two is always set)
        rows, kept = [], []
        for index, form in enumerate(self.formset.forms):
            if form.cleaned_data.get("DELETE") or form.is_blank():
                continue
            rows.append(form.values())
            kept.append(index)
        self._row_forms = tuple(kept)
        return rows

    def is_valid(self) -> bool:
        if self.form is not None:
            return self.form.is_valid()
        assert self.formset is not None  # noqa: S101
        return self.formset.is_valid()

    def add_schema_errors(self, errors: list[SchemaError]) -> None:
        """Show each error on its field, numbering rows as the page shows them."""
        shown = []
        for error in errors:
            form, message = self.form, error.message
            if self.formset is not None and error.row is not None:
                index = self._row_forms[error.row - 1]
                form, message = self.formset.forms[index], error.at_row(index + 1).message
            if form is not None and error.field is not None:
                form.add_error(error.field, message)
                _mark_invalid(form.fields[error.field].widget)
            shown.append(message)
        self.errors = tuple(shown)


def _mark_invalid(widget: forms.Widget) -> None:
    """What BootstrapFormMixin does for Django's own errors, for the schema's errors."""
    if "is-invalid" not in widget.attrs.get("class", ""):
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
    widget.attrs["aria-invalid"] = "true"


def section_entry(spec: SectionSpec, value: Any, data: QueryDict | None = None) -> SectionEntry:
    """The form for a section showing `value` (stored content), bound to `data` when posted."""
    prefix = spec.key
    if not spec.is_list:
        form = row_form_class(spec)(data, initial=_initial(spec, value or {}), prefix=prefix)
        return SectionEntry(spec, form=form)
    initial = [_initial(spec, row) for row in value or []]
    formset = formset_class(spec)(data, initial=initial, prefix=prefix)
    formset.spec = spec
    return SectionEntry(spec, formset=formset)


SECTION_FIELD = "section"

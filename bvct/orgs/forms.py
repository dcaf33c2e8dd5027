"""Forms for the organisation tree: input parsing only; the rules live in `services`."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.core.forms import BootstrapFormMixin
from bvct.orgs.models import OrgUnit
from bvct.orgs.services import kinds_allowed_under

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitCreateForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"))
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters A–Z, digits, “-”, “_” and “.”; unique in the whole tree."),
    )
    name = forms.CharField(label=_("Name"), max_length=255)
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=_DATE_WIDGET,
        help_text=_("Leave empty for today."),
    )

    def __init__(self, *args: Any, parent: OrgUnit, **kwargs: Any) -> None:
        # The kinds offered depend on the parent: set on this instance's copy of the field
        # declarations before Form.__init__.
        kind = copy.deepcopy(self.base_fields["kind"])
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101 (declared just above)
        kind.choices = [
            (value, OrgUnit.Kind(value).label) for value in kinds_allowed_under(parent.kind)
        ]
        self.base_fields = {**self.base_fields, "kind": kind}  # type: ignore[misc]
        super().__init__(*args, **kwargs)


class UnitRenameForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=120, required=False)


class UnitMergeForm(BootstrapFormMixin, forms.Form):
    successor = forms.CharField(
        label=_("Successor unit"),
        max_length=255,
        help_text=_("The code of the unit that takes over (e.g. X00070), or words of its name."),
    )
    effective_date = forms.DateField(
        label=_("Effective date"),
        widget=_DATE_WIDGET,
        help_text=_("The successor's first day in charge; the merged unit ends the day before."),
    )
    successor_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"effective_date": timezone.localdate()})
        super().__init__(*args, **kwargs)

"""Forms of the person pages. Parsing only: the rules live in services (and are shown inline)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bvct.accounts.models import Clearance, User
from bvct.core.errors import DomainError
from bvct.core.forms import BootstrapFormMixin
from bvct.orgs.models import OrgUnit
from bvct.people import addresses, selectors
from bvct.people.dates import format_partial_date, parse_partial_date
from bvct.people.models import DatePrecision, Person, RecordedIssue, Relative, Sex
from bvct.people.services import PersonFields, RelativeFields

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class PartialDateField(forms.CharField):
    """A date of birth as old records give it: dd/mm/yyyy, mm/yyyy or yyyy."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> tuple[datetime.date, str] | None:
        text = super().clean(value)
        if not text:
            return None
        parsed = parse_partial_date(text)
        if parsed is None:
            raise forms.ValidationError(
                gettext("%(label)s: enter dd/mm/yyyy, mm/yyyy or yyyy, e.g. 19/05/1990 or 1990.")
                % {"label": self.label}
            )
        return parsed


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy, for example 31/01/2026.")},
    )


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared as one above)
    field.choices = choices


class PersonForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    birth = PartialDateField(label=_("Date of birth"), required=False)
    cccd = forms.CharField(
        label=_("Citizen ID (CCCD)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    party_card_number = forms.CharField(label=_("Party card number"), required=False, max_length=20)
    org_unit_code = forms.CharField(
        label=_("Managing unit (code)"),
        max_length=40,
        help_text=_("The code shown in the organisation tree."),
    )
    hometown_text = forms.CharField(label=_("Hometown as written"), required=False, max_length=255)
    hometown_province_code = forms.ChoiceField(label=_("Province (2025)"), required=False)
    hometown_commune_code = forms.ChoiceField(label=_("Commune, ward (2025)"), required=False)
    residence_text = forms.CharField(
        label=_("Residence as written"), required=False, max_length=255
    )
    residence_province_code = forms.ChoiceField(label=_("Province (2025)"), required=False)
    residence_commune_code = forms.ChoiceField(label=_("Commune, ward (2025)"), required=False)
    admission_date = _date_field(_("Date of admission to the Party"))
    official_date = _date_field(_("Date of full membership"))
    classification = forms.TypedChoiceField(
        label=_("Classification"), choices=Clearance.choices, coerce=int, initial=0
    )
    confirmed_distinct = forms.BooleanField(
        label=_("I have compared the records above: this is a different person."),
        required=False,
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        self.actor = actor
        self.org_unit: OrgUnit | None = None
        super().__init__(*args, **kwargs)
        provinces = [("", "—"), *addresses.province_choices()]
        for prefix in ("hometown", "residence"):
            _set_choices(self, f"{prefix}_province_code", provinces)
            province = self._value(f"{prefix}_province_code")
            communes = [("", "—"), *addresses.commune_choices(province)]
            _set_choices(self, f"{prefix}_commune_code", communes)
        levels = [choice for choice in Clearance.choices if choice[0] <= actor.clearance]
        _set_choices(self, "classification", levels)

    def _value(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(self.add_prefix(name), ""))
        return str(self.initial.get(name, ""))

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        data = {name: getattr(person, name) for name in PersonFields.__dataclass_fields__}
        data["birth"] = format_partial_date(person.birth_date, person.birth_precision)
        data["cccd"] = person.cccd or ""
        data["party_card_number"] = person.party_card_number or ""
        data["org_unit_code"] = person.org_unit.code
        data["classification"] = person.classification
        return data

    def clean_org_unit_code(self) -> str:
        code: str = self.cleaned_data["org_unit_code"].strip()
        self.org_unit = selectors.unit_for_people(actor=self.actor, code=code)
        if self.org_unit is None:
            raise forms.ValidationError(
                gettext("Managing unit: no unit “%(code)s” in which you may keep dossiers.")
                % {"code": code}
            )
        return code

    def person_fields(self) -> PersonFields:
        data = self.cleaned_data
        birth = data.get("birth")
        return PersonFields(
            full_name=data["full_name"],
            sex=data["sex"],
            birth_date=birth[0] if birth else None,
            birth_precision=birth[1] if birth else DatePrecision.DAY,
            cccd=data["cccd"],
            party_card_number=data["party_card_number"],
            hometown_province_code=data["hometown_province_code"],
            hometown_commune_code=data["hometown_commune_code"],
            hometown_text=data["hometown_text"],
            residence_province_code=data["residence_province_code"],
            residence_commune_code=data["residence_commune_code"],
            residence_text=data["residence_text"],
            admission_date=data["admission_date"],
            official_date=data["official_date"],
        )

    def add_service_errors(self, exc: DomainError) -> None:
        """Every message of a service refusal, on its field when the form has one."""
        errors = getattr(exc, "errors", None) or {exc.field or "": [exc.message]}
        for name, messages in errors.items():
            target = {"birth_date": "birth", "birth_precision": "birth"}.get(name, name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class RelativeForm(BootstrapFormMixin, forms.Form):
    relationship = forms.ChoiceField(label=_("Relationship"), choices=Relative.Relationship.choices)
    relationship_note = forms.CharField(
        label=_("Relationship detail"), required=False, max_length=100
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    birth = PartialDateField(label=_("Date of birth"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    cccd = forms.CharField(label=_("Citizen ID (CCCD)"), required=False, max_length=20)
    address_text = forms.CharField(label=_("Address"), required=False, max_length=255)
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=200)
    is_deceased = forms.BooleanField(label=_("Deceased"), required=False)
    country_code = forms.CharField(
        label=_("Country if abroad"),
        required=False,
        max_length=2,
        help_text=_("Two-letter ISO code (FR, US, JP…); empty when living in Viet Nam."),
    )
    linked_person_id = forms.IntegerField(
        label=_("Their own record (number)"),
        required=False,
        min_value=1,
        help_text=_("When the relative has a dossier too: the number shown on their page."),
    )

    @classmethod
    def initial_for(cls, relative: Relative) -> dict[str, Any]:
        data = {name: getattr(relative, name) for name in RelativeFields.__dataclass_fields__}
        data["birth"] = format_partial_date(relative.birth_date, relative.birth_precision)
        return data

    def relative_fields(self) -> RelativeFields:
        data = self.cleaned_data
        birth = data.get("birth")
        return RelativeFields(
            relationship=data["relationship"],
            relationship_note=data["relationship_note"],
            full_name=data["full_name"],
            birth_date=birth[0] if birth else None,
            birth_precision=birth[1] if birth else DatePrecision.YEAR,
            sex=data["sex"],
            cccd=data["cccd"],
            address_text=data["address_text"],
            occupation=data["occupation"],
            is_deceased=data["is_deceased"],
            country_code=data["country_code"],
            linked_person_id=data["linked_person_id"],
        )

    def add_service_errors(self, exc: DomainError) -> None:
        errors = getattr(exc, "errors", None) or {exc.field or "": [exc.message]}
        for name, messages in errors.items():
            target = {"birth_date": "birth"}.get(name, name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class IssueForm(BootstrapFormMixin, forms.Form):
    family = forms.ChoiceField(label=_("Family"), choices=RecordedIssue.Family.choices)
    relative = forms.TypedChoiceField(
        label=_("Concerning"), coerce=int, required=False, empty_value=None
    )
    source = forms.ChoiceField(label=_("Source"), choices=RecordedIssue.Source.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    classification = forms.TypedChoiceField(
        label=_("Classification"), choices=Clearance.choices, coerce=int, initial=1
    )
    reply_full_name = forms.CharField(label=_("Name in the reply"), required=False)
    reply_birth_date = _date_field(_("Date of birth in the reply"))
    reply_cccd = forms.CharField(label=_("CCCD in the reply"), required=False, max_length=12)
    reply_hometown_province_code = forms.ChoiceField(
        label=_("Hometown province in the reply"), required=False
    )

    def __init__(self, *args: Any, actor: User, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        concerning = [(r.pk, str(r)) for r in person.relatives.all()]
        _set_choices(self, "relative", [("", gettext("The person")), *concerning])
        levels = [choice for choice in Clearance.choices if 1 <= choice[0] <= actor.clearance]
        _set_choices(self, "classification", levels)
        provinces = [("", "—"), *addresses.province_choices()]
        _set_choices(self, "reply_hometown_province_code", provinces)

    def add_service_errors(self, exc: DomainError) -> None:
        name = exc.field if exc.field in self.fields else None
        self.add_error(name, exc.message)


class IssueStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=RecordedIssue.Status.choices)
    conclusion_reference = forms.CharField(
        label=_("Concluding document"),
        required=False,
        max_length=120,
        help_text=_("Number and date, e.g. Số 12-KL/ĐU ngày 03/02/2026."),
    )
    concluded_on = _date_field(_("Concluded on"))

    def add_service_errors(self, exc: DomainError) -> None:
        name = exc.field if exc.field in self.fields else None
        self.add_error(name, exc.message)


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(label=_("Record to keep"), coerce=int, widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_("I confirm that both records are the same person."), required=True
    )

    def __init__(self, *args: Any, pair: tuple[Person, Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "keep", [(p.pk, f"#{p.pk}") for p in pair])

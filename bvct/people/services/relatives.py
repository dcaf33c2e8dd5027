"""Relatives of a person: typed relationships, living or deceased, abroad, linked records."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record, changes
from bvct.core.errors import DomainError
from bvct.people.identity import (
    validate_cccd,
)
from bvct.people.models import DatePrecision, Person, Relative, Sex
from bvct.people.names import split_name
from bvct.people.services.common import (
    PersonInvalidError,
    _editable_person,
    _full_clean,
    normalise_birth_date,
)


@dataclass(frozen=True)
class RelativeFields:
    relationship: str
    full_name: str
    relationship_note: str = ""
    birth_date: datetime.date | None = None
    birth_precision: str = DatePrecision.YEAR
    sex: str = ""
    cccd: str = ""
    address_text: str = ""
    occupation: str = ""
    is_deceased: bool = False
    country_code: str = ""
    linked_person_id: int | None = None

    @classmethod
    def of(cls, relative: Relative) -> RelativeFields:
        return cls(**{f.name: getattr(relative, f.name) for f in fields(cls)})


RELATIVE_PERSONAL_FIELDS = frozenset(
    {"full_name", "birth_date", "sex", "cccd", "address_text", "occupation", "relationship_note"}
)


def relative_fields_clean(
    data: RelativeFields, *, actor: User, person: Person
) -> tuple[RelativeFields, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    name = split_name(data.full_name).full_name
    if not name:
        errors["full_name"] = [_("Full name: required.")]
    if data.relationship not in Relative.Relationship.values:
        errors["relationship"] = [_("Relationship: choose one from the list.")]
    if data.sex and data.sex not in Sex.values:
        errors["sex"] = [_("Sex: choose male or female.")]
    country = data.country_code.strip().upper()
    if country and (len(country) != 2 or not country.isascii() or not country.isalpha()):  # noqa: PLR2004
        errors["country_code"] = [_("Country: a two-letter ISO code, e.g. FR, US, JP.")]
    elif country == "VN":
        errors["country_code"] = [_("Country: leave it empty for relatives living in Viet Nam.")]
    cleaned = RelativeFields(
        **{
            **asdict(data),
            "full_name": name,
            "country_code": country,
            "cccd": (data.cccd or "").strip(),
            "birth_date": normalise_birth_date(data.birth_date, data.birth_precision),
        }
    )
    if cleaned.birth_date is not None and cleaned.birth_date > timezone.localdate():
        errors["birth_date"] = [_("Date of birth: it is in the future.")]
    if cleaned.cccd:
        year = cleaned.birth_date.year if cleaned.birth_date else None
        problems = validate_cccd(cleaned.cccd, birth_year=year, sex=cleaned.sex or None)
        if problems:
            errors["cccd"] = problems
    if cleaned.linked_person_id is not None:
        visible = policy.people_visible_to(actor).filter(
            pk=cleaned.linked_person_id, merged_into__isnull=True
        )
        if cleaned.linked_person_id == person.pk or not visible.exists():
            errors["linked_person_id"] = [
                _("Their own record: no such record in your jurisdiction (or it is this person).")
            ]
    return cleaned, errors


def _relative_apply(relative: Relative, data: RelativeFields) -> None:
    for name, value in asdict(data).items():
        setattr(relative, name, value)
    relative.name_key = split_name(data.full_name).name_key
    relative.birth_year = data.birth_date.year if data.birth_date else None


def _relative_audit(relative: Relative) -> dict[str, Any]:
    return asdict(RelativeFields.of(relative))


@transaction.atomic
def relative_create(*, actor: User, person: Person, data: RelativeFields) -> Relative:
    person = _editable_person(actor, person)
    cleaned, errors = relative_fields_clean(data, actor=actor, person=person)
    if errors:
        raise PersonInvalidError(errors)
    relative = Relative(person=person)
    _relative_apply(relative, cleaned)
    _full_clean(relative)
    relative.save()
    audit_record(
        actor=actor,
        action="people.relative.create",
        target=relative,
        org_unit=person.org_unit,
        data={
            "person": person.pk,
            **changes({}, _relative_audit(relative), sensitive=RELATIVE_PERSONAL_FIELDS),
        },
    )
    return relative


@transaction.atomic
def relative_update(*, actor: User, relative: Relative, data: RelativeFields) -> Relative:
    person = _editable_person(actor, relative.person)
    relative = Relative.objects.select_for_update().get(pk=relative.pk)
    cleaned, errors = relative_fields_clean(data, actor=actor, person=person)
    if errors:
        raise PersonInvalidError(errors)
    before = _relative_audit(relative)
    _relative_apply(relative, cleaned)
    _full_clean(relative)
    relative.save()
    audit_record(
        actor=actor,
        action="people.relative.update",
        target=relative,
        org_unit=person.org_unit,
        data={
            "person": person.pk,
            **changes(before, _relative_audit(relative), sensitive=RELATIVE_PERSONAL_FIELDS),
        },
    )
    return relative


@transaction.atomic
def relative_delete(*, actor: User, relative: Relative) -> None:
    person = _editable_person(actor, relative.person)
    if relative.issues.exists():
        raise DomainError(
            _("This relative has recorded issues: the record cannot be deleted."), code="in_use"
        )
    relative_id = relative.pk
    audit_record(
        actor=actor,
        action="people.relative.delete",
        target=relative,
        org_unit=person.org_unit,
        data={"person": person.pk, "relationship": relative.relationship},
    )
    Relative.objects.filter(pk=relative_id).delete()

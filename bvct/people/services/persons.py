"""Creating and updating people, and the dossier-read trail."""

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
from bvct.core.errors import AccessDenied
from bvct.orgs.models import OrgUnit
from bvct.people import addresses
from bvct.people.identity import (
    duplicate_candidates,
    validate_cccd,
)
from bvct.people.models import DatePrecision, Person, Sex
from bvct.people.names import split_name
from bvct.people.search_index import index_people
from bvct.people.services.common import (
    MIN_BIRTH_YEAR,
    DuplicateCandidatesError,
    PersonInvalidError,
    _check_classification,
    _clean_optional,
    _full_clean,
    normalise_birth_date,
)
from bvct.vetting.scope import person_cases_resync


@dataclass(frozen=True)
class PersonFields:
    """The editable identity of a person, as entered (services clean and validate it)."""

    full_name: str
    sex: str
    birth_date: datetime.date | None = None
    birth_precision: str = DatePrecision.DAY
    cccd: str | None = None
    party_card_number: str | None = None
    hometown_province_code: str = ""
    hometown_commune_code: str = ""
    hometown_text: str = ""
    residence_province_code: str = ""
    residence_commune_code: str = ""
    residence_text: str = ""
    admission_date: datetime.date | None = None
    official_date: datetime.date | None = None

    @classmethod
    def of(cls, person: Person) -> PersonFields:
        return cls(**{f.name: getattr(person, f.name) for f in fields(cls)})


# Fields whose values never enter the audit log (all of PersonFields).

# Fields whose values never enter the audit log (all of PersonFields).
PERSON_PERSONAL_FIELDS = frozenset(f.name for f in fields(PersonFields))


def _check_birth(data: PersonFields, errors: dict[str, list[str]], today: datetime.date) -> None:
    if data.birth_precision not in DatePrecision.values:
        errors.setdefault("birth_precision", []).append(
            _("Date of birth precision: choose full date, month and year, or year only.")
        )
    if data.birth_date is not None and not data.birth_date.year >= MIN_BIRTH_YEAR:
        errors.setdefault("birth_date", []).append(
            _("Date of birth: the year must be %(year)d or later.") % {"year": MIN_BIRTH_YEAR}
        )
    if data.birth_date is not None and data.birth_date > today:
        errors.setdefault("birth_date", []).append(_("Date of birth: it is in the future."))


def _check_party_dates(data: PersonFields, errors: dict[str, list[str]]) -> None:
    if data.admission_date and data.birth_date and data.admission_date <= data.birth_date:
        errors.setdefault("admission_date", []).append(
            _("Date of admission to the Party: it must be after the date of birth.")
        )
    if data.official_date and not data.admission_date:
        errors.setdefault("admission_date", []).append(
            _("Date of admission to the Party: required when the date of full membership is set.")
        )
    if data.official_date and data.admission_date and data.official_date <= data.admission_date:
        errors.setdefault("official_date", []).append(
            _("Date of full membership: it must be after the date of admission.")
        )


def _check_units(data: PersonFields, errors: dict[str, list[str]]) -> None:
    for prefix, label in (("hometown", _("Hometown")), ("residence", _("Residence"))):
        province = getattr(data, f"{prefix}_province_code")
        commune = getattr(data, f"{prefix}_commune_code")
        if commune and not province:
            errors.setdefault(f"{prefix}_province_code", []).append(
                _("%(field)s: choose the province of the commune.") % {"field": label}
            )
            continue
        problems = addresses.validate_unit(
            province_code=province, commune_code=commune, label=str(label)
        )
        if problems:
            errors.setdefault(f"{prefix}_commune_code", []).extend(problems)


def person_fields_clean(data: PersonFields) -> tuple[PersonFields, dict[str, list[str]]]:
    """The cleaned fields and every problem found (the forms show them all inline)."""
    errors: dict[str, list[str]] = {}
    parts = split_name(data.full_name)
    if not parts.full_name:
        errors["full_name"] = [_("Full name: required.")]
    elif len(parts.full_name) > 200 or len(parts.given_name) > 50 or len(parts.surname) > 50:  # noqa: PLR2004
        errors["full_name"] = [_("Full name: too long.")]
    if data.sex not in Sex.values:
        errors["sex"] = [_("Sex: choose male or female.")]
    cleaned = PersonFields(
        **{
            **asdict(data),
            "full_name": parts.full_name,
            "birth_date": normalise_birth_date(data.birth_date, data.birth_precision),
            "cccd": _clean_optional(data.cccd),
            "party_card_number": _clean_optional(data.party_card_number),
            "hometown_text": " ".join(data.hometown_text.split()),
            "residence_text": " ".join(data.residence_text.split()),
        }
    )
    _check_birth(cleaned, errors, timezone.localdate())
    if cleaned.cccd:
        year = cleaned.birth_date.year if cleaned.birth_date else None
        problems = validate_cccd(cleaned.cccd, birth_year=year, sex=cleaned.sex or None)
        if problems:
            errors["cccd"] = problems
    card = cleaned.party_card_number
    if card and (not card.isascii() or not card.isdigit() or len(card) > 20):  # noqa: PLR2004
        errors["party_card_number"] = [_("Party card number: digits only, at most 20.")]
    _check_units(cleaned, errors)
    _check_party_dates(cleaned, errors)
    return cleaned, errors


def _check_unique_numbers(data: PersonFields, exclude_id: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    active = Person.objects.filter(merged_into__isnull=True)
    if exclude_id is not None:
        active = active.exclude(pk=exclude_id)
    if data.cccd and active.filter(cccd=data.cccd).exists():
        errors["cccd"] = [_("Citizen ID (CCCD): another person's record already has it.")]
    if data.party_card_number and active.filter(party_card_number=data.party_card_number).exists():
        errors["party_card_number"] = [
            _("Party card number: another person's record already has it.")
        ]
    return errors


def _apply(person: Person, data: PersonFields) -> None:
    parts = split_name(data.full_name)
    for name, value in asdict(data).items():
        setattr(person, name, value)
    person.surname, person.middle_name = parts.surname, parts.middle_name
    person.given_name, person.name_key = parts.given_name, parts.name_key
    person.birth_year = data.birth_date.year if data.birth_date else None


def _audit_values(person: Person) -> dict[str, Any]:
    values = asdict(PersonFields.of(person))
    values.update(
        org_unit=person.org_unit_id,
        classification=person.classification,
        account=person.account_id,
    )
    return values


def _validated(
    *, data: PersonFields, actor: User, exclude_id: int | None, confirmed_distinct: bool
) -> PersonFields:
    cleaned, errors = person_fields_clean(data)
    errors = errors or _check_unique_numbers(cleaned, exclude_id)
    if errors:
        raise PersonInvalidError(errors)
    if not confirmed_distinct:
        candidates = duplicate_candidates(
            full_name=cleaned.full_name,
            birth_date=cleaned.birth_date,
            cccd=cleaned.cccd,
            hometown_province_code=cleaned.hometown_province_code,
            exclude_id=exclude_id,
            scope=policy.people_visible_to(actor),
        )
        if candidates:
            raise DuplicateCandidatesError(candidates)
    return cleaned


@transaction.atomic
def person_create(
    *,
    actor: User,
    org_unit: OrgUnit,
    data: PersonFields,
    classification: int = 0,
    account: User | None = None,
    confirmed_distinct: bool = False,
) -> Person:
    """A new dossier in `org_unit`. Raises DuplicateCandidatesError when records in the actor's
    scope share two or more identifiers, unless `confirmed_distinct`."""
    if not policy.can_create_person_in(actor, org_unit):
        raise AccessDenied(_("You may not create records in this unit."))
    _check_classification(actor, classification)
    cleaned = _validated(
        data=data, actor=actor, exclude_id=None, confirmed_distinct=confirmed_distinct
    )
    person = Person(org_unit=org_unit, classification=classification, account=account)
    person.created_by = actor
    _apply(person, cleaned)
    _full_clean(person)
    person.save()
    audit_record(
        actor=actor,
        action="people.person.create",
        target=person,
        org_unit=org_unit,
        data={
            **changes({}, _audit_values(person), sensitive=PERSON_PERSONAL_FIELDS),
            "confirmed_distinct": confirmed_distinct,
        },
    )
    index_people([person])
    return person


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    data: PersonFields,
    org_unit: OrgUnit | None = None,
    classification: int | None = None,
    confirmed_distinct: bool = False,
) -> Person:
    """Replace the identity fields (and optionally move the dossier or reclassify it)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not policy.can_edit_person(actor, person) or person.merged_into_id is not None:
        raise AccessDenied(_("You may not edit this record."))
    if org_unit is not None and not policy.can_create_person_in(actor, org_unit):
        raise AccessDenied(_("You may not move records to this unit."))
    if classification is not None:
        _check_classification(actor, classification)
    before = _audit_values(person)
    identity_changed = _identity(PersonFields.of(person)) != _identity(data)
    cleaned = _validated(
        data=data,
        actor=actor,
        exclude_id=person.pk,
        confirmed_distinct=confirmed_distinct or not identity_changed,
    )
    _apply(person, cleaned)
    person.org_unit = org_unit or person.org_unit
    person.classification = person.classification if classification is None else classification
    _full_clean(person)
    person.save()
    moved = before["org_unit"] != person.org_unit_id
    if moved or before["classification"] != person.classification:
        person_cases_resync([person.pk])  # the scope copied on the person's cases
    audit_record(
        actor=actor,
        action="people.person.update",
        target=person,
        org_unit=person.org_unit,
        data=changes(before, _audit_values(person), sensitive=PERSON_PERSONAL_FIELDS),
    )
    index_people([person])
    return person


def _identity(data: PersonFields) -> tuple[Any, ...]:
    """The four duplicate-detection identifiers, as compared."""
    return (
        split_name(data.full_name).name_key,
        normalise_birth_date(data.birth_date, data.birth_precision),
        _clean_optional(data.cccd),
        data.hometown_province_code,
    )


@transaction.atomic
def person_read_record(*, actor: User, person: Person, channel: str) -> None:
    """The trail of who opened which dossier ("page" or "api"): no personal values."""
    audit_record(
        actor=actor,
        action="people.person.read",
        target=person,
        org_unit=person.org_unit,
        data={"channel": channel},
    )

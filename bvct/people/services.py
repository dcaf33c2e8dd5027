"""Writes on dossiers: people, relatives, recorded issues, merges, and the dossier-read trail.

Every service is keyword-only, takes `actor=`, checks access through `bvct.access.policy`, runs in
one transaction (all or nothing), calls `full_clean()` and writes one audit event. Audit data never
copies personal values (names, CCCD, dates, addresses): personal fields are listed by name with
the "[changed]" marker, other values are ids and codes.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record, changes
from bvct.core.errors import AccessDenied, DomainError
from bvct.orgs.models import OrgUnit
from bvct.people import addresses, workflow
from bvct.people.identity import (
    ReplyIdentifiers,
    duplicate_candidates,
    reply_matched_keys,
    validate_cccd,
)
from bvct.people.models import DatePrecision, Person, RecordedIssue, Relative, Sex
from bvct.people.names import split_name
from bvct.people.search_index import index_people, unindex_people

MIN_BIRTH_YEAR = 1880
VERIFICATION_MIN_KEYS = 3


class PersonInvalidError(DomainError):
    """One or more fields are invalid: `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=field)
        self.errors = errors


class DuplicateCandidatesError(DomainError):
    """Records that may be the same person exist; the actor must confirm it is someone else."""

    def __init__(self, candidates: list[tuple[Person, tuple[str, ...]]]) -> None:
        super().__init__(
            _(
                "%(count)d existing record(s) share two or more identifiers with this person. "
                "Compare them, and confirm that this is a different person to save."
            )
            % {"count": len(candidates)},
            code="duplicates",
        )
        self.candidates = candidates


# --- people -----------------------------------------------------------------------------------


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
PERSON_PERSONAL_FIELDS = frozenset(f.name for f in fields(PersonFields))


def normalise_birth_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """The stored form: with month or year precision, the first day of that month or year."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def _clean_optional(value: str | None) -> str | None:
    text = (value or "").strip().replace(" ", "")
    return text or None


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


def _check_classification(actor: User, classification: int) -> None:
    if not 0 <= classification <= actor.clearance:
        raise DomainError(
            _("Classification: you may set at most your own clearance (%(level)d).")
            % {"level": actor.clearance},
            field="classification",
        )


def _full_clean(obj: Person | Relative | RecordedIssue) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:  # a model invariant the checks above did not foresee
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(f"{field}: {messages[0]}", field=field) from exc


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


# --- merge ------------------------------------------------------------------------------------

# Fields of the kept record filled from the duplicate when the kept one has no value.
MERGE_FILLABLE = (
    "cccd",
    "party_card_number",
    "hometown_province_code",
    "hometown_commune_code",
    "hometown_text",
    "residence_province_code",
    "residence_commune_code",
    "residence_text",
    "admission_date",
    "official_date",
)


def merge_fills(keep: Person, duplicate: Person) -> list[str]:
    """Fields of `keep` that the merge fills from `duplicate` (shown before confirming)."""
    filled = [
        name for name in MERGE_FILLABLE if not getattr(keep, name) and getattr(duplicate, name)
    ]
    if keep.birth_date is None and duplicate.birth_date is not None:
        filled.append("birth_date")
    return filled


@transaction.atomic
def person_merge(*, actor: User, keep: Person, duplicate: Person) -> Person:
    """Fold `duplicate` into `keep`: relatives, issues and links move to `keep`, blank fields of
    `keep` are filled from `duplicate`, and `duplicate.merged_into = keep`. Both records stay;
    declarations stay on `duplicate` (submitted versions are immutable) and are shown on `keep`
    through `merged_from`."""
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    }
    keep, duplicate = locked.get(keep.pk, keep), locked.get(duplicate.pk, duplicate)
    if not policy.can_merge_people(actor, keep, duplicate):
        raise AccessDenied(_("You may not merge these records."))
    if keep.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise DomainError(_("One of these records has already been merged into another."))
    filled = merge_fills(keep, duplicate)
    account = duplicate.account if keep.account_id is None else None
    relatives = Relative.objects.filter(person=duplicate).update(person=keep)
    issues = RecordedIssue.objects.filter(person=duplicate).update(person=keep)
    links = Relative.objects.filter(linked_person=duplicate).update(linked_person=keep)
    Person.objects.filter(merged_into=duplicate).update(merged_into=keep)
    duplicate.merged_into = keep
    duplicate.account = None
    duplicate.save(update_fields=["merged_into", "account", "updated_at"])
    for name in filled:
        setattr(keep, name, getattr(duplicate, name))
    if "birth_date" in filled:
        keep.birth_precision, keep.birth_year = duplicate.birth_precision, duplicate.birth_year
    keep.account = account or keep.account
    keep.classification = max(keep.classification, duplicate.classification)
    _full_clean(keep)
    keep.save()
    audit_record(
        actor=actor,
        action="people.person.merge",
        target=keep,
        org_unit=keep.org_unit,
        data={
            "keep": keep.pk,
            "duplicate": duplicate.pk,
            "relatives_moved": relatives,
            "issues_moved": issues,
            "relative_links_moved": links,
            "filled": sorted(filled),
            "account_moved": account is not None,
        },
    )
    index_people([keep])
    unindex_people([duplicate.pk])
    return keep


# --- relatives --------------------------------------------------------------------------------


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


def _editable_person(actor: User, person: Person) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not policy.can_edit_person(actor, person) or person.merged_into_id is not None:
        raise AccessDenied(_("You may not edit this record."))
    return person


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


# --- recorded issues --------------------------------------------------------------------------


def _issue_person(actor: User, person: Person) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not policy.can_edit_issues(actor, person) or person.merged_into_id is not None:
        raise AccessDenied(_("You may not record issues on this dossier."))
    return person


def _check_reply(
    person: Person, relative: Relative | None, identifiers: ReplyIdentifiers | None
) -> tuple[str, ...]:
    """The three-identifier rule for facts from a verification reply."""
    if identifiers is None:
        raise DomainError(
            _("A fact from a verification reply needs the identifiers the reply gives."),
            field="reply_identifiers",
        )
    matched = reply_matched_keys(relative if relative is not None else person, identifiers)
    if len(matched) < VERIFICATION_MIN_KEYS:
        raise DomainError(
            _(
                "The verification reply matches only %(count)d identifier(s) of this person "
                "(at least 3 of name, date of birth, CCCD, hometown are needed); the fact was not "
                "attached."
            )
            % {"count": len(matched)},
            field="reply_identifiers",
            code="identity_mismatch",
        )
    return matched


@transaction.atomic
def issue_create(
    *,
    actor: User,
    person: Person,
    family: str,
    source: str,
    summary: str,
    relative: Relative | None = None,
    classification: int = 1,
    reply_identifiers: ReplyIdentifiers | None = None,
) -> RecordedIssue:
    """Record an issue on the person or one of their relatives. A fact from a verification reply
    attaches only when at least three identifiers of the reply match (see `_check_reply`)."""
    person = _issue_person(actor, person)
    if relative is not None and relative.person_id != person.pk:
        raise DomainError(_("Relative: not a relative of this person."), field="relative")
    _check_classification(actor, classification)
    matched: tuple[str, ...] = ()
    if source == RecordedIssue.Source.VERIFICATION_REPLY:
        matched = _check_reply(person, relative, reply_identifiers)
    issue = RecordedIssue(
        person=person,
        relative=relative,
        family=family,
        source=source,
        summary=summary.strip(),
        classification=classification,
        created_by=actor,
    )
    _full_clean(issue)
    issue.save()
    audit_record(
        actor=actor,
        action="people.issue.create",
        target=issue,
        org_unit=person.org_unit,
        data={
            "person": person.pk,
            "relative": relative.pk if relative else None,
            "family": family,
            "source": source,
            "classification": classification,
            "matched_identifiers": list(matched),
        },
    )
    return issue


@transaction.atomic
def attach_verification_fact(
    *,
    actor: User,
    person: Person,
    identifiers: ReplyIdentifiers,
    family: str,
    summary: str,
    relative: Relative | None = None,
    classification: int = 1,
) -> RecordedIssue:
    """A fact from a verification reply, recorded as an issue only if ≥3 identifiers match."""
    return issue_create(
        actor=actor,
        person=person,
        relative=relative,
        family=family,
        source=RecordedIssue.Source.VERIFICATION_REPLY,
        summary=summary,
        classification=classification,
        reply_identifiers=identifiers,
    )


@transaction.atomic
def issue_set_status(
    *,
    actor: User,
    issue: RecordedIssue,
    status: str,
    conclusion_reference: str = "",
    concluded_on: datetime.date | None = None,
) -> RecordedIssue:
    """declared → under verification → concluded; concluding needs the concluding document."""
    _issue_person(actor, issue.person)
    issue = RecordedIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.classification > actor.clearance:
        raise AccessDenied(_("You may not change this issue."))
    if status not in workflow.allowed_next(issue.status):
        raise DomainError(
            _("Status: an issue that is “%(old)s” cannot become “%(new)s”.")
            % {
                "old": RecordedIssue.Status(issue.status).label,
                "new": dict(RecordedIssue.Status.choices).get(status, status),
            },
            field="status",
        )
    reference = conclusion_reference.strip()
    if status == RecordedIssue.Status.CONCLUDED:
        if not reference:
            raise DomainError(
                _("Concluding document: required to conclude an issue (number and date)."),
                field="conclusion_reference",
            )
        issue.conclusion_reference = reference
        issue.concluded_on = concluded_on or timezone.localdate()
    old = issue.status
    issue.status = status
    _full_clean(issue)
    issue.save(update_fields=["status", "conclusion_reference", "concluded_on", "updated_at"])
    audit_record(
        actor=actor,
        action="people.issue.status",
        target=issue,
        org_unit=issue.person.org_unit,
        data={"person": issue.person_id, "old": {"status": old}, "new": {"status": status}},
    )
    return issue

"""Shared pieces of the people services: refusals, date normalisation, model checks."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.errors import AccessDenied, DomainError
from bvct.people.models import DatePrecision, Person, RecordedIssue, Relative

MIN_BIRTH_YEAR = 1880


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


def _editable_person(actor: User, person: Person) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not policy.can_edit_person(actor, person) or person.merged_into_id is not None:
        raise AccessDenied(_("You may not edit this record."))
    return person

"""The facts a rule looks at, loaded in bulk (a fixed number of queries per batch, not per person).

Facts are plain frozen dataclasses, so the evaluators in `kinds.py` stay pure. Sources:
* the person row (birth date, admission and full-membership dates, classification);
* recorded issues (`people.RecordedIssue`): family, status, whose (the person, or the relative's
  relationship), source, classification and the concluding document;
* the latest SUBMITTED self-declared history (`declarations.Declaration`): "declarations complete";
* open verification requests: `VerificationRequestSource` below. Verification requests (issue 6)
  do not exist yet, so the installed source returns none for everybody. When that app lands it
  provides a source with the same method and `set_verification_source` installs it; until then no
  rule of kind `verification_open` can apply, and the trace says which source answered.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Q

from bvct.declarations.models import Declaration
from bvct.people.models import Person, RecordedIssue

SELF = "self"  # `IssueFact.whose` for the person's own issues; otherwise the relationship code


@dataclass(frozen=True, slots=True)
class IssueFact:
    id: int
    family: str
    status: str
    whose: str
    relative_id: int | None
    source: str
    classification: int
    conclusion_reference: str
    concluded_on: datetime.date | None


@dataclass(frozen=True, slots=True)
class DeclarationFact:
    id: int
    number: int


@dataclass(frozen=True, slots=True)
class VerificationFact:
    id: int
    opened_on: datetime.date
    classification: int


@dataclass(frozen=True, slots=True)
class Facts:
    person_id: int
    as_of: datetime.date
    birth_date: datetime.date | None
    admission_date: datetime.date | None
    official_date: datetime.date | None
    classification: int
    issues: tuple[IssueFact, ...] = ()
    latest_declaration: DeclarationFact | None = None
    open_verifications: tuple[VerificationFact, ...] = ()


class VerificationRequestSource(Protocol):
    name: str

    def open_for(
        self, person_ids: Sequence[int], as_of: datetime.date
    ) -> dict[int, tuple[VerificationFact, ...]]: ...


class NoVerificationRequests:
    """The source in use until verification requests exist (issue 6): nobody has open requests."""

    name = "none-yet"

    def open_for(
        self, person_ids: Sequence[int], as_of: datetime.date
    ) -> dict[int, tuple[VerificationFact, ...]]:
        return {}


_verification_source: VerificationRequestSource = NoVerificationRequests()


def set_verification_source(source: VerificationRequestSource) -> None:
    global _verification_source  # noqa: PLW0603 (one process-wide plug point, set at app start)
    _verification_source = source


def verification_source() -> VerificationRequestSource:
    return _verification_source


PERSON_FIELDS = ("id", "birth_date", "admission_date", "official_date", "classification")
ISSUE_FIELDS = (
    "person_id",
    "id",
    "family",
    "status",
    "relative__relationship",
    "relative_id",
    "source",
    "classification",
    "conclusion_reference",
    "concluded_on",
)


def _person_filter(person_ids: Sequence[int], *, contiguous: bool) -> Q:
    """`person_id IN (...)`, or for a sorted keyset batch the cheaper id range (rows of people
    outside the batch, e.g. outside a subtree, are then dropped by the caller's lookups)."""
    if contiguous and person_ids:
        return Q(person_id__gte=person_ids[0], person_id__lte=person_ids[-1])
    return Q(person_id__in=person_ids)


def _issues_by_person(person_ids: Sequence[int], where: Q) -> dict[int, list[IssueFact]]:
    found: dict[int, list[IssueFact]] = defaultdict(list)
    rows = (
        RecordedIssue.objects.filter(where).order_by("person_id", "id").values_list(*ISSUE_FIELDS)
    )
    for pid, pk, family, status, relationship, rel_id, source, cls, ref, concluded in rows:
        found[pid].append(
            IssueFact(pk, family, status, relationship or SELF, rel_id, source, cls, ref, concluded)
        )
    return found


def _latest_declarations(where: Q) -> dict[int, DeclarationFact]:
    latest: dict[int, DeclarationFact] = {}
    rows = (
        Declaration.objects.filter(where, status=Declaration.Status.SUBMITTED)
        .order_by("person_id", "number")
        .values_list("person_id", "id", "number")
    )
    for pid, pk, number in rows:
        latest[pid] = DeclarationFact(pk, number)  # ordered by number: the last one wins
    return latest


def facts_for_rows(
    rows: Iterable[
        tuple[int, datetime.date | None, datetime.date | None, datetime.date | None, int]
    ],
    as_of: datetime.date,
    *,
    sorted_batch: bool = False,
) -> list[Facts]:
    """Facts for person rows (`PERSON_FIELDS` order): two queries for the whole batch (plus the
    verification source). `sorted_batch`: rows are in ascending id order (keyset batches)."""
    people = list(rows)
    ids = [row[0] for row in people]
    where = _person_filter(ids, contiguous=sorted_batch)
    issues = _issues_by_person(ids, where)
    declarations = _latest_declarations(where)
    verifications = verification_source().open_for(ids, as_of)
    return [
        Facts(
            person_id=pid,
            as_of=as_of,
            birth_date=birth,
            admission_date=admitted,
            official_date=official,
            classification=cls,
            issues=tuple(issues.get(pid, ())),
            latest_declaration=declarations.get(pid),
            open_verifications=verifications.get(pid, ()),
        )
        for pid, birth, admitted, official, cls in people
    ]


def load_facts(person_ids: Sequence[int], as_of: datetime.date) -> dict[int, Facts]:
    rows = Person.objects.filter(pk__in=person_ids).order_by("pk").values_list(*PERSON_FIELDS)
    return {facts.person_id: facts for facts in facts_for_rows(rows, as_of)}


def load_person_facts(person: Person, as_of: datetime.date) -> Facts:
    return load_facts([person.pk], as_of)[person.pk]

"""Duplicate checks for a whole batch of rows in a few queries (never one query per row).

Three kinds, each a `Finding` tied to one row:
* the same CCCD or party card number on an EARLIER row of the same file: an error on the later
  row (looked up in `ImportedRow`, so it costs no memory however long the file);
* a CCCD or party card that a person in the registry already has: a possible duplicate (the
  database would refuse the row anyway). The message names the person only when the actor may see
  them; otherwise it says the record is outside their jurisdiction;
* a person who existed before the job started (`people_watermark`) and shares at least two of
  (folded name, date of birth, CCCD, hometown province) with the row, among the people the actor
  may see: a possible duplicate, the rule of `bvct.people.identity` (same keys, same threshold),
  asked for all the rows at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bvct.access import policy
from bvct.accounts.models import User
from bvct.intake import columns as col
from bvct.intake.models import ImportedRow, ImportJob, ImportRowError
from bvct.intake.rows import PersonDraft, RowIssue
from bvct.people.identity import (
    DUPLICATE_THRESHOLD,
    KEY_BIRTH_DATE,
    KEY_CCCD,
    KEY_HOMETOWN,
    KEY_NAME,
    matched_identity_keys,
)
from bvct.people.models import Person

_PAIRS_PER_QUERY = 200  # OR-ed pairs per query: SQLite's expression depth limit is 1000
_KEY_LABELS = {
    KEY_NAME: gettext_lazy("full name"),
    KEY_BIRTH_DATE: gettext_lazy("date of birth"),
    KEY_CCCD: gettext_lazy("citizen ID"),
    KEY_HOMETOWN: gettext_lazy("hometown"),
}
_NUMBER_FIELDS = ((col.CCCD, "cccd"), (col.CARD, "party_card_number"))


@dataclass(frozen=True)
class Finding:
    issue: RowIssue
    kind: str  # ImportRowError.Kind


def find_in_batch(drafts: Sequence[PersonDraft]) -> list[Finding]:
    """CCCD / party card repeated inside this batch: an error on every later row."""
    findings: list[Finding] = []
    for key, attribute in _NUMBER_FIELDS:
        first_row: dict[str, int] = {}
        for draft in drafts:
            number = getattr(draft, attribute)
            if not number:
                continue
            if number in first_row:
                findings.append(_repeat(draft, key, number, first_row[number]))
            else:
                first_row[number] = draft.row
    return findings


def find_in_earlier_batches(job: ImportJob, drafts: Sequence[PersonDraft]) -> list[Finding]:
    findings: list[Finding] = []
    for key, attribute in _NUMBER_FIELDS:
        numbers = sorted({getattr(d, attribute) for d in drafts if getattr(d, attribute)})
        if not numbers:
            continue
        earlier = dict(
            _matching(ImportedRow, attribute, numbers, "row", nonblank=True, job_id=job.pk)
        )
        findings.extend(
            _repeat(d, key, getattr(d, attribute), earlier[getattr(d, attribute)])
            for d in drafts
            if getattr(d, attribute) in earlier
        )
    return findings


def _matching(
    model: type[models.Model],
    column: str,
    values: list[str],
    other: str,
    *,
    merged: bool | None = None,
    nonblank: bool = False,
    **equal: int,
) -> list[tuple[str, int]]:
    """(value, other column) of the rows whose `column` is one of `values` (and whose columns in
    `equal` have those values; `merged`: only merged / live people; `nonblank`: `column <> ''`
    stated, so that the planner may use the partial index that leaves blanks out — it cannot
    prove it from an `= ANY` of more than 100 values), in one statement with one parameter on
    PostgreSQL (= ANY) rather than the ORM's thousand-parameter IN list, whose building costs
    more than the lookup."""
    table = connection.ops.quote_name(model._meta.db_table)
    conditions = [f"{connection.ops.quote_name(name)} = %s" for name in equal]
    if merged is not None:
        conditions.append(f"merged_into_id IS {'NOT ' if merged else ''}NULL")
    if nonblank:
        conditions.append(f"{column} <> ''")
    params: list[int | str | list[str]] = list(equal.values())
    if connection.vendor == "postgresql" and not any("," in value for value in values):
        # one text parameter split by the server: Django's client-side binding would quote a
        # list of thousands of numbers element by element, in Python
        conditions.append(f"{column} = ANY(string_to_array(%s, ','))")
        params.append(",".join(values))
    elif connection.vendor == "postgresql":
        conditions.append(f"{column} = ANY(%s)")
        params.append(values)
    else:
        conditions.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
        params.extend(values)
    sql = f"SELECT {column}, {other} FROM {table} WHERE {' AND '.join(conditions)}"  # noqa: S608 (names from the models)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(value, found) for value, found in cursor.fetchall()]


def _owners(attribute: str, numbers: list[str]) -> dict[str, int]:
    """Number -> id of a person in the registry holding it (a live record rather than a merged
    one). Asked as two lookups, live records then merged ones: the number's index is partial
    (live records only), so one lookup over both would read the whole table on every batch."""
    found = dict(_matching(Person, attribute, numbers, "id", merged=False))
    merged = _matching(Person, attribute, numbers, "id", merged=True)
    return {**dict(merged), **found}


def _repeat(draft: PersonDraft, key: str, number: str, first: int) -> Finding:
    column = col.BY_KEY[key].header
    message = _("%(column)s is the same as on row %(row)d of this file.") % {
        "column": column,
        "row": first,
    }
    return Finding(RowIssue(draft.row, column, message, number), ImportRowError.Kind.ERROR)


def find_in_registry(
    *, actor: User, drafts: Sequence[PersonDraft], watermark: int
) -> list[Finding]:
    findings = _number_conflicts(actor, drafts)
    if watermark > 0:
        flagged = {finding.issue.row for finding in findings}
        findings.extend(
            _near_duplicates(actor, [d for d in drafts if d.row not in flagged], watermark)
        )
    return findings


def _number_conflicts(actor: User, drafts: Sequence[PersonDraft]) -> list[Finding]:
    findings: list[Finding] = []
    for key, attribute in _NUMBER_FIELDS:
        numbers = {getattr(d, attribute) for d in drafts if getattr(d, attribute)}
        if not numbers:
            continue
        ids = _owners(attribute, sorted(numbers))
        if not ids:
            continue
        owners = {
            getattr(person, attribute): person
            for person in Person.objects.filter(pk__in=ids.values()).order_by("pk")
        }
        visible = _visible_ids(actor, [p.pk for p in owners.values()])
        column = col.BY_KEY[key].header
        for draft in drafts:
            person = owners.get(getattr(draft, attribute))
            if person is None:
                continue
            if person.pk in visible:
                message = _("%(column)s already belongs to “%(name)s” (record %(id)d).") % {
                    "column": column,
                    "name": person.full_name,
                    "id": person.pk,
                }
            else:
                message = _("%(column)s already belongs to a record outside your jurisdiction.") % {
                    "column": column
                }
            issue = RowIssue(draft.row, column, message, getattr(draft, attribute))
            findings.append(Finding(issue, ImportRowError.Kind.DUPLICATE))
    return findings


def _visible_ids(actor: User, ids: Iterable[int]) -> set[int]:
    return set(
        policy.people_visible_to(actor).filter(pk__in=list(ids)).values_list("pk", flat=True)
    )


def _near_duplicates(actor: User, drafts: Sequence[PersonDraft], watermark: int) -> list[Finding]:
    """People sharing two of (name, date of birth, hometown province) with a row: any such pair
    is (name, date), (name, province) or (date, province), so three batched lookups of exact
    pairs find them all (a shared CCCD is `_number_conflicts`)."""
    scope = policy.people_visible_to(actor).filter(pk__lte=watermark, merged_into__isnull=True)
    found: dict[int, Person] = {}
    for fields, values in _pair_lookups(drafts):
        for start in range(0, len(values), _PAIRS_PER_QUERY):
            chunk = values[start : start + _PAIRS_PER_QUERY]
            lookup = reduce(or_, (Q(**dict(zip(fields, pair, strict=True))) for pair in chunk))
            for person in scope.filter(lookup).order_by("pk"):
                found.setdefault(person.pk, person)
    if not found:
        return []
    by_key: dict[tuple[str, object], list[Person]] = {}
    for person in found.values():
        by_key.setdefault(("name", person.name_key), []).append(person)
        by_key.setdefault(("date", person.birth_date), []).append(person)
    findings = []
    for draft in drafts:
        born = draft.birth.value if draft.birth else None
        seen = {p.pk: p for p in by_key.get(("name", draft.name_key), [])}
        seen.update({p.pk: p for p in by_key.get(("date", born), [])} if born else {})
        for person in sorted(seen.values(), key=lambda p: p.pk):
            keys = matched_identity_keys(
                person,
                name_key=draft.name_key,
                birth_date=born,
                cccd=draft.cccd,
                hometown_province_code=draft.hometown_province_code,
            )
            if len(keys) >= DUPLICATE_THRESHOLD:
                findings.append(_near(draft, person, keys))
    return findings


def _pair_lookups(
    drafts: Sequence[PersonDraft],
) -> list[tuple[tuple[str, str], list[tuple[object, object]]]]:
    name_date: set[tuple[object, object]] = set()
    name_home: set[tuple[object, object]] = set()
    date_home: set[tuple[object, object]] = set()
    for d in drafts:
        born, home = (d.birth.value if d.birth else None), d.hometown_province_code
        if born is not None:
            name_date.add((d.name_key, born))
        if home:
            name_home.add((d.name_key, home))
        if born is not None and home:
            date_home.add((born, home))
    return [
        (("name_key", "birth_date"), sorted(name_date, key=str)),
        (("name_key", "hometown_province_code"), sorted(name_home, key=str)),
        (("birth_date", "hometown_province_code"), sorted(date_home, key=str)),
    ]


def _near(draft: PersonDraft, person: Person, keys: Sequence[str]) -> Finding:
    message = _("Possibly the same person as “%(name)s” (record %(id)d): same %(keys)s.") % {
        "name": person.full_name,
        "id": person.pk,
        "keys": ", ".join(str(_KEY_LABELS[key]) for key in keys),
    }
    return Finding(RowIssue(draft.row, "", message, ""), ImportRowError.Kind.DUPLICATE)

"""Index maintenance: `index_people` (idempotent upsert), `index_new_rows` (the importer's bulk
path for people created in the same transaction) and `unindex_people`. The per-name counts
(`SearchNameCount`) follow the entries through database triggers; `recount_names` recomputes
them from scratch.

Both run inside the caller's transaction (people services, the importer, `bvct namesearch
rebuild`) and never commit. They are set-based: a batch of any size costs a fixed number of
statements (at most about ten per `BATCH_SIZE` people), never one per person.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

from django.db import connection, transaction
from django.db.models import F, Field, Model, OuterRef, Q, Subquery

from bvct.accounts.models import User
from bvct.namesearch.models import (
    AREA_LEVELS,
    SearchEntry,
    SearchName,
    SearchNameCount,
    SearchPosting,
    SearchSyllableKey,
)
from bvct.namesearch.text import (
    card_key,
    deletion_keys,
    given_and_surname,
    name_keys,
    name_tokens,
    syllables,
)
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person

BATCH_SIZE = 2000
_T = TypeVar("_T")

_ENTRY_COLUMNS = [
    "name_id",
    "path",
    "given",
    "surname",
    "classification",
    "birth_year",
    "hometown_province",
    "cccd",
    "card_key",
]


class PersonRow(NamedTuple):
    """What the index reads of a person (`rebuild` reads these columns without model objects)."""

    pk: int
    full_name: str
    org_unit_id: int
    classification: int
    birth_year: int | None
    hometown_province_code: str
    cccd: str | None
    party_card_number: str | None
    merged_into_id: int | None


PERSON_ROW_FIELDS = PersonRow._fields


def index_people(people: Iterable[Person]) -> None:
    """(Re)index these people: upsert their entries, or remove them when merged into another.

    The people must be saved (they have a primary key). Their managing unit is read fresh from
    the database, so a unit moved in the same transaction is indexed at its new place.
    """
    index_rows(PersonRow(*(getattr(p, name) for name in PERSON_ROW_FIELDS)) for p in people)


def index_rows(rows: Iterable[PersonRow]) -> None:
    for batch in _batches(rows):
        _index_batch(batch)


def index_new_rows(rows: Sequence[PersonRow]) -> None:
    """Index people created in the caller's transaction (so none has an entry yet): the
    importer's bulk path. Same entries, names, postings and syllables as `index_rows`, written
    on PostgreSQL with COPY and set-based statements (a fixed number per call, whatever its
    size) instead of upserts; elsewhere through `index_rows`."""
    if connection.vendor != "postgresql":
        index_rows(rows)
        return
    live = [row for row in rows if row.merged_into_id is None]
    if not live:
        return
    names = [name_keys(row.full_name) for row in live]
    name_ids = _ensure_names_bulk(set(names))
    paths = dict(
        OrgUnit.objects.filter(pk__in={row.org_unit_id for row in live}).values_list("pk", "path")
    )
    _copy(
        SearchEntry._meta.db_table,
        ["person_id", *_ENTRY_COLUMNS],
        (
            (
                row.pk,
                name_ids[name[0]],
                paths[row.org_unit_id],
                *given_and_surname(name[1]),
                row.classification,
                row.birth_year,
                row.hometown_province_code or "",
                row.cccd or None,
                card_key(row.party_card_number),
            )
            for row, name in sorted(zip(live, names, strict=True), key=lambda pair: pair[0].pk)
        ),
    )


_NEW_NAMES = "namesearch_batch_names"  # a temporary table of this connection, emptied at commit


def _ensure_names_bulk(names: set[tuple[str, str]]) -> dict[str, int]:
    """PostgreSQL: `_ensure_names` in five statements through a temporary table of the batch's
    names. Written name -> id."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_NEW_NAMES} "
            "(key varchar(200) PRIMARY KEY, folded varchar(200)) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"DELETE FROM {_NEW_NAMES}")  # noqa: S608 (our table)
        _copy(_NEW_NAMES, ["key", "folded"], sorted(names))
        # sorted: concurrent writers take the same locks in the same order; a name another
        # transaction created first is skipped here, and its postings are that transaction's
        cursor.execute(
            f"INSERT INTO {SearchName._meta.db_table} (key, folded) "  # noqa: S608 (our tables)
            f"SELECT key, folded FROM {_NEW_NAMES} ORDER BY key "
            "ON CONFLICT (key) DO NOTHING RETURNING id, folded"
        )
        created = cursor.fetchall()
        if created:
            _copy(
                SearchPosting._meta.db_table,
                ["token", "name_id"],
                sorted(
                    (token, name_id) for name_id, folded in created for token in name_tokens(folded)
                ),
            )
            _ensure_syllables({word for _, folded in created for word in syllables(folded)})
        cursor.execute(
            f"SELECT n.key, n.id FROM {_NEW_NAMES} b "  # noqa: S608 (our tables)
            f"JOIN {SearchName._meta.db_table} n ON n.key = b.key"
        )
        return dict(cursor.fetchall())


def _copy(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL COPY of plain tuples into `columns` of `table`, in the caller's transaction."""
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def unindex_people(person_ids: Iterable[int]) -> None:
    """Remove these people from the index (e.g. before deleting them or when they are merged)."""
    for batch in _batches(person_ids):
        SearchEntry.objects.filter(person_id__in=batch).delete()


def _batches(items: Iterable[_T]) -> Iterator[list[_T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH_SIZE)):
        yield batch


def _index_batch(people: list[PersonRow]) -> None:
    merged = [person.pk for person in people if person.merged_into_id is not None]
    live = {person.pk: person for person in people if person.merged_into_id is None}
    if merged:
        SearchEntry.objects.filter(person_id__in=merged).delete()
    if not live:
        return
    names = {pk: name_keys(person.full_name) for pk, person in live.items()}
    name_ids = _ensure_names(set(names.values()))
    paths = dict(
        OrgUnit.objects.filter(pk__in={p.org_unit_id for p in live.values()}).values_list(
            "pk", "path"
        )
    )
    _insert(
        SearchEntry,
        ["person_id", *_ENTRY_COLUMNS],
        [
            (
                pk,
                name_ids[names[pk]],
                paths[person.org_unit_id],
                *given_and_surname(names[pk][1]),
                person.classification,
                person.birth_year,
                person.hometown_province_code or "",
                person.cccd or None,
                card_key(person.party_card_number),
            )
            for pk, person in sorted(live.items())
        ],
        update=("person_id", _ENTRY_COLUMNS),
    )


def _ensure_names(names: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of these (written, folded) names, creating the missing ones with their postings and
    their new syllables."""
    by_key = dict(names)
    existing = dict(SearchName.objects.filter(key__in=by_key).values_list("key", "pk"))
    # sorted everywhere: concurrent writers then take the same locks in the same order
    missing = sorted((key, folded) for key, folded in by_key.items() if key not in existing)
    if missing:
        _insert(SearchName, ["key", "folded"], missing)
        created = dict(
            SearchName.objects.filter(key__in=[key for key, _ in missing]).values_list("key", "pk")
        )
        # Another transaction may have created some of them first: their postings exist, and
        # inserting them again is ignored, so every missing name gets its postings here.
        _insert(
            SearchPosting,
            ["token", "name_id"],
            sorted(
                (token, created[key]) for key, folded in missing for token in name_tokens(folded)
            ),
        )
        _ensure_syllables({word for _, folded in missing for word in syllables(folded)})
        existing.update(created)
    return {name: existing[name[0]] for name in names}


def _ensure_syllables(words: set[str]) -> None:
    known = {
        key
        for key, syllable in SearchSyllableKey.objects.filter(key__in=words).values_list(
            "key", "syllable"
        )
        if key == syllable
    }
    _insert(
        SearchSyllableKey,
        ["key", "syllable"],
        [(key, word) for word in sorted(words - known) for key in sorted(deletion_keys(word))],
    )


def _insert(
    model: type[Model],
    columns: list[str],
    rows: list[tuple[Any, ...]],
    update: tuple[str, list[str]] | None = None,
) -> None:
    """INSERT … ON CONFLICT in one executemany: DO NOTHING, or upsert `update` = (key, columns).

    Set-based and without model objects: the importer indexes millions of people through here.
    """
    if not rows:
        return
    conflict = "DO NOTHING"
    if update is not None:
        key, changed = update
        assignments = ", ".join(f"{column} = excluded.{column}" for column in changed)
        conflict = f"({key}) DO UPDATE SET {assignments}"
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        # one statement per batch: the columns as arrays, unnested into rows
        fields = [model._meta.get_field(column) for column in columns]
        types = [field.db_type(connection) for field in fields if isinstance(field, Field)]
        arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (our names)
            f"SELECT * FROM unnest({arrays}) ON CONFLICT {conflict}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        return
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (our names)
        f"VALUES ({', '.join(['%s'] * len(columns))}) ON CONFLICT {conflict}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def resync_paths_after_merge(
    *, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date, actor: User
) -> int:
    """Merge handler (registered in `apps.py`): the entries of people now managed anywhere under
    the successor or still under the ended unit take their unit's current path — the children
    moved under the successor and the people the people app's own handler moved there. Returns
    how many entries changed."""
    del effective_date, actor
    current = Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("org_unit__path")[:1])
    people = Person.objects.filter(
        OrgUnit.subtree_filter(successor.path, prefix="org_unit__")
        | OrgUnit.subtree_filter(unit.path, prefix="org_unit__")
    ).values("pk")
    stale = (
        SearchEntry.objects.filter(person_id__in=people)
        .annotate(current_path=current)
        .filter(~Q(path=F("current_path")))
    )
    return stale.update(path=current)


def _counted_from_entries() -> str:
    """SQL of the `SearchNameCount` rows the entries call for (name_id, area, classification,
    people)."""
    entries, steplen = SearchEntry._meta.db_table, OrgUnit.steplen
    areas = " UNION ALL ".join(
        f"SELECT name_id, substr(path, 1, {level * steplen}) AS area, classification "  # noqa: S608 (our table)
        f"FROM {entries} WHERE length(path) > {(level - 1) * steplen}"
        for level in AREA_LEVELS
    )
    return (
        f"SELECT name_id, area, classification, COUNT(*) AS people FROM ({areas}) AS a "  # noqa: S608 (ours)
        "GROUP BY name_id, area, classification"
    )


def recount_names() -> int:
    """Recompute every `SearchNameCount` from the entries, in one transaction; returns the
    number of rows. A repair, never needed in operation: the triggers keep the counts exact. On
    PostgreSQL the entries are locked against writes (SHARE) meanwhile, so no write committed
    during the recount is lost."""
    counts = SearchNameCount._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {SearchEntry._meta.db_table} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {counts}")  # noqa: S608 (our table)
        cursor.execute(
            f"INSERT INTO {counts} (name_id, area, classification, people) "
            f"{_counted_from_entries()}"
        )
        return int(cursor.rowcount)


def name_count_drift() -> int:
    """How many (name, area, classification) keys have a `SearchNameCount` row that differs from
    what the entries call for (missing, extra or wrong), in SQL: 0 when the counts are exact
    (`bvct namesearch recount --check`)."""
    counts = SearchNameCount._meta.db_table
    sql = (
        f"SELECT COUNT(*) FROM {counts} s FULL OUTER JOIN ({_counted_from_entries()}) e "  # noqa: S608 (ours)
        "ON s.name_id = e.name_id AND s.area = e.area AND s.classification = e.classification "
        "WHERE COALESCE(s.people, -1) <> COALESCE(e.people, -1)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])

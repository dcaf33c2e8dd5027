"""Bench data for the load test and the growth curves: N people with realistic names, indexed
for name search, on the 60,000-node tree, with cases — loaded in SQL, minutes instead of hours.

    createdb -h 127.0.0.1 -U postgres bvct_load_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_load_bench \\
        .venv/bin/python bench/loadtest_data.py --people 5600000 --cases 200000

It reuses `bench/rollup_bench.py` (tree growth to `--nodes`, cases by `INSERT … SELECT
generate_series`) and `bench/gen_people.py`'s weighted name tables, and indexes people for
`namesearch` with the project's own code for what is small and SQL for what is large:

1. A table `bench_names` of distinct names drawn from gen_people's weighted surname, middle
   and given-name tables (the Python side: `split_name`, `name_keys`), ordered most common first.
2. People: one `INSERT … SELECT generate_series`, each person taking a name with a skewed
   (quadratic) choice, so common names are common; units spread over every node as in
   rollup_bench; 2 % classified.
3. Name index: `namesearch.index._ensure_names` (the code the importer runs) for the distinct
   names — names, postings, syllable vocabulary; then every person's `SearchEntry` in one
   `INSERT … SELECT` with the entry table's secondary indexes dropped and recreated afterwards
   (the same rows `bvct namesearch rebuild` writes; `--check` compares a sample with it). The
   per-name counts (`SearchNameCount`) follow from the entries' triggers in the same statement;
   `--check` also compares them with a recount from the entries.
4. Cases (rollup_bench), `VACUUM ANALYZE`.

`--people` larger than what is loaded adds the missing people (and indexes only them), so one
database can be grown 0.5 → 1 → 2 → 5.6 million for the growth curves. A benchmark helper, never
part of `make test`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter

import rollup_bench  # django.setup() happens there
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from gen_people import FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE, SURNAMES, Table, zipf
from orgs_bench import grow

from bvct.namesearch.index import (
    PERSON_ROW_FIELDS,
    PersonRow,
    _ensure_names,
    index_rows,
    name_count_drift,
)
from bvct.namesearch.models import SearchEntry
from bvct.namesearch.text import given_and_surname, name_keys
from bvct.orgs.loader import load_official_units
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.people.names import split_name
from bvct.vetting.models import Case
from bvct.vetting.scope import scope_values

NAMES_TABLE = "bench_names"


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def build_names(samples: int, seed: int = 1) -> int:
    """Draw `samples` names from the weighted tables; keep the distinct ones, commonest first."""
    rng = random.Random(seed)
    surnames = Table(SURNAMES)
    middle = {"M": Table(MALE_MIDDLE), "F": Table(FEMALE_MIDDLE)}
    given = {"M": zipf(MALE_GIVEN), "F": zipf(FEMALE_GIVEN)}
    counts: Counter[tuple[str, str]] = Counter()
    for _ in range(samples):
        sex = "M" if rng.random() < 0.5 else "F"  # noqa: PLR2004
        words = [surnames.pick(rng), middle[sex].pick(rng), given[sex].pick(rng)]
        counts[" ".join(w for w in words if w), sex] += 1
    rows = []
    for rank, ((full, sex), _) in enumerate(counts.most_common(), start=1):
        parts = split_name(full)
        key, folded = name_keys(parts.full_name)
        given_f, surname_f = given_and_surname(folded)
        rows.append(
            (
                rank,
                parts.full_name,
                parts.surname,
                parts.middle_name,
                parts.given_name,
                parts.name_key,
                sex,
                key,
                folded,
                given_f,
                surname_f,
            )
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NAMES_TABLE}")
        cursor.execute(
            f"""CREATE TABLE {NAMES_TABLE} (id int PRIMARY KEY, full_name text, surname text,
                middle_name text, given_name text, name_key text, sex text, key text,
                folded text, given_f text, surname_f text, name_id bigint)"""
        )
        with cursor.cursor.copy(
            f"COPY {NAMES_TABLE} (id, full_name, surname, middle_name, given_name, name_key, "
            "sex, key, folded, given_f, surname_f) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
    return len(rows)


def load_people(start: int, stop: int) -> None:
    """People start+1 … stop (by sequence number g): name by a quadratic skew over bench_names,
    unit spread over every node. The units are numbered in a table and joined, not taken from an
    array: a 60,000-element array subscripted per row is detoasted per row (hours at 5.6 M)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_units")
        cursor.execute(
            "CREATE TABLE bench_units AS SELECT row_number() OVER (ORDER BY id) AS n, id "
            "FROM orgs_orgunit"
        )
        cursor.execute("ALTER TABLE bench_units ADD PRIMARY KEY (n)")
        cursor.execute("ANALYZE bench_units")
        cursor.execute(f"ANALYZE {NAMES_TABLE}")
        cursor.execute(
            f"""
            WITH counts AS (SELECT (SELECT count(*) FROM bench_units) AS units,
                                   (SELECT count(*) FROM {NAMES_TABLE}) AS names)
            INSERT INTO {Person._meta.db_table}
              (created_at, updated_at, full_name, surname, middle_name, given_name, name_key,
               birth_date, birth_precision, birth_year, sex, hometown_province_code,
               hometown_commune_code, hometown_text, residence_province_code,
               residence_commune_code, residence_text, org_unit_id, classification)
            SELECT now(), now(), b.full_name, b.surname, b.middle_name, b.given_name, b.name_key,
                   DATE '1950-01-01' + ((g * 7877) %% 20000)::int, 'day',
                   extract(year FROM DATE '1950-01-01' + ((g * 7877) %% 20000)::int)::int,
                   b.sex, lpad((1 + g %% 34)::text, 2, '0'), '', '', '', '', '',
                   u.id, CASE WHEN g %% 50 = 0 THEN 1 + (g / 50) %% 3 ELSE 0 END
            FROM generate_series(%s::bigint, %s::bigint) AS g CROSS JOIN counts
            JOIN bench_units u ON u.n = 1 + (g * 7919) %% counts.units
            JOIN {NAMES_TABLE} b ON b.id = 1 + floor(
                counts.names * power(((g * 2654435761) %% 1000003) / 1000003.0, 2))::int
            """,
            [start + 1, stop],
        )


def load_cases(start: int, stop: int, opener: int) -> None:
    """Cases start+1 … stop, as `rollup_bench.load_cases` spreads them (a person per case by a
    multiplicative step), numbered on from the cases already there: restarting at 1 would pick
    the same people again and hit the one-open-case-per-person constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH people AS (SELECT min(id) AS lo, max(id) AS hi FROM {Person._meta.db_table})
            INSERT INTO {Case._meta.db_table}
              (case_type, purpose, person_id, status, holding_unit_id, subject_matter,
               verification_decision, opened_by_id, opened_at, closed_at,
               subject_path, holding_path, competent_path, subject_classification)
            SELECT (ARRAY['admission', 'appraisal', 'history'])[(1 + g %% 3)::int],
                   CASE WHEN g %% 3 = 1 THEN 'key_post' ELSE '' END,
                   p.id, CASE WHEN g %% 4 = 0 THEN 'withdrawn' ELSE 'open' END,
                   p.org_unit_id, '', '',
                   %s, now() - (g %% 700)::int * interval '1 day',
                   CASE WHEN g %% 4 = 0 THEN now() - (g %% 300)::int * interval '1 day' END,
                   p.path, p.path, '', p.classification
            FROM generate_series(%s::bigint, %s::bigint) AS g, people
            JOIN LATERAL (
                SELECT pp.id, pp.org_unit_id, pp.classification, u.path
                FROM {Person._meta.db_table} pp JOIN orgs_orgunit u ON u.id = pp.org_unit_id
                WHERE pp.id = people.lo + (g * 104729) %% (people.hi - people.lo + 1)
            ) p ON true
            ON CONFLICT DO NOTHING
            """,
            [opener, start + 1, stop],
        )


def index_names() -> int:
    """Names, postings and syllables through the importer's own `_ensure_names`."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, folded FROM {NAMES_TABLE} WHERE name_id IS NULL")
        pairs = cursor.fetchall()
    for first in range(0, len(pairs), 5000):
        with transaction.atomic():
            ids = _ensure_names(set(pairs[first : first + 5000]))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {NAMES_TABLE} b SET name_id = v.id FROM "
                    "unnest(%s::text[], %s::bigint[]) AS v(key, id) WHERE b.key = v.key",
                    [[k for k, _ in ids], list(ids.values())],
                )
    return len(pairs)


def index_entries(after_person: int) -> None:
    table = SearchEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE %s",
            [table, "%pkey"],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            f"""
            INSERT INTO {table} (person_id, name_id, path, given, surname, classification,
                                 birth_year, hometown_province, cccd, card_key)
            SELECT p.id, b.name_id, u.path, b.given_f, b.surname_f, p.classification,
                   p.birth_year, p.hometown_province_code, NULL, NULL
            FROM {Person._meta.db_table} p
            JOIN {NAMES_TABLE} b ON b.full_name = p.full_name AND b.sex = p.sex
            JOIN orgs_orgunit u ON u.id = p.org_unit_id
            WHERE p.id > %s AND p.merged_into_id IS NULL
            """,
            [after_person],
        )
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            started = time.perf_counter()
            cursor.execute(definition)
            log(f"  index {name}: {time.perf_counter() - started:.0f} s")


def check(sample: int = 500) -> None:
    """The SQL-built entries equal what the project's `index_rows` writes for the same people."""
    ids = list(Person.objects.order_by("?").values_list("pk", flat=True)[:sample])
    before = {e["person_id"]: e for e in SearchEntry.objects.filter(person_id__in=ids).values()}
    with transaction.atomic():
        rows = [
            PersonRow(*values)
            for values in Person.objects.filter(pk__in=ids).values_list(*PERSON_ROW_FIELDS)
        ]
        index_rows(rows)
        after = {e["person_id"]: e for e in SearchEntry.objects.filter(person_id__in=ids).values()}
        transaction.set_rollback(True)
    differ = [pk for pk in ids if before.get(pk) != after.get(pk)]
    if differ:
        sys.exit(f"{len(differ)} of {len(ids)} entries differ, e.g. {differ[:3]}")
    log(f"check: {len(ids)} entries equal to index_rows")
    drift = name_count_drift()
    if drift:
        sys.exit(f"{drift} name counts differ from the entries (bvct namesearch recount)")
    log("check: the name counts equal a recount from the entries")
    # the scope copied on each case (`vetting.scope`) equals what its relations say
    stale = Case.objects.alias(**{f"now_{k}": v for k, v in scope_values().items()}).exclude(
        subject_path=F("now_subject_path"),
        holding_path=F("now_holding_path"),
        competent_path=F("now_competent_path"),
        subject_classification=F("now_subject_classification"),
    )
    if stale.exists():
        sys.exit(f"{stale.count()} cases' scope columns differ from their relations")
    log(f"check: the scope columns of {Case.objects.count():,} cases equal their relations")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=60_000)
    parser.add_argument("--people", type=int, default=5_600_000)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--name-samples", type=int, default=2_000_000)
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare entries with index_rows and counts with a recount",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run on PostgreSQL (DATABASE_URL=postgres://…/bvct_load_bench)")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.filter(kind="commune").exists():
        load_official_units()
    if OrgUnit.objects.count() < args.nodes:
        grow(args.nodes, random.Random(1))
    log(f"tree: {OrgUnit.objects.count():,} nodes")
    national = rollup_bench.user("bench.tw", "TW")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [NAMES_TABLE])
        has_names = cursor.fetchone()[0] is not None
    if not has_names:
        log(f"names: {build_names(args.name_samples):,} distinct")
    loaded = Person.objects.count()
    if loaded < args.people:
        last = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        step = time.perf_counter()
        load_people(loaded, args.people)
        log(f"people: {args.people - loaded:,} inserted in {time.perf_counter() - step:.0f} s")
        step = time.perf_counter()
        log(f"names indexed: {index_names():,} in {time.perf_counter() - step:.0f} s")
        step = time.perf_counter()
        index_entries(last)
        log(f"entries: indexed in {time.perf_counter() - step:.0f} s")
    if Case.objects.count() < args.cases:
        step = time.perf_counter()
        load_cases(Case.objects.count(), args.cases, national.pk)
        log(f"cases: {Case.objects.count():,} in {time.perf_counter() - step:.0f} s")
    with connection.cursor() as cursor:
        step = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        log(f"VACUUM ANALYZE {time.perf_counter() - step:.0f} s")
    if args.check:
        check()
    log(
        f"done in {time.perf_counter() - started:.0f} s: people {Person.objects.count():,}, "
        f"entries {SearchEntry.objects.count():,}, cases {Case.objects.count():,}"
    )


if __name__ == "__main__":
    main()

"""Roll-up benchmark: the national periodic report over ~60,000 nodes and 5.6 million people.

    createdb -h 127.0.0.1 -U postgres bvct_bench_rollup
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_bench_rollup \
        .venv/bin/python bench/rollup_bench.py --nodes 60000 --people 5600000 --cases 200000

Steps: migrate; load the official tree and grow it to `--nodes` with synthetic grassroots
organisations and chi bộ (as `orgs_bench.py`); insert `--people` people and `--cases` cases with
one `INSERT … SELECT generate_series` each, spread over every unit (only where records sit and
how many there are matters here, not their names); `ANALYZE`; then time the whole report —
`reports.services.figures` with every section and the timeliness tables — for a national officer
at the root (34+ direct children) and for a Hà Nội officer, `--runs` times each, and print the
minimum, median and maximum in milliseconds with the query count. Re-running skips the loading
when the data are already there. A benchmark, not a test: it never runs in `make test`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from orgs_bench import grow  # noqa: E402

from bvct.accounts.models import Role, User  # noqa: E402
from bvct.orgs.loader import load_official_units  # noqa: E402
from bvct.orgs.models import OrgUnit  # noqa: E402
from bvct.people.models import Person  # noqa: E402
from bvct.reports import services  # noqa: E402
from bvct.vetting.models import Case  # noqa: E402


def user(username: str, code: str) -> User:
    account, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "org_unit": OrgUnit.objects.get(code=code),
            "clearance": 3,
            "full_name": username,
        },
    )
    account.roles.set([Role.objects.get(code="officer")])
    return account


def load_people(n: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH units AS (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n FROM orgs_orgunit)
            INSERT INTO {Person._meta.db_table}
              (created_at, updated_at, full_name, surname, middle_name, given_name, name_key,
               birth_date, birth_precision, birth_year, sex, hometown_province_code,
               hometown_commune_code, hometown_text, residence_province_code,
               residence_commune_code, residence_text, org_unit_id, classification)
            SELECT now(), now(), 'Nguyễn Văn ' || g, 'Nguyễn', 'Văn', 'Bench' || g,
                   'nguyen van bench' || g, DATE '1970-01-01' + (g %% 20000)::int, 'day',
                   (1970 + g %% 50)::int, CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END,
                   '', '', '', '', '', '', units.ids[(1 + (g * 7919) %% units.n)::int],
                   CASE WHEN g %% 50 = 0 THEN 1 ELSE 0 END
            FROM generate_series(1::bigint, %s::bigint) AS g, units
            """,
            [n],
        )


def load_cases(n: int, opener: User) -> None:
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
            FROM generate_series(1::bigint, %s::bigint) AS g, people
            JOIN LATERAL (
                SELECT pp.id, pp.org_unit_id, pp.classification, u.path
                FROM {Person._meta.db_table} pp JOIN orgs_orgunit u ON u.id = pp.org_unit_id
                WHERE pp.id = people.lo + (g * 104729) %% (people.hi - people.lo + 1)
            ) p ON true
            """,
            [opener.pk, n],
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=60_000)
    parser.add_argument("--people", type=int, default=5_600_000)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run on PostgreSQL (DATABASE_URL=postgres://…/bvct_bench_rollup)")
    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.filter(kind="commune").exists():
        load_official_units()
    if OrgUnit.objects.count() < args.nodes:
        grow(args.nodes, random.Random(1))
    national, ha_noi = user("bench.tw", "TW"), user("bench.hn", "T01")
    people = Person.objects.count()
    if people < args.people:
        started = time.perf_counter()
        load_people(args.people - people)
        print(f"loaded {args.people - people:,} people in {time.perf_counter() - started:.0f} s")
    if Case.objects.count() < args.cases:
        load_cases(args.cases - Case.objects.count(), national)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"nodes {OrgUnit.objects.count():,}; people {Person.objects.count():,}; "
        f"cases {Case.objects.count():,}; PostgreSQL {connection.pg_version}"
    )
    for actor in (national, ha_noi):
        node = actor.org_unit
        assert node is not None
        times = []
        queries = 0
        for _ in range(args.runs):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                data = services.figures(actor=actor, node=node, period="half", year=2026, part=2)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
        people_row = data.sections[-1][1][0]
        print(
            f"{node.code} ({len(data.children)} children): min {min(times):.0f} ms, "
            f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms, "
            f"{queries} queries; people counted {people_row.total:,}"
        )


if __name__ == "__main__":
    main()

"""EXPLAIN ANALYZE of the case scope (`access.policy.cases_visible_to`) on a grown database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_load_bench \\
        .venv/bin/python bench/case_scope_bench.py --users load.r10 load.r03 --runs 5

For each user (default: `load.r10`, a national officer, clearance 2, and `load.r03`, a province
officer, clearance 3 — both made by `bench/loadtest.py`) it runs, in-process, the statements
behind the case list (count of open cases + page 1, `vetting.selectors.case_list_for_actor`),
the same for all states and for one stage, the case page's fetch, the inbox
(`vetting.selectors.inbox_querysets`, all four lists) and the verification request list, prints
the plans of the count, page 1 and detail statements with actual rows (`EXPLAIN (ANALYZE,
BUFFERS)`; `--plans`),
whether `people_person` is read by a sequential scan, the rows read from it, and the median and
maximum execution time over `--runs` (as reported by PostgreSQL, i.e. inside the server).
A benchmark, never part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.utils import timezone  # noqa: E402

from bvct.access import policy  # noqa: E402
from bvct.accounts.models import User  # noqa: E402
from bvct.vetting.selectors import (  # noqa: E402
    CaseFilters,
    _with_relations,
    case_filter,
    inbox_querysets,
)

EXECUTION = re.compile(r"Execution Time: ([0-9.]+) ms")


def explain(queryset: QuerySet[Any], *, count: bool = False) -> list[str]:
    if count:  # as `QuerySet.count()` sends it: no ORDER BY
        queryset = queryset.order_by()
    sql, params = queryset.query.sql_with_params()
    if count:
        sql = f"SELECT count(*) FROM ({sql}) AS counted"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def people_rows(plan: list[str]) -> tuple[bool, int]:
    """(sequential scan of people_person?, rows produced by the scans of people_person)."""
    seq = any("Seq Scan on people_person" in line for line in plan)
    rows = 0
    for line in plan:
        if " on people_person" in line and "actual time" in line:
            found = re.search(r"actual time=[0-9.]+\.\.[0-9.]+ rows=([0-9]+) loops=([0-9]+)", line)
            if found:
                rows += int(found.group(1)) * int(found.group(2))
    return seq, rows


def measure(name: str, queryset: QuerySet[Any], runs: int, *, count: bool, show: bool) -> None:
    times = []
    plan: list[str] = []
    for _ in range(runs + 1):
        plan = explain(queryset, count=count)
        found = EXECUTION.search(plan[-1])
        times.append(float(found.group(1)) if found else float("nan"))
    times = times[1:]  # the first run warms the cache
    seq, rows = people_rows(plan)
    print(
        f"  {name:<34} median {statistics.median(times):9.1f} ms  max {max(times):9.1f} ms"
        f"  people seq scan: {'YES' if seq else 'no '}  people rows read: {rows:,}"
    )
    if show:
        print("\n".join(f"      {line}" for line in plan))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", nargs="+", default=["load.r10", "load.r03"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plans", action="store_true", help="print the count plans")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    today = timezone.localdate()
    for username in args.users:
        actor = User.objects.get(username=username)
        print(
            f"{username}: {actor.org_unit.name} (depth {actor.org_unit.depth}), "
            f"clearance {actor.clearance}, cases in scope "
            f"{policy.cases_visible_to(actor).count():,}"
        )
        open_cases = case_filter(actor=actor, filters=CaseFilters(is_open=True), today=today)
        measure("case list: count (open)", open_cases, args.runs, count=True, show=args.plans)
        page = _with_relations(open_cases).order_by("-opened_at", "-pk")[:25]
        measure("case list: page 1", page, args.runs, count=False, show=args.plans)
        for label, filters in (
            ("all states", CaseFilters(is_open=None)),
            ("stage verifying", CaseFilters(status="verifying")),
        ):
            listed = case_filter(actor=actor, filters=filters, today=today)
            measure(f"case list, {label}: count", listed, args.runs, count=True, show=False)
            page = _with_relations(listed).order_by("-opened_at", "-pk")[:25]
            measure(f"case list, {label}: page 1", page, args.runs, count=False, show=False)
        case = policy.cases_visible_to(actor).order_by("pk").values_list("pk", flat=True).first()
        detail = _with_relations(policy.cases_visible_to(actor)).filter(pk=case)
        measure("case detail (one case by pk)", detail, args.runs, count=False, show=args.plans)
        for name, queryset in inbox_querysets(actor=actor, today=today).items():
            ordered = _with_relations(queryset).order_by("current_step__due_on", "pk")[:100]
            measure(f"inbox: {name}", ordered, args.runs, count=False, show=False)
        requests = policy.verification_requests_visible_to(actor)
        measure("verification requests: count", requests, args.runs, count=True, show=False)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

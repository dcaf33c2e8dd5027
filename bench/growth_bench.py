"""Growth curves: time vs N of name search, the people and case list pages and the national
roll-up, on one database grown 0.5 → 1 → 2 → 5.6 million people by `bench/loadtest_data.py`.

    createdb -h 127.0.0.1 -U postgres bvct_load_bench
    for n in 500000 1000000 2000000 5600000; do
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_load_bench \\
        .venv/bin/python bench/loadtest_data.py --people $n --cases $((n / 28))
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_load_bench \\
        .venv/bin/python bench/growth_bench.py --out var/bench/growth.jsonl
    done

(`bench/run_growth.sh` is that loop.) Per N it measures, in-process (no HTTP):

* search: `bench/search_bench.py`'s query kinds (`--queries` per kind, root and province
  officer), p50/p95 of wall and CPU time (CPU = this thread + the PostgreSQL backend);
* people list page 1 (`people.selectors.person_list_for_actor`, browse, no query) and case list
  page 1 (`vetting.selectors.case_list_for_actor`, open cases) as a national and a Hà Nội
  officer, `--runs` times, median and max;
* the national roll-up (`reports.services.figures`, as `bench/rollup_bench.py`), median.

It appends one JSON line per N to `--out` and prints it, with the load average before and after.
A benchmark, never part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rollup_bench
import search_bench  # django.setup() happens there

from bvct.people.models import Person
from bvct.people.selectors import PersonFilters, person_list_for_actor
from bvct.reports import services as reports
from bvct.vetting.models import Case
from bvct.vetting.selectors import CaseFilters, case_list_for_actor


def timed(call: Callable[[], object], runs: int) -> dict[str, float]:
    call()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=40, help="search queries per kind")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default="var/bench/growth.jsonl")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "machine_before": search_bench.machine(),
    }
    national, ha_noi = rollup_bench.user("bench.tw", "TW"), rollup_bench.user("bench.hn", "T01")
    for label, actor in (("national", national), ("ha_noi", ha_noi)):
        report[f"person_list/{label}"] = timed(
            lambda a=actor: person_list_for_actor(actor=a, filters=PersonFilters()), args.runs
        )
        report[f"case_list/{label}"] = timed(
            lambda a=actor: case_list_for_actor(actor=a, filters=CaseFilters()), args.runs
        )
    root = national.org_unit
    report["rollup/national"] = timed(
        lambda: reports.figures(actor=national, node=root, period="half", year=2026, part=2), 3
    )
    queries = search_bench.run_queries(args.queries, seed=11)
    for scope in ("root", "province"):
        rows = [v for k, v in queries.items() if k.endswith(f"/{scope}")]
        report[f"search/{scope}"] = {
            "p50_ms_median_of_kinds": round(statistics.median(r["p50_ms"] for r in rows), 1),
            "p95_ms_worst_kind": max(r["p95_ms"] for r in rows),
            "cpu_p95_ms_worst_kind": max(r["cpu_p95_ms"] for r in rows),
            "cpu_p95_ms_median_of_kinds": round(
                statistics.median(r["cpu_p95_ms"] for r in rows), 1
            ),
        }
    report["search_kinds"] = queries
    report["machine_after"] = search_bench.machine()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a") as stream:
        stream.write(json.dumps(report, ensure_ascii=False) + "\n")
    summary = {k: v for k, v in report.items() if k != "search_kinds"}
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

"""The plan of every statement behind the load test's pages, on a grown database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_load_bench \\
        .venv/bin/python bench/page_plans_bench.py --user load.r10 --runs 3

Renders, in-process through Django's test client (the whole middleware stack, as the user —
made by `bench/loadtest.py`), the pages and API answers that `bench/locustfile.py` requests:
the people list and search, a person's page, the case list, the inbox, a case's page and their
API twins, for a person and a case in the user's scope. Every SELECT a page sends is captured
and run again under `EXPLAIN (ANALYZE, BUFFERS)`; the script prints per page the number of
statements, the sum of their execution times (median of `--runs`, as reported by PostgreSQL) and
every statement that reads a large table (`--large`, default 50,000 rows) by a sequential scan,
with its plan. A benchmark, never part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bvct.access import policy  # noqa: E402
from bvct.accounts.models import User  # noqa: E402

EXECUTION = re.compile(r"Execution Time: ([0-9.]+) ms")
SEQ = re.compile(r"Seq Scan on (\w+)")


def large_tables(threshold: int) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= %s", [threshold]
        )
        return {row[0] for row in cursor.fetchall()}


def login(username: str) -> Client:
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def explain(sql: str, runs: int) -> tuple[float, list[str]]:
    times, plan = [], []
    for _ in range(runs):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
        found = EXECUTION.search(plan[-1])
        times.append(float(found.group(1)) if found else float("nan"))
    return statistics.median(times), plan


def measure(client: Client, path: str, runs: int, large: set[str], *, show: bool) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    total, flagged = 0.0, []
    slowest = (0.0, "", [""])
    for sql in selects:
        took, plan = explain(sql, runs)
        total += took
        if took > slowest[0]:
            slowest = (took, sql, plan)
        scanned = {table for line in plan for table in SEQ.findall(line)} & large
        if scanned:
            flagged.append((took, sql, plan, scanned))
    print(
        f"{path:<44} {response.status_code}  {len(queries.captured_queries):3} statements"
        f" ({len(selects)} SELECT)  sum {total:8.1f} ms  slowest {slowest[0]:7.1f} ms"
        f"  seq scans of large tables: {len(flagged)}"
    )
    for took, sql, plan, scanned in flagged:
        print(f"    SEQ SCAN {sorted(scanned)} {took:.1f} ms: {sql[:300]}")
        print("\n".join(f"        {line}" for line in plan))
    if show and slowest[1]:
        print(f"    slowest: {slowest[1][:300]}")
        print("\n".join(f"        {line}" for line in slowest[2]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="load.r10")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--plans", action="store_true", help="print each page's slowest plan")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    actor = User.objects.get(username=args.user)
    client = login(args.user)
    large = large_tables(args.large)
    person = policy.people_visible_to(actor).order_by("pk").values_list("pk", flat=True)[1000]
    case = policy.cases_visible_to(actor).order_by("pk").values_list("pk", flat=True).first()
    name = policy.people_visible_to(actor).get(pk=person).full_name
    print(f"{args.user}: person #{person} ({name}), case #{case}; large tables: {sorted(large)}")
    for path in (
        "/people/",
        f"/people/?q={name}",
        f"/people/{person}/",
        f"/api/v1/people/{person}/",
        f"/api/v1/people/?q={name}",
        "/cases/",
        "/cases/all/",
        "/cases/all/?status=verifying",
        "/api/v1/cases/",
        "/api/v1/cases/?status=resolved",
        f"/cases/{case}/",
        f"/api/v1/cases/{case}/",
    ):
        measure(client, path, args.runs, large, show=args.plans)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

"""Audit-chain verification benchmark: N chained events, then `verify_chain()` timed.

    createdb -h 127.0.0.1 -U postgres bvct_load_audit
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_load_audit \\
        .venv/bin/python bench/audit_bench.py --events 3000000
    BVCT_SQLITE_PATH=var/bench/audit.sqlite3 .venv/bin/python bench/audit_bench.py --events 1000000

Loading: events shaped like the application's (case transitions, person updates, searches: a
`{"old": …, "new": …}` summary or ids, an actor, a unit, a request id, an IPv4 address), hashed
and linked as `audit_record` does — `audit_record` itself takes the chain lock per event and
would take hours for millions:

* `--format 2` (PostgreSQL's default, what `audit_record` writes there): the rows are COPYed
  into a staging table, then a PL/pgSQL loop inserts them in seq order, each hash computed by
  the very SQL expression of `audit_record`'s INSERT (`chain.hash_v2_sql`); a sample of rows is
  then re-hashed by the Python rules (`verify.event_hash`) as a cross-check.
* `--format 1` (SQLite's only format, and PostgreSQL rows written before format 2): hashed in
  Python by `bvct.audit.chain`, written with COPY (PostgreSQL) or executemany (SQLite).

A stopped load resumes; the same `--events` reuses the chain.

Timing: `bvct.audit.verify.verify_chain()` — what `bvct audit verify` and the auditors' verify
page run — `--runs` times, end to end (on PostgreSQL with `--workers` ranges at once, default
one per core); it prints events/s (best and median), the result line, and the load average.
Target ≥ 500,000 events/s. A benchmark, never part of `make test`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from bvct.accounts.models import User  # noqa: E402
from bvct.audit.chain import (  # noqa: E402
    GENESIS_HASH,
    HASH_V2,
    chain_hash,
    hash_v2_sql,
    stored_canonical,
)
from bvct.audit.models import AuditEvent  # noqa: E402
from bvct.audit.verify import (  # noqa: E402
    default_workers,
    event_hash,
    fetch_event,
    iter_events,
    row_problem,
    verify_chain,
)
from bvct.orgs.loader import load_official_units  # noqa: E402
from bvct.orgs.models import OrgUnit  # noqa: E402

BATCH = 20_000
STATUSES = ("open", "verifying", "resolved", "admitted", "concluded")


def event_values(seq: int, base: dt.datetime, actors: list[int], units: list[int]) -> dict:
    kind = seq % 4
    if kind == 0:
        action, target_type = "vetting.case.transition", "vetting.case"
        data: object = {
            "transition": seq,
            "old": {"status": STATUSES[seq % 5]},
            "new": {"status": STATUSES[(seq + 1) % 5]},
        }
    elif kind == 1:
        action, target_type = "people.person.update", "people.person"
        data = {"old": {"residence_text": "•••"}, "new": {"residence_text": "•••"}}
    elif kind == 2:
        action, target_type = "people.person.view", "people.person"
        data = {}
    else:
        action, target_type = "namesearch.search", ""
        data = {"kind": "name", "results": seq % 37, "scope": units[seq % len(units)]}
    return {
        "seq": seq,
        "occurred_at": base + dt.timedelta(microseconds=seq * 1137),
        "actor_id": actors[seq % len(actors)],
        "action": action,
        "target_type": target_type,
        "target_id": "" if not target_type else str(seq // 3),
        "org_unit_id": units[seq % len(units)],
        "request_id": f"{seq * 2654435761 % (1 << 64):016x}",
        "ip": f"10.{seq % 3}.{seq % 7}.{seq % 11 + 1}",  # 231 workstations
        "data": data,
    }


def load(count: int, version: int) -> float:
    if not OrgUnit.objects.exists():
        load_official_units()
    units = list(OrgUnit.objects.order_by("pk").values_list("pk", flat=True)[:500])
    actor, _ = User.objects.get_or_create(username="bench.audit", defaults={"full_name": "bench"})
    actors = [actor.pk]
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is not None and head[0] > count:
        with connection.cursor() as cursor:
            # TRUNCATE: the append-only trigger refuses DELETE (a bench database, never a real one)
            verb = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
            cursor.execute(f"{verb} {AuditEvent._meta.db_table}")
        head = None
    start, prev = head if head is not None else (0, GENESIS_HASH)  # resume a stopped load
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    columns = [
        "seq",
        "occurred_at",
        "actor_id",
        "action",
        "target_type",
        "target_id",
        "org_unit_id",
        "request_id",
        "ip",
        "data",
        "prev_hash",
        "hash",
    ]
    started = time.perf_counter()
    if version == HASH_V2:
        load_v2(
            start=start,
            prev=prev,
            count=count,
            base=base,
            actors=actors,
            units=units,
            columns=columns[:10],
        )
        return time.perf_counter() - started
    for first in range(start + 1, count + 1, BATCH):
        rows = []
        for seq in range(first, min(first + BATCH, count + 1)):
            values = event_values(seq, base, actors, units)
            text = json.dumps(values["data"], ensure_ascii=False)
            # stored_canonical == canonical_row (bvct/audit/tests/test_chain.py), ~10x faster
            fields = {k: v for k, v in values.items() if k != "data"}
            digest = chain_hash(prev, stored_canonical(**fields, data_text=text))
            stored = {**values, "data": text}
            rows.append([*(stored[c] for c in columns[:10]), prev, digest])
            prev = digest
        write(columns, rows)
        if (first // BATCH) % 25 == 0:
            print(f"  {first + len(rows) - 1:,} events written", flush=True)
    return time.perf_counter() - started


STAGE = "bench_audit_stage"
V2_BATCH = 100_000


def load_v2(
    *,
    start: int,
    prev: str,
    count: int,
    base: dt.datetime,
    actors: list[int],
    units: list[int],
    columns: list[str],
) -> None:
    """Format 2: rows COPYed into a staging table, then inserted in seq order by PL/pgSQL, each
    hash computed by `audit_record`'s own SQL expression from the previous row's hash."""
    table = AuditEvent._meta.db_table
    names = ", ".join(columns)
    picked = ", ".join(f"r.{name} AS {name}" for name in columns)
    for first in range(start + 1, count + 1, V2_BATCH):
        last = min(first + V2_BATCH - 1, count)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE} ON COMMIT DROP AS SELECT {names} FROM {table} "
                "WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
                for seq in range(first, last + 1):
                    values = event_values(seq, base, actors, units)
                    values["data"] = json.dumps(values["data"], ensure_ascii=False)
                    copy.write_row([values[c] for c in columns])
            prev_literal = "'" + prev + "'"  # 64 hex digits, ours
            cursor.execute(f"""
                DO $$
                DECLARE prev text := {prev_literal}; r record;
                BEGIN
                    FOR r IN SELECT * FROM {STAGE} ORDER BY seq LOOP
                        INSERT INTO {table} ({names}, prev_hash, hash_version, hash)
                        SELECT {names}, x.prev_hash, {HASH_V2}, {hash_v2_sql("x")}
                        FROM (SELECT {picked}, prev AS prev_hash) x
                        RETURNING hash INTO prev;
                    END LOOP;
                END $$
            """)
            cursor.execute(f"SELECT hash FROM {table} WHERE seq = %s", [last])
            (prev,) = cursor.fetchone()
        if (first // V2_BATCH) % 5 == 0 or last == count:
            print(f"  {last:,} events written", flush=True)


def cross_check(sample: int) -> None:
    """Re-hash `sample` rows spread over the chain by the Python rules (format 1 or 2)."""
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    step = max(1, head // max(1, sample))
    seqs = list(range(1, head + 1, step))
    for seq in seqs:
        event = fetch_event(seq)
        assert event_hash(event) == event.hash, f"event #{seq}: Python and SQL hashes differ"
    print(f"cross-check: {len(seqs):,} events re-hashed in Python match", flush=True)


def write(columns: list[str], rows: list[list[object]]) -> None:
    table = AuditEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                rows,
            )


def cpu_ns() -> int:
    """CPU time of this thread plus, on PostgreSQL, of the backend serving the connection: on a
    shared machine wall time includes waiting for a core, CPU time is what verifying costs."""
    used = time.thread_time_ns()
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        used += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    return used


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--cpu-runs", type=int, default=1, help="runs on one connection, for events per CPU-second"
    )
    parser.add_argument(
        "--baseline",
        type=int,
        default=0,
        help="also time the per-event walk verify used before (model instances and "
        "event_canonical) over the first N events, for the ratio",
    )
    parser.add_argument("--reuse", action="store_true", help="verify what is loaded, load none")
    parser.add_argument(
        "--format",
        type=int,
        choices=(1, 2),
        default=None,
        help="canonical form of the loaded events (default: 2 on PostgreSQL, 1 on SQLite)",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="ranges verified at once (default: cores)"
    )
    parser.add_argument(
        "--cross-check", type=int, default=2000, help="rows re-hashed in Python after loading"
    )
    args = parser.parse_args()
    version = args.format or (2 if connection.vendor == "postgresql" else 1)
    workers = args.workers or default_workers()
    print(f"database: {connection.vendor}; load average {os.getloadavg()}", flush=True)
    call_command("migrate", verbosity=0)
    if not args.reuse and AuditEvent.objects.count() != args.events:
        seconds = load(args.events, version)
        print(f"loaded {args.events:,} events (format {version}) in {seconds:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    if args.cross_check:
        cross_check(args.cross_check)
    formats = dict(
        AuditEvent.objects.values_list("hash_version").annotate(n=Count("seq")).order_by()
    )
    print(f"events by format: {formats}; workers {workers}", flush=True)
    rates, cpu_rates = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = verify_chain(workers=workers)
        seconds = time.perf_counter() - started
        rates.append(result.checked / seconds)
        print(
            f"verify ({workers} at once): {result.line()[:50]}… in {seconds:.2f} s = "
            f"{rates[-1]:,.0f} events/s wall; load average {os.getloadavg()}",
            flush=True,
        )
    for _ in range(args.cpu_runs):
        # one range on this connection, so that its backend's CPU time is all the work
        started, cpu_started = time.perf_counter(), cpu_ns()
        result = verify_chain(workers=1)
        seconds = time.perf_counter() - started
        cpu_seconds = (cpu_ns() - cpu_started) / 1e9
        cpu_rates.append(result.checked / cpu_seconds)
        print(
            f"verify (1 at once): {result.line()[:50]}… in {seconds:.2f} s = "
            f"{result.checked / seconds:,.0f} events/s wall; CPU {cpu_seconds:.2f} s (verifier "
            f"+ its PostgreSQL backend) = {cpu_rates[-1]:,.0f} events per CPU-second; load average "
            f"{os.getloadavg()}",
            flush=True,
        )
    if args.baseline:
        started, cpu_started = time.perf_counter(), cpu_ns()
        prev_seq, prev_hash, walked = 0, GENESIS_HASH, 0
        for event in iter_events(chunk_size=1000):
            assert row_problem(event, prev_seq=prev_seq, prev_hash=prev_hash) is None
            prev_seq, prev_hash, walked = event.seq, event.hash, walked + 1
            if walked == args.baseline:
                break
        seconds, cpu_seconds = time.perf_counter() - started, (cpu_ns() - cpu_started) / 1e9
        print(
            f"baseline (instances + event_canonical): {walked:,} events in {seconds:.2f} s = "
            f"{walked / seconds:,.0f} events/s; {walked / cpu_seconds:,.0f} per CPU-second"
        )
    print(
        f"events {result.checked:,}: wall ({workers} at once) best {max(rates):,.0f} events/s, "
        f"median {statistics.median(rates):,.0f}; per CPU-second best "
        f"{max(cpu_rates, default=0):,.0f}, median {statistics.median(cpu_rates or [0]):,.0f}; "
        f"load average {os.getloadavg()}; {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()

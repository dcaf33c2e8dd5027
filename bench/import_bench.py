"""Import benchmark: `bvct import people FILE` beside a plain COPY of the same file, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_bench_intake \\
        .venv/bin/python bench/import_bench.py 500000 [--batch-size 1000] [--json out.json]

Steps (PostgreSQL only: the target compares with PostgreSQL's COPY):
1. The file: `bench/gen_people.py N` writes var/bench/people-N.csv (kept and reused; the same N
   always gives the same bytes).
2. The database named in DATABASE_URL is dropped and created again (it must be a bench database:
   its name starts with "bvct_" and contains "bench"), migrated, and given the official tree and
   a clerk at the root, "bench.clerk", whose jurisdiction holds every unit code of the file
   (`--template DB`: created as a copy of DB, a database this script set up earlier).
3. COPY: the file is streamed by the client (`COPY … FROM STDIN (FORMAT csv, HEADER)`, what
   psql's \\copy does) into `bench_copy`, a table of ten text columns with no index, no key and
   no constraint. Timed from the first byte sent to the commit.
4. Import: `bvct import people FILE --as bench.clerk` in a subprocess, the same code path as an
   operator's (streaming read, validation, duplicate checks, batched COPY of people and row keys,
   name-search indexing, one audit event per batch). Timed from start to exit; its peak resident
   memory is the child's `ru_maxrss` from wait4().
5. Prints rows/s of both, their ratio and the import's peak RSS (target: ratio ≥ 1/3, RSS <
   300 MB), and with --json writes them to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
COPY_TABLE = "bench_copy"
COPY_COLUMNS = 10
SETUP = """
from bvct.accounts.models import Role, User
from bvct.orgs.loader import load_official_units
from bvct.orgs.models import OrgUnit
load_official_units()
clerk, _ = User.objects.get_or_create(username="bench.clerk", defaults={"full_name": "Bench"})
clerk.org_unit = OrgUnit.objects.get(code="TW")
clerk.set_password("bench-only-password")
clerk.save()
clerk.roles.set(Role.objects.filter(code="clerk"))
"""


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")


def csv_file(count: int) -> Path:
    path = BENCH_DIR / f"people-{count}.csv"
    if not path.exists():
        log(f"writing {path} ({count} rows) with bench/gen_people.py")
        partial = path.with_suffix(".partial")
        script = str(ROOT / "bench" / "gen_people.py")
        subprocess.run(  # noqa: S603 (our own script, fixed arguments)
            [sys.executable, script, str(count), "--out", str(partial)], check=True
        )
        partial.rename(path)
    return path


# `python -m bvct.cli` is the `bvct` console script (same entry point), run from this checkout
BVCT = [sys.executable, "-m", "bvct.cli"]


def bvct(*args: str, env: dict[str, str]) -> None:
    command = [*BVCT, *args]
    subprocess.run(command, check=True, env=env, cwd=ROOT)  # noqa: S603 (our own CLI)


def fresh_database(url: str, env: dict[str, str], template: str | None = None) -> None:
    name = urlsplit(url).path.lstrip("/")
    if not (name.startswith("bvct_") and "bench" in name):
        sys.exit(f"refusing to drop {name!r}: a bench database's name is bvct_…bench…")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if template:  # a database this script set up earlier (migrated, tree, clerk), unused
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            log(f"database {name} created from {template}")
            return
        connection.execute(f'CREATE DATABASE "{name}"')
    log(f"database {name} created; migrating and loading the official tree")
    bvct("migrate", "--noinput", "-v", "0", env=env)
    bvct("shell", "-c", SETUP, env=env)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def time_copy(url: str, path: Path) -> float:
    columns = ", ".join(f"c{i} text" for i in range(COPY_COLUMNS))
    with psycopg.connect(url) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        connection.execute(f"CREATE TABLE {COPY_TABLE} ({columns})")
        connection.commit()
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {COPY_TABLE} FROM STDIN (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as source,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        connection.commit()
        seconds = time.perf_counter() - started
        connection.execute(f"DROP TABLE {COPY_TABLE}")
        connection.commit()
    return seconds


class BackendCpu(threading.Thread):
    """CPU seconds of the import's PostgreSQL backend(s): polls pg_stat_activity for the
    backends of the database other than ours and reads their /proc/PID/stat (the server runs on
    this machine), keeping the last reading of each. Load-independent, unlike wall time."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.stop = url, threading.Event()
        self.seconds: dict[int, float] = {}

    def run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.stop.wait(0.5):
                pids = connection.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                ).fetchall()
                for (pid,) in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.seconds[pid] = (int(fields[11]) + int(fields[12])) / tick

    def total(self) -> float:
        self.stop.set()
        self.join()
        return float(sum(self.seconds.values()))


class Pss(threading.Thread):
    """The largest summed PSS (proportional set size: a page shared by the CLI and its forked
    checker counts half in each) of the import CLI and its children, polled every second: the
    physical memory the import holds. Adding the two RSS figures would count the pages the fork
    shares twice."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.stop, self.peak = pid, threading.Event(), 0

    def run(self) -> None:
        while not self.stop.wait(1.0):
            try:
                children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            except OSError:
                return
            total = 0
            for pid in [str(self.pid), *children]:
                try:
                    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                except OSError:
                    continue
                total += next(
                    int(line.split()[1]) * 1024
                    for line in rollup.splitlines()
                    if line.startswith("Pss:")
                )
            self.peak = max(self.peak, total)

    def result(self) -> int:
        self.stop.set()
        self.join()
        return self.peak


def time_import(
    path: Path, env: dict[str, str], batch_size: int, *, bulk: bool = False
) -> tuple[float, int, str, float, int]:
    """Seconds, peak RSS in bytes, the command's output, its CPU seconds (with its row-checking
    child's) and the peak PSS of both in bytes."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
        [
            *BVCT,
            "import",
            "people",
            str(path),
            "--as",
            "bench.clerk",
            "--batch-size",
            str(batch_size),
            *(["--bulk"] if bulk else []),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    pss = Pss(process.pid)
    pss.start()
    output = process.stdout.read() if process.stdout else ""
    peak_pss = pss.result()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"bvct import failed ({process.returncode}):\n{output}")
    cpu = usage.ru_utime + usage.ru_stime  # includes the checker child, which the CLI waited for
    return seconds, usage.ru_maxrss * 1024, output, cpu, peak_pss


def checker_rss(output: str) -> int:
    """The row-checking child's peak RSS in bytes, as the CLI prints it (0 when none ran)."""
    for line in output.splitlines():
        if line.startswith("row-checking process peak RSS:"):
            return int(float(line.split(":")[1].split()[0]) * 2**20)
    return 0


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # noqa: S608
            for table in ("people_person", "namesearch_searchentry", "intake_importrowerror")
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--bulk", action="store_true", help="run the import with --bulk")
    parser.add_argument(
        "--template",
        help="create the database from this one (already migrated, with the tree and the clerk)",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL bench database (bvct_bench_…)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["BVCT_DEBUG"] = "false"  # as in production: no query log
    env.setdefault("BVCT_VAR_DIR", str(BENCH_DIR / "var"))
    path = csv_file(args.count)
    loadavg_before = Path("/proc/loadavg").read_text().split()[:3]
    fresh_database(url, env, args.template)
    log("COPY into an unindexed table")
    copy_seconds = time_copy(url, path)
    log(f"COPY: {copy_seconds:.1f} s; now bvct import")
    backend = BackendCpu(url)
    backend.start()
    import_seconds, peak_rss, output, import_cpu, peak_pss = time_import(
        path, env, args.batch_size, bulk=args.bulk
    )
    backend_cpu = backend.total()
    child_rss = checker_rss(output)
    figures: dict[str, Any] = {
        "rows": args.count,
        "file_bytes": path.stat().st_size,
        "batch_size": args.batch_size,
        "bulk": args.bulk,
        "copy_seconds": round(copy_seconds, 2),
        "copy_rows_per_s": round(args.count / copy_seconds),
        "import_seconds": round(import_seconds, 2),
        "import_rows_per_s": round(args.count / import_seconds),
        "ratio_import_to_copy": round(copy_seconds / import_seconds, 4),
        # wait4's ru_maxrss is the larger of the CLI's and its child's peaks; with a checker
        # child the CLI prints the child's own peak, and the sum is the bound to compare
        "import_peak_rss_mb": round(peak_rss / 2**20, 1),
        "checker_peak_rss_mb": round(child_rss / 2**20, 1),
        "import_plus_checker_peak_rss_mb": round(
            (peak_rss + child_rss if child_rss else peak_rss) / 2**20, 1
        ),
        "import_plus_checker_peak_pss_mb": round(peak_pss / 2**20, 1),
        "import_cpu_us_per_row": round(import_cpu / args.count * 1e6, 1),
        "backend_cpu_us_per_row": round(backend_cpu / args.count * 1e6, 1),
        "copy_backend_note": "COPY's own CPU is its wall time (one backend, no client work)",
        "tables": counts(url),
        "loadavg_before": loadavg_before,
        "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "import_output": output.strip().splitlines()[:3],
    }
    sys.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()

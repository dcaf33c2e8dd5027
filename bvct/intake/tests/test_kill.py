"""`kill -9` for real: `bvct import` in a subprocess on a file-based SQLite database, killed inside
a batch (after its inserts, before its commit), then run again. The database is read with the
standard `sqlite3` module, never through the test's own connection."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bvct.intake.tests.factories import many_rows, person_row, write_csv

ROOT = Path(__file__).resolve().parents[3]
BATCH = 200
KILLED_IN = 4  # batches 1-3 (rows 2-601) are committed when the process dies
SETUP = """
from bvct.accounts.models import Role, User
from bvct.orgs.models import OrgUnit
root = OrgUnit.add_root(code="TW", name="Trung ương", kind="central")
unit = root.add_child(code="X-A1", name="Xã A1", kind="commune")
clerk = User.objects.create_user(username="clerk", password="x" * 16, org_unit=unit)
clerk.roles.set(Role.objects.filter(code="clerk"))
"""


def bvct(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
        [str(Path(sys.executable).parent / "bvct"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return process.returncode, out


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_kill_9_inside_a_batch_then_rerun_imports_every_good_row_exactly_once(
    tmp_path: Path,
) -> None:
    # given a migrated SQLite database with a clerk, and a sheet of 1,500 good rows and 30 bad
    db = tmp_path / "bvct.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BVCT_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update({"BVCT_VAR_DIR": str(tmp_path), "BVCT_SQLITE_PATH": str(db)})
    finished(bvct("migrate", "--noinput", env=env))
    finished(bvct("shell", "-c", SETUP, env=env))
    good = list(many_rows(1500))
    rows = []
    for index, row in enumerate(good):
        rows.append(row)
        if index % 50 == 49:
            rows.append(person_row(full_name="", birth_date="1990"))
    path = write_csv(tmp_path / "nguoi.csv", rows)
    marker = tmp_path / "paused"
    # when the import is killed with SIGKILL inside batch 4, after that batch's inserts
    args = ("import", "people", str(path), "--as", "clerk", "--batch-size", str(BATCH))
    process = bvct(*args, "--pause-in-batch", str(KILLED_IN), "--pause-file", str(marker), env=env)
    deadline = time.monotonic() + 240
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import never reached the batch to kill"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    # then exactly batches 1-3 are in the database: no row of batch 4
    assert process.returncode == -signal.SIGKILL
    committed_rows = 1 + 3 * BATCH  # header + 3 batches (rows 2-601)
    assert query(db, "SELECT status, last_committed_row FROM intake_importjob") == [
        ("running", committed_rows)
    ]
    good_committed = sum(1 for r in rows[: committed_rows - 1] if r[0])
    assert query(db, "SELECT count(*) FROM people_person") == [(good_committed,)]
    assert query(db, "SELECT max(row) FROM intake_importedrow") == [(committed_rows,)]
    # when the same command runs again
    _, out = finished(bvct(*args, env=env))
    # then it continued the job and every good row is there exactly once
    assert f"continuing import #1 after row {committed_rows}" in out
    assert query(
        db, "SELECT status, rows_processed, rows_created, rows_invalid FROM intake_importjob"
    ) == [("done", 1530, 1500, 30)]
    cccds = [str(cccd) for (cccd,) in query(db, "SELECT cccd FROM people_person")]
    assert sorted(cccds) == sorted(row[3] for row in good)
    assert query(db, "SELECT count(*), count(DISTINCT row) FROM intake_importrowerror") == [
        (30, 30)
    ]
    assert query(db, "SELECT count(*) FROM intake_importedrow") == [(1500,)]

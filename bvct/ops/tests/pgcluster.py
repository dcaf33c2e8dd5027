"""A throw-away PostgreSQL primary and its streaming replica on loopback, for the router test.

`streaming_pair()` runs `initdb` in a temporary folder, starts the primary on a free
127.0.0.1 port, lets the caller load a schema, takes `pg_basebackup -R` into a second folder,
starts it as a hot standby on a second free port and waits until it streams. On the way out —
always, also when the test fails — both clusters are stopped (`-m immediate`) and the folders
removed. A watchdog process does the same if the test process dies first, so no server
outlives the run.

PostgreSQL refuses to run as root: as root, every server program runs as the `postgres` OS user
(`runuser`), in folders it owns.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

WAIT_SECONDS = 20.0
SUPERUSER = "postgres"
# fast and disposable: nothing here must survive a crash
_SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c shared_buffers=16MB -c max_wal_senders=4 "
    "-c wal_level=replica -c hot_standby=on -c max_connections=20"
)

_WATCHDOG = """
import os, shutil, subprocess, sys, time
parent, pg_ctl, root, runas = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    if not os.path.isdir(root):
        sys.exit(0)
    time.sleep(0.5)
for name in ("primary", "replica"):
    data = os.path.join(root, name)
    if os.path.isfile(os.path.join(data, "postmaster.pid")):
        subprocess.run([*runas, pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"], check=False)
shutil.rmtree(root, ignore_errors=True)
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pg_bindir() -> Path:
    """BVCT_PG_BIN, else the newest /usr/lib/postgresql/N/bin, else where `initdb` is."""
    configured = os.environ.get("BVCT_PG_BIN")
    if configured:
        return Path(configured)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if found is None:
        msg = "PostgreSQL server programs (initdb) not found: install postgresql or set BVCT_PG_BIN"
        raise RuntimeError(msg)
    return Path(found).parent


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", SUPERUSER, "--"]


@dataclass(frozen=True)
class Server:
    data: Path
    port: int

    def connect(self, dbname: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=dbname, autocommit=True
        )

    def database(self, dbname: str, **extra: object) -> dict[str, object]:
        """A Django DATABASES entry for this server."""
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": dbname,
            "USER": SUPERUSER,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            **extra,
        }


@dataclass(frozen=True)
class Pair:
    primary: Server
    replica: Server
    bindir: Path

    def catch_up(self) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        with self.primary.connect() as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()
        assert target is not None
        with self.replica.connect() as conn:
            _wait(
                lambda: bool(
                    conn.execute(
                        "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [str(target[0])]
                    ).fetchone()[0]  # type: ignore[index]
                ),
                "the replica to replay the primary's WAL",
            )

    def pause_replay(self) -> None:
        with self.replica.connect() as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
            _wait(
                lambda: (
                    conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone() == ("paused",)
                ),
                "the replica to pause its replay",
            )

    def resume_replay(self) -> None:
        with self.replica.connect() as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        self.catch_up()


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            msg = f"timed out after {WAIT_SECONDS:.0f} s waiting for {what}"
            raise TimeoutError(msg)
        time.sleep(0.05)


def _check(argv: list[str], what: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603 (our programs)
    if result.returncode != 0:
        msg = (
            f"{what} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
        )
        raise RuntimeError(msg)


@contextmanager
def streaming_pair(load: Callable[[Server], None]) -> Iterator[Pair]:
    """Primary (with `load(primary)` run before the base backup) and its streaming replica."""
    bindir = pg_bindir()
    runas = _run_as()
    # tmpfs when there is one: the clusters are disposable, and deleting thousands of files on a
    # disk mounted with `discard` takes seconds
    shm = Path("/dev/shm")  # noqa: S108 (a private folder is made inside, mode 0700)
    root = Path(
        tempfile.mkdtemp(prefix="bvct-replica-", dir=shm if os.access(shm, os.W_OK) else None)
    )
    if runas:
        shutil.chown(root, SUPERUSER, SUPERUSER)
    watchdog = subprocess.Popen(  # noqa: S603 (our own script)
        [
            sys.executable,
            "-c",
            _WATCHDOG,
            str(os.getpid()),
            str(bindir / "pg_ctl"),
            str(root),
            *runas,
        ],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    primary = Server(root / "primary", free_port())
    replica = Server(root / "replica", free_port())
    started: list[Server] = []

    def start(server: Server) -> None:
        options = f"-p {server.port} -k {root} {_SERVER_OPTIONS}"
        log = root / f"{server.data.name}.log"
        _check(
            [
                *runas,
                str(bindir / "pg_ctl"),
                "-D",
                str(server.data),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                "30",
                "start",
            ],
            f"starting the {server.data.name} on port {server.port} (log: {log})",
        )
        started.append(server)

    try:
        _check(
            [
                *runas,
                str(bindir / "initdb"),
                "-D",
                str(primary.data),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            "initdb",
        )
        start(primary)
        load(primary)
        _check(
            [
                *runas,
                str(bindir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                SUPERUSER,
                "-D",
                str(replica.data),
                "-R",
                "-X",
                "stream",
                "--no-sync",
                "-c",
                "fast",
            ],
            "pg_basebackup",
        )
        start(replica)
        with primary.connect() as conn:
            _wait(
                lambda: (
                    conn.execute(
                        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
                    ).fetchone()
                    == (1,)
                ),
                "the replica to stream",
            )
        yield Pair(primary, replica, bindir)
    finally:
        for server in reversed(started):
            subprocess.run(  # noqa: S603 (our programs)
                [
                    *runas,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(server.data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)
        watchdog.terminate()
        watchdog.wait(timeout=10)

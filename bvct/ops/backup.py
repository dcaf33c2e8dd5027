"""Backup and restore of the configured database, with a manifest beside the dump.

* SQLite: the online backup API (`sqlite3.Connection.backup`), page by page from a live
  connection: a consistent copy even while BVCT writes. Never a file copy of an open database
  (a copy taken mid-write, or without its `-wal` file, is torn).
* PostgreSQL: `pg_dump -Fc` inside an exported snapshot (`pg_export_snapshot()`): the dump, the
  row counts and the audit-chain head in the manifest all describe the same instant. Restore is
  `pg_restore` piped into one `psql --single-transaction` that first drops and re-creates the
  `public` schema: the database becomes exactly the backup, or stays as it was if anything fails.

The manifest (`<dump>.manifest.json`) records the format, time, database kind, the dump's size
and SHA-256, the row count of every table and the audit-chain head (sequence number and hash:
`bvct.audit.chain`). Restore refuses a dump whose checksum differs, or a dump of the other kind of
database, and afterwards compares the restored row counts and chain head with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bvct.audit.models import AuditEvent

FORMAT = "bvct-backup/1"
AUDIT_TABLE = AuditEvent._meta.db_table
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore cannot go ahead; the message says why, for an operator."""


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


@dataclass(frozen=True)
class Manifest:
    format: str
    created_at: str
    vendor: str
    database: str  # the database name or SQLite file (never a password or host)
    dump: str  # file name, beside the manifest
    size: int
    sha256: str
    audit_head: ChainHead
    tables: dict[str, int]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                msg = f"{path} is not a BVCT backup manifest ({FORMAT})"
                raise BackupError(msg)
            head = raw.pop("audit_head")
            return cls(audit_head=ChainHead(int(head["seq"]), str(head["hash"])), **raw)
        except FileNotFoundError as exc:
            msg = f"the manifest {path} is missing: a dump is restored only with its manifest"
            raise BackupError(msg) from exc
        except (ValueError, KeyError, TypeError) as exc:
            msg = f"the manifest {path} cannot be read: {exc}"
            raise BackupError(msg) from exc


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".manifest.json")


def default_path() -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
    return Path(settings.VAR_DIR) / "backups" / f"bvct-{stamp}.{suffix}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _database_label() -> str:
    name = str(connection.settings_dict["NAME"])
    return Path(name).name if connection.vendor == "sqlite" else name


# --- reading counts and the head (from a DB-API cursor: Django's or a backup file's) ---------


def _counts_and_head(cursor: Any, tables: list[str]) -> tuple[dict[str, int], ChainHead]:
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    for table in sorted(t for t in tables if not t.startswith("sqlite_")):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 (names from the catalogue)
        counts[table] = int(cursor.fetchone()[0])
    cursor.execute(f"SELECT seq, hash FROM {quote(AUDIT_TABLE)} ORDER BY seq DESC LIMIT 1")  # noqa: S608
    row = cursor.fetchone()
    head = ChainHead(int(row[0]), str(row[1])) if row else ChainHead(0, "0" * 64)
    return counts, head


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [str(row[0]) for row in cursor.fetchall()]


def current_state() -> tuple[dict[str, int], ChainHead]:
    """Row counts of every table and the chain head of the configured database, now."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _counts_and_head(cursor, tables)


# --- PostgreSQL client programs ---------------------------------------------------------------


def _pg_program(name: str) -> str:
    folder = os.environ.get("BVCT_PG_BIN", "")
    found = shutil.which(name, path=folder or None)
    if found is None:
        msg = f"{name} is not installed (install postgresql-client, or set BVCT_PG_BIN)"
        raise BackupError(msg)
    return found


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments of the configured database for libpq programs; the password goes
    through the environment, never the command line."""
    config = connection.settings_dict
    args = ["--dbname", str(config["NAME"])]
    if config.get("HOST"):
        args += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        args += ["--port", str(config["PORT"])]
    if config.get("USER"):
        args += ["--username", str(config["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    options = config.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return args, env


def _run(argv: list[str], *, env: dict[str, str], what: str, **kwargs: Any) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603 (fixed programs, our arguments)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        msg = f"{what} failed: {lines[0] if lines else f'exit status {result.returncode}'}"
        raise BackupError(msg)


# --- backup -----------------------------------------------------------------------------------


def _backup_sqlite(target: Path) -> tuple[dict[str, int], ChainHead]:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        cursor = destination.cursor()
        counts, head = _counts_and_head(cursor, _sqlite_tables(cursor))
    finally:
        destination.close()
    return counts, head


def _backup_postgresql(target: Path) -> tuple[dict[str, int], ChainHead]:
    pg_dump = _pg_program("pg_dump")
    args, env = _pg_args_env()
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        counts, head = _counts_and_head(cursor, connection.introspection.table_names(cursor))
        # the dump sees exactly what this transaction sees
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
                *args,
            ],
            env=env,
            what="pg_dump",
        )
    return counts, head


def backup_create(path: Path | None = None) -> tuple[Path, Manifest]:
    """Write a consistent backup of the configured database to `path` (default:
    `var/backups/bvct-<time>.<sqlite3|dump>`) and its manifest beside it; both mode 0600."""
    target = Path(path) if path is not None else default_path()
    if connection.in_atomic_block:
        msg = "a backup cannot run inside a transaction (it must see committed data only)"
        raise BackupError(msg)
    if target.exists():
        msg = f"{target} already exists: choose another name"
        raise BackupError(msg)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        if connection.vendor == "sqlite":
            counts, head = _backup_sqlite(partial)
        elif connection.vendor == "postgresql":
            counts, head = _backup_postgresql(partial)
        else:  # pragma: no cover - BVCT runs on these two
            msg = f"backups of {connection.vendor} are not supported"
            raise BackupError(msg)
        os.chmod(partial, 0o600)
        manifest = Manifest(
            format=FORMAT,
            created_at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
            vendor=connection.vendor,
            database=_database_label(),
            dump=target.name,
            size=partial.stat().st_size,
            sha256=_sha256(partial),
            audit_head=head,
            tables=counts,
        )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    side = manifest_path(target)
    side.write_text(manifest.to_json(), encoding="utf-8")
    os.chmod(side, 0o600)
    return target, manifest


# --- restore ----------------------------------------------------------------------------------


def restore_check(dump: Path) -> Manifest:
    """The dump's manifest, after checking that the dump is whole and of this kind of database."""
    manifest = Manifest.read(manifest_path(dump))
    if not dump.is_file():
        msg = f"the dump {dump} does not exist"
        raise BackupError(msg)
    if manifest.vendor != connection.vendor:
        msg = (
            f"{dump} is a {manifest.vendor} backup; the configured database is {connection.vendor}"
        )
        raise BackupError(msg)
    if _sha256(dump) != manifest.sha256:
        msg = f"{dump} does not match its manifest (SHA-256 differs): damaged or altered"
        raise BackupError(msg)
    return manifest


def _other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return int(cursor.fetchone()[0])


def _restore_postgresql(dump: Path) -> None:
    others = _other_sessions()
    if others:
        msg = (
            f"{others} other session(s) are connected to the database: stop bvct-web, "
            "bvct-worker and the tick timer first"
        )
        raise BackupError(msg)
    pg_restore, psql = _pg_program("pg_restore"), _pg_program("psql")
    args, env = _pg_args_env()
    connection.close()  # nothing of ours holds a lock on the tables being dropped
    script = subprocess.Popen(  # noqa: S603 (fixed program, our arguments)
        [pg_restore, "--no-owner", "--no-privileges", "--file", "-", str(dump)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        _run(
            [
                psql,
                "--no-psqlrc",
                "--quiet",
                "--set",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "--command",
                "DROP SCHEMA IF EXISTS public CASCADE",
                "--command",
                "CREATE SCHEMA public",
                "--file",
                "-",
                *args,
            ],
            env=env,
            what="psql (restore)",
            stdin=script.stdout,
        )
    finally:
        if script.stdout is not None:
            script.stdout.close()
        _, errors = script.communicate()
    if script.returncode != 0:
        text = errors.decode("utf-8", "replace").strip().splitlines()
        msg = f"pg_restore failed: {text[0] if text else script.returncode}"
        raise BackupError(msg)


def _restore_sqlite(dump: Path) -> None:
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            msg = f"{dump} fails SQLite's integrity check: {verdict}"
            raise BackupError(msg)
        connection.ensure_connection()
        if connection.in_atomic_block:
            msg = "restore cannot run inside a transaction"
            raise BackupError(msg)
        # page by page into the live database, under its write lock
        source.backup(connection.connection)
    finally:
        source.close()


def restore_apply(dump: Path, manifest: Manifest) -> list[str]:
    """Replace the configured database by the dump; return the differences between the restored
    database and the manifest (empty when the row counts and the chain head match)."""
    if connection.vendor == "sqlite":
        _restore_sqlite(dump)
    else:
        _restore_postgresql(dump)
    counts, head = current_state()
    problems = [
        f"{table}: {counts.get(table)} rows, the backup had {expected}"
        for table, expected in sorted(manifest.tables.items())
        if counts.get(table) != expected
    ]
    problems += [
        f"{table}: not in the backup" for table in sorted(set(counts) - set(manifest.tables))
    ]
    if head != manifest.audit_head:
        problems.append(
            f"audit chain head #{head.seq} {head.hash}, the backup had "
            f"#{manifest.audit_head.seq} {manifest.audit_head.hash}"
        )
    return problems

"""Settings from the environment, production refusals and the one-line database error.

Each case starts a fresh interpreter, because settings are read once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_bvct(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BVCT_", "DJANGO_"))}
    base.pop("DATABASE_URL", None)
    base.pop("SECRET_KEY", None)
    base.update(env)
    return subprocess.run(  # noqa: S603 (fixed argv, our own CLI)
        [sys.executable, "-m", "bvct.cli", *args],
        capture_output=True,
        text=True,
        env=base,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_production_refuses_missing_secret_key_and_names_it(tmp_path: Path) -> None:
    # given production mode and no secret key
    env = {
        "BVCT_MODE": "production",
        "BVCT_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "bvct.example",
        "DATABASE_URL": "postgres://u@127.0.0.1:1/x",
        "AUDIT_SIGNING_KEY_FILE": str(tmp_path / "k.pem"),
    }
    # when
    result = run_bvct("check", env=env)
    # then
    assert result.returncode == 2
    assert "SECRET_KEY is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_the_development_default_secret(tmp_path: Path) -> None:
    env = {
        "BVCT_MODE": "production",
        "BVCT_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production",
        "ALLOWED_HOSTS": "bvct.example",
        "DATABASE_URL": "postgres://u@127.0.0.1:1/x",
        "AUDIT_SIGNING_KEY_FILE": str(tmp_path / "k.pem"),
    }
    result = run_bvct("check", env=env)
    assert result.returncode == 2
    assert "SECRET_KEY is the development default" in result.stderr


def test_production_names_every_missing_setting(tmp_path: Path) -> None:
    env = {"BVCT_MODE": "production", "BVCT_VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 60}
    result = run_bvct("check", env=env)
    assert result.returncode == 2
    for name in (
        "ALLOWED_HOSTS is missing",
        "DATABASE_URL is missing",
        "AUDIT_SIGNING_KEY_FILE is missing",
        "BVCT_KEYS is missing",
        "BVCT_BLIND_INDEX_KEY is missing",
    ):
        assert name in result.stderr
    assert "SECRET_KEY" not in result.stderr


def test_production_refuses_an_active_key_that_is_not_configured(tmp_path: Path) -> None:
    env = {**_production(tmp_path), "BVCT_ACTIVE_KEY": "k9"}
    result = run_bvct("check", env=env)
    assert result.returncode == 2
    assert "BVCT_ACTIVE_KEY 'k9' is not one of BVCT_KEYS" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_field_key_is_named_on_one_line(tmp_path: Path) -> None:
    env = {**_production(tmp_path), "BVCT_KEYS": "k2:c2hvcnQ"}
    result = run_bvct("check", env=env)
    assert result.returncode == 2
    assert "BVCT_KEYS[k2]: a key must be 32 bytes" in result.stderr
    assert "Traceback" not in result.stderr


# two fixed throw-away keys of 32 bytes, base64
FIELD_KEYS_ENV = {
    "BVCT_KEYS": "k2:" + "Ag" * 21 + "A," + "k1:" + "AQ" * 21 + "A",
    "BVCT_BLIND_INDEX_KEY": "Aw" * 21 + "A",
}


def _production(tmp_path: Path) -> dict[str, str]:
    return {
        "BVCT_MODE": "production",
        "BVCT_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "k7Qz-" + "".join(chr(65 + (i * 5) % 26) for i in range(60)),
        "ALLOWED_HOSTS": "bvct.example",
        "DATABASE_URL": "postgres://u@127.0.0.1:1/x",
        "AUDIT_SIGNING_KEY_FILE": str(tmp_path / "k.pem"),
        **FIELD_KEYS_ENV,
    }


def test_secret_key_file_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(
        "k7Qz-" + "".join(chr(65 + (i * 7) % 26) for i in range(60)) + "\n", encoding="utf-8"
    )
    env = {
        "BVCT_MODE": "production",
        "BVCT_VAR_DIR": str(tmp_path),
        "SECRET_KEY_FILE": str(secret),
        "ALLOWED_HOSTS": "bvct.example",
        "DATABASE_URL": "postgres://u@127.0.0.1:1/x",
        "AUDIT_SIGNING_KEY_FILE": str(tmp_path / "k.pem"),
        **FIELD_KEYS_ENV,
    }
    result = run_bvct("check", "--deploy", "--fail-level", "CRITICAL", env=env)
    assert "SECRET_KEY is missing" not in result.stderr
    assert "security.W009" not in result.stderr  # Django's own check accepts the key read
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_in_production(tmp_path: Path) -> None:
    # given production settings with everything they need
    secret = tmp_path / "secret"
    secret.write_text(
        "k7Qz-" + "".join(chr(65 + (i * 11) % 26) for i in range(60)), encoding="utf-8"
    )
    env = {
        "BVCT_MODE": "production",
        "BVCT_VAR_DIR": str(tmp_path),
        "SECRET_KEY_FILE": str(secret),
        "ALLOWED_HOSTS": "bvct.example",
        "DATABASE_URL": "postgres://u@127.0.0.1:1/x",
        "AUDIT_SIGNING_KEY_FILE": str(tmp_path / "k.pem"),
        **FIELD_KEYS_ENV,
    }
    # when Django's deployment checks run, failing on any warning
    result = run_bvct("check", "--deploy", "--fail-level", "WARNING", env=env)
    # then there is none (HSTS, HTTPS redirect, secure cookies, schema names included)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_unreachable_database_gives_one_line(tmp_path: Path) -> None:
    # given a PostgreSQL URL where nothing listens
    env = {
        "BVCT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://bvct:secret-password@127.0.0.1:9/bvct",
    }
    # when
    result = run_bvct("migrate", "--noinput", env=env)
    # then: one line, no traceback, no password
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2
    assert len(lines) == 1
    assert lines[0].startswith("bvct: cannot reach the database postgres://…@127.0.0.1:9/bvct")
    assert "secret-password" not in result.stderr


def test_bad_mode_is_refused(tmp_path: Path) -> None:
    result = run_bvct("check", env={"BVCT_MODE": "staging", "BVCT_VAR_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "BVCT_MODE must be 'development' or 'production'" in result.stderr


@pytest.mark.django_db
def test_sqlite_runs_with_wal_full_sync_and_immediate_transactions() -> None:
    if connection.vendor != "sqlite":
        # the PostgreSQL run checks the engine instead
        assert connection.vendor == "postgresql"
        return
    # given the default SQLite settings (as `make run` uses them)
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_default_sqlite_file_uses_wal(tmp_path: Path) -> None:
    # a real file database (the test database is in memory, where WAL does not apply)
    result = run_bvct(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print('MODE=' + c.fetchone()[0]); "
        "print('NAME=' + connection.settings_dict['NAME'])",
        env={"BVCT_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "MODE=wal" in result.stdout.splitlines()
    assert f"NAME={tmp_path / 'bvct.sqlite3'}" in result.stdout.splitlines()


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit() -> None:
    if connection.vendor != "postgresql":
        # SQLite has no JIT; the PostgreSQL run checks the setting on a real connection
        assert connection.vendor == "sqlite"
        return
    # given the default settings: JIT only adds compile time to our short statements
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"

"""`bvct serve` (gunicorn) answers /healthz and stops on SIGTERM; /healthz says 503 when the
database is unreachable, and leaks nothing; production refuses to serve without static files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from bvct.ops.server import check_static_files, default_workers, gunicorn_options
from bvct.ops.tests.pgcluster import free_port
from bvct.ops.tests.support import databases

ROOT = Path(__file__).resolve().parents[3]
START_SECONDS = 60.0


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BVCT_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update({"BVCT_VAR_DIR": str(tmp_path / "var"), **extra})
    return env


def _database_env(tmp_path: Path) -> dict[str, str]:
    """The test database on PostgreSQL; a fresh SQLite file otherwise."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        host, port = s["HOST"] or "127.0.0.1", s["PORT"] or "5432"
        return {"DATABASE_URL": f"postgres://{s['USER']}@{host}:{port}/{s['NAME']}"}
    return {"BVCT_SQLITE_PATH": str(tmp_path / "serve.sqlite3")}


def _get(url: str, request_id: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"X-Request-ID": request_id})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_serve_runs_gunicorn_answers_healthz_logs_json_and_stops_on_sigterm(
    db: None, tmp_path: Path
) -> None:
    port = free_port()
    env = _env(tmp_path, BVCT_LOG_FORMAT="json", **_database_env(tmp_path))
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 (our own CLI)
            [
                sys.executable,
                "-m",
                "bvct.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}{reverse('core:healthz')}"
            deadline = time.monotonic() + START_SECONDS
            while True:
                try:
                    status, headers, body = _get(url, "probe-request-0001")
                    break
                except OSError:
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "gunicorn did not answer in time"
                    time.sleep(0.1)
            # then the health answer is 200 with the request id echoed
            assert status == 200
            assert json.loads(body) == {"status": "ok", "database": "ok"}
            assert headers["X-Request-ID"] == "probe-request-0001"
            # when it is told to stop
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=30) == 0
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    lines = log.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    # every line is JSON, gunicorn's own included
    assert len(records) == len(lines), lines
    access = [r for r in records if r["logger"] == "bvct.request"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "probe-request-0001"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == (
        "GET",
        "/healthz",
        200,
        None,
    )
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
    assert any(
        r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records
    )


def test_healthz_answers_503_without_details_when_the_database_is_unreachable(
    client: Any, django_db_blocker: Any
) -> None:
    closed = free_port()  # nothing listens there
    config = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        config.update(HOST="127.0.0.1", PORT=str(closed), OPTIONS={"connect_timeout": 2})
    else:
        config.update(NAME="/nonexistent-folder/bvct.sqlite3", OPTIONS={})
    with django_db_blocker.unblock(), databases({"default": config}):
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
    text = response.content.decode()
    assert str(closed) not in text
    assert "nonexistent" not in text


def test_healthz_is_public_and_exempt_from_the_https_redirect(
    client: Any, db: None, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 301


def test_worker_count_defaults_to_twice_the_cores_plus_one_and_follows_the_setting(
    settings: Any,
) -> None:
    settings.BVCT_WORKERS = 0
    assert gunicorn_options()["workers"] == default_workers() == 2 * (os.cpu_count() or 1) + 1
    settings.BVCT_WORKERS = 3
    settings.BVCT_BIND = "127.0.0.1:9123"
    options = gunicorn_options()
    assert (options["workers"], options["bind"]) == (3, ["127.0.0.1:9123"])
    assert gunicorn_options(workers=2, bind="unix:/run/bvct.sock")["bind"] == [
        "unix:/run/bvct.sock"
    ]


def test_production_refuses_to_serve_before_collectstatic(settings: Any, tmp_path: Path) -> None:
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415

    settings.IS_PRODUCTION = True
    settings.STATIC_ROOT = tmp_path / "static"
    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        check_static_files()
    settings.STATIC_ROOT.mkdir()
    (settings.STATIC_ROOT / "staticfiles.json").write_text("{}")
    check_static_files()


def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_wrote(
    rf: Any, settings: Any
) -> None:
    from bvct.core.middleware import client_ip  # noqa: PLC0415

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3", REMOTE_ADDR="127.0.0.1")
    settings.BVCT_BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"  # a header from the client is never trusted
    settings.BVCT_BEHIND_PROXY = True
    assert client_ip(request) == "10.1.2.3"  # the entry nginx appended
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"

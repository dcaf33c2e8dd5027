"""Load test driver: gunicorn + PostgreSQL on loopback, Locust headless, all stopped at the end.

    .venv/bin/pip install -e '.[bench]'          # locust and gunicorn (make loadtest does it)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_load_bench \\
        .venv/bin/python bench/loadtest.py --users 50 --time 5m

The database must hold the bench data (`bench/loadtest_data.py`, 5.6 M people for the issue-12
figure). Steps, each by this script:

1. **Setup** (in-process Django, idempotent): 40 *readers* — officers at the root and at the
   provinces, clearances 0–3 — and 5 pairs of *workers* — an officer and an approver at one
   commune each — with, per pair, `--cases-per-pair` admission cases opened by the service
   (`vetting.services.case_open`), moved to "verifying" and their checklist marked, so the
   workflow can go round: the officer records the chi bộ resolution (verifying → resolved, the
   case page's form), the approver returns it for more verification (resolved → verifying, the
   API) — real transitions, with their guards, history rows and audit events.
   Each user gets a **session made by Django's session machinery** (the keys
   `django.contrib.auth.login` and `accounts.sessions.session_start` write), no login form:
   the setup also gives each user a confirmed authenticator (django-otp TOTP device) and marks
   the session as verified with it, as `django_otp.login` does after a good code (see
   `session_for`). Readers get a sample of people and cases in their scope and search queries
   built from those people's names. All written to `var/loadtest/users.json`.
2. **Server**: `collectstatic`, then gunicorn (`config.wsgi`, production mode, loopback, a free
   port, `--workers`/`--threads`), access log to `var/loadtest/`.
3. **Locust** headless (`bench/locustfile.py`) for `--time`, CSV stats; the load average sampled
   every 10 s before, during and after.
4. Stop gunicorn; print p50/p95/p99 per endpoint, failures and the count of 5xx responses in
   the access log; write `var/loadtest/summary.md`.

A benchmark, never part of `make test`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "loadtest"
BIN = Path(sys.executable).parent
READERS = 40
PAIRS = 5


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- 1. setup -------------------------------------------------------------------------------


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["SECRET_KEY"] = secret_key()  # the server's: sessions are signed with it
    os.environ.update(field_keys())  # the server's: what the setup seals, the server opens
    import django

    django.setup()


def session_for(username: str) -> str:
    """A logged-in session as `django.contrib.auth.login` and our `user_logged_in` handler leave
    it (new each run: a session idle for 15 minutes ends), verified with the user's confirmed
    authenticator as `django_otp.login` leaves it after a good code
    (`session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id`): officers and
    approvers must use two steps, and a password-only session reaches no protected page."""
    import django_otp
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bvct.accounts.models import User
    from bvct.accounts.sessions import session_start

    class _Request:  # what session_start needs of a request
        def __init__(self, session: SessionStore) -> None:
            self.session = session

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session_start(_Request(session), user)  # type: ignore[arg-type]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
    session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    assert session.session_key is not None  # noqa: S101
    return session.session_key


def setup(cases_per_pair: int, seed: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import transaction

    from bvct.access import policy
    from bvct.accounts.models import Role, RoleCode, User
    from bvct.orgs.models import OrgUnit
    from bvct.people.models import Person
    from bvct.vetting import services, workflow
    from bvct.vetting.models import Case, Status

    rng = random.Random(seed)

    def account(username: str, unit: OrgUnit, clearance: int, role: str) -> User:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "org_unit": unit,
                "clearance": clearance,
                "full_name": f"Cán bộ thử tải {username}",
                "is_active": True,
            },
        )
        user.roles.set([Role.objects.get(code=role)])
        return User.objects.get(pk=user.pk)

    root = OrgUnit.objects.get(code="TW")
    provinces = list(OrgUnit.objects.filter(depth=root.depth + 1, kind="province").order_by("code"))
    users: list[dict[str, Any]] = []
    for i in range(READERS):
        unit = root if i % 10 == 0 else provinces[i % len(provinces)]
        user = account(f"load.r{i:02d}", unit, i % 4, RoleCode.OFFICER)
        people = policy.people_visible_to(user)
        ids = random_ids(people, Person, 150, rng)
        persons = list(Person.objects.filter(pk__in=ids[:60]))
        queries = [p.full_name for p in persons[:20]]
        queries += [p.full_name.lower() for p in persons[20:40]]
        queries += [f"{p.given_name} {p.birth_year}" for p in persons[40:60]]
        cases = random_ids(policy.cases_visible_to(user), Case, 100, rng)
        users.append(
            {
                "kind": "reader",
                "username": user.username,
                "session": session_for(user.username),
                "people": ids,
                "cases": cases,
                "queries": queries,
            }
        )
    communes = list(
        OrgUnit.objects.filter(kind="commune", code__startswith="X").order_by("code")[:200]
    )
    log(f"readers: {READERS} ready")
    random.Random(seed).shuffle(communes)
    for i, unit in enumerate(communes[:PAIRS]):
        officer = account(f"load.o{i}", unit, 3, RoleCode.OFFICER)
        approver = account(f"load.a{i}", unit, 3, RoleCode.APPROVER)
        cases = Case.objects.filter(holding_unit__path__startswith=unit.path, opened_by=officer)
        missing = cases_per_pair - cases.count()
        candidates = (
            policy.people_visible_to(officer)
            .filter(merged_into__isnull=True)
            .exclude(cases__isnull=False)
            .order_by("pk")[: max(0, missing)]
        )
        for person in candidates:
            with transaction.atomic():
                case = services.case_open(actor=officer, person=person, case_type="admission")
                case = services.case_transition(case=case, to=Status.VERIFYING, actor=officer)
                for item in workflow.spec_for(case.case_type).checklist:
                    services.case_checklist_mark(
                        case=case, actor=officer, code=item.code, received=True
                    )
        verifying = cases.filter(status=Status.VERIFYING).count()
        log(f"pair {i} at {unit.code}: {cases.count()} cases ({verifying} verifying)")
        for user, kind in ((officer, "officer"), (approver, "approver")):
            users.append(
                {"kind": kind, "username": user.username, "session": session_for(user.username)}
            )
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "users": users,
    }


def random_ids(queryset: Any, model: Any, count: int, rng: random.Random) -> list[int]:
    """Up to `count` random primary keys of the queryset: random keys probed in one query per
    round (an ORDER BY random() over a province's 160,000 people would read them all)."""
    low = model.objects.order_by("pk").values_list("pk", flat=True)[:1][0]
    high = model.objects.order_by("-pk").values_list("pk", flat=True)[:1][0]
    found: set[int] = set()
    for _ in range(4):
        probe = [rng.randint(low, high) for _ in range(5000)]
        found.update(queryset.filter(pk__in=probe).values_list("pk", flat=True)[:count])
        if len(found) >= count:
            break
    return sorted(found)[:count]


# --- 2.–4. server, locust, report -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def secret_key() -> str:
    """One key for the setup and the server (session data and auth hashes are signed with it)."""
    path = OUT / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(60))
        path.chmod(0o600)
    return path.read_text().strip()


def field_keys() -> dict[str, str]:
    """The load test's field-encryption keys (a KEK and the blind-index key, as production
    takes them from the environment), kept in `var/loadtest/` so that dossiers sealed by an
    earlier run stay readable."""
    path = OUT / "field-keys.json"
    OUT.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        import base64

        keys = {
            "BVCT_KEYS": "load1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "BVCT_BLIND_INDEX_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        }
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    return dict(json.loads(path.read_text()))


def server_env() -> dict[str, str]:
    key_file = OUT / "audit-signing-key.pem"
    if not key_file.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import (
            Ed25519PrivateKey,
        )

        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key_file.write_bytes(pem)
        key_file.chmod(0o600)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "BVCT_MODE": "production",
        "SECRET_KEY": secret_key(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "AUDIT_SIGNING_KEY_FILE": str(key_file),
        **field_keys(),
        "BVCT_SSL_REDIRECT": "false",  # loopback HTTP; production runs behind TLS
        "BVCT_VAR_DIR": str(OUT / "var"),
    }


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}; see {OUT / 'gunicorn.log'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not start listening in time")


def warm_up(port: int, concurrency: int) -> None:
    """A few requests of each kind through every worker before measuring (first-request costs:
    templates, translations, connections), with a reader's session."""
    data = json.loads((OUT / "users.json").read_text())
    reader = next(u for u in data["users"] if u["kind"] == "reader")
    cookie = f"{data['session_cookie']}={reader['session']}"
    paths = ["/people/", "/cases/all/", "/cases/", "/api/v1/people/", "/api/v1/cases/"]
    paths += [f"/people/{pk}/" for pk in reader["people"][:3]]
    paths += [f"/cases/{pk}/" for pk in reader["cases"][:3]]
    paths += [f"/people/?q={urllib.parse.quote(q)}" for q in reader["queries"][:3]]

    def fetch(path: str) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie}
        )
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            response.read()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(fetch, paths * 3))
    log(f"warm-up: {len(paths) * 3} requests in {time.perf_counter() - started:.0f} s")


def sample_load(stop: threading.Event, samples: list[tuple[float, str]]) -> None:
    while not stop.wait(10):
        samples.append((time.time(), loadavg()))


def run(args: argparse.Namespace) -> int:
    env = server_env()
    subprocess.run(
        [str(BIN / "bvct"), "collectstatic", "--noinput", "--verbosity", "0"], check=True, env=env
    )
    port = free_port()
    access_log = OUT / "access.log"
    access_log.unlink(missing_ok=True)
    gunicorn = [
        str(BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread" if args.threads > 1 else "sync",
        "--timeout",
        "60",
        "--preload",  # import the app once, before forking
        "--keep-alive",
        "30",  # longer than the think time: no reuse of a connection the server just closed
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        '%(s)s %(m)s "%(U)s" %(M)s',
        "--error-logfile",
        str(OUT / "gunicorn.log"),
    ]
    load: dict[str, Any] = {"before": loadavg()}
    log(f"load average before: {load['before']}; gunicorn on 127.0.0.1:{port}")
    server = subprocess.Popen(gunicorn, env=env, cwd=ROOT, start_new_session=True)
    samples: list[tuple[float, str]] = []
    stop = threading.Event()
    try:
        wait_ready(port, server)
        warm_up(port, args.workers * args.threads)
        sampler = threading.Thread(target=sample_load, args=(stop, samples), daemon=True)
        sampler.start()
        locust = [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            args.time,
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(OUT / "locust"),
            "--only-summary",
            "--stop-timeout",
            "10",
        ]
        code = subprocess.run(
            locust, env={**os.environ, "BVCT_LOADTEST_USERS": str(OUT / "users.json")}, check=False
        ).returncode
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    load["during"] = [value for _, value in samples]
    time.sleep(1)
    load["after"] = loadavg()
    report(args, load)
    return code


def report(args: argparse.Namespace, load: dict[str, Any]) -> None:
    statuses: dict[str, int] = {}
    for line in (OUT / "access.log").read_text().splitlines():
        status = line.split(" ", 1)[0]
        statuses[status] = statuses.get(status, 0) + 1
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    with (OUT / "locust_stats.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    lines = [
        f"Load test {time.strftime('%d/%m/%Y %H:%M')} UTC: {args.users} users, {args.time}, "
        f"gunicorn {args.workers} workers × {args.threads} threads, "
        f"{os.cpu_count()} CPUs; load average before {load['before']}, "
        f"during {', '.join(load['during'])}, after {load['after']}",
        f"HTTP statuses (access log): {json.dumps(statuses, sort_keys=True)}; "
        f"server errors (5xx): **{server_errors}**",
        "",
        "| endpoint | requests | failures | median ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    lines.extend(
        f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
        f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        for row in rows
    )
    text = "\n".join(lines) + "\n"
    (OUT / "summary.md").write_text(text)
    print(text, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", default="5m", help="Locust --run-time, e.g. 5m, 90s")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--cases-per-pair", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--skip-setup", action="store_true", help="reuse var/loadtest/users.json")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to the PostgreSQL bench database (bench/loadtest_data.py)")
    OUT.mkdir(parents=True, exist_ok=True)
    django_setup()
    started = time.perf_counter()
    if args.skip_setup:  # the same users and samples, new sessions
        data = json.loads((OUT / "users.json").read_text())
        for user in data["users"]:
            user["session"] = session_for(user["username"])
    else:
        data = setup(args.cases_per_pair, args.seed)
    (OUT / "users.json").write_text(json.dumps(data, ensure_ascii=False))
    log(f"setup: {len(data['users'])} users in {time.perf_counter() - started:.0f} s")
    if args.setup_only:
        return
    sys.exit(run(args))


if __name__ == "__main__":
    main()

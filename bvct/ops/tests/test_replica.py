"""The read-replica router against real databases (issue 12 item 2).

PostgreSQL run: a throw-away primary and a REAL streaming replica on loopback (`pgcluster`):
replay on the replica is paused, a unit is renamed on the primary, and the search page — a view
that opts in with `@reads_from_replica` — still shows the old name: it read the replica. Writes,
and the reads inside a write transaction, see the new name: they went to the primary. Replay
resumes and the replica shows the new name too.

SQLite run: the same test, with a file copy of the test database as the primary and an
online-backup snapshot of it as the "replica" (SQLite has no streaming replication; BVCT refuses
DATABASE_REPLICA_URL on SQLite). The routing assertions are the same.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.core import replica
from bvct.core.replica import REPLICA, read_alias, reads_from_replica, replica_reads
from bvct.ops.tests.pgcluster import Pair, Server, pg_bindir, streaming_pair
from bvct.ops.tests.support import databases
from bvct.orgs.models import OrgUnit
from bvct.orgs.services import unit_rename
from bvct.orgs.tests.factories import make_root

pytestmark = pytest.mark.postgres_only

DRILL_DB = "bvct_drill"


class Replicated(Protocol):
    configs: dict[str, dict[str, Any]]

    def catch_up(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...


@dataclass
class PgReplicated:
    pair: Pair
    configs: dict[str, dict[str, Any]]

    def catch_up(self) -> None:
        self.pair.catch_up()

    def pause(self) -> None:
        self.pair.pause_replay()

    def resume(self) -> None:
        self.pair.resume_replay()


@dataclass
class SqliteSnapshot:
    """A primary file and a replica file refreshed by the online backup API."""

    primary: Path
    replica: Path
    configs: dict[str, dict[str, Any]]
    paused: bool = False

    def catch_up(self) -> None:
        if self.paused:
            return
        connections[REPLICA].close()
        connections[DEFAULT_DB_ALIAS].ensure_connection()
        target = sqlite3.connect(self.replica)
        try:
            connections[DEFAULT_DB_ALIAS].connection.backup(target)
        finally:
            target.close()

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self.catch_up()


def _load_schema_of_test_database(primary: Server) -> None:
    """The migrated test database's schema (pg_dump --schema-only), into the primary."""
    with primary.connect() as conn:
        conn.execute(f"CREATE DATABASE {DRILL_DB}")
    source = connection.settings_dict
    dump = subprocess.run(  # noqa: S603 (fixed programs)
        [
            str(pg_bindir() / "pg_dump"),
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "--host",
            str(source["HOST"] or "127.0.0.1"),
            "--port",
            str(source["PORT"] or 5432),
            "--username",
            str(source["USER"] or "postgres"),
            "--dbname",
            str(source["NAME"]),
        ],
        capture_output=True,
        check=True,
    )
    subprocess.run(  # noqa: S603 (fixed programs)
        [
            str(pg_bindir() / "psql"),
            "--no-psqlrc",
            "--quiet",
            "--set",
            "ON_ERROR_STOP=1",
            "--host",
            "127.0.0.1",
            "--port",
            str(primary.port),
            "--username",
            "postgres",
            "--dbname",
            DRILL_DB,
        ],
        input=dump.stdout,
        capture_output=True,
        check=True,
    )


@contextmanager
def replicated(tmp_path: Path) -> Iterator[Replicated]:
    if connection.vendor == "postgresql":
        with streaming_pair(_load_schema_of_test_database) as pair:
            configs = {
                "default": pair.primary.database(DRILL_DB),
                REPLICA: pair.replica.database(
                    DRILL_DB, OPTIONS={"options": "-c default_transaction_read_only=on"}
                ),
            }
            yield PgReplicated(pair, configs)
        return
    # SQLite: copy the migrated in-memory test database to a file, the primary
    connection.ensure_connection()
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    target = sqlite3.connect(primary)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    config = {**connection.settings_dict, "TEST": {}}
    configs = {
        "default": {**config, "NAME": str(primary)},
        REPLICA: {**config, "NAME": str(replica)},
    }
    yield SqliteSnapshot(primary, replica, configs)


def _names(client: Any, code: str) -> str:
    response = client.get(reverse("orgs:unit-search"), {"q": code})
    assert response.status_code == 200
    return str(response.content.decode())


def test_reads_of_opted_in_views_go_to_the_replica_writes_and_their_reads_to_the_primary(
    django_db_setup: None, django_db_blocker: Any, client: Any, tmp_path: Path
) -> None:
    with django_db_blocker.unblock(), replicated(tmp_path) as db, databases(db.configs):
        # given a unit and two users, written to the primary and replicated
        root = make_root(code="DRILL1", name="Đơn vị cũ")
        admin = make_user(org_unit=root, roles=(RoleCode.ADMIN,))
        officer = make_user(org_unit=root, roles=(RoleCode.OFFICER,))
        client.force_login(officer)
        db.catch_up()
        assert "Đơn vị cũ" in _names(client, "DRILL1")
        if connection.vendor == "postgresql":
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery()")
                assert cursor.fetchone() == (True,)

        # when the replica falls behind and the unit is renamed on the primary
        db.pause()
        unit_rename(unit=root, name="Đơn vị mới", actor=admin)

        # then the search page (opted in) reads the replica: the old name, and no query on the
        # primary while the view reads
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            page = _names(client, "DRILL1")
        assert "Đơn vị cũ" in page
        assert "Đơn vị mới" not in page
        assert any("orgs_orgunit" in q["sql"] for q in on_replica.captured_queries)
        # and a view that did not opt in, and code outside replica_reads(), read the primary
        assert OrgUnit.objects.get(pk=root.pk).name == "Đơn vị mới"
        assert read_alias() == DEFAULT_DB_ALIAS

        with replica_reads():
            # routed reads in a read-only block see the replica
            assert read_alias() == REPLICA
            assert OrgUnit.objects.get(pk=root.pk).name == "Đơn vị cũ"
            # a write transaction writes to the primary and reads its own write back from it
            with CaptureQueriesContext(connections[REPLICA]) as during_write:
                with transaction.atomic():
                    assert read_alias() == DEFAULT_DB_ALIAS
                    unit_rename(unit=root, name="Đơn vị mới hơn", actor=admin)
                    assert OrgUnit.objects.get(pk=root.pk).name == "Đơn vị mới hơn"
                # an update outside any transaction also goes to the primary
                OrgUnit.objects.filter(pk=root.pk).update(short_name="Mới")
            assert during_write.captured_queries == []
            assert OrgUnit.objects.get(pk=root.pk).name == "Đơn vị cũ"  # still the replica

        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT name, short_name FROM orgs_orgunit WHERE id = %s", [root.pk])
            assert cursor.fetchone() == ("Đơn vị mới hơn", "Mới")

        # when the replica catches up, the page shows what the primary has
        db.resume()
        assert "Đơn vị mới hơn" in _names(client, "DRILL1")


def test_a_write_pins_the_browser_to_the_primary_for_a_few_seconds(
    client: Any, tree: Any, settings: Any, rf: Any
) -> None:
    """After a POST, views that opt in read the primary until the pin cookie expires (the user
    sees what they just saved, whatever the replication lag)."""
    settings.BVCT_REPLICA_PIN_SECONDS = 7
    client.force_login(make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,)))
    allowed: list[bool] = []

    @reads_from_replica
    def view(request: Any) -> None:
        allowed.append(replica.replica_reads_allowed())

    connections.settings[REPLICA] = connections.settings[DEFAULT_DB_ALIAS]  # "configured"
    try:
        response = client.post(reverse("set_language"), {"language": "vi"})
    finally:
        del connections.settings[REPLICA]
    cookie = response.cookies[replica.PIN_COOKIE]
    assert (cookie["max-age"], bool(cookie["httponly"])) == (7, True)
    pinned = rf.get("/")
    pinned.COOKIES[replica.PIN_COOKIE] = cookie.value
    view(pinned)
    view(rf.get("/"))
    view(rf.post("/"))  # a write request never reads the replica
    assert allowed == [False, True, False]
    # without a replica the cookie is not set at all
    assert (
        replica.PIN_COOKIE not in client.post(reverse("set_language"), {"language": "vi"}).cookies
    )

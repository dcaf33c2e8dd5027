"""Concurrent writers leave one linear, gap-free chain.

Each thread has its own database connection and appends events one transaction at a time. On
PostgreSQL they share the test database and serialise on the advisory lock in `audit_record`.
Django's SQLite test database lives in memory with a shared cache, where a second writer gets
"database table is locked" at once instead of waiting (the busy timeout does not apply to
shared-cache table locks), unlike the file database BVCT runs on. So on SQLite the test copies the
migrated test database to a file and gives each thread (and the final check) a connection to that
file, with the project's own connection settings (WAL, busy_timeout, BEGIN IMMEDIATE).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record
from bvct.audit.verify import verify_chain
from tests.concurrency import own_connection, sqlite_file_copy

THREADS = 6
EVENTS_PER_THREAD = 15


@pytest.fixture
def file_database(tmp_path: Path) -> dict[str, Any] | None:
    """Settings of a file copy of the SQLite test database (None on PostgreSQL)."""
    return sqlite_file_copy(tmp_path / "audit-concurrency.sqlite3")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_a_gap_free_linear_chain(
    file_database: dict[str, Any] | None,
) -> None:
    # given several threads released at the same moment
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        with own_connection(file_database):
            try:
                start.wait()
                for n in range(EVENTS_PER_THREAD):
                    with transaction.atomic():
                        audit_record(
                            actor=None, action="test.concurrent", data={"writer": number, "n": n}
                        )
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(THREADS)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    total = THREADS * EVENTS_PER_THREAD
    with own_connection(file_database):
        assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
            range(1, total + 1)
        )
        per_writer = sorted(
            (e["writer"], e["n"]) for e in AuditEvent.objects.values_list("data", flat=True)
        )
        assert per_writer == [(w, n) for w in range(THREADS) for n in range(EVENTS_PER_THREAD)]
        result = verify_chain()
        assert (result.ok, result.checked, result.head_seq) == (True, total, total)

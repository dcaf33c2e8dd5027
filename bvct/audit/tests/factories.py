"""Helpers for audit tests: append events, and tamper with the table as an attacker would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from bvct.accounts.models import User
from bvct.audit.chain import GENESIS_HASH
from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record
from bvct.audit.verify import event_hash
from bvct.orgs.models import OrgUnit


def append(
    count: int,
    *,
    action: str = "test.event",
    actor: User | None = None,
    org_unit: OrgUnit | None = None,
    **extra: Any,
) -> list[AuditEvent]:
    return [
        audit_record(actor=actor, action=action, org_unit=org_unit, data={"n": n, **extra})
        for n in range(count)
    ]


@contextmanager
def as_attacker() -> Iterator[None]:
    """Write to the audit table as a database superuser would: on PostgreSQL, with the
    append-only trigger bypassed (`session_replication_role = replica`) in this connection only,
    reset afterwards. SQLite has no trigger to bypass."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def rehash_from(seq: int) -> None:
    """Recompute prev_hash and hash of every event from `seq` on (call inside `as_attacker`):
    what an attacker does to make a rewritten chain verify again."""
    before = AuditEvent.objects.filter(seq__lt=seq).order_by("-seq").first()
    prev_hash = before.hash if before is not None else GENESIS_HASH
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = prev_hash
        event.hash = event_hash(event) or ""
        AuditEvent.objects.filter(seq=event.seq).update(prev_hash=event.prev_hash, hash=event.hash)
        prev_hash = event.hash


def move(seq: int, to: int) -> None:
    """Renumber one event (inside `as_attacker`)."""
    AuditEvent.objects.filter(seq=seq).update(seq=to)

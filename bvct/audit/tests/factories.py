"""Helpers for audit tests: append events, and tamper with the table as an attacker would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bvct.accounts.models import User
from bvct.audit.chain import GENESIS_HASH, HASH_V1, chain_hash, event_canonical
from bvct.audit.checkpoint import Checkpoint
from bvct.audit.models import AuditEvent
from bvct.audit.services import _lock_chain_head, audit_record
from bvct.audit.verify import event_hash, iter_events, row_problem
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


def append_format_1(count: int, *, action: str = "test.old", **extra: Any) -> list[AuditEvent]:
    """Append events in format 1 whatever the database, as BVCT did before format 2 (and as a
    worker still running the older code would during an upgrade)."""
    events = []
    for n in range(count):
        with transaction.atomic():
            _lock_chain_head()
            head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
            seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
            event = AuditEvent(
                seq=seq,
                occurred_at=timezone.now(),
                action=action,
                data={"n": n, **extra},
                prev_hash=prev_hash,
                hash_version=HASH_V1,
            )
            event.hash = chain_hash(prev_hash, event_canonical(event))
            event.save(force_insert=True)
        events.append(event)
    return events


def python_verdict(checkpoint: Checkpoint | None = None) -> tuple[str, int | None, int]:
    """(code, first bad seq, events checked) by the exact per-row rules alone (`row_problem` on
    every row in order, as the verifier did before any fast path): the oracle of the fast paths."""
    prev_seq, prev_hash, checked = 0, GENESIS_HASH, 0
    for event in iter_events(chunk_size=1000):
        found = row_problem(event, prev_seq=prev_seq, prev_hash=prev_hash, checkpoint=checkpoint)
        if found is not None:
            return found[0].value, found[1], checked
        prev_seq, prev_hash, checked = event.seq, event.hash, checked + 1
    if checkpoint is not None and checkpoint.seq > prev_seq:
        return "truncated", prev_seq + 1, checked
    return "ok", None, checked

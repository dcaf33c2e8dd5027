"""The one way to write the audit log."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from bvct.audit.chain import GENESIS_HASH, canonical_row, chain_hash
from bvct.audit.models import AuditEvent
from bvct.core.context import current_request_meta

if TYPE_CHECKING:
    from bvct.accounts.models import User
    from bvct.orgs.models import OrgUnit

# Any 64-bit number unique to this lock; it serialises appends on PostgreSQL.
_APPEND_LOCK_KEY = 0x42564354_41554454  # "BVCT" "AUDT"


def _json_safe(data: dict[str, Any] | None) -> dict[str, Any]:
    """Dates, decimals and UUIDs become strings, so the stored value is what was hashed."""
    loaded: dict[str, Any] = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return loaded


def _lock_chain_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK_KEY])
    # SQLite: every transaction is BEGIN IMMEDIATE (settings), which already holds the
    # database's single write lock, so appends are serial.


def target_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


@transaction.atomic(savepoint=False)
def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    org_unit: OrgUnit | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    `data` holds a summary of what changed ({"old": …, "new": …} of field names to values) and must
    not copy sensitive personal values: pass references (ids) or masked markers instead.
    """
    _lock_chain_head()
    meta = current_request_meta.get()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    target_type, target_id = target_ref(target)
    safe = _json_safe(data)
    occurred_at = timezone.now()
    event = AuditEvent(
        seq=seq,
        occurred_at=occurred_at,
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        org_unit=org_unit,
        request_id=meta.request_id,
        ip=meta.ip,
        data=safe,
        prev_hash=prev_hash,
    )
    event.hash = chain_hash(prev_hash, event_canonical(event))
    event.save(force_insert=True)
    return event


def event_canonical(event: AuditEvent) -> bytes:
    return canonical_row(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        org_unit_id=event.org_unit_id,
        request_id=event.request_id,
        ip=event.ip,
        data=event.data,
    )


def changes(
    old: dict[str, Any], new: dict[str, Any], *, sensitive: frozenset[str] = frozenset()
) -> dict[str, dict[str, Any]]:
    """Summary of changed fields; values of `sensitive` fields are replaced by a marker."""
    changed = sorted(k for k in new if old.get(k) != new.get(k))
    mask = "[changed]"
    return {
        "old": {k: (mask if k in sensitive else old.get(k)) for k in changed},
        "new": {k: (mask if k in sensitive else new.get(k)) for k in changed},
    }

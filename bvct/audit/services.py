"""The one way to write the audit log, and the chain verification record."""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from bvct.audit.chain import (
    GENESIS_HASH,
    HASH_V1,
    HASH_V2,
    canonical_ip,
    canonical_time,
    chain_hash,
    event_canonical,
    hash_v2_sql,
)
from bvct.audit.checkpoint import (
    Checkpoint,
    checkpoint_sign,
    checkpoint_write,
    default_checkpoint_path,
    load_signing_key,
    public_key_b64,
)
from bvct.audit.models import AuditEvent, ChainVerification
from bvct.audit.verify import VerifyResult, verify_chain
from bvct.core.context import current_request_meta
from bvct.core.errors import DomainError

if TYPE_CHECKING:
    from pathlib import Path

    from bvct.accounts.models import User
    from bvct.orgs.models import OrgUnit

__all__ = [
    "audit_record",
    "chain_verify",
    "changes",
    "checkpoint_create",
    "event_canonical",
    "target_ref",
]

# Any 64-bit number unique to this lock; it serialises appends on PostgreSQL.
_APPEND_LOCK_KEY = 0x42564354_41554454  # "BVCT" "AUDT"
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ACTION_MAX_LENGTH = 64  # AuditEvent.action
CHANGED = "[changed]"
REDACTED = "[redacted]"
_MARKERS = frozenset({CHANGED, REDACTED})
# Keys whose values never enter the log, whatever the caller passes (a safety net under
# `changes(..., sensitive=...)`, which remains the caller's duty for personal data).
_SECRET_KEY = re.compile(r"pass(word|wd)|secret|token|private_key|api_key", re.IGNORECASE)


def _clean(value: Any) -> Any:
    """Stored form of a JSON value: strings in NFC without NUL or lone surrogates (PostgreSQL
    refuses both), secret-looking keys masked."""
    if isinstance(value, str):
        text = value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
        return unicodedata.normalize("NFC", text)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        cleaned: dict[str, Any] = {}
        for key in sorted(value):  # sorted: a collision after NFC resolves the same way always
            name, item = _clean(key), value[key]
            is_marker = isinstance(item, str) and item in _MARKERS
            cleaned[name] = REDACTED if _SECRET_KEY.search(name) and not is_marker else _clean(item)
        return cleaned
    return value


def _json_safe(data: dict[str, Any] | None) -> dict[str, Any]:
    """Dates, decimals and UUIDs become strings, so the stored value is what was hashed.

    NaN and infinities are refused: neither JSON nor PostgreSQL's jsonb can hold them.
    """
    text = json.dumps(data or {}, cls=DjangoJSONEncoder, allow_nan=False)
    loaded: dict[str, Any] = _clean(json.loads(text))
    return loaded


def _clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", value.replace("\x00", "\ufffd"))


def _lock_chain_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK_KEY])
    # SQLite: every transaction is BEGIN IMMEDIATE (settings), which already holds the
    # database's single write lock, so appends are serial. (PostgreSQL: the head is read after the
    # lock is taken; under READ COMMITTED that read sees the previous append's committed row.)


def target_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


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
    not copy sensitive personal values: pass references (ids) or masked markers instead (see
    `changes`). Values under secret-looking keys ("password", "token", …) are masked regardless.
    A malformed action or data raises ValueError/TypeError before anything touches the database.
    """
    if not _ACTION.match(action) or len(action) > _ACTION_MAX_LENGTH:
        msg = f"audit action must be dotted lower-case words, at most 64 characters: {action!r}"
        raise ValueError(msg)
    target_type, target_id = target_ref(target)
    meta = current_request_meta.get()
    event = AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target_type,
        target_id=_clean_text(target_id),
        org_unit=org_unit,
        request_id=_clean_text(meta.request_id),
        ip=_valid_ip(meta.ip),
        data=_json_safe(data),
    )
    return _append(event)


@transaction.atomic(savepoint=False)
def _append(event: AuditEvent) -> AuditEvent:
    """Number, link, hash and insert `event`, holding the append lock until the transaction
    ends: the head read here is the head when this transaction commits."""
    _lock_chain_head()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    event.seq, event.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    event.occurred_at = timezone.now()
    if connection.vendor == "postgresql":
        _insert_v2(event)
        return event
    event.hash_version = HASH_V1
    event.hash = chain_hash(event.prev_hash, event_canonical(event))
    event.save(force_insert=True)
    return event


# The columns the INSERT of `_insert_v2` writes (hash_version and hash are computed in it).
_V2_COLUMNS = (
    ("seq", "bigint"),
    ("occurred_at", "timestamptz"),
    ("actor_id", "bigint"),
    ("action", "text"),
    ("target_type", "text"),
    ("target_id", "text"),
    ("org_unit_id", "bigint"),
    ("request_id", "text"),
    ("ip", "inet"),
    ("data", "jsonb"),
    ("prev_hash", "text"),
)


@functools.cache  # the statement is the same for every append of the process
def _insert_v2_sql() -> str:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    names = ", ".join(name for name, _type in _V2_COLUMNS)
    values = ", ".join(f"%s::{kind}" for _name, kind in _V2_COLUMNS)
    row = ", ".join(f"r.{name}" for name, _type in _V2_COLUMNS)
    return (
        f"INSERT INTO {table} ({names}, hash_version, hash) "  # noqa: S608 (names are ours)
        f"SELECT {row}, {HASH_V2}, {hash_v2_sql('r')} FROM (VALUES ({values})) AS r ({names}) "
        "RETURNING hash"
    )


def _insert_v2(event: AuditEvent) -> None:
    """PostgreSQL: insert `event` in format 2, its hash computed by the database in the same
    statement from the very values it stores (so Python never renders `jsonb` or `inet`)."""
    fields = {field.attname: field for field in AuditEvent._meta.concrete_fields}
    params = [
        fields[name].get_db_prep_save(getattr(event, fields[name].attname), connection)
        for name, _kind in _V2_COLUMNS
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_v2_sql(), params)
        (event.hash,) = cursor.fetchone()
    event.hash_version = HASH_V2
    event._state.adding = False
    event._state.db = connection.alias


def _valid_ip(value: str | None) -> str | None:
    """The canonical text of a valid address (stored as hashed); anything else is dropped."""
    if not value:
        return None
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return canonical_ip(value)


def changes(
    old: dict[str, Any], new: dict[str, Any], *, sensitive: frozenset[str] = frozenset()
) -> dict[str, dict[str, Any]]:
    """Summary of changed fields (added, changed or removed); values of `sensitive` fields are
    replaced by a marker, so the log says that they changed, never what they were or became."""
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    return {
        "old": {k: (CHANGED if k in sensitive else old.get(k)) for k in changed},
        "new": {k: (CHANGED if k in sensitive else new.get(k)) for k in changed},
    }


def chain_verify(
    *, actor: User | None, checkpoint: Checkpoint | None = None
) -> tuple[VerifyResult, ChainVerification]:
    """Walk the chain (optionally against a signed checkpoint) and record the outcome.

    The walk reads outside any transaction on purpose: on SQLite a transaction holds the single
    write lock, and a long walk must not stop every other write. Only the record is atomic.
    """
    result = verify_chain(checkpoint=checkpoint)
    with transaction.atomic():
        record = ChainVerification(
            verified_at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            is_ok=result.ok,
            code=result.code,
            checked=result.checked,
            head_seq=result.head_seq,
            head_hash=result.head_hash,
            first_bad_seq=result.first_bad_seq,
            checkpoint_seq=checkpoint.seq if checkpoint is not None else None,
        )
        record.full_clean()
        record.save()
        audit_record(
            actor=actor,
            action="audit.chain.verify",
            target=record,
            org_unit=actor.org_unit if actor is not None else None,
            data=result.summary(),
        )
    return result, record


class ChainTamperedError(DomainError):
    """Refusal to sign a checkpoint over a chain that does not verify."""

    def __init__(self, result: VerifyResult) -> None:
        super().__init__(result.line(), code="chain_tampered")
        self.result = result


def checkpoint_create(*, actor: User | None, out: Path | None = None) -> tuple[Path, Checkpoint]:
    """Sign the chain head into a new checkpoint file (default
    `var/audit-checkpoints/checkpoint-<seq>.json`); the head is this operation's own audit event.

    Refuses (ChainTamperedError) to vouch for a chain that does not verify. The long walk runs
    before the transaction (see `chain_verify`); inside it only the events appended since are
    checked.
    """
    key = load_signing_key(create=True)
    verified = verify_chain()
    if not verified.ok:
        raise ChainTamperedError(verified)
    with transaction.atomic():
        event = audit_record(
            actor=actor,
            action="audit.checkpoint.create",
            org_unit=actor.org_unit if actor is not None else None,
            data={"public_key": public_key_b64(key)},
        )
        tail = verify_chain(start=(verified.head_seq, verified.head_hash))
        if not tail.ok:
            raise ChainTamperedError(tail)
        checkpoint = checkpoint_sign(
            seq=event.seq,
            hash=event.hash,
            event_count=AuditEvent.objects.count(),
            created_at=canonical_time(event.occurred_at),
            key=key,
        )
        path = out if out is not None else default_checkpoint_path(event.seq)
        checkpoint_write(checkpoint, path)  # a failure here rolls the event back
    return path, checkpoint

"""The hash chain: canonical form of a row and the hash over it. Pure functions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_time(value: dt.datetime) -> str:
    """UTC, microsecond precision, fixed width: the same text on SQLite and PostgreSQL."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def canonical_row(
    *,
    seq: int,
    occurred_at: dt.datetime,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    org_unit_id: int | None,
    request_id: str,
    ip: str | None,
    data: dict[str, Any],
) -> bytes:
    row = {
        "seq": seq,
        "occurred_at": canonical_time(occurred_at),
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "org_unit_id": org_unit_id,
        "request_id": request_id,
        "ip": ip,
        "data": _nfc(data),
    }
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()

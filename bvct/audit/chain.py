"""The hash chain: canonical form of a row and the hash over it. Pure functions.

`hash = SHA-256(prev_hash ‖ canonical JSON of the row)`. The canonical form must come out
byte-identical whether the row was just built in Python, read back from SQLite (JSON as text) or
read back from PostgreSQL (`jsonb`, `timestamptz`, `inet`), and on any future Python version. So
it hashes exactly what is stored, rendered by our own rules rather than by whatever the database
or the standard library prints:

* object keys sorted by code point, no insignificant whitespace, strings as UTF-8;
* numbers by value: `jsonb` keeps numbers as decimals and prints `1e16` back as
  `10000000000000000` (which `json` then reads as an int), so `1.0`, `1` and `1e0` all canonicalise
  to `1`, and other floats to plain decimal notation (`1e-07` → `0.0000001`);
* times in UTC with microseconds, fixed width;
* IP addresses from their parsed value (PostgreSQL's `inet` and Python's `ipaddress` do not print
  every IPv6 address alike, and Python 3.13 changed how it prints IPv4-mapped ones).

Strings are hashed as stored: `audit_record` stores them in NFC, so a later change of
normalisation (or of anything else) is a change of the row, and is detected.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import json
import math
from decimal import Decimal
from typing import Any, Protocol

GENESIS_HASH = "0" * 64


class ChainRow(Protocol):
    """The stored fields of an audit row that the hash covers (`AuditEvent` is one)."""

    seq: int
    occurred_at: dt.datetime
    actor_id: int | None
    action: str
    target_type: str
    target_id: str
    org_unit_id: int | None
    request_id: str
    ip: str | None
    data: Any


def canonical_time(value: dt.datetime) -> str:
    """UTC, microsecond precision, fixed width: the same text on SQLite and PostgreSQL."""
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"audit times must be timezone-aware, not {value!r}"
        raise ValueError(msg)
    utc = value.astimezone(dt.UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond:06d}Z"


def canonical_ip(value: str | None) -> str | None:
    """The address by value: dotted IPv4, or IPv6 as 8 lower-case groups with the longest run
    (two or more) of zero groups compressed, never in mixed IPv4 notation."""
    if value is None or value == "":
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return value  # not an address: hashed as stored, so any change is still detected
    if address.version == 4:  # noqa: PLR2004
        return ".".join(str(b) for b in address.packed)
    groups = [f"{int.from_bytes(address.packed[i : i + 2], 'big'):x}" for i in range(0, 16, 2)]
    best_start, best_len, start = -1, 0, -1
    for i, group in enumerate([*groups, "end"]):
        if group == "0":
            start = i if start < 0 else start
            continue
        if start >= 0 and i - start > best_len:
            best_start, best_len = start, i - start
        start = -1
    if best_len < 2:  # noqa: PLR2004 (RFC 5952: a single zero group is not compressed)
        return ":".join(groups)
    head = ":".join(groups[:best_start])
    tail = ":".join(groups[best_start + best_len :])
    return f"{head}::{tail}"


def canonical_number(value: float) -> str:
    """A number by its value, as `jsonb` would print it: integral values without a fraction."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        msg = f"audit data cannot hold {value!r}"
        raise ValueError(msg)
    exact = Decimal(repr(value))
    if exact == exact.to_integral_value():
        return str(int(exact))
    return format(exact.normalize(), "f")


def canonical_json(value: Any) -> str:
    """Deterministic JSON text of a JSON value (see the module docstring for the rules)."""
    if value is None or isinstance(value, bool):
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, int | float):
        return canonical_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            msg = "audit data keys must be strings"
            raise TypeError(msg)
        items = sorted(value.items())
        return "{" + ",".join(f"{canonical_json(k)}:{canonical_json(v)}" for k, v in items) + "}"
    msg = f"audit data cannot hold a {type(value).__name__}"
    raise TypeError(msg)


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
    data: Any,
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
        "ip": canonical_ip(ip),
        "data": data,
    }
    # surrogatepass: a lone surrogate (which audit_record never stores) still hashes, as itself
    return canonical_json(row).encode("utf-8", "surrogatepass")


def event_canonical(event: ChainRow) -> bytes:
    """The canonical bytes of a stored (or about to be stored) row."""
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


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()


# --- the verifier's fast path -------------------------------------------------------------------
#
# `bvct audit verify` re-hashes millions of stored rows. The rules above, in pure Python, cost
# tens of microseconds a row; the same bytes come out of the standard library's C encoder — keys
# sorted by code point, compact separators, strings as UTF-8 — for every JSON value without a
# fraction or exponent. So a stored row's `data` text is parsed with floats turned into a marker
# the encoder refuses, and only such rows take the general path. `stored_canonical` equals
# `canonical_row` on every row (tests/test_chain.py checks it on generated rows).

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)
_ZERO = dt.timedelta(0)
_MIN_ISO_YEAR = 1000  # isoformat() and %Y agree on four-digit years


class _Fraction:
    """A JSON number with a fraction or an exponent: not for the fast path."""

    __slots__ = ()


_FRACTION = _Fraction()
_DECODER = json.JSONDecoder(parse_float=lambda _text: _FRACTION)


@functools.lru_cache(maxsize=65536)
def _cached_ip(value: str | None) -> str | None:
    return canonical_ip(value)


def _fast_time(value: dt.datetime) -> str:
    if value.utcoffset() == _ZERO and value.year >= _MIN_ISO_YEAR:
        return value.isoformat(timespec="microseconds")[:26] + "Z"
    return canonical_time(value)


def stored_canonical(
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
    data_text: str,
) -> bytes:
    """`canonical_row` of a stored row whose `data` is given as its stored JSON text."""
    row = {
        "seq": seq,
        "occurred_at": _fast_time(occurred_at),
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "org_unit_id": org_unit_id,
        "request_id": request_id,
        "ip": _cached_ip(ip),
        "data": _DECODER.decode(data_text),
    }
    try:
        text = _ENCODER.encode(row)
    except TypeError:  # a fraction somewhere: the general rules
        row["data"] = json.loads(data_text)
        return canonical_json(row).encode("utf-8", "surrogatepass")
    return text.encode("utf-8", "surrogatepass")


# --- format 2: canonical bytes that PostgreSQL computes from the columns ------------------------
#
# Format 1 (above) is canonical JSON, which only Python computes; verifying it costs tens of
# microseconds a row. Format 2 is bytes that a SQL expression over the columns themselves
# computes, so PostgreSQL's C `sha256()` both writes (in the INSERT of `audit_record`) and checks
# (in one scan, `bvct.audit.verify`) every hash; editing any column breaks it:
#
#     "bvct/2" 0x00, then for each of seq, occurred_at, actor_id, action, target_type, target_id,
#     org_unit_id, request_id, ip, data in this order: 0x00 if NULL, else 0x01 and the value:
#       integers         8 bytes, big-endian, signed (PostgreSQL's `int8send`)
#       occurred_at      microseconds since 2000-01-01 00:00 UTC, 8 bytes (`timestamptz_send`)
#       text             its length in characters, 4 bytes big-endian, then its UTF-8 bytes
#       ip               PostgreSQL's `inet_send`: family (2 = IPv4, 3 = IPv6), prefix length,
#                        0 (not cidr), address length, the address bytes
#       data (the last)  the UTF-8 bytes of PostgreSQL's text of the `jsonb` value (`data::text`)
#
# hash = hex SHA-256 of prev_hash (ASCII) ‖ those bytes, as in format 1. Python never imitates
# `jsonb`'s text: it is read back from the database (`canonical_v2` takes it as `data_text`).
# Rows record their format in `hash_version`; format 1 rows keep verifying as before, and SQLite,
# whose JSON column is plain text, keeps writing format 1. `canonical_v2` (Python, for the exact
# per-row check) and `canonical_v2_sql` (SQL) give the same bytes (bvct/audit/tests/test_sql.py).

HASH_V1 = 1
HASH_V2 = 2
_V2_TAG = b"bvct/2\x00"
_PG_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_PGSQL_AF_INET, _PGSQL_AF_INET6 = 2, 3


def _v2_int(value: int | None) -> bytes:
    return b"\x00" if value is None else b"\x01" + value.to_bytes(8, "big", signed=True)


def _v2_text(value: str | None) -> bytes:
    if value is None:
        return b"\x00"
    return b"\x01" + len(value).to_bytes(4, "big") + value.encode("utf-8", "surrogatepass")


def _v2_time(value: dt.datetime | None) -> bytes:
    if value is None:
        return b"\x00"
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"audit times must be timezone-aware, not {value!r}"
        raise ValueError(msg)
    return _v2_int((value - _PG_EPOCH) // dt.timedelta(microseconds=1))


def inet_wire(text: str) -> bytes:
    """PostgreSQL's binary form of an `inet` (`inet_send`) from its text ("10.0.0.1",
    "10.0.0.1/32", "2001:db8::1/64")."""
    interface = ipaddress.ip_interface(text)
    family = _PGSQL_AF_INET if interface.version == 4 else _PGSQL_AF_INET6  # noqa: PLR2004
    packed = interface.ip.packed
    return bytes((family, interface.network.prefixlen, 0, len(packed))) + packed


def canonical_v2(
    *,
    seq: int,
    occurred_at: dt.datetime | None,
    actor_id: int | None,
    action: str | None,
    target_type: str | None,
    target_id: str | None,
    org_unit_id: int | None,
    request_id: str | None,
    ip_text: str | None,
    data_text: str | None,
) -> bytes:
    """Format 2 bytes of a stored row; `ip_text` and `data_text` are the database's text of the
    `ip` and `data` columns (on PostgreSQL `ip::text` and `data::text`)."""
    ip = b"\x00" if ip_text is None else b"\x01" + inet_wire(ip_text)
    data = b"\x00" if data_text is None else b"\x01" + data_text.encode("utf-8", "surrogatepass")
    return b"".join(
        (
            _V2_TAG,
            _v2_int(seq),
            _v2_time(occurred_at),
            _v2_int(actor_id),
            _v2_text(action),
            _v2_text(target_type),
            _v2_text(target_id),
            _v2_int(org_unit_id),
            _v2_text(request_id),
            ip,
            data,
        )
    )


def _sql_text(column: str) -> str:
    return (
        f"coalesce('\\x01'::bytea || int4send(char_length({column})) "
        f"|| convert_to({column}, 'UTF8'), '\\x00'::bytea)"
    )


def _sql_int(column: str) -> str:
    return f"coalesce('\\x01'::bytea || int8send({column}::bigint), '\\x00'::bytea)"


def canonical_v2_sql(alias: str) -> str:
    """The SQL expression (bytea) of `canonical_v2` over the columns of table alias `alias`.

    Only built-in functions, written out in the query: nothing an attacker could redefine in the
    database (a stored function could be replaced to hide a change)."""
    a = alias
    return " || ".join(
        (
            "'\\x" + _V2_TAG.hex() + "'::bytea",
            _sql_int(f"{a}.seq"),
            f"coalesce('\\x01'::bytea || timestamptz_send({a}.occurred_at), '\\x00'::bytea)",
            _sql_int(f"{a}.actor_id"),
            _sql_text(f"{a}.action"),
            _sql_text(f"{a}.target_type"),
            _sql_text(f"{a}.target_id"),
            _sql_int(f"{a}.org_unit_id"),
            _sql_text(f"{a}.request_id"),
            f"coalesce('\\x01'::bytea || inet_send({a}.ip), '\\x00'::bytea)",
            f"coalesce('\\x01'::bytea || convert_to({a}.data::text, 'UTF8'), '\\x00'::bytea)",
        )
    )


def hash_v2_sql(alias: str) -> str:
    """The SQL expression (hex text) of a format 2 row's hash."""
    return (
        f"encode(sha256(convert_to({alias}.prev_hash, 'UTF8') || {canonical_v2_sql(alias)}), 'hex')"
    )


def chain_hash_v2(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("utf-8", "surrogatepass") + canonical).hexdigest()

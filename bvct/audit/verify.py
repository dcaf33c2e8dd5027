"""Chain verification: walk every event in sequence order, in bounded memory, and name the first
sequence number where the chain stops being what `audit_record` wrote.

Each row must (1) carry the next sequence number, (2) link to the previous row's hash through
`prev_hash` and (3) hash to its own `hash`. That detects a modified row (3), a deleted row (1: a
gap), an inserted row (1, or 2 at the row after it), swapped rows (2) and an altered `prev_hash`
(2). On PostgreSQL the rows in format 2 (`bvct.audit.chain`) are checked by the database: the
range after the last checked row is cut into one range per core, each range checked in one SQL
scan on its own connection (links through `lag()`, hashes by PostgreSQL's `sha256()` over the
columns), the ranges' ends joined here; the first row the scan cannot vouch for goes through the
exact per-row check `row_problem`, which names the code and the sequence number exactly as the
walk in Python does. Format 1 rows (the older ones, and every row on SQLite) are walked in
Python. What the chain alone cannot detect, because the hash is not keyed, is an attacker who
deletes the newest events or recomputes every hash after a change: a signed checkpoint
(`bvct.audit.checkpoint`) pins a sequence number to its hash, and `verify_chain(checkpoint=…)`
detects both.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import TextField
from django.db.models.functions import Cast

from bvct.audit.chain import (
    GENESIS_HASH,
    HASH_V1,
    HASH_V2,
    canonical_v2,
    chain_hash,
    chain_hash_v2,
    event_canonical,
    hash_v2_sql,
    stored_canonical,
)
from bvct.audit.checkpoint import Checkpoint, checkpoint_problem
from bvct.audit.models import AuditEvent, VerifyCode, verify_reason

CHUNK_SIZE = 10_000
# What the walk reads of a row: tuples, not model instances, and `data` as its stored JSON text
# (`chain.stored_canonical`); about ten times faster than instances and `event_canonical`.
_ROW_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "org_unit_id",
    "request_id",
    "ip",
    "data_text",
    "prev_hash",
    "hash",
    "hash_version",
)


@dataclass(frozen=True)
class VerifyResult:
    code: str
    checked: int  # events found intact before the first bad one (all of them when ok)
    head_seq: int  # last intact event (0 when none)
    head_hash: str
    first_bad_seq: int | None = None
    checkpoint_seq: int | None = None

    @property
    def ok(self) -> bool:
        return self.code == VerifyCode.OK

    @property
    def reason(self) -> str:
        return verify_reason(self.code, seq=self.first_bad_seq, checkpoint_seq=self.checkpoint_seq)

    def line(self) -> str:
        """One line for operators and scripts: starts with OK: or TAMPERED:."""
        if self.ok:
            return f"OK: {self.checked} events, head #{self.head_seq} {self.head_hash}"
        if self.first_bad_seq is None:
            return f"TAMPERED: {self.reason}"
        return f"TAMPERED: first bad sequence #{self.first_bad_seq}: {self.reason}"

    def summary(self) -> dict[str, Any]:
        """What the audit event of a verification records."""
        return {
            "ok": self.ok,
            "code": self.code,
            "checked": self.checked,
            "head_seq": self.head_seq,
            "first_bad_seq": self.first_bad_seq,
            "checkpoint_seq": self.checkpoint_seq,
        }


def iter_events(
    *, after_seq: int | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[AuditEvent]:
    """Every event in sequence order (from the lowest, even a forged seq ≤ 0), chunk by chunk
    through the primary key: memory stays bounded by `chunk_size` rows."""
    last = after_seq
    while True:
        rows = AuditEvent.objects.order_by("seq")
        if last is not None:
            rows = rows.filter(seq__gt=last)
        chunk = list(rows[:chunk_size])
        yield from chunk
        if len(chunk) < chunk_size:
            return
        last = chunk[-1].seq


def iter_rows(
    *, after_seq: int | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[Any, ...]]:
    """As `iter_events`, rows as tuples of `_ROW_FIELDS`."""
    last = after_seq
    while True:
        rows = AuditEvent.objects.order_by("seq").annotate(data_text=Cast("data", TextField()))
        if last is not None:
            rows = rows.filter(seq__gt=last)
        chunk = list(rows.values_list(*_ROW_FIELDS)[:chunk_size])
        yield from chunk
        if len(chunk) < chunk_size:
            return
        last = chunk[-1][0]


def event_hash(event: AuditEvent) -> str | None:
    """The hash `event` must carry by the rules of its own format (None: no such format).

    Format 2 reads the database's text of `ip` and `data` (annotations `ip_text` and `data_text`
    when the event was fetched with them, as `fetch_event` does; otherwise one query)."""
    if event.hash_version == HASH_V1:
        return chain_hash(event.prev_hash, event_canonical(event))
    if event.hash_version != HASH_V2:
        return None
    texts: tuple[Any, Any] = (
        getattr(event, "ip_text", _MISSING),
        getattr(event, "data_text", _MISSING),
    )
    if _MISSING in texts:
        texts = (
            _with_texts(AuditEvent.objects.filter(seq=event.seq))
            .values_list("ip_text", "data_text")
            .get()
        )
    ip_text, data_text = texts
    canonical = canonical_v2(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        org_unit_id=event.org_unit_id,
        request_id=event.request_id,
        ip_text=ip_text,
        data_text=data_text,
    )
    return chain_hash_v2(event.prev_hash, canonical)


_MISSING = object()


def _with_texts(rows: Any) -> Any:
    return rows.annotate(ip_text=Cast("ip", TextField()), data_text=Cast("data", TextField()))


def fetch_event(seq: int) -> AuditEvent:
    """One stored event, with what `event_hash` needs for any format."""
    event: AuditEvent = _with_texts(AuditEvent.objects.filter(seq=seq)).get()
    return event


def row_problem(
    event: AuditEvent, *, prev_seq: int, prev_hash: str, checkpoint: Checkpoint | None = None
) -> tuple[VerifyCode, int] | None:
    """What is wrong with `event` coming right after (prev_seq, prev_hash), and at which
    sequence number; None when it is the intact next link."""
    expected = prev_seq + 1
    if event.seq > expected:
        return VerifyCode.SEQ_GAP, expected
    if event.seq < expected:
        return VerifyCode.UNEXPECTED_SEQ, event.seq
    if event.prev_hash != prev_hash:
        return VerifyCode.BROKEN_LINK, event.seq
    if event_hash(event) != event.hash:
        return VerifyCode.HASH_MISMATCH, event.seq
    if checkpoint is not None and event.seq == checkpoint.seq and event.hash != checkpoint.hash:
        return VerifyCode.CHECKPOINT_MISMATCH, event.seq
    return None


@dataclass
class _Walk:
    """How far a verification got: the last intact event and how many were intact."""

    prev_seq: int
    prev_hash: str
    after_seq: int | None  # rows after this one remain (None: from the lowest, even seq <= 0)
    checked: int = 0

    def accept(self, seq: int, hash: str) -> None:
        self.prev_seq, self.prev_hash, self.after_seq = seq, hash, seq
        self.checked += 1


@dataclass(frozen=True)
class _Bad:
    code: VerifyCode
    seq: int


def _check_one(walk: _Walk, seq: int, checkpoint: Checkpoint | None) -> _Bad | AuditEvent:
    """The exact check of one row (any format) right after `walk`; accepts it when intact."""
    event = fetch_event(seq)
    found = row_problem(
        event, prev_seq=walk.prev_seq, prev_hash=walk.prev_hash, checkpoint=checkpoint
    )
    if found is not None:
        return _Bad(*found)
    walk.accept(event.seq, event.hash)
    return event


def _python_walk(
    walk: _Walk, *, checkpoint: Checkpoint | None, chunk_size: int, stop_at_v2: bool
) -> _Bad | int | None:
    """Walk rows in Python from `walk` on: a problem, the seq of the first format 2 row when
    `stop_at_v2` (the database checks those), or None at the end of the chain."""
    sha256 = hashlib.sha256
    checkpoint_at = checkpoint.seq if checkpoint is not None else None
    for row in iter_rows(after_seq=walk.after_seq, chunk_size=chunk_size):
        (seq, occurred_at, actor_id, action, target_type, target_id, org_unit_id, request_id,
         ip, data_text, row_prev, row_hash, version) = row  # fmt: skip
        if version == HASH_V2 and stop_at_v2:
            return int(seq)
        # the checks of `row_problem`, inline: this loop runs millions of times
        if (
            version != HASH_V1
            or seq != walk.prev_seq + 1
            or row_prev != walk.prev_hash
            or seq == checkpoint_at
            or sha256(
                row_prev.encode("ascii")
                + stored_canonical(
                    seq=seq,
                    occurred_at=occurred_at,
                    actor_id=actor_id,
                    action=action,
                    target_type=target_type,
                    target_id=target_id,
                    org_unit_id=org_unit_id,
                    request_id=request_id,
                    ip=ip,
                    data_text=data_text,
                )
            ).hexdigest()
            != row_hash
        ):
            checked = _check_one(walk, seq, checkpoint)
            if isinstance(checked, _Bad):
                return checked
            continue
        walk.accept(seq, row_hash)
    return None


# --- format 2 rows, checked by PostgreSQL -------------------------------------------------------


def _scan_sql() -> str:
    """Rows of [lo, hi] (params: checkpoint seq or NULL, lo, hi): how many, and the first one the
    database cannot vouch for: not format 2, not linked to the row before it in the range (its
    seq is not the next, or its prev_hash is not that row's hash), a hash that is not the one
    of its columns, or the checkpoint's row (its hash is compared by `row_problem`)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    return f"""
        SELECT count(*), min(seq) FILTER (WHERE flagged) FROM (
            SELECT a.seq, coalesce(
                (lag(a.seq) OVER w IS NOT NULL AND (
                    a.seq <> (lag(a.seq) OVER w) + 1
                    OR a.prev_hash IS DISTINCT FROM (lag(a.hash) OVER w)))
                OR a.hash_version IS DISTINCT FROM {HASH_V2}
                OR a.seq IS NOT DISTINCT FROM %s::bigint
                OR {hash_v2_sql("a")} IS DISTINCT FROM a.hash,
                true) AS flagged
            FROM {table} a
            WHERE a.seq BETWEEN %s AND %s
            WINDOW w AS (ORDER BY a.seq)
        ) r
    """  # noqa: S608 (table name and expressions are ours; values are parameters)


def _scan(cursor: Any, lo: int, hi: int, checkpoint_seq: int | None) -> tuple[int, int | None]:
    cursor.execute(_scan_sql(), [checkpoint_seq, lo, hi])
    count, flagged = cursor.fetchone()
    return int(count), flagged


def _scan_own_connection(lo: int, hi: int, checkpoint_seq: int | None) -> tuple[int, int | None]:
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            return _scan(cursor, lo, hi, checkpoint_seq)
    finally:
        own.close()


def _ranges(lo: int, hi: int, parts: int) -> list[tuple[int, int]]:
    size = max(1, -(-(hi - lo + 1) // parts))
    return [(first, min(first + size - 1, hi)) for first in range(lo, hi + 1, size)]


def _row(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def _sql_walk(
    walk: _Walk, lo: int, *, checkpoint: Checkpoint | None, workers: int
) -> _Bad | int | None:
    """Check the rows from seq `lo` to the head in the database, in up to `workers` ranges at
    once, each on its own connection (one after the other on this connection inside a
    transaction, which must be the one that reads: it may hold rows not yet committed). The
    first row the scans cannot vouch for is checked exactly (`row_problem`): a problem, or the
    row is intact (a format 1 row: its seq is returned for the Python walk to go on after it;
    otherwise the scans go on after it). None at the head."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    checkpoint_seq = checkpoint.seq if checkpoint is not None else None
    while True:
        head = _row(f"SELECT max(seq) FROM {table}", [])  # noqa: S608
        hi = head[0] if head is not None and head[0] is not None else lo - 1
        if lo > hi:
            return None
        ranges = _ranges(lo, hi, workers)
        if len(ranges) > 1 and not connection.in_atomic_block:
            with ThreadPoolExecutor(max_workers=len(ranges)) as pool:
                scans = [pool.submit(_scan_own_connection, a, b, checkpoint_seq) for a, b in ranges]
                results = [scan.result() for scan in scans]
        else:
            with connection.cursor() as cursor:
                results = [_scan(cursor, first, last, checkpoint_seq) for first, last in ranges]
        suspect = _first_suspect(walk, ranges, results, table)
        if suspect is None:
            return None
        checked = _check_one(walk, suspect, checkpoint)
        if isinstance(checked, _Bad):
            return checked
        if checked.hash_version != HASH_V2:
            return suspect  # a format 1 row after format 2 ones: the Python walk goes on
        lo = suspect + 1


def _first_suspect(
    walk: _Walk,
    ranges: list[tuple[int, int]],
    results: list[tuple[int, int | None]],
    table: str,
) -> int | None:
    """Join the ranges in order: advance `walk` over every row the scans vouched for, up to the
    first suspect row (returned: `walk` is then the row right before it), or to the head."""
    for (first, last), (count, flagged) in zip(ranges, results, strict=True):
        if count == 0:
            continue
        start = _row(
            f"SELECT seq, prev_hash FROM {table} WHERE seq BETWEEN %s AND %s ORDER BY seq LIMIT 1",  # noqa: S608
            [first, last],
        )
        if start is None:  # deleted since the scan: the next range's start names the gap
            continue
        if start[0] != walk.prev_seq + 1 or start[1] != walk.prev_hash:
            return int(start[0])
        if flagged is not None:
            before = _row(
                f"SELECT count(*), max(seq) FROM {table} WHERE seq BETWEEN %s AND %s",  # noqa: S608
                [first, flagged - 1],
            )
            if before is not None and before[0]:
                prev = _row(f"SELECT hash FROM {table} WHERE seq = %s", [before[1]])  # noqa: S608
                walk.prev_seq, walk.prev_hash = int(before[1]), str(prev[0] if prev else "")
                walk.after_seq, walk.checked = walk.prev_seq, walk.checked + int(before[0])
            return int(flagged)
        end = _row(
            f"SELECT seq, hash FROM {table} WHERE seq BETWEEN %s AND %s ORDER BY seq DESC LIMIT 1",  # noqa: S608
            [first, last],
        )
        if end is None:
            continue
        walk.prev_seq, walk.prev_hash = int(end[0]), str(end[1])
        walk.after_seq, walk.checked = walk.prev_seq, walk.checked + count
    return None


def default_workers() -> int:
    """Ranges verified at once on PostgreSQL: one per core."""
    return os.cpu_count() or 1


def verify_chain(
    *,
    checkpoint: Checkpoint | None = None,
    start: tuple[int, str] | None = None,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
) -> VerifyResult:
    """Verify the whole chain (or, with `start=(seq, hash)`, the part after a known-good event),
    and, with `checkpoint`, its signature, key and the event it vouches for. On PostgreSQL the
    format 2 rows are checked by the database in `workers` ranges at once (default: one per
    core); the result is the same as the walk in Python would give."""
    checkpoint_seq = checkpoint.seq if checkpoint is not None else None
    problem = checkpoint_problem(checkpoint) if checkpoint is not None else None
    if problem is not None:
        return VerifyResult(problem.value, 0, 0, GENESIS_HASH, None, checkpoint_seq)
    prev_seq, prev_hash = start if start is not None else (0, GENESIS_HASH)
    walk = _Walk(prev_seq, prev_hash, prev_seq if start is not None else None)
    in_database = connection.vendor == "postgresql"
    workers = workers if workers is not None else default_workers()
    outcome: _Bad | int | None = _python_walk(
        walk, checkpoint=checkpoint, chunk_size=chunk_size, stop_at_v2=in_database
    )
    while isinstance(outcome, int):  # the seq of a format 2 row
        outcome = _sql_walk(walk, outcome, checkpoint=checkpoint, workers=workers)
        if isinstance(outcome, int):  # a format 1 row was accepted: walk on in Python
            outcome = _python_walk(
                walk, checkpoint=checkpoint, chunk_size=chunk_size, stop_at_v2=True
            )
    if isinstance(outcome, _Bad):
        return VerifyResult(
            outcome.code.value,
            walk.checked,
            walk.prev_seq,
            walk.prev_hash,
            outcome.seq,
            checkpoint_seq,
        )
    if checkpoint is not None and checkpoint.seq > walk.prev_seq:
        code, bad_seq = VerifyCode.TRUNCATED, walk.prev_seq + 1
        return VerifyResult(
            code.value, walk.checked, walk.prev_seq, walk.prev_hash, bad_seq, checkpoint_seq
        )
    return VerifyResult(
        VerifyCode.OK.value, walk.checked, walk.prev_seq, walk.prev_hash, None, checkpoint_seq
    )

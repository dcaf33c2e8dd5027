"""Chain verification: walk every event in sequence order, in bounded memory, and name the first
sequence number where the chain stops being what `audit_record` wrote.

Each row must (1) carry the next sequence number, (2) link to the previous row's hash through
`prev_hash` and (3) hash to its own `hash`. That detects a modified row (3), a deleted row (1: a
gap), an inserted row (1, or 2 at the row after it), swapped rows (2) and an altered `prev_hash`
(2). What the chain alone cannot detect, because the hash is not keyed, is an attacker who
deletes the newest events or recomputes every hash after a change: a signed checkpoint
(`bvct.audit.checkpoint`) pins a sequence number to its hash, and `verify_chain(checkpoint=…)`
detects both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bvct.audit.chain import GENESIS_HASH, chain_hash, event_canonical
from bvct.audit.checkpoint import Checkpoint, checkpoint_problem
from bvct.audit.models import AuditEvent, VerifyCode, verify_reason

CHUNK_SIZE = 1000


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
    if chain_hash(event.prev_hash, event_canonical(event)) != event.hash:
        return VerifyCode.HASH_MISMATCH, event.seq
    if checkpoint is not None and event.seq == checkpoint.seq and event.hash != checkpoint.hash:
        return VerifyCode.CHECKPOINT_MISMATCH, event.seq
    return None


def verify_chain(
    *,
    checkpoint: Checkpoint | None = None,
    start: tuple[int, str] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> VerifyResult:
    """Verify the whole chain (or, with `start=(seq, hash)`, the part after a known-good event),
    and, with `checkpoint`, its signature, key and the event it vouches for."""
    checkpoint_seq = checkpoint.seq if checkpoint is not None else None
    problem = checkpoint_problem(checkpoint) if checkpoint is not None else None
    if problem is not None:
        return VerifyResult(problem.value, 0, 0, GENESIS_HASH, None, checkpoint_seq)
    prev_seq, prev_hash = start if start is not None else (0, GENESIS_HASH)
    checked = 0
    after_seq = prev_seq if start is not None else None
    for event in iter_events(after_seq=after_seq, chunk_size=chunk_size):
        found = row_problem(event, prev_seq=prev_seq, prev_hash=prev_hash, checkpoint=checkpoint)
        if found is not None:
            code, bad_seq = found
            return VerifyResult(code.value, checked, prev_seq, prev_hash, bad_seq, checkpoint_seq)
        prev_seq, prev_hash = event.seq, event.hash
        checked += 1
    if checkpoint is not None and checkpoint.seq > prev_seq:
        code, bad_seq = VerifyCode.TRUNCATED, prev_seq + 1
        return VerifyResult(code.value, checked, prev_seq, prev_hash, bad_seq, checkpoint_seq)
    return VerifyResult(VerifyCode.OK.value, checked, prev_seq, prev_hash, None, checkpoint_seq)

"""Dossier data keys: created on first use, opened through the keyring, re-wrapped on rotation.

See `bvct.core.crypto` for the envelope format and docs/encryption.md for the operator's view.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core import crypto
from bvct.core.crypto import SealError
from bvct.people.models import DossierKey

ROTATE_BATCH = 200


def new_uid() -> str:
    return secrets.token_hex(16)


def data_key_for_person(person_id: int) -> tuple[str, bytes]:
    """(uid, data key) of the person's dossier, creating the key on first use."""
    ring = crypto.keyring()
    row = DossierKey.objects.filter(person_id=person_id).first()
    if row is None:
        key, uid = crypto.new_key(), new_uid()
        kek_id, wrapped = ring.wrap(key, uid=uid)
        try:
            with transaction.atomic():
                DossierKey.objects.create(
                    person_id=person_id, uid=uid, kek_id=kek_id, wrapped=wrapped
                )
        except IntegrityError:  # created meanwhile by a concurrent writer: use theirs
            row = DossierKey.objects.get(person_id=person_id)
        else:
            ring.remember(uid, key)
            return uid, key
    return row.uid, _open(ring, row)


def data_key_by_uid(uid: str) -> bytes:
    ring = crypto.keyring()
    key = ring.cached(uid)
    if key is not None:
        return key
    row = DossierKey.objects.filter(uid=uid).first()
    if row is None:
        msg = f"data key {uid} does not exist: the sealed value cannot be opened"
        raise SealError(msg)
    return _open(ring, row)


def _open(ring: crypto.Keyring, row: DossierKey) -> bytes:
    cached = ring.cached(row.uid)
    if cached is not None:
        return cached
    key = ring.unwrap(row.wrapped, uid=row.uid, kek_id=row.kek_id)
    ring.remember(row.uid, key)
    return key


# --- status and rotation -------------------------------------------------------------------------


def key_status() -> dict[str, int]:
    """How many data keys are wrapped under each KEK id."""
    rows = DossierKey.objects.values("kek_id").annotate(n=Count("id")).order_by("kek_id")
    return {row["kek_id"]: row["n"] for row in rows}


@dataclass
class RotationResult:
    rewrapped: int = 0
    batches: int = 0
    left: int = 0


def rotate(
    *,
    actor: User | None,
    batch_size: int = ROTATE_BATCH,
    max_batches: int | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> RotationResult:
    """Re-wrap every data key not under the active KEK, in batches of `batch_size`.

    Each batch is its own transaction (rows locked, re-wrapped, one audit event), so the job can
    be killed at any point and run again: it picks up the keys still under an old KEK. Data keys
    themselves never change, so sealed values need no rewrite. `progress(batch, done, left)`.
    """
    ring = crypto.keyring()
    result = RotationResult()
    while max_batches is None or result.batches < max_batches:
        with transaction.atomic():
            rows = list(
                DossierKey.objects.select_for_update()
                .exclude(kek_id=ring.active)
                .order_by("id")[:batch_size]
            )
            if not rows:
                break
            now = timezone.now()
            moved: Counter[str] = Counter()
            for row in rows:
                key = ring.unwrap(row.wrapped, uid=row.uid, kek_id=row.kek_id)
                moved[row.kek_id] += 1
                row.kek_id, row.wrapped = ring.wrap(key, uid=row.uid)
                row.rewrapped_at = now
            DossierKey.objects.bulk_update(rows, ["kek_id", "wrapped", "rewrapped_at"])
            result.batches += 1
            result.rewrapped += len(rows)
            audit_record(
                actor=actor,
                action="people.keys.rotate",
                data={
                    "batch": result.batches,
                    "rewrapped": len(rows),
                    "from": dict(sorted(moved.items())),
                    "to": ring.active,
                    "first_id": rows[0].pk,
                    "last_id": rows[-1].pk,
                },
            )
        result.left = DossierKey.objects.exclude(kek_id=ring.active).count()
        if progress is not None:
            progress(result.batches, result.rewrapped, result.left)
    result.left = DossierKey.objects.exclude(kek_id=ring.active).count()
    return result


def blind_index(purpose: str, value: str) -> str:
    """The blind index of an exact value ("" for an empty one: nothing to look up)."""
    return crypto.keyring().blind_index(purpose, value) if value else ""


CCCD_PURPOSE = "people.relative.cccd"


def cccd_index(cccd: str | None) -> str:
    """The blind index of a relative's CCCD (digits only, so spacing does not matter)."""
    digits = "".join(ch for ch in (cccd or "") if not ch.isspace())
    return blind_index(CCCD_PURPOSE, digits)

"""Default reply time limits per addressee kind (data rows; change them on the time-limits page
or by adding a row with a later `valid_from`). No regulation was found that sets a deadline for
answering verification letters (domain.md §3 (d): "keep it configurable"), so every default is an
internal target, marked as such."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bvct.verification.models import AddresseeKind

INTERNAL = "Chỉ tiêu nội bộ (chưa tìm thấy quy định về thời hạn trả lời; có thể sửa)"
SINCE = date(2025, 7, 1)


@dataclass(frozen=True)
class DefaultReplyLimit:
    addressee_kind: str
    working_days: int
    reminder_days: int = 3
    reuse_months: int = 12


DEFAULT_REPLY_LIMITS: tuple[DefaultReplyLimit, ...] = (
    DefaultReplyLimit(AddresseeKind.PARTY, 15),
    DefaultReplyLimit(AddresseeKind.POLICE, 20),
    DefaultReplyLimit(AddresseeKind.MILITARY, 20),
    DefaultReplyLimit(AddresseeKind.STATE, 20),
    DefaultReplyLimit(AddresseeKind.OTHER, 20),
)


def seed_default_reply_limits(model: type | None = None) -> int:
    """Insert the missing default rows (the data migration passes its historical model)."""
    from bvct.verification.models import ReplyLimit  # noqa: PLC0415

    target = model or ReplyLimit
    added = 0
    for row in DEFAULT_REPLY_LIMITS:
        _obj, created = target.objects.get_or_create(  # type: ignore[attr-defined]
            addressee_kind=row.addressee_kind,
            valid_from=SINCE,
            defaults={
                "working_days": row.working_days,
                "reminder_days": row.reminder_days,
                "reuse_months": row.reuse_months,
                "legal_basis": INTERNAL,
                "is_statutory": False,
            },
        )
        added += int(created)
    return added

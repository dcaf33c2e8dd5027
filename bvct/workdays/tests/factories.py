"""Builders for calendar overrides: rows written directly (the services have their own tests)."""

from __future__ import annotations

from datetime import date

from bvct.accounts.models import User
from bvct.workdays.models import WorkdayOverride


def make_override(
    *, day: date, kind: str, created_by: User, reason: str = "Thông báo của Chính phủ"
) -> WorkdayOverride:
    override: WorkdayOverride = WorkdayOverride.objects.create(
        date=day, kind=kind, reason=reason, created_by=created_by
    )
    return override

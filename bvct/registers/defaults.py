"""Seeded protection periods (editable data, marked as an example in `legal_basis`)."""

from __future__ import annotations

import datetime as dt

# Law 29/2018/QH14 art. 19 (in force 01/07/2020): 30 / 20 / 10 years from classification.
# Whether the 2025 law changes them is not confirmed (domain.md §3 (g), [U]).
PERIOD_LEGAL_BASIS = (
    "Luật Bảo vệ bí mật nhà nước 2018, Điều 19 (ví dụ — đối chiếu với Luật 2025 trước khi dùng)"
)
DEFAULT_PERIODS: tuple[tuple[int, int], ...] = ((1, 10), (2, 20), (3, 30))
PERIODS_VALID_FROM = dt.date(2020, 7, 1)


def seed_default_periods(period_model: type | None = None) -> None:
    if period_model is None:
        from bvct.registers.models import ProtectionPeriod  # noqa: PLC0415

        period_model = ProtectionPeriod
    for level, years in DEFAULT_PERIODS:
        period_model.objects.get_or_create(  # type: ignore[attr-defined]
            level=level,
            valid_from=PERIODS_VALID_FROM,
            defaults={"years": years, "legal_basis": PERIOD_LEGAL_BASIS},
        )

"""Dates as old records give them: a full date, a month and year, or a year only."""

from __future__ import annotations

import datetime
import re

from bvct.people.models import DatePrecision

_PARTIAL_DATE = re.compile(r"^(?:(\d{1,2})/)?(?:(\d{1,2})/)?(\d{4})$")


def parse_partial_date(text: str) -> tuple[datetime.date, str] | None:
    """ "dd/mm/yyyy", "mm/yyyy" or "yyyy" → (date, precision); None when not a date."""
    match = _PARTIAL_DATE.match(text.strip())
    if match is None:
        return None
    first, second, year = match.groups()
    try:
        if first and second:
            return datetime.date(int(year), int(second), int(first)), DatePrecision.DAY
        if first:
            return datetime.date(int(year), int(first), 1), DatePrecision.MONTH
        return datetime.date(int(year), 1, 1), DatePrecision.YEAR
    except ValueError:
        return None


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.month:02d}/{value.year:04d}"
    return value.strftime("%d/%m/%Y")

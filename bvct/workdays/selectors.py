"""Reads for the working-day calendar: the year view and the overrides, scoped through policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from bvct.access import policy
from bvct.accounts.models import User
from bvct.workdays.calendar import DayInfo, DayStatus, calendar_from_overrides
from bvct.workdays.models import WorkdayOverride

WEEKDAY_HEADERS: list[tuple[Promise, bool]] = [
    (pgettext_lazy("weekday abbreviation", "Mo"), False),
    (pgettext_lazy("weekday abbreviation", "Tu"), False),
    (pgettext_lazy("weekday abbreviation", "We"), False),
    (pgettext_lazy("weekday abbreviation", "Th"), False),
    (pgettext_lazy("weekday abbreviation", "Fr"), False),
    (pgettext_lazy("weekday abbreviation", "Sa"), True),
    (pgettext_lazy("weekday abbreviation", "Su"), True),
]


@dataclass(frozen=True)
class MonthGrid:
    first: date
    weeks: list[list[DayInfo | None]]  # Monday first; None pads the first and last week


@dataclass(frozen=True)
class YearView:
    year: int
    months: list[MonthGrid]
    days_off: list[DayInfo]
    make_up_days: list[DayInfo]
    overrides: list[WorkdayOverride]
    working_day_count: int


def overrides_visible_to(actor: User) -> QuerySet[WorkdayOverride]:
    """The calendar is national: every active user sees every override."""
    if not policy.can_view_calendar(actor):
        return WorkdayOverride.objects.none()
    return WorkdayOverride.objects.select_related("created_by")


def _month_grids(days: list[DayInfo]) -> list[MonthGrid]:
    grids: list[MonthGrid] = []
    for month in range(1, 13):
        in_month = [d for d in days if d.date.month == month]
        cells: list[DayInfo | None] = [None] * in_month[0].date.weekday()
        cells.extend(in_month)
        cells.extend([None] * (-len(cells) % 7))
        weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
        grids.append(MonthGrid(first=in_month[0].date, weeks=weeks))
    return grids


def calendar_year(*, actor: User, year: int) -> YearView:
    """Everything the year page shows, with one query (the year's overrides and their authors).

    Raises `CalendarRangeError` for a year outside the supported calendar.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    overrides = list(overrides_visible_to(actor).filter(date__range=(first, last)))
    work_calendar = calendar_from_overrides(overrides, first=first, last=last)
    days = work_calendar.year_days(year)
    return YearView(
        year=year,
        months=_month_grids(days),
        days_off=[d for d in days if d.status == DayStatus.DAY_OFF],
        make_up_days=[d for d in days if d.status == DayStatus.MAKE_UP],
        overrides=overrides,
        working_day_count=sum(1 for d in days if d.is_working_day),
    )

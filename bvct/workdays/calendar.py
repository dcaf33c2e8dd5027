"""Working days in Việt Nam: the functions every legal clock (time limit in working days) uses.

A day is a **working day** unless it is a day off. The rules, first match wins:

1. an admin-edited override (`WorkdayOverride`) for that date decides: "extra day off" → off,
   "make-up working day" → working;
2. a make-up working day announced by the government (python-holidays' `weekend_workdays`,
   e.g. Sat 26/04/2025, Sat 22/08/2026) → working;
3. Saturday and Sunday → off;
4. a public holiday, an observed day (nghỉ bù) or a swapped day off (python-holidays,
   `country_holidays("VN")`, lunar holidays included) → off;
5. any other Monday–Friday → working.

Time limits count working days **after** the start day (the start day itself never counts)::

    >>> from datetime import date
    >>> add_working_days(date(2025, 1, 24), 1)      # Fri before Tết 2025 (off 25/01–02/02)
    datetime.date(2025, 2, 3)
    >>> add_working_days(date(2025, 4, 25), 1)      # Sat 26/04/2025 is a make-up working day
    datetime.date(2025, 4, 26)
    >>> add_working_days(date(2025, 1, 25), 0)      # n = 0: the day itself, or the next working day
    datetime.date(2025, 2, 3)
    >>> add_working_days(date(2025, 2, 3), -1)      # negative n counts backwards
    datetime.date(2025, 1, 24)
    >>> working_days_between(date(2025, 1, 24), date(2025, 2, 3))   # working days in (start, end]
    1

For a working day `d`, `working_days_between(d, add_working_days(d, n)) == n` for every `n`.

Cost: python-holidays is asked once per year per process (cached); each module-level function
reads the overrides of the range it needs in one query (`load_calendar`). To compute many
deadlines in a loop, load a `WorkCalendar` once for the whole range and call its methods: they
do no query at all. Dates outside 01/01/1995–31/12/2100 raise `CalendarRangeError`
(python-holidays' lunar data ends in 2100; the Labour Code rules it implements start in 1995).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from django.db import models
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bvct.workdays.models import WorkdayOverride

FIRST_YEAR = 1995
LAST_YEAR = 2100
FIRST_DAY = date(FIRST_YEAR, 1, 1)
LAST_DAY = date(LAST_YEAR, 12, 31)
SATURDAY = 5
ONE_DAY = timedelta(days=1)

Kind = WorkdayOverride.Kind


class DayStatus(models.TextChoices):
    WORKING = "working", _("Working day")
    WEEKEND = "weekend", _("Weekend")
    DAY_OFF = "day_off", _("Day off")
    MAKE_UP = "make_up", _("Make-up working day")


class DaySource(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    SUBSTITUTED = "substituted", _("Swapped day")
    OVERRIDE = "override", _("Calendar override")


class CalendarRangeError(ValueError):
    """A date outside FIRST_DAY..LAST_DAY, where the calendar has no reliable data."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.message = gettext(
            "%(date)s is outside the supported calendar (%(first)s to %(last)s)."
        ) % {
            "date": day.strftime("%d/%m/%Y"),
            "first": FIRST_DAY.strftime("%d/%m/%Y"),
            "last": LAST_DAY.strftime("%d/%m/%Y"),
        }
        super().__init__(self.message)


class CalendarWindowError(LookupError):
    """A `WorkCalendar` was asked about a day whose overrides it did not load."""


@dataclass(frozen=True)
class OverrideDay:
    """One admin-edited exception, independent of the database row."""

    date: date
    kind: str  # WorkdayOverride.Kind
    reason: str


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one day. `name` is Vietnamese (or the override's reason)."""

    date: date
    status: DayStatus
    name: str = ""
    source: DaySource | None = None

    @property
    def is_working_day(self) -> bool:
        return self.status in {DayStatus.WORKING, DayStatus.MAKE_UP}

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= SATURDAY


# --- python-holidays, flattened per year and cached in the process ------------------------------


@dataclass(frozen=True)
class _YearRules:
    days_off: Mapping[date, str]  # every named day off of the year (any day of the week)
    substituted: frozenset[date]  # those that are swapped against a make-up working day
    make_up: Mapping[date, str]  # weekend days of the year that are working days


def _substitutions(country: holidays.HolidayBase, year: int) -> list[tuple[date, date]]:
    """(day off, make-up working day) pairs python-holidays declares for `year`."""
    entries = getattr(country, "special_public_holidays", {}).get(year, ())
    if entries and not isinstance(entries[0], tuple):
        entries = (entries,)
    pairs = []
    for entry in entries:
        if len(entry) >= 4:  # noqa: PLR2004 (to_month, to_day, from_month, from_day[, from_year])
            to_month, to_day, from_month, from_day, *from_year = entry
            made_up = date(from_year[0] if from_year else year, from_month, from_day)
            pairs.append((date(year, to_month, to_day), made_up))
    return pairs


@functools.cache
def _year_rules(year: int) -> _YearRules:
    country = holidays.country_holidays("VN", years=year, language="vi", expand=False)
    pairs = [p for y in (year - 1, year, year + 1) for p in _substitutions(country, y)]
    with translation.override("vi"):
        make_up_names = {
            made_up: gettext("Make-up working day (for the day off on %(date)s)")
            % {"date": day_off.strftime("%d/%m/%Y")}
            for day_off, made_up in pairs
        }
        generic = gettext("Make-up working day")
    return _YearRules(
        days_off=dict(country.items()),
        substituted=frozenset(day_off for day_off, _made in pairs if day_off in country),
        make_up={
            d: make_up_names.get(d, generic)
            for d in country.weekend_workdays
            if d.year == year and d.weekday() >= SATURDAY
        },
    )


def _library_day(day: date) -> DayInfo:
    rules = _year_rules(day.year)
    if day in rules.make_up:
        return DayInfo(day, DayStatus.MAKE_UP, rules.make_up[day], DaySource.SUBSTITUTED)
    if day in rules.days_off:
        source = DaySource.SUBSTITUTED if day in rules.substituted else DaySource.HOLIDAY
        return DayInfo(day, DayStatus.DAY_OFF, rules.days_off[day], source)
    if day.weekday() >= SATURDAY:
        return DayInfo(day, DayStatus.WEEKEND)
    return DayInfo(day, DayStatus.WORKING)


def _weekdays_through(day: date) -> int:
    """Number of Mondays–Fridays from 01/01/0001 (a Monday) up to `day` included."""
    weeks, rest = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(rest + 1, 5)


def check_supported(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CalendarRangeError(day)


# --- the calendar object: pure, no queries ------------------------------------------------------


class WorkCalendar:
    """Public holidays (python-holidays) with `overrides` on top, for days in [first, last].

    `overrides` must be every override dated in [first, last]; asking about a day outside that
    window raises `CalendarWindowError` (and outside the supported years `CalendarRangeError`).
    Built by `load_calendar`, or directly (the default window is the whole supported range).
    """

    def __init__(
        self,
        overrides: Iterable[OverrideDay] = (),
        *,
        first: date = FIRST_DAY,
        last: date = LAST_DAY,
    ) -> None:
        self.first = max(first, FIRST_DAY)
        self.last = min(last, LAST_DAY)
        self.overrides: dict[date, OverrideDay] = {o.date: o for o in overrides}

    def _check(self, day: date) -> None:
        check_supported(day)
        if not self.first <= day <= self.last:
            msg = f"overrides for {day.isoformat()} are not loaded"
            raise CalendarWindowError(msg)

    def day_info(self, day: date) -> DayInfo:
        """Status, Vietnamese name and source of `day` (an override's name is its reason)."""
        self._check(day)
        override = self.overrides.get(day)
        if override is None:
            return _library_day(day)
        if override.kind == Kind.DAY_OFF:
            return DayInfo(day, DayStatus.DAY_OFF, override.reason, DaySource.OVERRIDE)
        return DayInfo(day, DayStatus.MAKE_UP, override.reason, DaySource.OVERRIDE)

    def is_working_day(self, day: date) -> bool:
        """True unless `day` is a weekend, holiday or extra day off (see the module rules)."""
        self._check(day)
        override = self.overrides.get(day)
        if override is not None:
            return override.kind == Kind.WORKING_DAY
        rules = _year_rules(day.year)
        if day.weekday() >= SATURDAY:
            return day in rules.make_up
        return day not in rules.days_off

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (`start` itself is not counted).

        n > 0: counts forwards; n < 0: the |n|-th working day before `start`; n == 0: `start`
        if it is a working day, otherwise the next working day (so when `start` is a day off,
        n = 0 and n = 1 give the same day; otherwise the result strictly increases with n).
        The result is always a working day.
        """
        self._check(start)
        day = start
        if n == 0:
            while not self.is_working_day(day):
                day += ONE_DAY
            return day
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: `start` excluded, `end` included; negative if end < start.

        working_days_between(d, d) == 0, and working_days_between(a, b) == -(b, a).
        """
        if end < start:
            return -self.working_days_between(end, start)
        self._check(start)
        self._check(end)
        count = _weekdays_through(end) - _weekdays_through(start)
        for day in self._special_days(start + ONE_DAY, end):
            count += int(self.is_working_day(day)) - int(day.weekday() < SATURDAY)
        return count

    def _special_days(self, first: date, last: date) -> set[date]:
        """Days in [first, last] whose status may differ from plain Monday–Friday."""
        days: set[date] = set()
        for year in range(first.year, last.year + 1):
            rules = _year_rules(year)
            days.update(d for d in rules.days_off if first <= d <= last)
            days.update(d for d in rules.make_up if first <= d <= last)
        days.update(d for d in self.overrides if first <= d <= last)
        return days

    def days_off_in(self, year: int) -> list[DayInfo]:
        """Named days off of `year` in date order: holidays (also those falling on a weekend),
        observed and swapped days off, and extra days off; not plain Saturdays and Sundays."""
        return [i for i in self._special_infos(year) if i.status == DayStatus.DAY_OFF]

    def make_up_days_in(self, year: int) -> list[DayInfo]:
        """Days of `year` that are working days although normally off, in date order."""
        return [i for i in self._special_infos(year) if i.status == DayStatus.MAKE_UP]

    def _special_infos(self, year: int) -> list[DayInfo]:
        first, last = date(year, 1, 1), date(year, 12, 31)
        self._check(first)
        self._check(last)
        return [self.day_info(d) for d in sorted(self._special_days(first, last))]

    def year_days(self, year: int) -> list[DayInfo]:
        """Every day of `year`, in order (for month grids)."""
        first = date(year, 1, 1)
        self._check(first)
        self._check(date(year, 12, 31))
        count = (date(year + 1, 1, 1) - first).days
        return [self.day_info(first + timedelta(days=i)) for i in range(count)]


# --- module-level functions: one query for the overrides of the range ---------------------------


def calendar_from_overrides(
    overrides: Iterable[WorkdayOverride], *, first: date, last: date
) -> WorkCalendar:
    """A calendar from override rows already fetched (every row dated in [first, last])."""
    days = (OverrideDay(o.date, o.kind, o.reason) for o in overrides)
    return WorkCalendar(days, first=first, last=last)


def load_calendar(first: date, last: date) -> WorkCalendar:
    """A calendar for [first, last] with its overrides read in one query."""
    rows = WorkdayOverride.objects.filter(date__range=(first, last)).values_list(
        "date", "kind", "reason"
    )
    return WorkCalendar((OverrideDay(*row) for row in rows), first=first, last=last)


def is_working_day(day: date) -> bool:
    """See `WorkCalendar.is_working_day`. One query."""
    check_supported(day)
    return load_calendar(day, day).is_working_day(day)


def _window(start: date, n: int, span: int) -> tuple[date, date]:
    if n >= 0:
        return start, start + timedelta(days=min(span, (LAST_DAY - start).days))
    return start - timedelta(days=min(span, (start - FIRST_DAY).days)), start


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start`, `start` excluded; see `WorkCalendar.add_working_days`.

    Normally one query: overrides are read for a window wide enough for n working days, and
    again for a wider one only when extra days off push the answer beyond it.
    """
    check_supported(start)
    span = 2 * abs(n) + 31
    while True:
        calendar = load_calendar(*_window(start, n, span))
        try:
            return calendar.add_working_days(start, n)
        except CalendarWindowError:
            span *= 4


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end], negative when end < start. One query."""
    check_supported(start)
    check_supported(end)
    return load_calendar(min(start, end), max(start, end)).working_days_between(start, end)


def days_off_in(year: int) -> list[DayInfo]:
    """Named days off of `year` (date, Vietnamese name, source). One query."""
    check_supported(date(year, 1, 1))
    return load_calendar(date(year, 1, 1), date(year, 12, 31)).days_off_in(year)


def make_up_days_in(year: int) -> list[DayInfo]:
    """Make-up working days of `year` (date, Vietnamese name, source). One query."""
    check_supported(date(year, 1, 1))
    return load_calendar(date(year, 1, 1), date(year, 12, 31)).make_up_days_in(year)


def library_day(day: date) -> DayInfo:
    """What python-holidays alone says about `day` (overrides ignored). No query."""
    check_supported(day)
    return _library_day(day)


def format_day(day: date) -> str:
    """dd/mm/yyyy, the way dates are shown everywhere."""
    return date_format(day, "d/m/Y")

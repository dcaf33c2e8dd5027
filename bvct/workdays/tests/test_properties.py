"""Properties of the calendar functions, on random dates, counts and overrides (2024–2028)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bvct.accounts.models import User
from bvct.workdays import calendar
from bvct.workdays.calendar import OverrideDay, WorkCalendar
from bvct.workdays.models import WorkdayOverride
from bvct.workdays.tests.factories import make_override

Kind = WorkdayOverride.Kind

starts = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=-300, max_value=300)
overrides = st.lists(
    st.builds(
        OverrideDay,
        date=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
        kind=st.sampled_from(Kind.values),
        reason=st.just("x"),
    ),
    max_size=40,
    unique_by=lambda o: o.date,
).map(WorkCalendar)

EXAMPLES = settings(max_examples=80, deadline=None)


def _naive_count(work_calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days in (start, end] by walking every day (the definition, slowly)."""
    sign = 1 if end >= start else -1
    low, high = min(start, end), max(start, end)
    days = (low + timedelta(days=i) for i in range(1, (high - low).days + 1))
    return sign * sum(1 for d in days if work_calendar.is_working_day(d))


@EXAMPLES
@given(work_calendar=overrides, start=starts, n=counts)
def test_result_is_a_working_day(work_calendar: WorkCalendar, start: date, n: int) -> None:
    # when
    result = work_calendar.add_working_days(start, n)
    # then
    assert work_calendar.is_working_day(result) is True


@EXAMPLES
@given(work_calendar=overrides, start=starts, n=counts)
def test_round_trip_with_working_days_between(
    work_calendar: WorkCalendar, start: date, n: int
) -> None:
    # given a working day as start (for n > 0 any day works)
    assume(n > 0 or work_calendar.is_working_day(start))
    # when
    result = work_calendar.add_working_days(start, n)
    # then
    assert work_calendar.working_days_between(start, result) == n


@EXAMPLES
@given(work_calendar=overrides, start=starts, n=counts)
def test_monotonic_in_n(work_calendar: WorkCalendar, start: date, n: int) -> None:
    # when
    before = work_calendar.add_working_days(start, n)
    after = work_calendar.add_working_days(start, n + 1)
    # then strictly increasing, except that n = 0 and n = 1 agree when start is a day off
    if n == 0 and not work_calendar.is_working_day(start):
        assert before == after
    else:
        assert before < after
        assert work_calendar.working_days_between(before, after) == 1


@EXAMPLES
@given(work_calendar=overrides, start=starts, end=starts)
def test_counting_matches_walking_every_day(
    work_calendar: WorkCalendar, start: date, end: date
) -> None:
    # when
    count = work_calendar.working_days_between(start, end)
    # then
    assert count == _naive_count(work_calendar, start, end)
    assert work_calendar.working_days_between(end, start) == -count


@pytest.mark.django_db
def test_database_functions_agree_with_the_calendar_object(root_admin: User) -> None:
    # given overrides stored in the database and the same ones given to a pure calendar
    stored = [
        OverrideDay(date(2025, 4, 28), Kind.DAY_OFF, "Nghỉ thêm"),
        OverrideDay(date(2025, 5, 3), Kind.WORKING_DAY, "Làm bù"),
        OverrideDay(date(2025, 12, 24), Kind.DAY_OFF, "Nghỉ thêm"),
    ]
    for o in stored:
        make_override(day=o.date, kind=o.kind, reason=o.reason, created_by=root_admin)
    work_calendar = WorkCalendar(stored)
    # then every start in 2025 gives the same answers both ways
    for offset in range(0, 365, 3):
        start = date(2025, 1, 1) + timedelta(days=offset)
        assert calendar.add_working_days(start, 7) == work_calendar.add_working_days(start, 7)
        assert calendar.add_working_days(start, -7) == work_calendar.add_working_days(start, -7)
        assert calendar.working_days_between(start, date(2025, 7, 1)) == (
            work_calendar.working_days_between(start, date(2025, 7, 1))
        )

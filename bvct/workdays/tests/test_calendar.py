"""The working-day calendar against the official 2025 and 2026 schedules for civil servants.

Sources of the expected schedules (công chức, viên chức):
- 2025: Tết Ất Tỵ off Sat 25/01–Sun 02/02 (TB 6150/TB-BLĐTBXH); 30/04–01/05 with 02/05 swapped
  against Sat 26/04 (CV 2450-style swap, python-holidays' 2025 entry); Quốc khánh 01–02/09.
- 2026: Tết Bính Ngọ off Sat 14/02–Sun 22/02; Giỗ Tổ Hùng Vương on Sun 26/04 observed Mon 27/04;
  31/08 swapped against Sat 22/08; Quốc khánh 01–02/09; 24/11 Ngày Văn hóa Việt Nam (NQ 80-NQ/TW).
python-holidays 0.109 agrees with both schedules, so no override is needed to reproduce them.
"""

from __future__ import annotations

import doctest
from datetime import date, timedelta

import pytest

from bvct.accounts.models import User
from bvct.workdays import calendar
from bvct.workdays.calendar import (
    CalendarRangeError,
    CalendarWindowError,
    DayInfo,
    DaySource,
    DayStatus,
    OverrideDay,
    WorkCalendar,
)
from bvct.workdays.models import WorkdayOverride
from bvct.workdays.tests.factories import make_override

Kind = WorkdayOverride.Kind
HOL, SUB, OVR = DaySource.HOLIDAY, DaySource.SUBSTITUTED, DaySource.OVERRIDE


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


OFFICIAL_WEEKDAYS_OFF = {
    2025: [
        date(2025, 1, 1),
        *_span(date(2025, 1, 27), date(2025, 1, 31)),
        date(2025, 4, 7),
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 9, 1),
        date(2025, 9, 2),
    ],
    2026: [
        date(2026, 1, 1),
        *_span(date(2026, 2, 16), date(2026, 2, 20)),
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),
    ],
}
OFFICIAL_MAKE_UP_SATURDAYS = {2025: [date(2025, 4, 26)], 2026: [date(2026, 8, 22)]}


def _year(year: int) -> list[date]:
    return _span(date(year, 1, 1), date(year, 12, 31))


# --- the official schedules -----------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_weekdays_off_are_exactly_the_official_schedule(db: None, year: int) -> None:
    # given no overrides
    # when every Monday–Friday of the year is checked
    off = [d for d in _year(year) if d.weekday() < 5 and not calendar.is_working_day(d)]
    # then the days off are the official ones, no more, no less
    assert off == OFFICIAL_WEEKDAYS_OFF[year]


@pytest.mark.parametrize("year", [2025, 2026])
def test_make_up_saturdays_are_exactly_the_official_schedule(year: int) -> None:
    # given the python-holidays calendar alone
    work_calendar = WorkCalendar()
    # when every Saturday and Sunday of the year is checked
    working = [d for d in _year(year) if d.weekday() >= 5 and work_calendar.is_working_day(d)]
    # then the only weekend working days are the official make-up Saturdays
    assert working == OFFICIAL_MAKE_UP_SATURDAYS[year]
    assert [d.date for d in work_calendar.make_up_days_in(year)] == working


@pytest.mark.parametrize("year", [2025, 2026])
def test_days_off_in_lists_the_weekday_days_off_of_the_official_schedule(
    db: None, year: int
) -> None:
    # when
    days = calendar.days_off_in(year)
    # then
    assert [d.date for d in days if not d.is_weekend] == OFFICIAL_WEEKDAYS_OFF[year]


def test_days_off_in_2025_with_vietnamese_names_and_sources(db: None) -> None:
    # when
    days = [(d.date, d.name, d.source) for d in calendar.days_off_in(2025)]
    # then (Sat 01/02 is a holiday on a weekend: listed, but it changes no count)
    assert days == [
        (date(2025, 1, 1), "Tết Dương lịch", HOL),
        (date(2025, 1, 27), "29 Tết", HOL),
        (date(2025, 1, 28), "Giao thừa Tết Nguyên Đán", HOL),
        (date(2025, 1, 29), "Tết Nguyên Đán", HOL),
        (date(2025, 1, 30), "Mùng hai Tết Nguyên Đán", HOL),
        (date(2025, 1, 31), "Mùng ba Tết Nguyên Đán", HOL),
        (date(2025, 2, 1), "Mùng bốn Tết Nguyên Đán", HOL),
        (date(2025, 4, 7), "Ngày Giỗ Tổ Hùng Vương", HOL),
        (date(2025, 4, 30), "Ngày Chiến thắng", HOL),
        (date(2025, 5, 1), "Ngày Quốc tế Lao động", HOL),
        (date(2025, 5, 2), "Ngày nghỉ (thay cho ngày 26/04/2025)", SUB),
        (date(2025, 9, 1), "Quốc khánh", HOL),
        (date(2025, 9, 2), "Quốc khánh", HOL),
    ]


def test_days_off_in_2026_with_vietnamese_names_and_sources(db: None) -> None:
    # when
    days = [(d.date, d.name, d.source) for d in calendar.days_off_in(2026)]
    # then (Giỗ Tổ falls on Sun 26/04 and is observed on Mon 27/04)
    assert days == [
        (date(2026, 1, 1), "Tết Dương lịch", HOL),
        (date(2026, 2, 16), "Giao thừa Tết Nguyên Đán", HOL),
        (date(2026, 2, 17), "Tết Nguyên Đán", HOL),
        (date(2026, 2, 18), "Mùng hai Tết Nguyên Đán", HOL),
        (date(2026, 2, 19), "Mùng ba Tết Nguyên Đán", HOL),
        (date(2026, 2, 20), "Mùng bốn Tết Nguyên Đán", HOL),
        (date(2026, 4, 26), "Ngày Giỗ Tổ Hùng Vương", HOL),
        (date(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)", HOL),
        (date(2026, 4, 30), "Ngày Chiến thắng", HOL),
        (date(2026, 5, 1), "Ngày Quốc tế Lao động", HOL),
        (date(2026, 8, 31), "Ngày nghỉ (thay cho ngày 22/08/2026)", SUB),
        (date(2026, 9, 1), "Quốc khánh", HOL),
        (date(2026, 9, 2), "Quốc khánh", HOL),
        (date(2026, 11, 24), "Ngày Văn hóa Việt Nam", HOL),
    ]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, [(date(2025, 4, 26), "Ngày làm việc bù (cho ngày nghỉ 02/05/2025)", SUB)]),
        (2026, [(date(2026, 8, 22), "Ngày làm việc bù (cho ngày nghỉ 31/08/2026)", SUB)]),
    ],
)
def test_make_up_days_in_names_the_day_off_they_pay_for(
    db: None, year: int, expected: list[tuple[date, str, DaySource]]
) -> None:
    # when
    days = [(d.date, d.name, d.source) for d in calendar.make_up_days_in(year)]
    # then
    assert days == expected


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2025, 1, 25), date(2025, 2, 2)), (date(2026, 2, 14), date(2026, 2, 22))],
)
def test_tet_break_is_nine_days_off_between_two_working_days(first: date, last: date) -> None:
    # given
    work_calendar = WorkCalendar()
    # then every day of the break is off, the days around it are working days
    assert [d for d in _span(first, last) if work_calendar.is_working_day(d)] == []
    assert work_calendar.is_working_day(first - timedelta(days=1)) is True
    assert work_calendar.is_working_day(last + timedelta(days=1)) is True
    assert work_calendar.working_days_between(first - timedelta(days=1), last) == 0


@pytest.mark.parametrize(("year", "expected"), [(2024, 251), (2025, 250), (2026, 249)])
def test_working_days_in_a_year(year: int, expected: int) -> None:
    # when
    count = WorkCalendar().working_days_between(date(year - 1, 12, 31), date(year, 12, 31))
    # then (weekdays minus weekday days off plus make-up Saturdays)
    assert count == expected


# --- worked examples --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # across Tết 2025: Fri 24/01 → Mon 03/02
        (date(2025, 1, 24), 1, date(2025, 2, 3)),
        (date(2025, 1, 23), 3, date(2025, 2, 4)),
        # across Tết 2026: Fri 13/02 → Mon 23/02
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        # across the make-up Saturday 26/04/2025 and the 30/04–02/05 break
        (date(2025, 4, 25), 1, date(2025, 4, 26)),
        (date(2025, 4, 25), 2, date(2025, 4, 28)),
        (date(2025, 4, 25), 3, date(2025, 4, 29)),
        (date(2025, 4, 25), 4, date(2025, 5, 5)),
        # across the make-up Saturday 22/08/2026 and 31/08–02/09
        (date(2026, 8, 21), 1, date(2026, 8, 22)),
        (date(2026, 8, 21), 2, date(2026, 8, 24)),
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
        # Giỗ Tổ 2026 observed on Mon 27/04
        (date(2026, 4, 24), 1, date(2026, 4, 28)),
        # admission decision: 60 working days from a chi bộ resolution of Wed 15/01/2025
        (date(2025, 1, 15), 60, date(2025, 4, 17)),
        # n = 0: the day itself if it is a working day, else the next one
        (date(2025, 1, 24), 0, date(2025, 1, 24)),
        (date(2025, 1, 25), 0, date(2025, 2, 3)),
        (date(2025, 4, 26), 0, date(2025, 4, 26)),
        # negative n counts backwards, start excluded
        (date(2025, 2, 3), -1, date(2025, 1, 24)),
        (date(2025, 5, 5), -1, date(2025, 4, 29)),
        (date(2025, 5, 5), -3, date(2025, 4, 26)),
    ],
)
def test_add_working_days_worked_examples(db: None, start: date, n: int, expected: date) -> None:
    # when
    result = calendar.add_working_days(start, n)
    # then
    assert result == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 1, 24), date(2025, 2, 3), 1),
        (date(2025, 1, 24), date(2025, 2, 2), 0),
        (date(2025, 4, 25), date(2025, 5, 5), 4),
        (date(2025, 5, 5), date(2025, 4, 25), -4),
        (date(2025, 1, 15), date(2025, 4, 17), 60),
        (date(2026, 8, 21), date(2026, 9, 3), 7),
        (date(2025, 3, 3), date(2025, 3, 3), 0),
    ],
)
def test_working_days_between_worked_examples(
    db: None, start: date, end: date, expected: int
) -> None:
    # when
    count = calendar.working_days_between(start, end)
    # then
    assert count == expected


def test_is_working_day_examples(db: None) -> None:
    # then
    assert calendar.is_working_day(date(2025, 4, 26)) is True  # make-up Saturday
    assert calendar.is_working_day(date(2025, 4, 27)) is False  # Sunday
    assert calendar.is_working_day(date(2025, 5, 2)) is False  # swapped day off
    assert calendar.is_working_day(date(2025, 5, 6)) is True  # ordinary Tuesday
    assert calendar.is_working_day(date(2026, 11, 24)) is False  # Ngày Văn hóa Việt Nam
    assert calendar.is_working_day(date(2025, 11, 24)) is True  # not yet a holiday in 2025


# --- overrides on top -------------------------------------------------------------------------


def test_extra_day_off_moves_deadlines_and_is_listed(db: None, root_admin: User) -> None:
    # given Mon 28/04/2025 made an extra day off
    make_override(
        day=date(2025, 4, 28),
        kind=Kind.DAY_OFF,
        created_by=root_admin,
        reason="Nghỉ thêm theo thông báo",
    )
    # then
    assert calendar.is_working_day(date(2025, 4, 28)) is False
    assert calendar.add_working_days(date(2025, 4, 25), 2) == date(2025, 4, 29)
    assert calendar.working_days_between(date(2025, 4, 25), date(2025, 5, 5)) == 3
    assert DayInfo(date(2025, 4, 28), DayStatus.DAY_OFF, "Nghỉ thêm theo thông báo", OVR) in (
        calendar.days_off_in(2025)
    )


def test_make_up_working_day_on_a_saturday_moves_deadlines(db: None, root_admin: User) -> None:
    # given Sat 03/05/2025 made a working day
    make_override(
        day=date(2025, 5, 3), kind=Kind.WORKING_DAY, created_by=root_admin, reason="Làm bù"
    )
    # then
    assert calendar.is_working_day(date(2025, 5, 3)) is True
    assert calendar.add_working_days(date(2025, 4, 25), 4) == date(2025, 5, 3)
    assert calendar.working_days_between(date(2025, 4, 25), date(2025, 5, 5)) == 5
    assert [(d.date, d.name, d.source) for d in calendar.make_up_days_in(2025)] == [
        (date(2025, 4, 26), "Ngày làm việc bù (cho ngày nghỉ 02/05/2025)", SUB),
        (date(2025, 5, 3), "Làm bù", OVR),
    ]


def test_working_day_override_on_a_holiday_removes_it_from_the_days_off(
    db: None, root_admin: User
) -> None:
    # given the swapped day off of Fri 02/05/2025 turned back into a working day
    make_override(day=date(2025, 5, 2), kind=Kind.WORKING_DAY, created_by=root_admin)
    # then
    assert calendar.is_working_day(date(2025, 5, 2)) is True
    assert date(2025, 5, 2) not in [d.date for d in calendar.days_off_in(2025)]
    assert calendar.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 2)


def test_overrides_outside_the_range_change_nothing(db: None, root_admin: User) -> None:
    # given an extra day off in June
    make_override(day=date(2025, 6, 2), kind=Kind.DAY_OFF, created_by=root_admin)
    # then counts in March are unchanged
    assert calendar.working_days_between(date(2025, 3, 2), date(2025, 3, 31)) == 21


def test_overrides_beyond_the_first_window_are_read_in_a_second_query(
    db: None, root_admin: User, django_assert_num_queries
) -> None:
    # given 39 extra weekdays off (04/03–25/04) right after Mon 03/03/2025, beyond the first
    # window of overrides read
    days_off = [d for d in _span(date(2025, 3, 4), date(2025, 5, 30)) if d.weekday() < 5][:39]
    for day in days_off:
        make_override(day=day, kind=Kind.DAY_OFF, created_by=root_admin)
    # when
    with django_assert_num_queries(2):
        result = calendar.add_working_days(date(2025, 3, 3), 1)
    # then the first working day after them is the make-up Saturday
    assert days_off[-1] == date(2025, 4, 25)
    assert result == date(2025, 4, 26)


def test_each_function_reads_the_overrides_in_one_query(
    db: None, django_assert_num_queries
) -> None:
    # then
    with django_assert_num_queries(1):
        calendar.add_working_days(date(2025, 1, 2), 250)
    with django_assert_num_queries(1):
        calendar.working_days_between(date(2020, 1, 1), date(2030, 1, 1))
    with django_assert_num_queries(1):
        calendar.is_working_day(date(2025, 1, 2))
    with django_assert_num_queries(1):
        calendar.days_off_in(2025)
    with django_assert_num_queries(1):
        calendar.make_up_days_in(2025)


def test_a_loaded_calendar_answers_without_queries(db: None, django_assert_num_queries) -> None:
    # given
    work_calendar = calendar.load_calendar(date(2025, 1, 1), date(2025, 12, 31))
    # then
    with django_assert_num_queries(0):
        assert work_calendar.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
        assert work_calendar.working_days_between(date(2025, 1, 1), date(2025, 12, 31)) == 250


# --- the supported range and the window of a loaded calendar ----------------------------------


def test_dates_outside_the_supported_calendar_are_refused(db: None) -> None:
    # then
    with pytest.raises(
        CalendarRangeError,
        match=r"^31/12/1994 nằm ngoài phạm vi lịch được hỗ trợ \(từ 01/01/1995 đến "
        r"31/12/2100\)\.$",
    ):
        calendar.add_working_days(date(1994, 12, 31), 1)
    with pytest.raises(CalendarRangeError, match=r"^01/01/2101 "):
        calendar.add_working_days(date(2100, 12, 29), 5)
    with pytest.raises(CalendarRangeError, match=r"^01/01/2101 "):
        calendar.working_days_between(date(2025, 1, 1), date(2101, 1, 1))
    with pytest.raises(CalendarRangeError, match=r"^01/01/2101 "):
        calendar.days_off_in(2101)


def test_a_calendar_refuses_days_whose_overrides_it_did_not_load() -> None:
    # given
    work_calendar = WorkCalendar(first=date(2025, 1, 1), last=date(2025, 1, 31))
    # then
    with pytest.raises(CalendarWindowError, match="2025-02-01"):
        work_calendar.is_working_day(date(2025, 2, 1))
    with pytest.raises(CalendarWindowError):
        work_calendar.add_working_days(date(2025, 1, 24), 1)


def test_pure_calendar_with_overrides_needs_no_database() -> None:
    # given
    work_calendar = WorkCalendar([OverrideDay(date(2025, 1, 24), Kind.DAY_OFF, "Nghỉ thêm")])
    # then
    assert work_calendar.add_working_days(date(2025, 1, 23), 1) == date(2025, 2, 3)
    assert work_calendar.day_info(date(2025, 1, 24)) == DayInfo(
        date(2025, 1, 24), DayStatus.DAY_OFF, "Nghỉ thêm", OVR
    )


def test_module_docstring_examples_hold(db: None) -> None:
    # when
    result = doctest.testmod(calendar, optionflags=doctest.ELLIPSIS)
    # then
    assert (result.failed, result.attempted) == (0, 6)

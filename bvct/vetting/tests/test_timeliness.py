"""Timeliness report: numbers against a brute-force oracle over random histories (across Tết
2026, the 24/11/2026 holiday and a make-up Saturday), percentiles on known lists, open cases past
their limit, scope, query budget, the page and the API."""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from collections import defaultdict
from collections.abc import Sequence

import pytest
import time_machine
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.people.tests.factories import make_person
from bvct.vetting.models import Case, CaseStep, CaseTransition, CaseType, Status
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.vetting.timeliness import nearest_rank, timeliness_report
from bvct.workdays.calendar import OverrideDay, WorkCalendar
from bvct.workdays.models import WorkdayOverride
from conftest import Tree

TODAY = dt.date(2026, 12, 1)
ADMISSION_PATH = [Status.OPEN, Status.VERIFYING, Status.RESOLVED, Status.ADMITTED]
MAKE_UP_SATURDAY = dt.date(2026, 11, 21)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


def _history(case: Case, stages: Sequence[str], days: list[dt.date]) -> None:
    """Replace the case's history by transitions into `stages` on `days`."""
    CaseTransition.objects.filter(case=case).delete()
    previous = ""
    for stage, day in zip(stages, days, strict=True):
        CaseTransition.objects.create(
            case=case, from_status=previous, to_status=stage, occurred_at=_at(day)
        )
        previous = stage


def _oracle_days(first: dt.date, last: dt.date, calendar: WorkCalendar) -> int:
    """Working days in (first, last], one day at a time."""
    n, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        n += calendar.is_working_day(day)
    return n


def _p90(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


@pytest.fixture
def officer(actors: Actors) -> User:
    return actors.officer


def test_nearest_rank_and_median_on_known_lists() -> None:
    assert nearest_rank([1], 90) == 1
    assert nearest_rank([5, 1, 3, 2, 4], 90) == 5
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank(list(range(1, 21)), 90) == 18
    assert nearest_rank([15, 20, 35, 40, 50], 40) == 20  # the textbook example


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_report_matches_a_brute_force_oracle(tree: Tree, actors: Actors, officer: User) -> None:
    WorkdayOverride.objects.create(
        date=MAKE_UP_SATURDAY, kind="working_day", reason="Làm bù", created_by=officer
    )
    rng = random.Random(20260217)
    period = (dt.date(2026, 2, 1), dt.date(2026, 11, 30))
    calendar = WorkCalendar(
        [OverrideDay(MAKE_UP_SATURDAY, "working_day", "Làm bù")],
        first=dt.date(2025, 10, 1),
        last=dt.date(2026, 12, 31),
    )
    expected: dict[tuple[str, str], list[int]] = defaultdict(list)
    for _ in range(25):
        person = make_person(org_unit=rng.choice([tree.grassroots_a1, tree.branch_a1]))
        case = make_case(person=person, status=Status.RESOLVED)
        day = dt.date(2025, 12, 1) + dt.timedelta(days=rng.randrange(0, 300))
        days = [day]
        for _ in ADMISSION_PATH[1:]:
            day += dt.timedelta(days=rng.randrange(0, 40))
            days.append(day)
        _history(case, ADMISSION_PATH, days)
        for i in range(len(days) - 1):
            if period[0] <= days[i + 1] <= period[1]:
                expected[(CaseType.ADMISSION, ADMISSION_PATH[i])].append(
                    _oracle_days(days[i], days[i + 1], calendar)
                )
    # one case in the other province: never counted
    other = make_case(person=make_person(org_unit=tree.commune_b1), status=Status.VERIFYING)
    _history(other, ADMISSION_PATH[:2], [dt.date(2026, 3, 2), dt.date(2026, 3, 30)])

    root_officer = make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,), clearance=3)
    report = timeliness_report(
        actor=root_officer, node=tree.prov_a, date_from=period[0], date_to=period[1]
    )
    got = {(r.case_type, r.status): r for r in report.rows if r.count}
    assert set(got) == set(expected)
    for key, values in expected.items():
        row = got[key]
        assert row.count == len(values)
        assert row.median == statistics.median(values)
        assert row.p90 == _p90(values)
        assert row.max == max(values)


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_working_days_across_tet_and_the_make_up_saturday(
    tree: Tree, actors: Actors, officer: User
) -> None:
    WorkdayOverride.objects.create(
        date=MAKE_UP_SATURDAY, kind="working_day", reason="Làm bù", created_by=officer
    )
    tet = make_case(person=actors.subject, status=Status.VERIFYING)
    _history(tet, ADMISSION_PATH[:2], [dt.date(2026, 2, 13), dt.date(2026, 2, 27)])
    other = make_case(person=make_person(org_unit=tree.branch_a1), status=Status.VERIFYING)
    # Thu 19/11 → Wed 25/11: Fri 20, Sat 21 (make-up), Mon 23, Wed 25; Tue 24 is a holiday
    _history(
        other,
        ADMISSION_PATH[:3],
        [dt.date(2026, 11, 16), dt.date(2026, 11, 19), dt.date(2026, 11, 25)],
    )
    report = timeliness_report(
        actor=officer, node=tree.commune_a1, date_from=dt.date(2026, 1, 1), date_to=TODAY
    )
    rows = {r.status: r for r in report.rows}
    assert rows[Status.VERIFYING].max == 4
    assert rows[Status.OPEN].count == 2
    # 13/02 → 27/02/2026: ten weekdays, of which Tết takes the days off python-holidays lists
    longest = rows[Status.OPEN].max
    assert longest is not None
    assert longest < 10


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_open_cases_past_their_limit_are_counted_paused_ones_not(
    tree: Tree, actors: Actors, officer: User
) -> None:
    late = make_case(person=actors.subject, status=Status.VERIFYING, started_on=dt.date(2026, 1, 5))
    paused = make_case(
        person=make_person(org_unit=tree.branch_a1),
        status=Status.VERIFYING,
        started_on=dt.date(2026, 1, 5),
    )
    CaseStep.objects.filter(case=paused, ended_on__isnull=True).update(
        paused_on=dt.date(2026, 2, 1)
    )
    make_case(person=make_person(org_unit=tree.branch_a1), status=Status.VERIFYING)  # on time
    far = make_case(
        person=make_person(org_unit=tree.commune_b1),
        status=Status.VERIFYING,
        started_on=dt.date(2026, 1, 5),
    )
    assert late.current_step is not None
    assert far.current_step is not None
    report = timeliness_report(
        actor=officer, node=tree.commune_a1, date_from=dt.date(2026, 11, 1), date_to=TODAY
    )
    rows = {r.status: r for r in report.rows}
    assert rows[Status.VERIFYING].open_overdue == 1
    assert rows[Status.VERIFYING].limit_days == late.current_step.limit.working_days


def test_node_outside_jurisdiction_is_404(tree: Tree, actors: Actors, officer: User) -> None:
    with pytest.raises(Http404):
        timeliness_report(
            actor=officer, node=tree.prov_a, date_from=dt.date(2026, 1, 1), date_to=TODAY
        )
    with pytest.raises(Http404):
        timeliness_report(
            actor=actors.member,
            node=tree.grassroots_a1,
            date_from=dt.date(2026, 1, 1),
            date_to=TODAY,
        )


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_bounded_queries_whatever_the_number_of_cases(
    tree: Tree, actors: Actors, officer: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(12):
        case = make_case(person=make_person(org_unit=tree.branch_a1), status=Status.VERIFYING)
        start = dt.date(2026, 3, 2) + dt.timedelta(days=n)
        _history(
            case,
            ADMISSION_PATH[:3],
            [start, start + dt.timedelta(days=7), start + dt.timedelta(days=30)],
        )
    with django_assert_max_num_queries(5):
        report = timeliness_report(
            actor=officer, node=tree.commune_a1, date_from=dt.date(2026, 1, 1), date_to=TODAY
        )
    assert {r.status: r.count for r in report.rows if r.count} == {
        Status.OPEN: 12,
        Status.VERIFYING: 12,
    }


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_page_and_api_show_the_selectors_numbers(
    client: Client, tree: Tree, actors: Actors, officer: User
) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    _history(case, ADMISSION_PATH[:2], [dt.date(2026, 11, 2), dt.date(2026, 11, 9)])
    expected = timeliness_report(
        actor=officer, node=tree.commune_a1, date_from=dt.date(2026, 10, 1), date_to=TODAY
    )
    assert expected.rows
    client.force_login(officer)
    assert (
        'data-testid="timeliness-empty"' in client.get(reverse("cases:timeliness")).content.decode()
    )  # this month
    page = client.get(reverse("cases:timeliness"), {"preset": "quarter"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="timeliness-table"' in html
    assert html.count('data-testid="timeliness-row"') == len(expected.rows)
    assert "Trung vị" in html or "Median" in html
    custom = client.get(
        reverse("cases:timeliness"),
        {"preset": "custom", "date_from": "01/01/2025", "date_to": "31/01/2025"},
        headers={"HX-Request": "true"},
    )
    assert 'data-testid="timeliness-empty"' in custom.content.decode()
    api = client.get(
        reverse("api:case-timeliness"),
        {"node": str(tree.commune_a1.pk), "date_from": "2026-10-01", "date_to": "2026-12-01"},
    )
    assert api.status_code == 200
    rows = api.json()["rows"]
    assert [(r["status"], r["count"], r["median"], r["p90"], r["max"]) for r in rows] == [
        (r.status, r.count, r.median, r.p90, r.max) for r in expected.rows
    ]
    outside = client.get(
        reverse("api:case-timeliness"),
        {"node": str(tree.prov_b.pk), "date_from": "2026-11-01", "date_to": "2026-12-01"},
    )
    assert outside.status_code == 404


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_time_spent_closed_before_a_reopening_is_not_a_stage(
    tree: Tree, actors: Actors, officer: User
) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    stages = [Status.OPEN, Status.VERIFYING, Status.RESOLVED, Status.REFUSED, Status.VERIFYING]
    days = [dt.date(2026, 10, d) for d in (1, 5, 12, 14, 28)]
    _history(case, stages, days)
    report = timeliness_report(
        actor=officer, node=tree.commune_a1, date_from=dt.date(2026, 10, 1), date_to=TODAY
    )
    counted = {r.status: r.count for r in report.rows if r.count}
    assert counted == {Status.OPEN: 1, Status.VERIFYING: 1, Status.RESOLVED: 1}

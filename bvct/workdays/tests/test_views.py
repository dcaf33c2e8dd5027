from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.workdays.calendar import DayInfo, DayStatus
from bvct.workdays.models import WorkdayOverride
from bvct.workdays.tests.factories import make_override

Kind = WorkdayOverride.Kind
CALENDAR = reverse("workdays:calendar")
CREATE = reverse("workdays:override-create")


def _state() -> tuple[list[tuple[Any, ...]], int]:
    rows = list(WorkdayOverride.objects.order_by("pk").values_list("pk", "date", "kind", "reason"))
    return rows, AuditEvent.objects.count()


def _cell(html: str, iso: str) -> str:
    """The <td> of one day in the month grids."""
    match = re.search(rf'<td class="[^"]*"[^>]*data-date="{iso}">.*?</td>', html, re.S)
    assert match is not None, iso
    return match.group(0)


def _logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- the year page ----------------------------------------------------------------------------


def test_year_page_shows_grids_days_off_and_legend(client: Client, member: User) -> None:
    # when
    response = _logged_in(client, member).get(CALENDAR, {"year": 2025})
    # then
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "workdays/calendar.html"
    html = response.content.decode()
    assert "Lịch ngày làm việc năm 2025" in html
    assert "Năm 2025 có 250 ngày làm việc." in html
    assert "Chú giải" in html
    view = response.context["view"]
    assert [d.date for d in view.days_off][:2] == [date(2025, 1, 1), date(2025, 1, 27)]
    assert (
        "<td>02/05/2025</td><td>Thứ 6</td><td>Ngày nghỉ (thay cho ngày 26/04/2025)</td>"
        "<td>Hoán đổi ngày nghỉ</td>" in html
    )
    assert "<td>26/04/2025</td><td>Thứ 7</td>" in html


def test_month_grids_start_on_monday_and_mark_each_kind_of_day_with_text(
    client: Client, member: User
) -> None:
    # when
    response = _logged_in(client, member).get(CALENDAR, {"year": 2025})
    # then January 2025 starts on a Wednesday: two empty cells, then the 1st
    january = response.context["view"].months[0]
    assert january.weeks[0][:3] == [
        None,
        None,
        DayInfo(date(2025, 1, 1), DayStatus.DAY_OFF, "Tết Dương lịch", january.weeks[0][2].source),
    ]
    assert len(response.context["view"].months) == 12
    html = response.content.decode()
    assert [h.strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)[:7]] == [
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
        "T7",
        "CN",
    ]
    holiday = _cell(html, "2025-04-30")
    assert 'class="wd-day_off"' in holiday
    assert ">nghỉ</span>" in holiday
    assert "Ngày nghỉ: Ngày Chiến thắng" in holiday
    make_up = _cell(html, "2025-04-26")
    assert 'class="wd-make_up"' in make_up
    assert ">bù</span>" in make_up
    weekend = _cell(html, "2025-04-27")
    assert 'class="wd-weekend"' in weekend
    assert "Cuối tuần" in weekend
    working = _cell(html, "2025-04-29")
    assert 'class="wd-working"' in working
    assert "visually-hidden" not in working


def test_year_page_query_budget(
    client: Client, root_admin: User, django_assert_num_queries
) -> None:
    # given
    for day in (date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5)):
        make_override(day=day, kind=Kind.DAY_OFF, created_by=root_admin)
    client = _logged_in(client, root_admin)
    # then: session, user, roles, the user's unit (policy), overrides with their authors
    # +1: the second-factor check (the device that verified the session)
    with django_assert_num_queries(6):
        response = client.get(CALENDAR, {"year": 2025})
    assert response.status_code == 200


@time_machine.travel(date(2026, 3, 2), tick=False)
def test_year_page_defaults_to_the_current_year(client: Client, member: User) -> None:
    # when
    response = _logged_in(client, member).get(CALENDAR)
    # then
    assert response.context["view"].year == 2026
    assert 'aria-current="date"' in _cell(response.content.decode(), "2026-03-02")


@time_machine.travel(date(2026, 3, 2), tick=False)
def test_unsupported_year_shows_an_error_and_the_current_year(client: Client, member: User) -> None:
    # when
    response = _logged_in(client, member).get(CALENDAR, {"year": "2200"})
    # then
    assert response.context["view"].year == 2026
    assert "Năm: nhập năm từ 1995 đến 2100." in response.content.decode()


def test_readers_see_overrides_with_who_and_why_but_no_controls(
    client: Client, root_admin: User, member: User
) -> None:
    # given
    make_override(
        day=date(2025, 12, 24),
        kind=Kind.DAY_OFF,
        reason="Nghỉ theo thông báo 1/TB",
        created_by=root_admin,
    )
    # when
    response = _logged_in(client, member).get(CALENDAR, {"year": 2025})
    # then
    html = response.content.decode()
    assert "Nghỉ theo thông báo 1/TB" in html
    assert root_admin.full_name in html
    assert "<td>24/12/2025</td>" in html
    assert 'data-testid="override-add"' not in html
    assert "/delete/" not in html


def test_national_admin_sees_add_and_remove_controls(client: Client, root_admin: User) -> None:
    # given
    override = make_override(day=date(2025, 12, 24), kind=Kind.DAY_OFF, created_by=root_admin)
    # when
    response = _logged_in(client, root_admin).get(CALENDAR, {"year": 2025})
    # then
    html = response.content.decode()
    assert f'href="{CREATE}" data-testid="override-add"' in html
    assert reverse("workdays:override-delete", args=[override.pk]) in html


# --- the calculator ---------------------------------------------------------------------------


def test_add_calculator_plain_get_renders_the_whole_page(client: Client, member: User) -> None:
    # when
    response = _logged_in(client, member).get(
        CALENDAR, {"calc": "add", "add-start": "24/01/2025", "add-days": "1", "year": "2025"}
    )
    # then
    html = response.content.decode()
    assert "<html" in html
    assert "1 ngày làm việc sau ngày 24/01/2025:" in html
    assert '<strong data-testid="add-result-date">Thứ 2, 03/02/2025</strong>' in html


def test_add_calculator_htmx_gets_only_the_partial(client: Client, member: User) -> None:
    # when
    response = _logged_in(client, member).get(
        CALENDAR,
        {"calc": "add", "add-start": "05/05/2025", "add-days": "-3"},
        headers={"HX-Request": "true"},
    )
    # then
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section class="card mb-3" id="add-calculator"')
    assert "3 ngày làm việc trước ngày 05/05/2025:" in html
    assert '<strong data-testid="add-result-date">Thứ 7, 26/04/2025</strong>' in html


def test_add_calculator_zero_days(client: Client, member: User) -> None:
    # when
    response = _logged_in(client, member).get(
        CALENDAR,
        {"calc": "add", "add-start": "25/01/2025", "add-days": "0"},
        headers={"HX-Request": "true"},
    )
    # then
    html = response.content.decode()
    assert "Ngày làm việc đầu tiên kể từ ngày 25/01/2025:" in html
    assert "Thứ 2, 03/02/2025" in html


def test_add_calculator_shows_inline_errors(client: Client, member: User) -> None:
    # when
    response = _logged_in(client, member).get(
        CALENDAR,
        {"calc": "add", "add-start": "2025/13/01", "add-days": "x"},
        headers={"HX-Request": "true"},
    )
    # then
    html = response.content.decode()
    assert "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 26/04/2025." in html
    assert "Nhập số ngày làm việc là số nguyên, ví dụ 60." in html
    assert 'data-testid="add-result-date"' not in html


def test_add_calculator_names_the_field_beyond_the_calendar(client: Client, member: User) -> None:
    # when
    response = _logged_in(client, member).get(
        CALENDAR,
        {"calc": "add", "add-start": "29/12/2100", "add-days": "5"},
        headers={"HX-Request": "true"},
    )
    # then
    form = response.context["add_form"]
    assert form.errors == {
        "days": ["01/01/2101 nằm ngoài phạm vi lịch được hỗ trợ (từ 01/01/1995 đến 31/12/2100)."]
    }


def test_count_calculator_htmx_and_plain(client: Client, member: User) -> None:
    # given
    query = {"calc": "count", "count-start": "25/04/2025", "count-end": "05/05/2025"}
    client = _logged_in(client, member)
    # when
    partial = client.get(CALENDAR, query, headers={"HX-Request": "true"}).content.decode()
    page = client.get(CALENDAR, query).content.decode()
    # then
    for html in (partial, page):
        assert "Số ngày làm việc từ 25/04/2025 đến 05/05/2025:" in html
        assert '<strong data-testid="count-result-number">4</strong>' in html
    assert partial.lstrip().startswith('<section class="card mb-3" id="count-calculator"')
    assert "<html" in page


def test_count_calculator_negative_count_is_explained(client: Client, member: User) -> None:
    # when
    response = _logged_in(client, member).get(
        CALENDAR,
        {"calc": "count", "count-start": "05/05/2025", "count-end": "25/04/2025"},
        headers={"HX-Request": "true"},
    )
    # then
    html = response.content.decode()
    assert '<strong data-testid="count-result-number">-4</strong>' in html
    assert "(số âm: ngày cuối trước ngày đầu)" in html


# --- overrides: create ------------------------------------------------------------------------


def test_create_form_renders_for_the_national_admin(client: Client, root_admin: User) -> None:
    # when
    response = _logged_in(client, root_admin).get(CREATE)
    # then
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "workdays/override_form.html"
    assert "Thêm điều chỉnh lịch" in response.content.decode()


def test_create_saves_audits_and_returns_to_the_year(client: Client, root_admin: User) -> None:
    # when
    response = _logged_in(client, root_admin).post(
        CREATE, {"date": "24/12/2025", "kind": Kind.DAY_OFF, "reason": "Nghỉ theo thông báo"}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2025"
    override = WorkdayOverride.objects.get()
    assert (override.date, override.kind, override.reason) == (
        date(2025, 12, 24),
        Kind.DAY_OFF,
        "Nghỉ theo thông báo",
    )
    assert AuditEvent.objects.get().action == "workdays.override.create"
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu điều chỉnh lịch ngày 24/12/2025." in page


def test_create_refusal_is_shown_on_the_field_and_nothing_changes(
    client: Client, root_admin: User
) -> None:
    # given
    before = _state()
    # when
    response = _logged_in(client, root_admin).post(
        CREATE, {"date": "06/05/2025", "kind": Kind.WORKING_DAY, "reason": "Làm bù"}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date": ["Ngày: 06/05/2025 đã là ngày làm việc; ngày làm việc bù phải là ngày nghỉ."]
    }
    assert 'aria-invalid="true"' in response.content.decode()
    assert _state() == before


def test_create_invalid_input_is_shown_inline_and_nothing_changes(
    client: Client, root_admin: User
) -> None:
    # given
    before = _state()
    # when
    response = _logged_in(client, root_admin).post(
        CREATE, {"date": "31/02/2025", "kind": Kind.DAY_OFF, "reason": ""}
    )
    # then
    assert response.context["form"].errors == {
        "date": ["Nhập ngày theo dạng dd/mm/yyyy, ví dụ 26/04/2025."],
        "reason": ["Trường này là bắt buộc."],
    }
    assert _state() == before


@pytest.mark.parametrize("actor_name", ["province_admin", "root_officer", "member"])
def test_create_forbidden_to_anyone_but_the_national_admin(
    client: Client, request: pytest.FixtureRequest, actor_name: str
) -> None:
    # given
    client = _logged_in(client, request.getfixturevalue(actor_name))
    before = _state()
    # when
    shown = client.get(CREATE)
    posted = client.post(CREATE, {"date": "24/12/2025", "kind": Kind.DAY_OFF, "reason": "Nghỉ"})
    # then
    assert (shown.status_code, posted.status_code) == (403, 403)
    assert _state() == before


def test_anonymous_is_sent_to_login(client: Client, tree: Any) -> None:
    # when
    response = client.get(CALENDAR)
    posted = client.post(CREATE, {"date": "24/12/2025", "kind": Kind.DAY_OFF, "reason": "x"})
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert posted.status_code == 302
    assert WorkdayOverride.objects.count() == 0


# --- overrides: delete ------------------------------------------------------------------------


def test_delete_removes_audits_and_returns_to_the_year(client: Client, root_admin: User) -> None:
    # given
    override = make_override(day=date(2026, 12, 24), kind=Kind.DAY_OFF, created_by=root_admin)
    # when
    response = _logged_in(client, root_admin).post(
        reverse("workdays:override-delete", args=[override.pk])
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2026"
    assert WorkdayOverride.objects.count() == 0
    assert AuditEvent.objects.get().action == "workdays.override.delete"
    page = client.get(response["Location"]).content.decode()
    assert "Đã xóa điều chỉnh lịch ngày 24/12/2026." in page


@pytest.mark.parametrize("actor_name", ["province_admin", "root_officer", "member"])
def test_delete_forbidden_to_anyone_but_the_national_admin(
    client: Client, request: pytest.FixtureRequest, root_admin: User, actor_name: str
) -> None:
    # given
    override = make_override(day=date(2026, 12, 24), kind=Kind.DAY_OFF, created_by=root_admin)
    client = _logged_in(client, request.getfixturevalue(actor_name))
    before = _state()
    # when
    response = client.post(reverse("workdays:override-delete", args=[override.pk]))
    # then
    assert response.status_code == 403
    assert _state() == before


def test_delete_answers_404_for_a_missing_override_and_405_for_get(
    client: Client, root_admin: User
) -> None:
    # given
    override = make_override(day=date(2026, 12, 24), kind=Kind.DAY_OFF, created_by=root_admin)
    client = _logged_in(client, root_admin)
    before = _state()
    # when
    missing = client.post(reverse("workdays:override-delete", args=[override.pk + 1]))
    fetched = client.get(reverse("workdays:override-delete", args=[override.pk]))
    # then
    assert (missing.status_code, fetched.status_code) == (404, 405)
    assert _state() == before

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.workdays.models import WorkdayOverride
from bvct.workdays.tests.factories import make_override

URL = reverse("api:working-days")
OUT_OF_RANGE = "nằm ngoài phạm vi lịch được hỗ trợ (từ 01/01/1995 đến 31/12/2100)."


@pytest.fixture
def api(client: Client, member: User) -> Client:
    client.force_login(member)
    return client


def test_add_working_days_across_tet(api: Client) -> None:
    # when
    response = api.get(URL, {"start": "2025-01-24", "days": "1"})
    # then
    assert response.status_code == 200
    assert response.json() == {"start": "2025-01-24", "days": 1, "result": "2025-02-03"}


def test_add_working_days_backwards(api: Client) -> None:
    # when
    response = api.get(URL, {"start": "2025-05-05", "days": "-3"})
    # then
    assert response.json() == {"start": "2025-05-05", "days": -3, "result": "2025-04-26"}


def test_count_working_days(api: Client) -> None:
    # when
    response = api.get(URL, {"start": "2025-04-25", "end": "2025-05-05"})
    # then
    assert response.status_code == 200
    assert response.json() == {"start": "2025-04-25", "end": "2025-05-05", "working_days": 4}


def test_overrides_apply(api: Client, root_admin: User) -> None:
    # given
    make_override(day=date(2025, 4, 28), kind=WorkdayOverride.Kind.DAY_OFF, created_by=root_admin)
    # when
    response = api.get(URL, {"start": "2025-04-25", "days": "2"})
    # then
    assert response.json()["result"] == "2025-04-29"


@pytest.mark.parametrize(
    ("query", "field", "detail"),
    [
        ({}, "start", "Tham số “start”: bắt buộc: một ngày viết dạng YYYY-MM-DD."),
        (
            {"start": "24/01/2025", "days": "1"},
            "start",
            "Tham số “start”: cần một ngày viết dạng YYYY-MM-DD, ví dụ 2025-04-26.",
        ),
        (
            {"start": "2025-01-24", "days": "one"},
            "days",
            "Tham số “days”: cần một số nguyên, ví dụ 60.",
        ),
        (
            {"start": "2025-01-24", "days": "10001"},
            "days",
            "Tham số “days”: không được vượt quá 10000.",
        ),
        (
            {"start": "2025-01-24", "days": "-10001"},
            "days",
            "Tham số “days”: phải từ -10000 trở lên.",
        ),
        (
            {"start": "2025-01-24", "end": "2025-02-30"},
            "end",
            "Tham số “end”: cần một ngày viết dạng YYYY-MM-DD, ví dụ 2025-04-26.",
        ),
        (
            {"start": "2025-01-24"},
            "days",
            "Tham số “days” và “end”: cần cho một trong hai (days=N để cộng thêm ngày làm việc, "
            "end=YYYY-MM-DD để đếm số ngày làm việc).",
        ),
        (
            {"start": "2025-01-24", "days": "1", "end": "2025-02-03"},
            "days",
            "Tham số “days” và “end”: chỉ được cho một trong hai.",
        ),
        (
            {"start": "1994-12-31", "days": "1"},
            "start",
            f"Tham số “start”: 31/12/1994 {OUT_OF_RANGE}",
        ),
        (
            {"start": "2025-01-24", "end": "2101-01-01"},
            "end",
            f"Tham số “end”: 01/01/2101 {OUT_OF_RANGE}",
        ),
        (
            {"start": "2100-12-29", "days": "5"},
            "days",
            f"Tham số “days”: 01/01/2101 {OUT_OF_RANGE}",
        ),
    ],
)
def test_invalid_parameters_answer_400_naming_the_parameter(
    api: Client, query: dict[str, str], field: str, detail: str
) -> None:
    # when
    response = api.get(URL, query)
    # then
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "code": "invalid", "field": field}


def test_anonymous_gets_401(client: Client, tree: Any) -> None:
    # when
    response = client.get(URL, {"start": "2025-01-24", "days": "1"})
    # then
    assert response.status_code == 401


def test_schema_documents_the_operation(api: Client) -> None:
    # when
    response = api.get(reverse("api:schema"))
    # then
    schema = yaml.safe_load(response.content)
    operation = schema["paths"]["/api/v1/calendar/working-days/"]["get"]
    assert operation["operationId"] == "calendar_working_days"
    assert [(p["name"], p.get("required", False)) for p in operation["parameters"]] == [
        ("days", False),
        ("end", False),
        ("start", True),
    ]
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    assert set(schema["components"]["schemas"]) >= {
        "WorkingDaysAddOut",
        "WorkingDaysCountOut",
        "CalendarErrorOut",
    }

"""Log lines: JSON with the request id, user, path, status and duration; text for a terminal."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.urls import reverse

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.ops.logs import JsonFormatter, TextFormatter
from conftest import Tree


class Lines(logging.Handler):
    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def json_lines() -> Any:
    handler = Lines(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = logging.getLogger("bvct.request").level
    logging.getLogger("bvct.request").setLevel(logging.INFO)
    yield handler.lines
    root.removeHandler(handler)
    logging.getLogger("bvct.request").setLevel(old_level)


def test_a_request_writes_one_json_access_line_with_its_id_and_user(
    client: Any, tree: Tree, json_lines: list[str]
) -> None:
    officer = make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,))
    client.force_login(officer)
    response = client.get(
        reverse("orgs:unit-search"), {"q": "Nguyễn Văn A"}, HTTP_X_REQUEST_ID="req-0123456789"
    )
    assert response.status_code == 200
    access = [json.loads(line) for line in json_lines if '"bvct.request"' in line]
    assert len(access) == 1
    line = access[0]
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "user_id",
        "method",
        "path",
        "status",
        "duration_ms",
    }
    assert (line["request_id"], line["user_id"], line["status"]) == (
        "req-0123456789",
        officer.pk,
        200,
    )
    assert (line["method"], line["path"], line["message"]) == (
        "GET",
        "/orgs/search/",
        "GET /orgs/search/ 200",
    )
    assert line["duration_ms"] >= 0
    # the query string (a searched name) is never logged
    assert all("Nguy" not in entry and "q=" not in entry for entry in json_lines)


def test_a_line_outside_a_request_and_an_exception_stay_one_json_line() -> None:
    formatter = JsonFormatter()
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        record = logging.LogRecord("bvct.x", logging.ERROR, __file__, 1, "failed %s", ("x",), None)
        import sys  # noqa: PLC0415

        record.exc_info = sys.exc_info()
    text = formatter.format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert (line["level"], line["logger"], line["message"]) == ("ERROR", "bvct.x", "failed x")
    assert "ValueError: bad\nthing" in line["exception"]
    assert "request_id" not in line
    assert "user_id" not in line


def test_text_lines_show_the_request_id(client: Any, db: None) -> None:
    handler = Lines(TextFormatter())
    logger = logging.getLogger("bvct.request")
    logger.addHandler(handler)
    try:
        client.get(reverse("core:healthz"), HTTP_X_REQUEST_ID="req-abcdefgh")
    finally:
        logger.removeHandler(handler)
    assert len(handler.lines) == 1
    assert handler.lines[0].endswith(" INFO bvct.request [req-abcdefgh] GET /healthz 200")

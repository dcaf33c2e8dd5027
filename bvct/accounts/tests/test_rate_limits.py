"""Rate limits on login (per address), search and exports (per user): 429 in Vietnamese,
audited once per window (issue 11 item 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from bvct.access.routes import RATE_LIMITED, ROUTE_POLICY
from bvct.access.tests.test_policy_matrix import iter_named_routes
from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from config.env import parse_rate
from conftest import Tree

START = dt.datetime(2026, 12, 3, 8, 0, 10, tzinfo=dt.UTC)
LIMITS = {"login": (3, 900), "search": (2, 60), "export": (2, 3600)}
pytestmark = pytest.mark.usefixtures("_small_limits")


@pytest.fixture
def _small_limits(settings: pytest.FixtureRequest) -> None:
    settings.BVCT_RATE_LIMITS = LIMITS  # type: ignore[attr-defined]


def _trips() -> list[dict[str, object]]:
    return list(
        AuditEvent.objects.filter(action="security.rate_limit").values_list("data", flat=True)
    )


@time_machine.travel(START, tick=False)
def test_logins_from_one_address_are_limited(tree: Tree) -> None:
    def attempt(address: str) -> Any:
        return TwoFactorClient(REMOTE_ADDR=address).post(
            reverse("accounts:login"), {"username": f"khach{address}", "password": "sai-mat-khau"}
        )

    # given three attempts from one address (different accounts: not the per-account lockout)
    assert [attempt("10.0.0.7").status_code for _ in range(3)] == [200, 200, 200]
    # when a fourth and a fifth come
    refused = attempt("10.0.0.7")
    attempt("10.0.0.7")
    # then they get 429 with a Vietnamese page and the time to wait; one audit event
    assert refused.status_code == 429
    assert "Quá nhiều lần đăng nhập từ máy này" in refused.content.decode()
    assert refused["Retry-After"] == str(900 - 10)
    assert _trips() == [{"scope": "login", "route": "accounts:login", "limit": 3}]
    # another address is not affected, and the page itself (GET) is never limited
    assert attempt("10.0.0.8").status_code == 200
    assert TwoFactorClient(REMOTE_ADDR="10.0.0.7").get(reverse("accounts:login")).status_code == 200


def test_searches_are_limited_per_user_in_the_page_and_the_api(tree: Tree) -> None:
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    other = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    client, api = TwoFactorClient(), TwoFactorClient()
    client.force_login(clerk)
    api.force_login(clerk)
    with time_machine.travel(START, tick=False) as clock:
        assert client.get("/people/", {"q": "Nguyễn"}).status_code == 200
        assert client.get("/people/", {"q": "Trần"}).status_code == 200
        page = client.get("/people/", {"q": "Lê"})
        assert page.status_code == 429
        assert "Quá nhiều lần tìm kiếm" in page.content.decode()
        # the API shares the user's search count and answers JSON
        answer = api.get("/api/v1/people/", {"q": "Lê"}, HTTP_ACCEPT="application/json")
        assert answer.status_code == 429
        assert "Quá nhiều lần tìm kiếm" in answer.json()["detail"]
        # another user searches on
        other_client = TwoFactorClient()
        other_client.force_login(other)
        assert other_client.get("/people/", {"q": "Lê"}).status_code == 200
        # and the next window starts afresh
        clock.shift(dt.timedelta(seconds=60))
        assert client.get("/people/", {"q": "Lê"}).status_code == 200
    assert [trip["scope"] for trip in _trips()] == ["search"]


@time_machine.travel(START, tick=False)
def test_exports_are_limited_per_user(tree: Tree) -> None:
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    client = TwoFactorClient()
    client.force_login(clerk)
    url = reverse("intake:people-export")
    statuses = [client.get(url).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert _trips() == [{"scope": "export", "route": "intake:people-export", "limit": 2}]


def test_every_search_and_export_route_is_limited() -> None:
    names = {name for name, _ in iter_named_routes()}
    assert set(RATE_LIMITED) <= set(ROUTE_POLICY)
    assert set(RATE_LIMITED) <= names
    wanted = {
        name
        for name in names
        if any(word in name for word in ("search", "export", "download", "letter", "picker"))
        and not name.startswith("criteria:")  # rule sets as YAML: configuration, not records
        and not name.startswith("api:criteria")
        # the pages that list, decide or cancel a request for a large export produce no file
        and name
        not in {
            "privacy:export-list",
            "privacy:export-detail",
            "privacy:export-decide",
            "privacy:export-cancel",
        }
    }
    assert sorted(wanted - set(RATE_LIMITED)) == []


@override_settings()
def test_rate_settings_are_parsed_or_refused_with_the_reason() -> None:
    assert parse_rate("X", "30/15m") == (30, 900)
    assert parse_rate("X", "5/h") == (5, 3600)
    assert parse_rate("X", "0/1s") == (0, 1)
    with pytest.raises(ImproperlyConfigured, match="BVCT_RATE_SEARCH must look like 30/15m"):
        parse_rate("BVCT_RATE_SEARCH", "many")

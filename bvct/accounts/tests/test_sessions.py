"""Session rules: idle and absolute limits by clearance, a new key at login, and an end to the
session as soon as the account's access changes or an administrator ends it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bvct.accounts import services
from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import TEST_PASSWORD, make_user
from bvct.accounts.tests.support import TwoFactorClient, log_in_with_code
from bvct.audit.models import AuditEvent
from conftest import Tree

START = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
HOME = "/"


def _login(user: User) -> Client:
    """Through the forms: the password, then the code when the user has an authenticator."""
    client = TwoFactorClient()
    response = log_in_with_code(client, user, TEST_PASSWORD)
    assert response.status_code == 302
    return client


def _in(client: Client) -> bool:
    """Whether the client still has a session: the home page answers, not the login page."""
    return client.get(HOME).status_code == 200


@pytest.mark.parametrize(
    ("clearance", "idle_ok", "idle_out"),
    [(1, 14, 16), (3, 14, 16), (0, 59, 61)],
)
def test_idle_limit_depends_on_clearance(
    tree: Tree, clearance: int, idle_ok: int, idle_out: int
) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=clearance)
    with time_machine.travel(START, tick=False) as clock:
        client = _login(user)
        clock.shift(dt.timedelta(minutes=idle_ok))
        assert _in(client)
        clock.shift(dt.timedelta(minutes=idle_out))
        response = client.get(HOME)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    event = AuditEvent.objects.filter(action="accounts.session.end").get()
    assert (event.actor, event.data) == (user, {"reason": "idle"})


@pytest.mark.parametrize(("clearance", "hours"), [(2, 12), (0, 24)])
def test_absolute_limit_even_when_active(tree: Tree, clearance: int, hours: int) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), clearance=clearance)
    with time_machine.travel(START, tick=False) as clock:
        client = _login(user)
        for _ in range(hours * 6 - 1):  # a request every 10 minutes
            clock.shift(dt.timedelta(minutes=10))
            assert _in(client)
        clock.shift(dt.timedelta(minutes=11))
        assert not _in(client)
    assert AuditEvent.objects.get(action="accounts.session.end").data == {"reason": "absolute"}


def test_login_gives_a_new_session_key(tree: Tree) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    client = TwoFactorClient()
    client.get(reverse("accounts:login"))
    client.cookies["sessionid"] = "attacker-chosen-key"
    client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-key"
    assert _in(client)


@pytest.mark.parametrize("change", ["clearance", "roles", "org_unit", "deactivate"])
def test_a_change_of_access_ends_the_session_on_the_next_request(tree: Tree, change: str) -> None:
    admin = make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,), clearance=3)
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=1)
    client = _login(user)
    assert _in(client)
    fields: dict[str, Any] = {
        "full_name": user.full_name,
        "org_unit": user.org_unit,
        "roles": ["officer"],
        "clearance": 1,
        "is_active": True,
    }
    changes: dict[str, dict[str, Any]] = {
        "clearance": {"clearance": 2},
        "roles": {"roles": ["officer", "clerk"]},
        "org_unit": {"org_unit": tree.commune_a2},
        "deactivate": {"is_active": False},
    }
    fields.update(changes[change])
    services.user_update(user=user, actor=admin, **fields)
    assert not _in(client)


def test_an_administrator_ends_a_users_sessions(tree: Tree) -> None:
    admin = make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,), clearance=1)
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    first, second = _login(user), _login(user)
    admin_client = TwoFactorClient()
    admin_client.force_login(admin)
    response = admin_client.post(reverse("accounts:user-end-sessions", args=[user.pk]))
    assert response.status_code == 302
    assert not _in(first)
    assert not _in(second)
    assert (
        AuditEvent.objects.filter(
            action="accounts.user.sessions_end", target_id=str(user.pk)
        ).count()
        == 1
    )
    assert _in(_login(user))  # logging in again works
    # an administrator of another province cannot
    other = make_user(org_unit=tree.prov_b, roles=(RoleCode.ADMIN,), clearance=1)
    outsider = TwoFactorClient()
    outsider.force_login(other)
    assert outsider.post(reverse("accounts:user-end-sessions", args=[user.pk])).status_code == 404


def test_api_calls_get_401_when_the_session_ended(tree: Tree) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=1)
    with time_machine.travel(START, tick=False) as clock:
        client = _login(user)
        clock.shift(dt.timedelta(minutes=20))
        response = client.get("/api/v1/cases/", HTTP_ACCEPT="application/json")
    assert response.status_code == 401

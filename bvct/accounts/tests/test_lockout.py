"""Lockout: five failures per account within 15 minutes lock it for 15 minutes; the page never
tells an unknown user, a wrong password and a locked account apart; an administrator unlocks."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.urls import reverse

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import TEST_PASSWORD, make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from conftest import Tree

START = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


def _attempt(username: str, password: str) -> tuple[int, str]:
    response = TwoFactorClient().post(
        reverse("accounts:login"), {"username": username, "password": password}
    )
    body = response.content.decode()
    # the page without its per-response token and nonce
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return response.status_code, body


def test_five_failures_lock_the_account_and_the_page_stays_the_same(tree: Tree) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), username="van.thu")
    with time_machine.travel(START, tick=False) as clock:
        wrong = [_attempt("van.thu", "wrong-password-1234") for _ in range(5)]
        locked = _attempt("van.thu", TEST_PASSWORD)  # the right password, but locked
        unknown = _attempt("khong.co.ai", "wrong-password-1234")
        assert wrong[0][0] == locked[0] == unknown[0] == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in locked[1]
        assert locked[1].replace("van.thu", "X") == wrong[0][1].replace("van.thu", "X")
        assert unknown[1].replace("khong.co.ai", "X") == wrong[0][1].replace("van.thu", "X")
        client = TwoFactorClient()
        client.post(reverse("accounts:login"), {"username": "van.thu", "password": TEST_PASSWORD})
        assert client.get("/").status_code == 302  # not logged in
        # after the cool-off the right password works
        clock.shift(dt.timedelta(minutes=16))
        client = TwoFactorClient()
        response = client.post(
            reverse("accounts:login"), {"username": "van.thu", "password": TEST_PASSWORD}
        )
        assert response.status_code == 302
        assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.login.failure").count() >= 6
    assert user.pk


def test_four_failures_do_not_lock(tree: Tree) -> None:
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), username="can.bo")
    for _ in range(4):
        _attempt("can.bo", "wrong-password-1234")
    client = TwoFactorClient()
    client.post(reverse("accounts:login"), {"username": "can.bo", "password": TEST_PASSWORD})
    assert client.get("/").status_code == 200


def test_an_administrator_unlocks(tree: Tree) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), username="bi.khoa")
    admin = make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,))
    for _ in range(5):
        _attempt("bi.khoa", "wrong-password-1234")
    admin_client = TwoFactorClient()
    admin_client.force_login(admin)
    response = admin_client.post(reverse("accounts:user-unlock", args=[user.pk]))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="accounts.user.unlock")
    assert event.data == {"attempts_cleared": 1}  # one record holding the five failures
    client = TwoFactorClient()
    client.post(reverse("accounts:login"), {"username": "bi.khoa", "password": TEST_PASSWORD})
    assert client.get("/").status_code == 200

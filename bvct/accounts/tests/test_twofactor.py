"""Two-factor login end to end through the real forms: password → code (issue 11 item 1)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from bvct.accounts import services
from bvct.accounts.models import RecoveryCode, RoleCode, User
from bvct.accounts.tests.factories import TEST_PASSWORD, make_user
from bvct.accounts.tests.support import TwoFactorClient, give_authenticator
from bvct.accounts.twofactor import next_code
from bvct.audit.models import AuditEvent
from conftest import Tree

# 5 s into a 30 s time step: a shift of a few seconds stays in the same step
START = dt.datetime(2026, 12, 3, 8, 0, 5, tzinfo=dt.UTC)
LOGIN, VERIFY, ENROL = "/accounts/login/", "/accounts/2fa/", "/accounts/2fa/enrol/"


def _password(client: TwoFactorClient, user: User) -> str:
    response = client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


@pytest.fixture
def officer(tree: Tree) -> User:
    return make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), username="can.bo")


def test_an_officer_enrols_and_a_code_is_never_accepted_twice(officer: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        _enrol_then_log_in_twice(officer, clock)


def _enrol_then_log_in_twice(officer: User, clock: Any) -> None:
    # given an officer without an authenticator, after the password
    client = TwoFactorClient()
    assert _password(client, officer) == ENROL
    # then the session reaches nothing else: pages go to enrolment, the API answers 401
    assert client.get("/people/")["Location"] == f"{ENROL}?next=%2Fpeople%2F"
    assert client.get("/api/v1/me/").status_code == 401
    # when they open enrolment: a QR code drawn on the server and the secret as text
    page = client.get(ENROL).content.decode()
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page)
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None
    assert secret.group(1).replace(" ", "") in device.config_url
    # a wrong first code is refused and audited
    refused = client.post(ENROL, {"code": "000000" if next_code(device) != "000000" else "1"})
    assert "Mã: sai hoặc đã dùng" in refused.content.decode()
    clock.shift(2)  # a wrong code makes the device wait a second
    # the right one confirms the app and shows the recovery codes, once
    code = next_code(device)
    assert code is not None
    shown = client.post(ENROL, {"code": code})
    codes = re.findall(r"<li>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</li>", shown.text)
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    # when they log in again in the same half-minute, the code used for enrolment is refused
    again = TwoFactorClient()
    assert _password(again, officer) == VERIFY
    reused = again.post(VERIFY, {"code": code})
    assert reused.status_code == 200
    assert again.get("/").status_code == 302
    clock.shift(2)
    # the next code works once, and only once
    device.refresh_from_db()
    following = next_code(device)
    assert following is not None
    assert following != code
    assert again.post(VERIFY, {"code": following})["Location"] == "/"
    assert again.get("/").status_code == 200
    third = TwoFactorClient()
    _password(third, officer)
    assert third.post(VERIFY, {"code": following}).status_code == 200
    assert third.get("/").status_code == 302
    assert _actions() == [
        "accounts.login.password",
        "accounts.otp.enrol_start",
        "accounts.otp.failure",
        "accounts.otp.enrol",
        "accounts.login.password",
        "accounts.otp.failure",
        "accounts.login.success",
        "accounts.login.password",
        "accounts.otp.failure",
    ]


@time_machine.travel(START, tick=False)
def test_a_recovery_code_is_stored_hashed_and_works_once(officer: User) -> None:
    # given an officer with an authenticator and recovery codes
    give_authenticator(officer)
    codes = services.recovery_codes_regenerate(user=officer, actor=officer)
    # then no code is stored as it was shown
    digests = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(digests) == 10
    assert not {code.replace("-", "") for code in codes} & digests
    assert not set(codes) & digests
    # when they log in with one, typed in lower case
    client = TwoFactorClient()
    _password(client, officer)
    assert client.post(VERIFY, {"code": codes[0].lower()})["Location"] == "/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action="accounts.otp.recovery_use").get()
    assert event.data == {"codes_left": 9}
    # then the same code does not work a second time
    other = TwoFactorClient()
    _password(other, officer)
    assert other.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert other.get("/").status_code == 302


@time_machine.travel(START, tick=False)
def test_a_clerk_logs_in_with_the_password_and_may_add_an_app(tree: Tree) -> None:
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    client = TwoFactorClient()
    assert _password(client, clerk) == "/"
    assert client.get("/").status_code == 200
    assert _actions() == ["accounts.login.success"]
    page = client.get(reverse("accounts:otp-settings")).content.decode()
    assert 'href="/accounts/2fa/enrol/"' in page
    # once they added one, their logins ask for a code too
    device = services.otp_enrol_start(user=clerk)
    code = next_code(device)
    assert code is not None
    assert services.otp_enrol_confirm(user=clerk, token=code) is not None
    assert _password(TwoFactorClient(), clerk) == VERIFY


def test_wrong_codes_are_throttled_then_lock_the_account(officer: User) -> None:
    device = give_authenticator(officer)
    with time_machine.travel(START, tick=False) as clock:
        client = TwoFactorClient()
        _password(client, officer)
        wrong = "123456" if next_code(device) != "123456" else "654321"
        # after one wrong code the device waits a second: even the right code is refused now
        assert "Mã: sai hoặc đã dùng" in client.post(VERIFY, {"code": wrong}).text
        refused = client.post(VERIFY, {"code": next_code(device)})
        assert "giây trước khi thử lại" in refused.text
        # three more wrong codes lock the account: five failed attempts in all
        for _ in range(2):
            clock.shift(dt.timedelta(seconds=10))
            assert client.post(VERIFY, {"code": wrong}).status_code == 200
        ended = client.post(VERIFY, {"code": wrong})
        assert ended["Location"] == LOGIN
        assert client.get("/").status_code == 302  # the session has ended
        # the right password is refused now, with the page of a wrong password
        locked = TwoFactorClient().post(
            LOGIN, {"username": officer.username, "password": TEST_PASSWORD}
        )
        assert locked.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in locked.text
    assert AuditEvent.objects.filter(action="accounts.otp.failure").count() == 5


def test_an_administrator_resets_a_lost_second_factor(tree: Tree, officer: User) -> None:
    # given an officer logged in with both factors, and an administrator
    give_authenticator(officer)
    services.recovery_codes_regenerate(user=officer, actor=officer)
    officer_client = TwoFactorClient()
    officer_client.force_login(officer)
    assert officer_client.get("/").status_code == 200
    admin = make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,))
    admin_client = TwoFactorClient()
    admin_client.force_login(admin)
    # when the administrator resets the officer's second factor
    response = admin_client.post(reverse("accounts:user-otp-reset", args=[officer.pk]))
    # then the devices are gone, the officer's session ended, and the next login enrols again
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not RecoveryCode.objects.filter(device__user=officer).exists()
    assert officer_client.get("/").status_code == 302
    assert _password(TwoFactorClient(), officer) == ENROL
    event = AuditEvent.objects.get(action="accounts.user.otp_reset")
    assert (event.actor, event.target_id, event.data) == (
        admin,
        str(officer.pk),
        {"devices_removed": 1},
    )

"""Test clients that log in with both factors (issue 11: two-factor login).

`client.force_login(user)` with these clients logs the user in the way a person would end up
after the password *and* the code: Django's `login()`, then — for a user who must use two steps
(`policy.requires_two_factor`) or already has an authenticator — django-otp's own
`django_otp.login()` with the user's confirmed TOTP device, created for them if they have none.
That is test set-up, not a mock: the session then goes through the real middleware, which looks
the device up on every request like for any verified session. A user who needs no second factor
and has no device is logged in with the password step only, which is a complete login for them.

The root conftest.py makes these the `client`, `client_factory` and `api_client` fixtures. The
real two-step flow (password → code) is tested end to end in `test_twofactor.py` and the browser
test of enrolment.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from bvct.access.policy import TWO_FACTOR_ROLES
from bvct.accounts.models import User
from bvct.accounts.twofactor import next_code

TEST_DEVICE_NAME = "test authenticator"


def give_authenticator(user: User) -> TOTPDevice:
    """The user's confirmed authenticator; a new one when they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)
    return device


def needs_authenticator(user: User) -> bool:
    return (
        user.roles.filter(code__in=TWO_FACTOR_ROLES).exists()
        or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


class TwoFactorLoginMixin:
    """Django's `Client._login` (a fake request carrying the session), plus the second factor."""

    session: Any

    def _login(self, user: User, backend: str | None = None) -> None:
        request = HttpRequest()
        if self.session:
            request.session = self.session
        else:
            engine = import_module(settings.SESSION_ENGINE)
            request.session = engine.SessionStore()
        login(request, user, backend)
        if needs_authenticator(user):
            request.user = user  # django-otp binds the device to the request's user
            django_otp.login(request, give_authenticator(user))
            assert request.session[django_otp.DEVICE_ID_SESSION_KEY]
        request.session.save()
        self._set_login_cookies(request)  # type: ignore[attr-defined]


class TwoFactorClient(TwoFactorLoginMixin, Client):
    pass


class TwoFactorAPIClient(TwoFactorLoginMixin, APIClient):
    pass


def log_in_with_code(client: Client, user: User, password: str) -> Any:
    """The real two-step login through the forms: the password, then — when the login page
    sends the user to the code page — the code their authenticator shows now (a user who must
    have an authenticator is given one first). Returns the last response."""
    if needs_authenticator(user):
        give_authenticator(user)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": password}
    )
    if response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:otp-verify")
    ):
        code = next_code(give_authenticator(user))
        assert code is not None, "both usable codes of this time step were used"
        response = client.post(reverse("accounts:otp-verify"), {"code": code})
    return response

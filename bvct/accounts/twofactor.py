"""Two-factor login (issue 11 item 1, OWASP ASVS 5.0 V6.5): TOTP through django-otp, with
recovery codes.

* Users holding a role of `access.policy.TWO_FACTOR_ROLES` must have a confirmed authenticator
  (TOTP device); the others may add one. Once a user has one, every login asks for a code.
* The password step logs the user in with Django (a new session key), but such a session is
  *password-only*: `RoutePolicyMiddleware` lets it reach only the routes marked
  `second_factor_step` (code, enrolment, logout); a page request goes to the code page (or to
  enrolment when the user must have a device and has none), an API call gets 401.
* A code verified through django-otp (`django_otp.login`) makes the session complete; the
  device is looked up again on every request (django-otp's middleware), so an administrator's
  reset takes effect at once. A TOTP code is accepted once: django-otp keeps the last time step
  used (`last_t`) and accepts only later ones.
* Wrong codes: each one is a failed login of the account for django-axes (five failures in
  15 minutes, password or code, lock the account and end the session) and makes the device wait
  2^(n-1) seconds before the next try (django-otp's throttling, which a new password login does
  not reset). Logins from one address are also rate-limited (`accounts.ratelimit`).
"""

from __future__ import annotations

import base64
import enum
import io
import time

import qrcode
import qrcode.image.svg
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bvct.access import policy
from bvct.accounts.models import RecoveryCodeDevice, User

REDIRECT_FIELD = "next"


class State(enum.Enum):
    COMPLETE = "complete"  # verified, or a user without a device who does not need one
    VERIFY = "verify"  # has a device: must enter a code
    ENROL = "enrol"  # must have a device and has none


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def recovery_device(user: User) -> RecoveryCodeDevice | None:
    device: RecoveryCodeDevice | None = RecoveryCodeDevice.objects.filter(
        user=user, confirmed=True
    ).first()
    return device


def is_verified(user: User) -> bool:
    checker = getattr(user, "is_verified", None)  # installed by django-otp's middleware
    return bool(checker and checker())


def session_state(user: User) -> State:
    if is_verified(user):
        return State.COMPLETE
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return State.VERIFY
    if policy.requires_two_factor(user):
        return State.ENROL
    return State.COMPLETE


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


def step_url(state: State, next_url: str | None) -> str:
    """The page of the second-factor step, carrying where to go afterwards."""
    name = "accounts:otp-verify" if state is State.VERIFY else "accounts:otp-enrol"
    url = reverse(name)
    return f"{url}?{urlencode({REDIRECT_FIELD: next_url})}" if next_url else url


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app without a camera."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code, drawn on the server, as a data: URI for an <img>
    (no script, no inline style: the page's CSP allows images from data:)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def next_code(device: TOTPDevice, now: float | None = None) -> str | None:
    """The code the server accepts next from this device: the current one, or the next time
    step's when the current one was already used (django-otp's tolerance allows one step
    ahead). None when both are used: wait for the next step."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if now is None else now
    current = totp.t()
    for step in range(current, current + device.tolerance + 1):
        if step > device.last_t:
            return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
    return None

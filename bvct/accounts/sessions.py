"""Session rules (issue 11, OWASP ASVS 5.0 V7): an idle limit and an absolute limit that depend
on the user's clearance, and a session that ends as soon as the account's access changes.

* cleared users (clearance Mật or above): 15 minutes idle, 12 hours in all;
  others: 1 hour idle, 24 hours in all (settings `BVCT_SESSION_*`);
* the *access stamp* — active flag, node, roles, clearance and the administrator's
  `session_epoch` — is written into the session at login; when it no longer matches, the session
  ends on the next request: deactivating a user, moving them, changing their roles or clearance,
  or **ending their sessions** from the user page all take effect at once;
* Django's own login gives a new session key (`cycle_key`), and a password change invalidates the
  other sessions (the session auth hash).

A session that ends is an audit event (`accounts.session.end`, with the reason); a page request
goes to the login page with a message, an API call gets 401.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from bvct.accounts.models import User
from bvct.audit.services import audit_record

STARTED, SEEN, STAMP = "bvct_started", "bvct_seen", "bvct_stamp"
TOUCH_EVERY = 30  # seconds: the last-seen time is written at most this often


def limits(user: User) -> tuple[int, int]:
    """(idle, absolute) seconds for the user's sessions."""
    if user.clearance >= 1:
        return settings.BVCT_SESSION_CLEARED_IDLE, settings.BVCT_SESSION_CLEARED_MAX
    return settings.BVCT_SESSION_IDLE, settings.BVCT_SESSION_MAX


def access_stamp(user: User) -> str:
    roles = ",".join(sorted(user.role_codes))
    raw = f"{user.is_active}|{user.org_unit_id}|{roles}|{user.clearance}|{user.session_epoch}"
    return hashlib.sha256(raw.encode()).hexdigest()


def session_start(request: HttpRequest, user: User) -> None:
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session[STAMP] = access_stamp(user)


def session_restamp(request: HttpRequest, user: User) -> None:
    """The session stays valid after its own user's access stamp changed (e.g. enrolment ends
    the account's other sessions, not this one)."""
    request.session[STAMP] = access_stamp(user)


def on_login(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        session_start(request, user)


def ended_because(request: HttpRequest, user: User, now: float) -> str | None:
    session = request.session
    idle, absolute = limits(user)
    if session.get(STAMP) != access_stamp(user):
        return "access_changed"
    if now - session.get(SEEN, now) > idle:
        return "idle"
    if now - session.get(STARTED, now) > absolute:
        return "absolute"
    return None


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        assert isinstance(user, User)  # noqa: S101 (AUTH_USER_MODEL)
        now = time.time()
        if STARTED not in request.session:
            session_start(request, user)  # a session older than these rules
        else:
            reason = ended_because(request, user, now)
            if reason is not None:
                return self._end(request, user, reason)
            if now - request.session.get(SEEN, 0) >= TOUCH_EVERY:
                request.session[SEEN] = int(now)
        return self.get_response(request)

    def _end(self, request: HttpRequest, user: User, reason: str) -> HttpResponse:
        audit_record(actor=user, action="accounts.session.end", data={"reason": reason})
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Authentication required."}, status=401)
        messages.info(
            request,
            _(
                "Your session has ended (inactivity, time limit or a change to your account): "
                "log in again."
            ),
        )
        return redirect_to_login(request.get_full_path())

"""Rate limits (issue 11 item 2), beside the per-account lockout of django-axes.

Scopes and their settings (`BVCT_RATE_LIMITS`, "count/period"):

* ``login``  — password and second-factor posts, per client address (`BVCT_RATE_LOGIN`);
* ``search`` — the search boxes and the people search API, per user (`BVCT_RATE_SEARCH`);
* ``export`` — XLSX/DOCX exports and document downloads, per user (`BVCT_RATE_EXPORT`).

Which route belongs to which scope is the table `bvct.access.routes.RATE_LIMITED`. Counts live
in the database (`RateCounter`, one row per key and fixed window), so every process and every
server on the same database shares them, on SQLite and PostgreSQL alike; one statement
increments a counter atomically (INSERT … ON CONFLICT DO UPDATE … RETURNING). The request over
the limit gets 429 with a Vietnamese message (an HTML page, or JSON under /api/) and a
`Retry-After` header; the first refusal in a window is an audit event (`security.rate_limit`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bvct.access.routes import RATE_LIMITED
from bvct.accounts.models import RateCounter, User
from bvct.audit.services import audit_record
from bvct.core.middleware import client_ip

_TABLE = RateCounter._meta.db_table  # our own table name, never user input
_INCREMENT_SQL = (
    f"INSERT INTO {_TABLE} (key, window_start, hits) VALUES (%s, %s, 1) "  # noqa: S608
    f"ON CONFLICT (key, window_start) DO UPDATE SET hits = {_TABLE}.hits + 1 RETURNING hits"
)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends


def hit(scope: str, who: str, *, now: float | None = None) -> Verdict:
    """Count one request of `who` (a user id or an address) in `scope`."""
    limit, period = settings.BVCT_RATE_LIMITS[scope]
    moment = int(time.time() if now is None else now)
    window = moment - moment % period
    if limit == 0:
        return Verdict(allowed=True, count=0, limit=0, retry_after=0)
    with connection.cursor() as cursor:  # one statement: atomic by itself
        cursor.execute(_INCREMENT_SQL, [f"{scope}:{who}", window])
        (count,) = cursor.fetchone()
    if count == 1 and moment % 97 == 0:  # now and then, forget windows long past
        RateCounter.objects.filter(window_start__lt=moment - 2 * 86400).delete()
    return Verdict(
        allowed=count <= limit, count=count, limit=limit, retry_after=window + period - moment
    )


def _who(request: HttpRequest, scope: str) -> str:
    if scope != "login" and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request) or 'unknown'}"


def refused(request: HttpRequest, scope: str, verdict: Verdict) -> HttpResponse:
    message = {
        "login": _(
            "Too many login attempts from this computer. Wait %(minutes)s minutes and try again."
        ),
        "search": _("Too many searches in a short time. Wait %(minutes)s minutes and try again."),
        "export": _(
            "Too many exports and downloads in a short time. Wait %(minutes)s minutes and "
            "try again."
        ),
    }[scope] % {"minutes": max(1, -(-verdict.retry_after // 60))}
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _record_trip(request: HttpRequest, scope: str, verdict: Verdict, route: str) -> None:
    user = request.user if isinstance(request.user, User) else None
    audit_record(
        actor=user,
        action="security.rate_limit",
        org_unit=user.org_unit if user else None,
        data={"scope": scope, "route": route, "limit": verdict.limit},
    )


class RateLimitMiddleware:
    """Applies `RATE_LIMITED` after the route policy (a refused request is not counted)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        route = match.view_name if match else ""
        rule = RATE_LIMITED.get(route)
        if rule is None or request.method not in rule.methods:
            return None
        verdict = hit(rule.scope, _who(request, rule.scope))
        if verdict.allowed:
            return None
        if verdict.count == verdict.limit + 1:  # the first refusal of the window
            _record_trip(request, rule.scope, verdict, route)
        return refused(request, rule.scope, verdict)

"""Typed request for views (Healthchecks style)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from bvct.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    request_id: str


class BvctHttpRequest(HttpRequest):
    request_id: str

"""The only module that reads or writes HX-* headers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def htmx_target(request: HttpRequest) -> str:
    return request.headers.get("HX-Target", "")


def htmx_redirect(response: HttpResponse, url: str) -> HttpResponse:
    response["HX-Redirect"] = url
    return response

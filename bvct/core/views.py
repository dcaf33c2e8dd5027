from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.http import require_GET

from bvct.core import selectors
from bvct.core.types import AuthenticatedHttpRequest
from bvct.ops import selectors as ops_selectors


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "roles": sorted(request.user.roles.all(), key=lambda r: r.code),
        "attention": selectors.attention_items_for(actor=request.user),
    }
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Public, for monitors and load balancers: 200 when the primary database answers, 503 when
    it does not. Says nothing but "ok"/"unreachable" (no version, host or error text)."""
    state = ops_selectors.health()
    return JsonResponse(state.as_json(), status=200 if state.ok else 503)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler404`: the API answers a path it does not know (e.g. `/api/v1/cases/x/`) in JSON,
    with the same body as a missing object; pages get the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)

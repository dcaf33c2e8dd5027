from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bvct.core import selectors
from bvct.core.types import AuthenticatedHttpRequest


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "roles": sorted(request.user.roles.all(), key=lambda r: r.code),
        "attention": selectors.attention_items_for(actor=request.user),
    }
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})

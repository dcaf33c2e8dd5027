from __future__ import annotations

from django.http import Http404, HttpResponse

from bvct.core.types import AuthenticatedHttpRequest


def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    raise Http404


def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    raise Http404


def user_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    raise Http404

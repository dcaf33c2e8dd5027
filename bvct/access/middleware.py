"""Enforces `routes.ROUTE_POLICY` for every resolved view. Fails closed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse

from bvct.access.policy import jurisdiction_root
from bvct.access.routes import ROUTE_POLICY, RoutePolicy
from bvct.accounts import twofactor
from bvct.accounts.models import User

logger = logging.getLogger(__name__)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _deny(request: HttpRequest, status: int) -> HttpResponse:
    if _is_api(request):
        detail = "Authentication required." if status == 401 else "Permission denied."  # noqa: PLR2004
        return JsonResponse({"detail": detail}, status=status)
    raise PermissionDenied


class RoutePolicyMiddleware:
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
        name = match.view_name if match else ""
        policy = ROUTE_POLICY.get(name)
        if policy is None:
            logger.error("route %r has no entry in ROUTE_POLICY: refused", name)
            return _deny(request, 403)
        if policy.public:
            return None
        if not request.user.is_authenticated:
            if _is_api(request):
                return _deny(request, 401)
            return redirect_to_login(request.get_full_path())
        step = None if policy.second_factor_step else _second_factor_step(request)
        if step is None and not _role_allows(request.user, policy):
            return _deny(request, 403)
        return step


def _second_factor_step(request: HttpRequest) -> HttpResponse | None:
    """A password-only session reaches no protected route (`accounts.twofactor`)."""
    assert isinstance(request.user, User)  # noqa: S101 (authenticated: checked by the caller)
    state = twofactor.session_state(request.user)
    if state is twofactor.State.COMPLETE:
        return None
    if _is_api(request):
        return JsonResponse({"detail": "Second factor required."}, status=401)
    return HttpResponseRedirect(twofactor.step_url(state, request.get_full_path()))


def _role_allows(user: User, policy: RoutePolicy) -> bool:
    if not user.is_active or not user.has_role(*policy.roles):
        return False
    if policy.root_only:
        root = jurisdiction_root(user)
        return root is not None and root.is_root()
    return True

"""User management and the sign-in views (Django's, subclassed to record the sign-in trail)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from typing_extensions import override

from bvct.accounts import selectors, services
from bvct.accounts.forms import (
    LoginForm,
    PasswordChangeBootstrapForm,
    UserCreateForm,
    UserUpdateForm,
)
from bvct.accounts.models import Clearance, RoleCode
from bvct.core.errors import DomainError
from bvct.core.htmx import is_htmx
from bvct.core.types import AuthenticatedHttpRequest

PAGE_SIZE = 50
FORM_TEMPLATE = "accounts/user_form.html"

# --- sign-in ----------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    @override
    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        services.login_success_record(user=form.get_user())
        return response

    @override
    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        services.login_failure_record(username=str(form.data.get("username", "")))
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    @override
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.logout_record(user=request.user)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = PasswordChangeBootstrapForm
    success_url = reverse_lazy("core:home")

    @override
    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = form.user
        try:
            services.user_password_change(
                user=user, password=form.cleaned_data["new_password1"], actor=user
            )
        except DomainError as exc:
            form.add_error("new_password1", exc.message)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(self.get_success_url())


# --- user management --------------------------------------------------------------------------


def _filters(params: QueryDict) -> selectors.UserFilters:
    return selectors.UserFilters(
        query=params.get("q", "").strip(),
        role=params.get("role", ""),
        status=params.get("status", ""),
        incomplete=params.get("incomplete") == "1",
    )


@require_GET
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = _filters(request.GET)
    users = selectors.user_list_for_actor(actor=request.user, filters=filters)
    context = {
        "page": Paginator(users, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "role_choices": [*RoleCode.choices, (selectors.NO_ROLE, _("No role"))],
        "clearance_labels": dict(Clearance.choices),
    }
    template = "accounts/user_list.html"
    return render(request, f"{template}#results" if is_htmx(request) else template, context)


def _unit_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: the unit a typed code resolves to, among the units the admin may place users in."""
    code = request.GET.get("org_unit_code", "")
    unit = selectors.org_unit_for_placement(actor=request.user, code=code)
    return render(request, f"{FORM_TEMPLATE}#unit-preview", {"unit": unit, "code": code})


@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if is_htmx(request) and request.method == "GET":
        return _unit_preview(request)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                full_name=data["full_name"],
                org_unit=form.org_unit,
                roles=data["roles"],
                clearance=data["clearance"],
                password=data["password1"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("User “%(username)s” created.") % {"username": user})
            return redirect("accounts:user-list")
    return render(request, FORM_TEMPLATE, {"form": form, "target": None})


@require_http_methods(["GET", "POST"])
def user_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get_for_actor(actor=request.user, pk=pk)
    if is_htmx(request) and request.method == "GET":
        return _unit_preview(request)
    initial = UserUpdateForm.initial_for(target)
    form = UserUpdateForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                user=target,
                full_name=data["full_name"],
                org_unit=form.org_unit,
                roles=data["roles"],
                clearance=data["clearance"],
                is_active=data["is_active"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("User “%(username)s” saved.") % {"username": target})
            return redirect("accounts:user-list")
    return render(request, FORM_TEMPLATE, {"form": form, "target": target})


@require_POST
def user_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get_for_actor(actor=request.user, pk=pk)
    try:
        services.user_unlock(user=target, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(username)s” may log in again.") % {"username": target})
    return redirect("accounts:user-update", pk=target.pk)


@require_POST
def user_sessions_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get_for_actor(actor=request.user, pk=pk)
    try:
        services.user_sessions_end(user=target, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Every session of “%(username)s” has ended.") % {"username": target}
        )
    return redirect("accounts:user-update", pk=target.pk)

"""User management and the sign-in views (Django's, subclassed to record the sign-in trail)."""

from __future__ import annotations

from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from typing_extensions import override

from bvct.access import policy
from bvct.accounts import selectors, services, sessions, twofactor
from bvct.accounts.forms import (
    EnrolForm,
    LoginForm,
    PasswordChangeBootstrapForm,
    SecondFactorForm,
    UserCreateForm,
    UserUpdateForm,
)
from bvct.accounts.models import Clearance, RoleCode, User
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
        user = form.get_user()
        state = twofactor.session_state(user)
        if state is twofactor.State.COMPLETE:
            services.login_success_record(user=user)
            return response
        services.login_password_record(user=user)
        return redirect(twofactor.step_url(state, self.get_redirect_url() or None))

    @override
    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        services.login_failure_record(username=str(form.data.get("username", "")))
        return super().form_invalid(form)


# --- second factor (accounts.twofactor) -------------------------------------------------------


def _next(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def _account_locked(request: HttpRequest, user: User) -> bool:
    return bool(AxesProxyHandler.is_locked(request, {"username": user.username}))


def _end_locked(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.error(
        request,
        _(
            "Too many wrong codes or passwords: the account is locked for a while. Log in "
            "again later, or ask an administrator to unlock it."
        ),
    )
    return redirect("accounts:login")


def _wrong_code(request: HttpRequest, user: User, form: SecondFactorForm) -> HttpResponse | None:
    """Count a wrong code as a failed login of the account (django-axes); end the session when
    that locks the account, else explain on the form."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )
    if getattr(request, "axes_locked_out", False) or _account_locked(request, user):
        request.axes_locked_out = False  # type: ignore[attr-defined]  # we answer below
        return _end_locked(request)
    wait = services.second_factor_wait(user)
    if wait:
        form.add_error(
            "code",
            _("Code: wrong or already used. Wait %(seconds)s seconds before the next try.")
            % {"seconds": wait},
        )
    else:
        form.add_error("code", _("Code: wrong or already used. Type the code shown now."))
    return None


def _complete(request: HttpRequest, user: User, device: Any) -> None:
    request.session.cycle_key()  # a new session key once the login is complete
    django_otp.login(request, device)
    sessions.session_restamp(request, user)


@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The code after the password (an authenticator code or a recovery code)."""
    user = request.user
    state = twofactor.session_state(user)
    if state is twofactor.State.COMPLETE:
        return redirect(twofactor.safe_next(request, _next(request)))
    if state is twofactor.State.ENROL:
        return redirect(twofactor.step_url(state, _next(request) or None))
    if _account_locked(request, user):
        return _end_locked(request)
    form = SecondFactorForm(request.POST or None, initial={"next": _next(request)})
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=user, token=form.cleaned_data["code"])
        if device is not None:
            _complete(request, user, device)
            return redirect(twofactor.safe_next(request, form.cleaned_data["next"]))
        ended = _wrong_code(request, user, form)
        if ended is not None:
            return ended
    return render(request, "accounts/otp_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def otp_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add an authenticator app: QR code and secret, confirmed by a first code; then the
    recovery codes, shown once."""
    user = request.user
    if twofactor.totp_device(user) is not None:
        if twofactor.is_verified(user):
            return redirect("accounts:otp-settings")
        return redirect(twofactor.step_url(twofactor.State.VERIFY, _next(request) or None))
    if _account_locked(request, user):
        return _end_locked(request)
    device = services.otp_enrol_start(user=user)
    form = EnrolForm(request.POST or None, initial={"next": _next(request)})
    if request.method == "POST" and form.is_valid():
        result = services.otp_enrol_confirm(user=user, token=form.cleaned_data["code"])
        if result is not None:
            confirmed, codes = result
            _complete(request, user, confirmed)
            return _recovery_codes_page(request, codes, form.cleaned_data["next"])
        ended = _wrong_code(request, user, form)
        if ended is not None:
            return ended
    context = {
        "form": form,
        "qr": twofactor.qr_data_uri(device),
        "secret": twofactor.secret_text(device),
        "required": policy.requires_two_factor(user),
    }
    return render(request, "accounts/otp_enrol.html", context)


def _recovery_codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    context = {"codes": codes, "next": twofactor.safe_next(request, next_url)}
    return render(request, "accounts/otp_recovery_codes.html", context)


@require_GET
def otp_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    device = twofactor.totp_device(user)
    recovery = twofactor.recovery_device(user)
    context = {
        "device": device,
        "codes_left": recovery.codes_left() if recovery else 0,
        "required": policy.requires_two_factor(user),
    }
    return render(request, "accounts/otp_settings.html", context)


@require_POST
def otp_recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        codes = services.recovery_codes_regenerate(user=request.user, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:otp-settings")
    return _recovery_codes_page(request, codes, "")


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
def user_otp_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get_for_actor(actor=request.user, pk=pk)
    try:
        services.user_otp_reset(user=target, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "The second factor of “%(username)s” has been removed and their sessions ended: "
                "they add an authenticator app at their next login."
            )
            % {"username": target},
        )
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

"""Writes for user accounts: create and update users, and the sign-in trail.

Each service validates, writes and records one audit event in one transaction. Refusals raise
`DomainError` (with `field`) before anything is written. Passwords never reach the audit log.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from bvct.access import policy
from bvct.accounts.models import (
    Clearance,
    RecoveryCode,
    RecoveryCodeDevice,
    Role,
    RoleCode,
    User,
    recovery_digest,
)
from bvct.audit.services import audit_record, changes
from bvct.core.errors import AccessDenied, DomainError
from bvct.core.text import nfc
from bvct.orgs.models import OrgUnit

USERNAME_MAX_LENGTH = 150


def user_summary(user: User) -> dict[str, Any]:
    """What the audit log keeps about an account: references and levels, no personal data."""
    return {
        "roles": sorted(user.role_codes),
        "org_unit": user.org_unit.code if user.org_unit else None,
        "clearance": user.clearance,
        "is_active": user.is_active,
    }


# --- validation helpers -----------------------------------------------------------------------


def _require_user_admin(actor: User) -> None:
    if not policy.is_user_admin(actor):
        raise AccessDenied(_("Only administrators manage users."))


def _clean_full_name(full_name: str) -> str:
    cleaned = nfc(full_name)
    if not cleaned:
        raise DomainError(_("Full name: enter the user's full name."), field="full_name")
    return cleaned


def _clean_roles(roles: Iterable[str]) -> frozenset[str]:
    codes = frozenset(roles)
    for code in sorted(codes):
        if code not in RoleCode.values:
            raise DomainError(_("Roles: unknown role “%(code)s”.") % {"code": code}, field="roles")
    return codes


def _check_org_unit(*, actor: User, org_unit: OrgUnit | None, roles: frozenset[str]) -> None:
    staff_roles = roles & policy.STAFF_ROLES
    if org_unit is None and staff_roles:
        labels = ", ".join(str(RoleCode(code).label) for code in sorted(staff_roles))
        raise DomainError(
            _("Unit: a user with a staff role (%(roles)s) must belong to a unit.")
            % {"roles": labels},
            field="org_unit",
        )
    if not policy.can_place_user_in(actor, org_unit):
        if org_unit is None:
            message = _("Unit: only national administrators may leave a user without a unit.")
        else:
            message = _("Unit: “%(unit)s” is outside your jurisdiction.") % {
                "unit": f"{org_unit.code} — {org_unit.name}"
            }
        raise DomainError(message, field="org_unit")
    if org_unit is not None and org_unit.valid_to is not None:
        raise DomainError(
            _("Unit: “%(unit)s” ended on %(date)s; choose the unit that succeeded it.")
            % {"unit": org_unit.name, "date": date_format(org_unit.valid_to, "d/m/Y")},
            field="org_unit",
        )


def _check_clearance(*, actor: User, clearance: int, current: int | None) -> None:
    if clearance not in Clearance.values:
        raise DomainError(
            _("Clearance: unknown level %(level)s.") % {"level": clearance}, field="clearance"
        )
    if clearance != current and not policy.can_grant_clearance(actor, clearance):
        raise DomainError(
            _("Clearance: you cannot grant “%(level)s”, which is above your own (“%(own)s”).")
            % {"level": Clearance(clearance).label, "own": Clearance(actor.clearance).label},
            field="clearance",
        )


def _password_reason(error: ValidationError) -> str:
    """Our own wording for the validators in settings (Django's Vietnamese catalogue lags)."""
    params = error.params or {}
    reasons = {
        "password_too_short": lambda: (
            _("it has fewer than %(min_length)d characters")
            % {"min_length": params.get("min_length", 0)}
        ),
        "password_too_similar": lambda: (
            _("it is too similar to the %(verbose_name)s")
            % {"verbose_name": params.get("verbose_name", "")}
        ),
        "password_too_common": lambda: _("it is too common"),
        "password_entirely_numeric": lambda: _("it has only digits"),
    }
    reason = reasons.get(error.code or "")
    return reason() if reason else " ".join(error.messages)


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        reasons = "; ".join(_password_reason(error) for error in exc.error_list)
        raise DomainError(
            _("Password: %(reasons)s.") % {"reasons": reasons}, field="password"
        ) from exc


def _full_clean(user: User) -> None:
    """Model validation (username characters, lengths), reported as one field's message."""
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        text = " ".join(messages)
        if name == NON_FIELD_ERRORS:
            raise DomainError(text) from exc
        label = str(getattr(User._meta.get_field(name), "verbose_name", name)).capitalize()
        raise DomainError(f"{label}: {text}", field=name) from exc


def _clean_username(username: str) -> str:
    cleaned = username.strip()
    if not cleaned:
        raise DomainError(_("Username: enter a username."), field="username")
    if User.objects.filter(username__iexact=cleaned).exists():
        raise DomainError(
            _("Username: “%(username)s” is already in use.") % {"username": cleaned},
            field="username",
        )
    return cleaned


def _set_roles(user: User, codes: frozenset[str]) -> None:
    user.roles.set(Role.objects.filter(code__in=codes))
    user._role_codes = codes  # the cached role codes now reflect the new set


# --- user management --------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    org_unit: OrgUnit | None,
    roles: Iterable[str],
    clearance: int,
    password: str,
    actor: User,
) -> User:
    _require_user_admin(actor)
    username = _clean_username(username)
    full_name = _clean_full_name(full_name)
    codes = _clean_roles(roles)
    _check_org_unit(actor=actor, org_unit=org_unit, roles=codes)
    _check_clearance(actor=actor, clearance=clearance, current=None)
    user = User(username=username, full_name=full_name, org_unit=org_unit, clearance=clearance)
    _check_password(password, user)
    user.set_password(password)
    _full_clean(user)
    user.save()
    _set_roles(user, codes)
    audit_record(
        actor=actor,
        action="accounts.user.create",
        target=user,
        org_unit=org_unit,
        data=changes({}, user_summary(user)),
    )
    return user


def _check_self_lockout(*, actor: User, user: User, roles: frozenset[str], is_active: bool) -> None:
    if user.pk != actor.pk:
        return
    if not is_active:
        raise DomainError(_("Active: you cannot deactivate your own account."), field="is_active")
    if RoleCode.ADMIN not in roles:
        raise DomainError(_("Roles: you cannot remove your own administrator role."), field="roles")


@transaction.atomic
def user_update(
    *,
    user: User,
    full_name: str,
    org_unit: OrgUnit | None,
    roles: Iterable[str],
    clearance: int,
    is_active: bool,
    actor: User,
) -> User:
    _require_user_admin(actor)
    locked = User.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=user.pk)
    if not policy.can_manage_user(actor, locked):
        raise AccessDenied(_("You may not manage this user."))
    full_name = _clean_full_name(full_name)
    codes = _clean_roles(roles)
    _check_self_lockout(actor=actor, user=locked, roles=codes, is_active=is_active)
    if org_unit is None or org_unit != locked.org_unit:
        _check_org_unit(actor=actor, org_unit=org_unit, roles=codes)
    _check_clearance(actor=actor, clearance=clearance, current=locked.clearance)
    old = {**user_summary(locked), "full_name": locked.full_name}
    locked.full_name = full_name
    locked.org_unit = org_unit
    locked.clearance = clearance
    locked.is_active = is_active
    _full_clean(locked)
    locked.save(update_fields=["full_name", "org_unit", "clearance", "is_active"])
    _set_roles(locked, codes)
    new = {**user_summary(locked), "full_name": locked.full_name}
    audit_record(
        actor=actor,
        action="accounts.user.update",
        target=locked,
        org_unit=org_unit,
        data=changes(old, new, sensitive=frozenset({"full_name"})),
    )
    return locked


@transaction.atomic
def user_sessions_end(*, user: User, actor: User) -> User:
    """End every session of the user now (their next request goes to the login page)."""
    _require_user_admin(actor)
    locked = User.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=user.pk)
    if not policy.can_manage_user(actor, locked):
        raise AccessDenied(_("You may not manage this user."))
    locked.session_epoch += 1
    locked.save(update_fields=["session_epoch"])
    audit_record(
        actor=actor, action="accounts.user.sessions_end", target=locked, org_unit=locked.org_unit
    )
    return locked


@transaction.atomic
def user_unlock(*, user: User, actor: User) -> int:
    """Clear the failed logins that locked the account; returns how many were cleared."""
    from axes.utils import reset  # noqa: PLC0415 (django-axes needs the settings loaded)

    _require_user_admin(actor)
    if not policy.can_manage_user(actor, user):
        raise AccessDenied(_("You may not manage this user."))
    cleared = int(reset(username=user.username))
    audit_record(
        actor=actor,
        action="accounts.user.unlock",
        target=user,
        org_unit=user.org_unit,
        data={"attempts_cleared": cleared},
    )
    return cleared


@transaction.atomic
def user_password_change(*, user: User, password: str, actor: User) -> User:
    """A user changes their own password (already checked by the form against the old one)."""
    if actor.pk != user.pk:
        raise AccessDenied(_("You may only change your own password."))
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="accounts.password.change",
        target=user,
        org_unit=user.org_unit,
        data={"password": "[changed]"},
    )
    return user


# --- sign-in trail ----------------------------------------------------------------------------


def _axes_reset(user: User) -> None:
    from axes.utils import reset  # noqa: PLC0415 (django-axes needs the settings loaded)

    reset(username=user.username)


@transaction.atomic
def login_success_record(*, user: User, second_factor: str | None = None) -> None:
    """A complete login: the password, and the second factor when the user has one. Clears the
    account's failed attempts (passwords and codes)."""
    _axes_reset(user)
    audit_record(
        actor=user,
        action="accounts.login.success",
        target=user,
        org_unit=user.org_unit,
        data={"second_factor": second_factor},
    )


@transaction.atomic
def login_password_record(*, user: User) -> None:
    """The password was right; the session waits for the second factor."""
    audit_record(actor=user, action="accounts.login.password", target=user, org_unit=user.org_unit)


@transaction.atomic
def login_failure_record(*, username: str) -> None:
    """A refused sign-in: the username attempted (never the password), linked to the account
    when one has that username, so the auditor of its unit sees it."""
    attempted = username.strip()[:USERNAME_MAX_LENGTH]
    account = (
        User.objects.select_related("org_unit").filter(username=attempted).first()
        if attempted
        else None
    )
    audit_record(
        actor=None,
        action="accounts.login.failure",
        target=account,
        org_unit=account.org_unit if account else None,
        data={"username": attempted},
    )


@transaction.atomic
def logout_record(*, user: User) -> None:
    audit_record(actor=user, action="accounts.logout", target=user, org_unit=user.org_unit)


# --- second factor (bvct.accounts.twofactor) -------------------------------------------------

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16))  # 80 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _replace_recovery_codes(user: User) -> list[str]:
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "recovery", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [_new_recovery_code() for _ in range(settings.BVCT_RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def otp_enrol_start(*, user: User) -> TOTPDevice:
    """The authenticator being added: a new secret, kept (unconfirmed) until the first code
    proves the app has it. Reloading the page keeps the same secret."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise DomainError(_("You already have an authenticator app."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        audit_record(
            actor=user, action="accounts.otp.enrol_start", target=user, org_unit=user.org_unit
        )
    return device


def _record_otp_failure(user: User, step: str) -> None:
    audit_record(
        actor=user,
        action="accounts.otp.failure",
        target=user,
        org_unit=user.org_unit,
        data={"step": step},
    )


@transaction.atomic
def otp_enrol_confirm(*, user: User, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the new authenticator with its first code and issue recovery codes (returned
    once, stored hashed). None (and an audited failure) when the code is wrong."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None or not device.verify_token(token.strip()):
        _record_otp_failure(user, "enrol")
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _replace_recovery_codes(user)
    user.session_epoch += 1  # other sessions of the account end: its factors changed
    user.save(update_fields=["session_epoch"])
    _axes_reset(user)
    audit_record(
        actor=user,
        action="accounts.otp.enrol",
        target=user,
        org_unit=user.org_unit,
        data={"recovery_codes": len(codes)},
    )
    return device, codes


def _looks_like_totp(token: str) -> bool:
    return token.isdigit() and len(token) in {6, 8}


@transaction.atomic
def second_factor_verify(*, user: User, token: str) -> Device | None:
    """Check a code from the authenticator app or a recovery code (single use). Audited either
    way: a success completes the login (`accounts.login.success`, or
    `accounts.otp.recovery_use` with the codes left), a wrong code is `accounts.otp.failure`."""
    token = token.strip().replace(" ", "")
    device: Device | None
    if _looks_like_totp(token):
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        kind = "totp"
    else:
        device = (
            RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        )
        kind = "recovery"
    if device is None or not device.verify_token(token):
        _record_otp_failure(user, kind)
        return None
    _axes_reset(user)
    if isinstance(device, RecoveryCodeDevice):
        audit_record(
            actor=user,
            action="accounts.otp.recovery_use",
            target=user,
            org_unit=user.org_unit,
            data={"codes_left": device.codes_left()},
        )
    else:
        audit_record(
            actor=user,
            action="accounts.login.success",
            target=user,
            org_unit=user.org_unit,
            data={"second_factor": kind},
        )
    return device


def second_factor_wait(user: User) -> int:
    """Seconds the user's authenticator still refuses codes after wrong ones (0: none)."""
    wait = 0
    for device in (
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *RecoveryCodeDevice.objects.filter(user=user, confirmed=True),
    ):
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            wait = max(wait, int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
    return wait


@transaction.atomic
def recovery_codes_regenerate(*, user: User, actor: User) -> list[str]:
    """New recovery codes for one's own account (the old ones stop working)."""
    if actor.pk != user.pk:
        raise AccessDenied(_("You may only renew your own recovery codes."))
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise DomainError(_("Add an authenticator app first."))
    codes = _replace_recovery_codes(user)
    audit_record(
        actor=actor,
        action="accounts.otp.recovery_codes",
        target=user,
        org_unit=user.org_unit,
        data={"recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def user_otp_reset(*, user: User, actor: User) -> int:
    """An administrator removes the user's authenticator and recovery codes (a lost phone) and
    ends their sessions; at the next login they enrol again. Returns the devices removed."""
    _require_user_admin(actor)
    locked = User.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=user.pk)
    if not policy.can_manage_user(actor, locked):
        raise AccessDenied(_("You may not manage this user."))
    removed, _detail = TOTPDevice.objects.filter(user=locked).delete()
    RecoveryCodeDevice.objects.filter(user=locked).delete()
    locked.session_epoch += 1
    locked.save(update_fields=["session_epoch"])
    audit_record(
        actor=actor,
        action="accounts.user.otp_reset",
        target=locked,
        org_unit=locked.org_unit,
        data={"devices_removed": removed},
    )
    return int(removed)


DEMO_DEVICE_NAME = "demo"  # `bvct otp code` prints codes only for devices with this name


def demo_authenticator_ensure(*, user: User) -> bool:
    """Demo only (`bvct demo`, refused in production): give a user who must log in with two
    steps a demo authenticator, whose current code `bvct otp code USER` prints. Users who
    added their own app keep it. Returns True when one was created."""
    if settings.IS_PRODUCTION:
        raise DomainError("demo authenticators are refused in production mode")
    if not policy.requires_two_factor(user):
        return False
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
    return True


def demo_code(*, username: str) -> str:
    """The code a demo authenticator shows now (see `demo_authenticator_ensure`)."""
    from bvct.accounts.twofactor import next_code  # noqa: PLC0415

    if settings.IS_PRODUCTION or not settings.BVCT_DEMO_OTP_CODES:
        raise DomainError(
            "bvct otp code works only in the demo (development mode with BVCT_DEBUG on)."
        )
    device = TOTPDevice.objects.filter(
        user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
    ).first()
    if device is None:
        raise DomainError(
            f"“{username}” has no demo authenticator (only the demo's officers, approvers, "
            "registrars, auditors and admin have one; a user's own app stays on their phone)."
        )
    code = next_code(device)
    if code is None:
        raise DomainError("Both codes of this half-minute were used: try again in a moment.")
    return code

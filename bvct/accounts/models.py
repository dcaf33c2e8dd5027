"""Staff users: one node of the tree, a set of roles and a clearance."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from bvct.core.text import fold, nfc


class Clearance(models.IntegerChoices):
    NONE = 0, _("None")
    MAT = 1, _("Confidential (Mật)")
    TOI_MAT = 2, _("Secret (Tối mật)")
    TUYET_MAT = 3, _("Top secret (Tuyệt mật)")


class RoleCode(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    OFFICER = "officer", _("Officer")
    APPROVER = "approver", _("Approver")
    INSPECTOR = "inspector", _("Inspector")
    REGISTRAR = "registrar", _("Registrar")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Party member")


class Role(models.Model):
    """One row per RoleCode; created by migration 0002, never edited."""

    code = models.CharField(max_length=20, primary_key=True, choices=RoleCode.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return str(RoleCode(self.code).label)


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp is untyped
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation unit"),
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("roles"))
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Clearance.choices, default=Clearance.NONE
    )
    # Raised by an administrator to end every session of the user (`accounts.sessions`).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Diacritic-insensitive search key over full name and username (see `bvct.core.text.fold`).
    search_key = models.CharField(
        max_length=320, db_index=True, editable=False, blank=True, default=""
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(clearance__gte=0) & models.Q(clearance__lte=3),
                name="user_clearance_range",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Storage normalisation, not business logic: the name is NFC, the search key is derived.
        self.full_name = nfc(self.full_name)
        self.search_key = fold(f"{self.full_name} {self.username}")
        update_fields: Iterable[str] | None = kwargs.get("update_fields")
        if update_fields is not None and {"full_name", "username"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    @property
    def role_codes(self) -> frozenset[str]:
        """Roles of this user, loaded once per instance (one query, then cached)."""
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            if self._state.adding:  # not saved yet: no roles
                cached = frozenset()
            else:
                cached = frozenset(self.roles.values_list("code", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))


# --- second factor: recovery codes ----------------------------------------------------------


def recovery_digest(code: str) -> str:
    """SHA-256 of a recovery code as typed, with spaces, dashes and case ignored. The codes are
    80 random bits each, so a fast hash is enough: there is nothing to guess from the digest."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCodeDevice(ThrottlingMixin, Device):  # type: ignore[misc]  # untyped bases
    """The user's recovery codes, as a django-otp device: a session verified with one is a
    verified session like one verified with the authenticator app. Codes are stored hashed, are
    shown once when generated, and each works once."""

    class Meta(Device.Meta):  # type: ignore[misc]  # django-otp is untyped
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self) -> int:
        factor: int = settings.OTP_TOTP_THROTTLE_FACTOR
        return factor

    def codes_left(self) -> int:
        left: int = self.codes.filter(used_at__isnull=True).count()
        return left

    def verify_token(self, token: str) -> bool:
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(digest=recovery_digest(token), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if used:
            self.throttle_reset(commit=False)
            self.save(update_fields=["throttling_failure_timestamp", "throttling_failure_count"])
            return True
        self.throttle_increment(commit=True)
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


# --- rate limits ------------------------------------------------------------------------------


class RateCounter(models.Model):
    """Requests counted in one fixed window for one key (scope + user or client address).
    Shared by every process through the database; incremented atomically
    (`bvct.accounts.ratelimit`)."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # Unix seconds
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_key_window"),
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.hits}"

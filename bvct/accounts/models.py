"""Staff users: one node of the tree, a set of roles and a clearance."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="users", verbose_name=_("organisation unit"),
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("roles"))
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Clearance.choices, default=Clearance.NONE
    )

    objects = UserManager()

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

    @property
    def role_codes(self) -> frozenset[str]:
        """Roles of this user, loaded once per instance (one query, then cached)."""
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            if self.pk is None:
                cached = frozenset()
            else:
                cached = frozenset(self.roles.values_list("code", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

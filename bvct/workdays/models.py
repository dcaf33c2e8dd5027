"""Admin-edited exceptions to the Vietnamese public-holiday calendar (python-holidays)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bvct.core.models import TimeStampedModel


class WorkdayOverride(TimeStampedModel):
    """One date whose working-day status an administrator set by hand (unique per date).

    Written only by `bvct.workdays.services`; read by `bvct.workdays.calendar`.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["day_off", "working_day"]),
                name="workday_override_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="workday_override_reason_present"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"

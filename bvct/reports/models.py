"""Submitted periodic reports (issue 10): the figures of a node's subtree for a period, frozen
when submitted (a later change to the records does not change them), numbered "Số N-BC/…" and
sent to the superior node, which sees its children's reports side by side."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Six months")
    YEAR = "year", _("Year")


class PeriodicReport(models.Model):
    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    part = models.PositiveSmallIntegerField(_("part"))  # month, quarter or half; 1 for a year
    starts_on = models.DateField()
    ends_on = models.DateField()
    version = models.PositiveSmallIntegerField(default=1)  # a corrected report is a new version
    reference = models.CharField(_("number and symbol"), max_length=80)
    data = models.JSONField()  # the frozen figures (see `figures.Rollup.as_data`)
    clearance = models.PositiveSmallIntegerField()  # the figures cover records up to this level
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    submitted_to = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("periodic report")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "period", "year", "part", "version"], name="report_version_once"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="report_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

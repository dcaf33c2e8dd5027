"""Self-declared history (lý lịch, form 2-KNĐ): numbered versions per person.

A version is a draft until it is submitted; a submitted version never changes again. Services
refuse to touch it, and the database refuses too: triggers (migration 0002) abort any UPDATE of a
row whose status is "submitted", and on PostgreSQL any DELETE. A correction is a new version,
started from a copy of the latest submitted one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bvct.core.fields import SealedJSONField, SealedModel
from bvct.core.models import TimeStampedModel


class Declaration(SealedModel, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Declared by the member in the portal")
        PAPER = "paper", _("Entered from paper by staff")

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("person"),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    channel = models.CharField(_("entered through"), max_length=10, choices=Channel.choices)
    content = SealedJSONField(_("content"), default=dict)  # encrypted at rest
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from version"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    findings = models.JSONField(
        _("linter findings at submission"),
        default=list,
        blank=True,
        help_text=_("The warnings shown when the version was submitted."),
    )

    class Meta:
        verbose_name = _("self-declared history")
        verbose_name_plural = _("self-declared histories")
        ordering = ["person", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="declaration_unique_number"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="draft"), name="declaration_one_draft"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="declaration_number_positive"),
            models.CheckConstraint(
                condition=(
                    Q(status="draft", submitted_at__isnull=True, submitted_by__isnull=True)
                    | Q(status="submitted", submitted_at__isnull=False, submitted_by__isnull=False)
                ),
                name="declaration_submission_recorded",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.person} — v{self.number} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_from_paper(self) -> bool:
        return self.channel == self.Channel.PAPER

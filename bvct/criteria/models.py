"""Criteria as versioned data: rule sets, their dated versions, citations, rules and evaluations.

A rule set (e.g. "examples for party admission") has numbered versions. A version serves one or
more purposes, is in force from `effective_from` to `effective_to` (BOTH INCLUSIVE; no end = open)
and goes draft → published → retired. "Retired" means superseded by a later published version of
the same rule set: it still answers for the dates in its range (old evaluations stay explainable);
only drafts are never used. Rules name a `kind` from the static registry in `kinds.py` (never an
import path) and carry validated `params`. Each stored `Evaluation` keeps the version that produced
it and the full trace.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bvct.core.models import TimeStampedModel


class Purpose(models.TextChoices):
    ADMISSION = "admission", _("Admission to the Party")
    COMMITTEE_SEAT = "committee_seat", _("Party committee seat")
    KEY_POST = "key_post", _("Key post")
    CONFIDENTIAL_POST = "confidential_post", _("Confidential post")
    PLANNING_TRAINING = "planning_training", _("Planning and training")
    ELECTION_CANDIDACY = "election_candidacy", _("Election candidacy")


class Outcome(models.TextChoices):
    """Ordered from mildest to most severe (see `SEVERITY`)."""

    MEETS = "meets", _("Meets the standard")
    NEEDS_APPROVAL = "needs_approval", _("Needs a higher body's approval")
    NEEDS_VERIFICATION = "needs_verification", _("Needs more verification")
    DOES_NOT_MEET = "does_not_meet", _("Does not meet the standard")


# Severity used by the "most severe wins" policy: a pending verification may still end in "does
# not meet", so it ranks above a conditional pass ("needs approval").
SEVERITY: dict[str, int] = {
    Outcome.MEETS: 0,
    Outcome.NEEDS_APPROVAL: 1,
    Outcome.NEEDS_VERIFICATION: 2,
    Outcome.DOES_NOT_MEET: 3,
}


class Combining(models.TextChoices):
    MOST_SEVERE = "most_severe", _("Most severe result wins")
    FIRST_MATCH = "first_match", _("First rule that applies, by priority")


class RuleSet(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RuleSetVersion(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired (superseded)")

    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="versions", verbose_name=_("rule set")
    )
    number = models.PositiveIntegerField(_("version"))
    description = models.TextField(_("description"), blank=True)
    purposes = models.JSONField(_("purposes"), default=list)
    effective_from = models.DateField(_("in force from (inclusive)"))
    effective_to = models.DateField(_("in force until (inclusive)"), null=True, blank=True)
    combining = models.CharField(_("combining policy"), max_length=20, choices=Combining.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    is_example = models.BooleanField(
        _("example"),
        default=False,
        help_text=_("An example shipped with BVCT, to be replaced by the official criteria."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rule-set version")
        verbose_name_plural = _("rule-set versions")
        ordering = ["ruleset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "number"], name="ruleset_version_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="ruleset_version_range",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", approver__isnull=True, published_at__isnull=True)
                | (~Q(status="draft") & Q(approver__isnull=False, published_at__isnull=False)),
                name="ruleset_version_approval_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ruleset.code} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def in_force_on(self, day: datetime.date) -> bool:
        """Both ends inclusive: in force on `effective_from` and on `effective_to`."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class Citation(models.Model):
    class Confidence(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        SECONDARY = "secondary", _("Secondary source only")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")

    version = models.ForeignKey(RuleSetVersion, on_delete=models.CASCADE, related_name="citations")
    position = models.PositiveSmallIntegerField(_("position"))
    document_type = models.CharField(_("document type"), max_length=60)
    number = models.CharField(_("number"), max_length=60)
    issuer = models.CharField(_("issuer"), max_length=120)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    article = models.CharField(_("article"), max_length=120, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.document_type} {self.number}"


class Criterion(models.Model):
    """One rule: a registry kind, its params, and the outcome when it applies."""

    version = models.ForeignKey(RuleSetVersion, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    outcome = models.CharField(_("outcome when it applies"), max_length=20, choices=Outcome.choices)
    priority = models.PositiveIntegerField(_("priority"), default=100)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="criterion_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class Evaluation(models.Model):
    """A stored evaluation: the person, purpose and date, the version used, outcome and trace."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="evaluations"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    as_of = models.DateField(_("evaluated as of"))
    version = models.ForeignKey(
        RuleSetVersion, on_delete=models.PROTECT, related_name="evaluations"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    trace = models.JSONField(_("trace"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluated by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["person", "purpose", "as_of"], name="evaluation_lookup_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.purpose} {self.as_of}: {self.outcome}"

"""Cases (vụ thẩm tra), their history, legal clocks and routing (domain.md §3 (a)–(c), §8).

The states and transitions of each case type live in `workflow.py`; time limits are rows of
`StepLimit` (seeded from `defaults.py`), never constants in code. Only the services in
`services.py` and `clocks.py` write these tables.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    ADMISSION = "admission", _("Admission verification")
    APPRAISAL = "appraisal", _("Political-standard appraisal")
    HISTORY = "history", _("Political-history conclusion")


class Purpose(models.TextChoices):
    """What a political-standard appraisal is for (only appraisals have a purpose)."""

    COMMITTEE_SEAT = "committee_seat", _("Party committee seat")
    KEY_POST = "key_post", _("Key post")
    CONFIDENTIAL_POST = "confidential_post", _("Confidential post")
    PLANNING_TRAINING = "planning_training", _("Planning or training")
    ELECTION_CANDIDACY = "election_candidacy", _("Election candidacy")


class Status(models.TextChoices):
    OPEN = "open", _("Opened")
    SCREENING = "screening", _("Screening the dossier")
    VERIFYING = "verifying", _("Verifying")
    RESOLVED = "resolved", _("Chi bộ resolution adopted, awaiting the decision")
    ADMITTED = "admitted", _("Admitted, awaiting the ceremony")
    CEREMONY_HELD = "ceremony_held", _("Admission ceremony held")
    REFUSED = "refused", _("Refused")
    DECISION_ISSUED = "decision_issued", _("Verification decision issued")
    REVIEW = "review", _("Report and review")
    CONCLUDED = "concluded", _("Concluded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True)


class Case(models.Model):
    Status = Status

    case_type = models.CharField(_("case type"), max_length=20, choices=CaseType.choices)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases", verbose_name=_("subject")
    )
    status = models.CharField(_("stage"), max_length=20, choices=Status.choices)
    holding_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="held_cases",
        verbose_name=_("unit holding the file"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    subject_matter = models.TextField(_("what is being verified"), blank=True)
    verification_decision = models.CharField(
        _("verification decision"),
        max_length=120,
        blank=True,
        help_text=_("Number and date of the competent committee's decision to verify."),
    )
    current_step = models.OneToOneField(
        "CaseStep",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current step"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects: ClassVar[models.Manager[Case]] = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "case_type", "purpose"],
                condition=Q(closed_at__isnull=True),
                name="case_one_open_per_person_type_purpose",
            ),
            models.CheckConstraint(
                condition=(Q(case_type="appraisal") & ~Q(purpose=""))
                | (~Q(case_type="appraisal") & Q(purpose="")),
                name="case_purpose_only_for_appraisal",
            ),
        ]
        indexes = [
            models.Index(fields=["holding_unit", "closed_at"], name="case_holding_open_idx"),
            models.Index(fields=["assignee", "closed_at"], name="case_assignee_open_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_case_type_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseTransition(models.Model):
    """One row per change of stage (the case's history); written only by `case_transition`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class StepLimit(models.Model):
    """How long one step (a stage of a case type) may take, in working days, and since when.

    A purpose-specific row wins over the row with an empty purpose. Rows are data: change the
    law by adding a row with a new `valid_from` (and closing the old one with `valid_to`).
    """

    case_type = models.CharField(_("case type"), max_length=20, choices=CaseType.choices)
    status = models.CharField(_("stage"), max_length=20, choices=Status.choices)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    max_extension_days = models.PositiveSmallIntegerField(_("longest extension"), default=0)
    max_extensions = models.PositiveSmallIntegerField(_("number of extensions allowed"), default=0)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    is_statutory = models.BooleanField(
        _("set by a regulation"),
        default=True,
        help_text=_("False for an internal target where no regulation sets a limit."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("step time limit")
        verbose_name_plural = _("step time limits")
        ordering = ["case_type", "status", "purpose", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "status", "purpose", "valid_from"],
                name="steplimit_unique_version",
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1), name="steplimit_positive_days"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="steplimit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_type}/{self.status}: {self.working_days}"


class CaseStep(models.Model):
    """The clock of one stage: started, due, paused while waiting on the subject, extended,
    escalated. A case has at most one running step (`ended_on` empty)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=20, choices=Status.choices)
    limit = models.ForeignKey(StepLimit, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    due_on = models.DateField()
    paused_on = models.DateField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    extended_days = models.PositiveIntegerField(default=0)
    extensions = models.PositiveSmallIntegerField(default=0)
    escalated_to = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_for_due_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True), name="casestep_one_running"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("started_on")), name="casestep_due_after_start"
            ),
        ]
        indexes = [models.Index(fields=["ended_on", "due_on"], name="casestep_due_idx")]

    def __str__(self) -> str:
        return f"{self.status}: {self.due_on:%d/%m/%Y}"

    @property
    def is_paused(self) -> bool:
        return self.paused_on is not None


class ClockEvent(models.Model):
    class Kind(models.TextChoices):
        PAUSE = "pause", _("Paused: waiting on the subject")
        RESUME = "resume", _("Resumed")
        EXTEND = "extend", _("Extended")
        ESCALATE = "escalate", _("Escalated to the superior unit")

    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="clock_events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField()
    days = models.IntegerField(default=0)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on:%d/%m/%Y}"


class ChecklistMark(models.Model):
    """A required document recorded as received (the document itself comes in phase 2)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checklist_marks")
    code = models.CharField(max_length=40)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="checklistmark_unique")
        ]

    def __str__(self) -> str:
        return self.code


class TeamMember(models.Model):
    """Member of a verification team (political-history conclusions need at least three)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_leader = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["-is_leader", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="teammember_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_leader=True), name="teammember_one_leader"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class RoutingRule(models.Model):
    """Where new cases of a type go: for subjects managed in `org_unit`'s subtree, the file is
    held by `holding_unit` and (optionally) assigned to `assignee`. The deepest rule wins."""

    case_type = models.CharField(_("case type"), max_length=20, choices=CaseType.choices)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("subjects in")
    )
    holding_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("held by")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case_type", "org_unit"], name="routingrule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_type} @ {self.org_unit_id} → {self.holding_unit_id}"


class CaseNotification(models.Model):
    """A message for a user about a case, created after the change has committed."""

    class Kind(models.TextChoices):
        STAGE = "stage", _("The case moved to a new stage")
        ASSIGNED = "assigned", _("A case was assigned to you")
        ESCALATED = "escalated", _("An overdue case was escalated to your unit")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notifications"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    event_key = models.CharField(max_length=60)  # what caused it: a task run twice adds nothing
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="casenotification_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

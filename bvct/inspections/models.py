"""Inspections of units (issue 7; domain.md §3 (e)): an annual plan of the inspecting node, one
inspection per planned unit with its decision and team, the outline sent to the unit, the unit's
self-report in versions with the team's comments, working sessions, findings, the result notice
and the remediation items. Inspection content is confidential to the team, the inspecting node's
officers and the unit's designated contacts (`access.policy.inspections_visible_to`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class InspectionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspecting unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    topics = models.TextField(_("content topics"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "year", "title"], name="plan_unique_title")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class Inspection(models.Model):
    """One planned unit of a plan, and everything that follows for it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DECIDED = "decided", _("Decision issued")
        IN_PROGRESS = "in_progress", _("In progress")
        NOTIFIED = "notified", _("Result notice sent")
        CLOSED = "closed", _("Closed")

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="inspections")
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("inspected unit")
    )
    topics = models.TextField(_("content topics"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    decision_reference = models.CharField(_("decision"), max_length=80, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    outline_sent_on = models.DateField(_("outline sent on"), null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="inspection_once_per_plan"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="inspection_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.unit_id}"


class InspectionDocument(models.Model):
    """A file of an inspection (decision, notice, evidence, minutes), stored like case files."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Inspection decision")
        NOTICE = "notice", _("Result notice")
        EVIDENCE = "evidence", _("Evidence")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class TeamMember(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("Team head")
        DEPUTY = "deputy", _("Deputy head")
        MEMBER = "member", _("Member")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="team_once"),
            models.UniqueConstraint(
                fields=["inspection"], condition=Q(role="head"), name="team_one_head"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.role})"


class UnitContact(models.Model):
    """A person of the inspected unit designated to work with the team (sees the unit's part)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="contacts")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "user"], name="contact_once")]

    def __str__(self) -> str:
        return str(self.user_id)


class OutlineTemplate(models.Model):
    """A reusable report outline (đề cương): sections with their questions."""

    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=255)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class OutlineTemplateSection(models.Model):
    template = models.ForeignKey(OutlineTemplate, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("section"), max_length=255)
    questions = models.TextField(_("questions"), blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="template_section_position"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """The outline as sent to the unit: a copy; editing the template later changes nothing."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("section"), max_length=255)
    questions = models.TextField(_("questions"), blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="section_position")
        ]

    def __str__(self) -> str:
        return self.title


class ReportVersion(models.Model):
    """One version of the unit's self-report; a submitted version never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="version_number"),
            models.UniqueConstraint(
                fields=["inspection"], condition=Q(status="draft"), name="version_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class Answer(models.Model):
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="answers")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "section"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.version_id}/{self.section_id}"


class Comment(models.Model):
    """The team's comment on one section of a submitted version."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class WorkingSession(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=255)
    attendees = models.TextField(_("attendees"))
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y}"


class Finding(models.Model):
    class Grade(models.TextChoices):
        GOOD = "good", _("Good")
        SHORTCOMING = "shortcoming", _("Shortcoming")
        VIOLATION = "violation", _("Violation")

    class Extent(models.TextChoices):
        ISOLATED = "isolated", _("Isolated")
        SYSTEMIC = "systemic", _("Systemic")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    extent = models.CharField(_("extent"), max_length=10, choices=Extent.choices)
    text = models.TextField(_("finding"))
    evidence = models.ForeignKey(
        InspectionDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "vetting.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.grade}/{self.extent}"


class ResultNotice(models.Model):
    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="notice")
    text = models.TextField(_("content"))
    reference = models.CharField(_("number and symbol"), max_length=80)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"))
    document = models.OneToOneField(InspectionDocument, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    rating = models.CharField(_("rating"), max_length=12)

    def __str__(self) -> str:
        return self.reference


class RemediationItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        WAIVED = "waived", _("Waived")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="remediation")
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="remediation"
    )
    text = models.TextField(_("what must be done"))
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due by"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    evidence = models.ForeignKey(
        InspectionDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_note = models.TextField(_("note"), blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="waived") | ~Q(closing_note=""),
                name="remediation_waiver_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(evidence__isnull=False),
                name="remediation_done_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class ScoreFormula(models.Model):
    """The documented, configurable scoring of findings (data; a change is a new row).

    score = max(0, base − Σ penalty(grade) × (systemic_factor if systemic else 1)); the rating is
    the first band whose minimum the score reaches; a systemic violation caps the rating at
    `systemic_cap`."""

    base = models.PositiveSmallIntegerField(default=100)
    shortcoming_penalty = models.PositiveSmallIntegerField(default=5)
    violation_penalty = models.PositiveSmallIntegerField(default=15)
    systemic_factor = models.PositiveSmallIntegerField(default=2)
    excellent_min = models.PositiveSmallIntegerField(default=90)
    good_min = models.PositiveSmallIntegerField(default=75)
    fair_min = models.PositiveSmallIntegerField(default=60)
    weak_min = models.PositiveSmallIntegerField(default=40)
    systemic_cap = models.CharField(max_length=12, default="weak")
    legal_basis = models.CharField(max_length=255)
    valid_from = models.DateField()

    class Meta:
        ordering = ["-valid_from"]
        constraints = [models.UniqueConstraint(fields=["valid_from"], name="scoreformula_once")]

    def __str__(self) -> str:
        return f"formula since {self.valid_from}"

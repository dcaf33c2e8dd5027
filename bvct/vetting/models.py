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

from bvct.core.fields import SealedModel, SealedTextField


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
    competent_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_cases",
        verbose_name=_("competent authority"),
        help_text=_("The unit whose approvers decide and sign (computed from the tree)."),
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The case's scope, denormalised for `access.policy.cases_visible_to` so that the case list
    # filters and orders this one table: the tree paths of the subject's managing unit, of the
    # holding unit and of the competent unit ("" when none), and the subject's classification.
    # Written only through `bvct.vetting.scope` (see there for every writer); an empty path
    # matches no subtree and the classification has no default, so a writer that forgets them
    # hides the case or fails, never shows it too widely.
    subject_path = models.CharField(max_length=255, editable=False)
    holding_path = models.CharField(max_length=255, editable=False)
    competent_path = models.CharField(max_length=255, editable=False, blank=True)
    subject_classification = models.PositiveSmallIntegerField(editable=False)

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
            # the case list's order (page 1 is an index scan with LIMIT), also by stage; the
            # scope's three subtree ranges (a bitmap OR of three range scans for a province or a
            # commune); and the scope with the open/closed state for the list's count (an
            # index-only scan when the scope is national)
            models.Index(fields=["-opened_at", "-id"], name="case_opened_idx"),
            models.Index(fields=["status", "-opened_at", "-id"], name="case_status_opened_idx"),
            models.Index(fields=["subject_path"], name="case_subject_path_idx"),
            models.Index(fields=["holding_path"], name="case_holding_path_idx"),
            models.Index(fields=["competent_path"], name="case_competent_path_idx"),
            models.Index(
                fields=[
                    "closed_at",
                    "subject_classification",
                    "subject_path",
                    "holding_path",
                    "competent_path",
                ],
                name="case_scope_idx",
            ),
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
        NOTICE = "notice", _("A notice about your case")
        EXPLAINED = "explained", _("The subject sent an explanation")
        APPEAL = "appeal", _("An appeal was lodged against a conclusion")

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


# --- phase 2: competent authority, documents, conclusions, due process --------------------------


class AuthorityRule(models.Model):
    """Overrides the competent authority computed from the tree (`authority.py`): cases of
    `case_type` (and `purpose`, empty = any) about subjects managed in `org_unit`'s subtree are
    decided by `competent_unit` — e.g. a grassroots committee authorised to admit. The deepest
    rule wins; a purpose-specific rule wins over an empty purpose at the same depth."""

    case_type = models.CharField(_("case type"), max_length=20, choices=CaseType.choices)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("subjects in")
    )
    competent_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("competent-authority rule")
        verbose_name_plural = _("competent-authority rules")
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "purpose", "org_unit"], name="authorityrule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_type}/{self.purpose} @ {self.org_unit_id} → {self.competent_unit_id}"


class CaseDocument(models.Model):
    """A file kept with a case: uploaded attachments and generated documents (DOCX).

    The bytes live under `settings.CASE_FILES_DIR` (outside every public path) as
    `storage_name`, and are served only through the authorised download view."""

    class Kind(models.TextChoices):
        ATTACHMENT = "attachment", _("Attachment")
        MINUTES = "minutes", _("Working-session minutes")
        NOTICE = "notice", _("Notice to the subject")
        CONCLUSION = "conclusion", _("Conclusion or decision")
        LETTER = "letter", _("Verification letter")
        REPLY = "reply", _("Verification reply")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    checklist_code = models.CharField(_("required document"), max_length=40, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    visible_to_subject = models.BooleanField(_("the subject may see it"), default=False)
    classification = models.PositiveSmallIntegerField(
        _("classification"),
        default=0,
        help_text=_("Readers need at least this clearance (a classified letter's level)."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class WorkingSession(models.Model):
    """A working session (buổi làm việc) of the case with its attendees and minutes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=255)
    attendees = models.TextField(_("attendees"), help_text=_("One person per line."))
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("working session")
        verbose_name_plural = _("working sessions")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} {self.place}"


class CommitteeTerm(models.Model):
    """A committee's term (nhiệm kỳ): document numbers restart from 01 in each term. The term of
    a unit on a day is its own or its nearest ancestor's latest term started on or before it."""

    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("term"), max_length=20)
    starts_on = models.DateField(_("starts on"))

    class Meta:
        verbose_name = _("committee term")
        verbose_name_plural = _("committee terms")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "starts_on"], name="committeeterm_unique")
        ]

    def __str__(self) -> str:
        return self.label


class DocumentSequence(models.Model):
    """The last number issued per (issuing unit, document type, term); locked to take the next."""

    issuing_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(max_length=10)  # the symbol: "KL", "QĐ", "TB"
    term = models.CharField(max_length=20)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_unit", "doc_type", "term"], name="documentsequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}/{self.term}: {self.last_number}"


class ConclusionOutcome(models.TextChoices):
    ADMIT = "admit", _("Admitted to the Party")
    REFUSE = "refuse", _("Admission refused")
    MEETS = "meets", _("Meets the political standard")
    NEEDS_APPROVAL = "needs_approval", _("Meets it only with a higher body's approval")
    DOES_NOT_MEET = "does_not_meet", _("Does not meet the political standard")
    CONFIRMED = "confirmed", _("Political-history issue confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Political-history issue not confirmed")
    CLEARED = "cleared", _("Cleared")


class CaseConclusion(SealedModel):
    """The decision or conclusion that ended a case: outcome, the facts it cites, the criteria
    version used (through the stored evaluation), its number and the generated DOCX."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conclusions")
    transition = models.OneToOneField(
        CaseTransition, on_delete=models.PROTECT, related_name="conclusion"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ConclusionOutcome.choices)
    facts = SealedTextField(_("facts relied on"), dossier="case.person_id")  # encrypted
    evaluation = models.ForeignKey(
        "criteria.Evaluation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("criteria evaluation"),
    )
    issuing_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    doc_type = models.CharField(max_length=10)
    term = models.CharField(max_length=20)
    number = models.PositiveIntegerField()
    reference = models.CharField(_("number and symbol"), max_length=80)
    issued_on = models.DateField(_("issued on"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    document = models.OneToOneField(
        CaseDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        ordering = ["issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_unit", "doc_type", "term", "number"],
                name="caseconclusion_unique_number",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_current=True), name="caseconclusion_one_current"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class WindowLimit(models.Model):
    """How long the subject has to explain, or to appeal a conclusion, and since when (data)."""

    class Kind(models.TextChoices):
        EXPLANATION = "explanation", _("Explanation window")
        APPEAL = "appeal", _("Appeal window")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    case_type = models.CharField(
        _("case type"), max_length=20, choices=CaseType.choices, blank=True
    )
    days = models.PositiveSmallIntegerField(_("days"))
    working_days = models.BooleanField(_("counted in working days"), default=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    is_statutory = models.BooleanField(_("set by a regulation"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("due-process window")
        verbose_name_plural = _("due-process windows")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "case_type", "valid_from"], name="windowlimit_unique_version"
            ),
            models.CheckConstraint(condition=Q(days__gte=1), name="windowlimit_positive_days"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.case_type or '*'}: {self.days}"


class CaseNotice(models.Model):
    """A notice to the subject (shown in the member portal and printable as a letter)."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("What is being verified")
        CONCLUSION = "conclusion", _("Conclusion")
        OTHER = "other", _("Other notice")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    body = models.TextField(_("content"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    explanation_due_on = models.DateField(_("explanation due by"), null=True, blank=True)
    seen_at = models.DateTimeField(_("seen by the subject"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["issued_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issued_on:%d/%m/%Y}"


class Explanation(SealedModel):
    """The subject's written explanation (bản tường trình) in answer to a notice."""

    notice = models.OneToOneField(CaseNotice, on_delete=models.PROTECT, related_name="explanation")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="explanations")
    text = SealedTextField(_("explanation"), dossier="case.person_id")  # encrypted at rest
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_paper = models.BooleanField(_("entered from paper by staff"), default=False)
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("explanation")
        verbose_name_plural = _("explanations")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Appeal(SealedModel):
    """A complaint against a conclusion, heard by a panel with no earlier role in the case."""

    class Status(models.TextChoices):
        LODGED = "lodged", _("Lodged")
        HEARING = "hearing", _("Panel hearing")
        UPHELD = "upheld", _("Conclusion upheld")
        OVERTURNED = "overturned", _("Conclusion set aside, case reopened")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    conclusion = models.ForeignKey(CaseConclusion, on_delete=models.PROTECT, related_name="appeals")
    grounds = SealedTextField(_("grounds"), dossier="case.person_id")  # encrypted at rest
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lodged_on = models.DateField(_("lodged on"))
    deadline = models.DateField(_("appeal deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.LODGED
    )
    decision = models.TextField(_("panel decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["lodged_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conclusion"],
                condition=Q(status__in=["lodged", "hearing"]),
                name="appeal_one_pending_per_conclusion",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"


class AppealReviewer(models.Model):
    """A member of an appeal panel (recorded; conflicted reviewers are refused)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_chair = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["-is_chair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "user"], name="appealreviewer_unique"),
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(is_chair=True), name="appealreviewer_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

"""Verification requests between bodies (issue 6): outgoing letters from a case to another node of
the tree or to a registered external body, what they cover, replies, and reuse of earlier replies.

A request never holds classified content: the questions are the working text of the letter and the
classification level only restricts who may read it (`access.policy`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bvct.core.fields import SealedModel, SealedTextField


class AddresseeKind(models.TextChoices):
    PARTY = "party", _("Party organisation")
    POLICE = "police", _("Police unit")
    MILITARY = "military", _("Military unit")
    STATE = "state", _("State agency")
    OTHER = "other", _("Other body")


class ExternalBody(models.Model):
    """A body outside the party tree that answers verification letters (the addressee registry)."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=AddresseeKind.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    province_code = models.CharField(_("province (2025 code)"), max_length=2, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("external body")
        verbose_name_plural = _("external bodies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="externalbody_unique_name"),
            models.CheckConstraint(condition=~Q(kind="party"), name="externalbody_not_party"),
        ]

    def __str__(self) -> str:
        return self.name


class ReplyLimit(models.Model):
    """How long an addressee of a kind has to answer, when it is reminded, and how long its
    answer may be reused, since when (data; a change is a new row)."""

    addressee_kind = models.CharField(
        _("addressee kind"), max_length=10, choices=AddresseeKind.choices
    )
    working_days = models.PositiveSmallIntegerField(_("working days to answer"))
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder (working days before the due date)"), default=3
    )
    reuse_months = models.PositiveSmallIntegerField(_("a reply may be reused for (months)"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    is_statutory = models.BooleanField(_("set by a regulation"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply time limit")
        verbose_name_plural = _("reply time limits")
        constraints = [
            models.UniqueConstraint(
                fields=["addressee_kind", "valid_from"], name="replylimit_unique_version"
            ),
            models.CheckConstraint(condition=Q(working_days__gte=1), name="replylimit_days"),
        ]

    def __str__(self) -> str:
        return f"{self.addressee_kind}: {self.working_days}"


class ReplyOutcome(models.TextChoices):
    CERTIFIED = "certified", _("Certified")
    CERTIFIED_WITH_NOTES = "certified_notes", _("Certified with notes")
    ISSUE_FOUND = "issue_found", _("Issue found")
    CANNOT_VERIFY = "cannot_verify", _("Cannot verify")
    REFUSED = "refused", _("Refused with a reason")


class VerificationRequest(SealedModel):
    class Status(models.TextChoices):
        AWAITING_CONSENT = "awaiting_consent", _("Awaiting an approver's consent")
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received by the addressee")
        ANSWERED = "answered", _("Answered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(
        "vetting.Case", on_delete=models.PROTECT, related_name="verification_requests"
    )
    requesting_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    addressee_kind = models.CharField(
        _("addressee kind"), max_length=10, choices=AddresseeKind.choices
    )
    addressee_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_verification_requests",
        verbose_name=_("addressee (party organisation)"),
    )
    addressee_body = models.ForeignKey(
        ExternalBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("addressee (external body)"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    purpose = models.CharField(_("purpose"), max_length=500)
    questions = models.TextField(_("questions"))
    classification = models.PositiveSmallIntegerField(_("classification"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reference = models.CharField(_("number and symbol"), max_length=80, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    due_on = models.DateField(_("answer due by"), null=True, blank=True)
    letter = models.OneToOneField(
        "vetting.CaseDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    consent_reason = models.TextField(_("reason for covering other relatives"), blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    reminded_for_due_on = models.DateField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    reply_outcome = models.CharField(
        _("reply"), max_length=20, choices=ReplyOutcome.choices, blank=True
    )
    reply_text = SealedTextField(  # encrypted at rest
        _("content of the reply"), blank=True, dossier="case.person_id"
    )
    reply_reference = models.CharField(_("reply number and date"), max_length=120, blank=True)
    replied_on = models.DateField(_("answered on"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply_document = models.OneToOneField(
        "vetting.CaseDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(addressee_unit__isnull=False) & Q(addressee_body__isnull=True))
                | (Q(addressee_unit__isnull=True) & Q(addressee_body__isnull=False)),
                name="verificationrequest_one_addressee",
            ),
            models.CheckConstraint(
                condition=Q(classification__gte=0) & Q(classification__lte=3),
                name="verificationrequest_classification",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(reply_outcome=""),
                name="verificationrequest_answer_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"#{self.pk}"

    @property
    def addressee_name(self) -> str:
        if self.addressee_unit is not None:
            return self.addressee_unit.name
        return self.addressee_body.name if self.addressee_body is not None else ""

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.SENT, self.Status.RECEIVED}


class CoveredPerson(models.Model):
    """Whom a request asks about: the case's subject (relative empty) or one of their relatives."""

    request = models.ForeignKey(
        VerificationRequest, on_delete=models.CASCADE, related_name="covers"
    )
    relative = models.ForeignKey(
        "people.Relative", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    in_scope = models.BooleanField(_("named by the rules"), default=True)
    issue = models.OneToOneField(
        "people.RecordedIssue", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "relative"], name="coveredperson_once_per_request"
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(relative__isnull=True),
                name="coveredperson_subject_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.relative_id or 'subject'}"


class CoverageReuse(models.Model):
    """A person covered for a case without a new letter: an earlier reply still valid, or (for a
    relative who is a fully declared party member) their own party record."""

    class Kind(models.TextChoices):
        EARLIER_REPLY = "earlier_reply", _("An earlier reply reused")
        OWN_RECORD = "own_record", _("Checked against their own party record")

    case = models.ForeignKey("vetting.Case", on_delete=models.PROTECT, related_name="+")
    relative = models.ForeignKey(
        "people.Relative", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source_request = models.ForeignKey(
        VerificationRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="reuses"
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="earlier_reply") | Q(source_request__isnull=False),
                name="coveragereuse_reply_has_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for case {self.case_id}"

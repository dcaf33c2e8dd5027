"""Personal data protection (issue 11 items 7 and 10; docs/privacy.md).

* `ExportRequest`: an export of more people than `EXPORT_APPROVAL_THRESHOLD` waits for a second
  authorised person. What will be exported is frozen when it is asked for: the filters, the
  requester's node (the scope root), clearance and CCCD mode, and the moment (people added later
  are not in it). The file is produced only when the requester downloads it, within their scope
  at that time as well, a limited number of times before `expires_at`.
* `SubjectRequest`: a data-subject request (access, correction, deletion…) from a person whose
  data BVCT holds, with its legal clocks. The kinds (`SubjectRequestKind`) and the time limits
  (`SubjectRequestLimit`, with effective dates) are data: the rows seeded are **editable
  examples**, not a reading of the law.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class ExportRequest(models.Model):
    class Kind(models.TextChoices):
        PEOPLE = "people", _("People list (XLSX)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PEOPLE)
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="export_requests", verbose_name=_("requester")
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("scope")
    )
    clearance = models.PositiveSmallIntegerField(_("clearance at request"))
    full_cccd = models.BooleanField(_("full CCCD numbers"), default=False)
    filters = models.JSONField(_("filters"), default=dict)
    count = models.PositiveIntegerField(_("people at request"))
    purpose = models.TextField(_("purpose"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    expires_at = models.DateTimeField(_("downloadable until"), null=True, blank=True)
    downloads = models.PositiveSmallIntegerField(_("downloads"), default=0)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decided_by=F("requested_by")),
                name="exportrequest_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(status="approved", expires_at__isnull=False)
                | (~Q(status="approved") & Q(downloads=0)),
                name="exportrequest_downloads_need_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} ({self.count})"

    def is_expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and now > self.expires_at

    def downloads_left(self) -> int:
        return max(int(settings.EXPORT_MAX_DOWNLOADS) - self.downloads, 0)

    def is_downloadable(self, now: dt.datetime) -> bool:
        return (
            self.status == self.Status.APPROVED
            and not self.is_expired(now)
            and self.downloads_left() > 0
        )


class SubjectRequestKind(models.Model):
    """What the person asks for (data; the seeded rows are examples an administrator edits)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_example = models.BooleanField(_("example data"), default=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("data-subject request kind")
        verbose_name_plural = _("data-subject request kinds")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class SubjectRequestLimit(models.Model):
    """A legal clock of data-subject requests, in force from `valid_from` (data, like the case
    limits: revise by closing the row and adding a new one)."""

    class Step(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledge")
        COMPLETE = "complete", _("Complete")
        EXTENSION = "extension", _("Extension")

    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    days = models.PositiveSmallIntegerField(_("days"))
    working_days = models.BooleanField(_("counted in working days"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    is_example = models.BooleanField(_("example data"), default=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("data-subject request time limit")
        verbose_name_plural = _("data-subject request time limits")
        ordering = ["step", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "valid_from"], name="subjectlimit_unique_version"
            ),
            models.CheckConstraint(condition=Q(days__gte=1), name="subjectlimit_positive_days"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="subjectlimit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        unit = "WD" if self.working_days else "d"
        return f"{self.step}: {self.days} {unit} from {self.valid_from:%d/%m/%Y}"


class SubjectRequest(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("Member portal")
        PAPER = "paper", _("On paper")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        EXTENDED = "extended", _("Extended")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")

    OPEN = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.EXTENDED)

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="subject_requests"
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    kind = models.ForeignKey(SubjectRequestKind, on_delete=models.PROTECT, verbose_name=_("kind"))
    channel = models.CharField(_("received through"), max_length=8, choices=Channel.choices)
    details = models.TextField(_("what is asked"))
    received_on = models.DateField(_("received on"))
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    acknowledge_due_on = models.DateField(_("acknowledge by"))
    due_on = models.DateField(_("complete by"))
    extension_days = models.PositiveSmallIntegerField(_("extension allowed (days)"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(_("outcome or reason"), blank=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on"))
                & Q(acknowledge_due_on__gte=F("received_on")),
                name="subjectrequest_due_after_receipt",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "refused"]) | ~Q(outcome=""),
                name="subjectrequest_closed_with_outcome",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="subjectrequest_open_due")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind_id} {self.received_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        late_ack = self.status == self.Status.RECEIVED and today > self.acknowledge_due_on
        return self.is_open and (late_ack or today > self.due_on)

    @classmethod
    def overdue_filter(cls, today: dt.date) -> Q:
        return Q(status=cls.Status.RECEIVED, acknowledge_due_on__lt=today) | Q(
            status__in=cls.OPEN, due_on__lt=today
        )

"""Travel abroad and foreign-contact reporting (issue 8; domain.md §3 (f)): the member's
application, the chi bộ's opinion, the decisions of the committee that manages the member and,
when it differs, of the committee where the member is active, the commitment about relatives
abroad, the return report due N working days after re-entry, and short reports with receipts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class TravelLimit(models.Model):
    """Working days after re-entry for the return report, since when (data; default 7, [U])."""

    working_days = models.PositiveSmallIntegerField(_("working days after re-entry"))
    reminder_days = models.PositiveSmallIntegerField(_("reminder (working days before)"), default=2)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        ordering = ["-valid_from"]
        constraints = [models.UniqueConstraint(fields=["valid_from"], name="travellimit_once")]

    def __str__(self) -> str:
        return f"{self.working_days} WD since {self.valid_from}"


class TravelApplication(models.Model):
    class Purpose(models.TextChoices):
        TOURISM = "tourism", _("Tourism")
        FAMILY = "family", _("Family visit")
        MEDICAL = "medical", _("Medical care")
        STUDY = "study", _("Study")
        OFFICIAL = "official", _("Official trip")

    class Funding(models.TextChoices):
        SELF = "self", _("Own or family means")
        STATE = "state", _("State budget")
        FOREIGN = "foreign", _("A foreign party or body")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted to the chi bộ")
        AWAITING_DECISION = "awaiting", _("Awaiting the committee's decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    on_paper = models.BooleanField(_("entered from paper by staff"), default=False)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    countries = models.CharField(_("countries"), max_length=255)
    departs_on = models.DateField(_("departure"))
    returns_on = models.DateField(_("planned return"))
    funding = models.CharField(_("funding"), max_length=10, choices=Funding.choices)
    funding_note = models.CharField(_("funding details"), max_length=255, blank=True)
    companions = models.TextField(_("companions"), blank=True)
    classified_material = models.BooleanField(_("carries classified material"), default=False)
    classified_note = models.TextField(_("classified material (titles only)"), blank=True)
    classified_approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    classified_approved = models.BooleanField(
        _("classified material approved"), null=True, blank=True
    )  # None: not decided (or nothing classified)
    classified_reason = models.TextField(_("reason about the classified material"), blank=True)
    relatives_visited = models.ManyToManyField("people.Relative", blank=True, related_name="+")
    relatives_commitment = models.TextField(_("commitment about relatives abroad"), blank=True)
    active_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("where the member is active, if elsewhere"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    branch_opinion = models.TextField(_("the chi bộ's opinion"), blank=True)
    branch_opinion_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    reentered_on = models.DateField(_("re-entered on"), null=True, blank=True)
    report_due_on = models.DateField(_("return report due by"), null=True, blank=True)
    reminded_for_due_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("travel application")
        verbose_name_plural = _("travel applications")
        ordering = ["-departs_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returns_on__gte=models.F("departs_on")), name="travel_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.countries} {self.departs_on}"


class TravelDecision(models.Model):
    """One committee's decision on an application (both committees when they differ)."""

    application = models.ForeignKey(
        TravelApplication, on_delete=models.CASCADE, related_name="decisions"
    )
    committee = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    approved = models.BooleanField(null=True)  # None: waiting
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "committee"], name="decision_once"),
            models.CheckConstraint(
                condition=~Q(approved=False) | ~Q(reason=""), name="decision_refusal_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.committee_id}: {self.approved}"


class ReturnReport(models.Model):
    application = models.OneToOneField(
        TravelApplication, on_delete=models.PROTECT, related_name="report"
    )
    content = models.TextField(_("results of the trip"))
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(_("submitted on"))
    branch_comment = models.TextField(_("the chi bộ's comment"), blank=True)
    committee_opinion = models.TextField(_("the committee's opinion"), blank=True)

    def __str__(self) -> str:
        return f"report {self.application_id}"


class ShortReport(models.Model):
    """A foreign-contact report, or a request about a foreign award or membership, with the
    acknowledgement receipt number the member keeps."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Foreign contact")
        AWARD = "award", _("Foreign award or title")
        MEMBERSHIP = "membership", _("Membership of a foreign organisation")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    counterpart = models.CharField(_("foreign person or body"), max_length=255)
    content = models.TextField(_("content"))
    receipt = models.CharField(_("receipt number"), max_length=40, unique=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.receipt

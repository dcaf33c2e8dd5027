"""Classified-document registers (issue 9; domain.md §3 (g)): the outgoing, incoming, copy and
handover registers of a unit for a year, in the order of the legal forms (TT 24/2020 mẫu 12, 14,
15, 16). **Metadata only**: nothing here holds the content of a classified document, and no file
can be attached.

An entry is written once, as registered. Every later change is an `EntryEvent` appended to it —
an amendment, a cancellation, a receipt, an extension, a downgrade, a declassification, a
destruction — never an edit in place. The entry's `level`, `status`, `protected_until` and
`search_text` are state kept by those events (so that lists can filter by them in the query);
the events are the record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Level(models.IntegerChoices):
    """Classification levels (Law 29/2018 art. 8); the same scale as `accounts.Clearance`."""

    MAT = 1, _("Mật")
    TOI_MAT = 2, _("Tối mật")
    TUYET_MAT = 3, _("Tuyệt mật")


class ProtectionPeriod(models.Model):
    """Years of protection from the date of classification, by level, since when (data)."""

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    years = models.PositiveSmallIntegerField(_("years"))
    valid_from = models.DateField(_("valid from"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)

    class Meta:
        ordering = ["level", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["level", "valid_from"], name="period_once"),
            models.CheckConstraint(condition=Q(years__gte=1), name="period_years"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.years} years since {self.valid_from}"


class Register(models.Model):
    class Kind(models.TextChoices):
        OUTGOING = "out", _("Outgoing register")
        INCOMING = "in", _("Incoming register")
        COPY = "copy", _("Copy register")
        HANDOVER = "handover", _("Handover register")

    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("register"), max_length=10, choices=Kind.choices)
    last_number = models.PositiveIntegerField(default=0)  # taken under SELECT … FOR UPDATE
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("register")
        ordering = ["-year", "org_unit__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "year", "kind"], name="register_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.org_unit_id})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Entry(models.Model):
    class Mark(models.TextChoices):  # TT 24/2020 mẫu 03; recorded as marked, not derived
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Under protection")
        CANCELLED = "cancelled", _("Number cancelled")
        DECLASSIFIED = "declassified", _("Declassified")
        DESTROYED = "destroyed", _("Destroyed")

    class CopyForm(models.TextChoices):
        COPY = "copy", _("Copy (sao)")
        EXTRACT = "extract", _("Extract (trích sao)")
        PHOTO = "photo", _("Photocopy or photo (chụp)")

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("number"))
    registered_on = models.DateField(_("registered on"))
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField()
    # As registered: never changed (amendments are events).
    doc_number = models.CharField(_("number and symbol"), max_length=80)
    doc_date = models.DateField(_("document date"))
    summary = models.TextField(_("summary"), blank=True)
    registered_level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    mark = models.CharField(_("A/B/C mark"), max_length=1, choices=Mark.choices, blank=True)
    copies = models.PositiveIntegerField(_("copies"))
    signer = models.CharField(_("signer"), max_length=120, blank=True)
    sender = models.CharField(_("sent by"), max_length=255, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    storage = models.CharField(_("storage"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    marked_until = models.DateField(
        _("shorter protection marked on the document"), null=True, blank=True
    )
    copy_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived"
    )
    authorisation = models.ForeignKey(
        "CopyAuthorisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies_made",
    )
    copy_form = models.CharField(
        _("form of copy"), max_length=10, choices=CopyForm.choices, blank=True
    )
    # State, changed only by the services that append events.
    level = models.PositiveSmallIntegerField(_("current level"), choices=Level.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    protected_until = models.DateField(_("protected until"))
    search_text = models.TextField(editable=False, default="")  # folded metadata, no summary
    summary_key = models.TextField(editable=False, default="")  # folded current summary

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["register", "number"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="entry_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="entry_number_positive"),
            models.CheckConstraint(condition=Q(copies__gte=1), name="entry_copies_positive"),
            # Law 29/2018 / NĐ 63/2026 art. 6 (as read by domain.md §3 (g)): no summary for
            # Tuyệt mật items — refused by the database as well as by the service.
            models.CheckConstraint(
                condition=~Q(registered_level=Level.TUYET_MAT) | Q(summary=""),
                name="entry_no_summary_top_secret",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3)
                & Q(registered_level__gte=1, registered_level__lte=3),
                name="entry_level_range",
            ),
            models.CheckConstraint(
                condition=Q(level__lte=models.F("registered_level")), name="entry_level_only_down"
            ),
        ]
        indexes = [models.Index(fields=["status", "protected_until"], name="entry_expiry")]

    def __str__(self) -> str:
        return f"{self.register_id}/{self.number}"

    AMENDABLE = (
        "doc_number",
        "doc_date",
        "summary",
        "mark",
        "signer",
        "sender",
        "storage",
        "notes",
    )

    def current(self) -> dict[str, Any]:
        """The registered values with the amendments applied in order (events prefetched)."""
        values: dict[str, Any] = {name: getattr(self, name) for name in self.AMENDABLE}
        for event in self.events.all():
            if event.kind == EntryEvent.Kind.AMEND:
                for name, (_old, new) in event.changes.items():
                    values[name] = new
        return values


class Addressee(models.Model):
    """A recipient of an outgoing, copied or handed-over document, with the receipt."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="addressees")
    name = models.CharField(_("addressee"), max_length=255)
    copies = models.PositiveIntegerField(_("copies"), default=1)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_by_name = models.CharField(_("receipt signed by"), max_length=120, blank=True)
    confirmed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1), name="addressee_copies"),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | ~Q(received_by_name=""),
                name="addressee_receipt_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CopyAuthorisation(models.Model):
    """Leave to copy a registered document: who authorised how many copies, on what paper."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="authorisations")
    copies = models.PositiveIntegerField(_("copies authorised"))
    authorised_by = models.CharField(_("authorised by (name, position)"), max_length=255)
    reference = models.CharField(_("authorisation reference"), max_length=120)
    authorised_on = models.DateField(_("authorised on"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1), name="authorisation_copies")
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.copies})"


class EntryEvent(models.Model):
    class Kind(models.TextChoices):
        AMEND = "amend", _("Amendment")
        CANCEL = "cancel", _("Number cancelled")
        RECEIPT = "receipt", _("Receipt confirmed")
        EXTEND = "extend", _("Protection extended")
        DOWNGRADE = "downgrade", _("Level lowered")
        DECLASSIFY = "declassify", _("Declassified")
        DESTROY = "destroy", _("Destroyed")

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    day = models.DateField(_("date"))
    changes = models.JSONField(default=dict, blank=True)  # amend: {field: [old, new]}
    decision = models.CharField(_("decision"), max_length=120, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    council = models.TextField(_("council"), blank=True)
    minutes = models.CharField(_("minutes"), max_length=120, blank=True)
    new_level = models.PositiveSmallIntegerField(null=True, blank=True, choices=Level.choices)
    new_until = models.DateField(null=True, blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="destroy") | (~Q(decision="") & ~Q(council="") & ~Q(minutes="")),
                name="event_destruction_papers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.kind} {self.day}"

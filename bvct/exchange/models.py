"""Exchange between isolated sites (issue 13): this site's identity, the pinned peers, the
bundles sent and received, the items they carried, and the records that items created here.

Private keys never enter the database (`keys.py` keeps them in files, mode 0600); a peer is its
pinned public keys. Items are addressed by units of the official tree (`OrgUnit.code`, the same
on every site)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LocalSite(models.Model):
    """This installation (one row): its site id and the subtrees it serves."""

    site_id = models.CharField(_("site id"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    served_units = models.ManyToManyField(
        "orgs.OrgUnit", related_name="+", verbose_name=_("units served")
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("this site")

    def __str__(self) -> str:
        return self.site_id


class Peer(models.Model):
    """Another site whose public keys were pinned here after comparing the fingerprint."""

    site_id = models.CharField(_("site id"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    signing_key = models.CharField(max_length=64)  # base64 raw Ed25519 public key
    encryption_key = models.CharField(max_length=64)  # base64 raw X25519 public key
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    served_units = models.ManyToManyField(
        "orgs.OrgUnit", related_name="+", verbose_name=_("units served")
    )
    # An inactive account without roles: the author of the records the peer's items create here
    # (a mirrored case is "opened by" the site that sent it).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exchange_peer"
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pinned_at = models.DateTimeField()

    class Meta:
        verbose_name = _("peer site")
        ordering = ["site_id"]

    def __str__(self) -> str:
        return self.site_id


class ItemKind(models.TextChoices):
    REQUEST = "request", _("Verification request")
    REPLY = "reply", _("Reply to a verification request")
    TRANSFER = "transfer", _("Case transfer")
    REPORT = "report", _("Submitted periodic report")


class Bundle(models.Model):
    """One bundle file, sent or received: items, or a receipt for an items bundle."""

    class Direction(models.TextChoices):
        OUT = "out", _("Sent")
        IN = "in", _("Received")

    class Kind(models.TextChoices):
        ITEMS = "items", _("Items")
        RECEIPT = "receipt", _("Receipt")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent, no receipt yet")
        RECEIPTED = "receipted", _("Receipt received")
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Not applied: an item was rejected")
        RECORDED = "recorded", _("Receipt recorded")

    bundle_id = models.CharField(max_length=36, unique=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="bundles")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("created at"))  # as stated in the signed manifest
    recorded_at = models.DateTimeField(_("recorded here at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    item_count = models.PositiveIntegerField(_("items"), default=0)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=120, blank=True)  # under exchange_dir(), if kept
    receipt_for = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="receipt"
    )
    # per item: {"id", "kind", "label", "classification", "outcome", "reason"}
    items = models.JSONField(default=list)

    class Meta:
        verbose_name = _("bundle")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="items") | Q(receipt_for__isnull=False),
                name="bundle_receipt_has_bundle",
            )
        ]

    def __str__(self) -> str:
        return self.bundle_id


class OutboundItem(models.Model):
    """An item of ours once it has left in a bundle: sent (again in the next bundle until a
    receipt answers), delivered, or rejected by the peer with its reason."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent, awaiting a receipt")
        DELIVERED = "delivered", _("Delivered")
        REJECTED = "rejected", _("Rejected by the recipient")

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbound")
    item_id = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    object_id = models.PositiveBigIntegerField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    last_bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "item_id"], name="outbounditem_once_per_peer")
        ]
        indexes = [models.Index(fields=["peer", "kind", "status"], name="outbound_kind_idx")]

    def __str__(self) -> str:
        return self.item_id


class AppliedItem(models.Model):
    """An item of a peer applied here: the replay guard (an item applies once, ever)."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    item_id = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "item_id"], name="applieditem_once")]

    def __str__(self) -> str:
        return self.item_id


class MirrorRequest(models.Model):
    """A verification request received from a peer, kept here as a local request (with a mirror
    of its case and the persons the letter names) so the addressee answers it in its inbox."""

    request = models.OneToOneField(
        "verification.VerificationRequest", on_delete=models.PROTECT, related_name="+"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    origin_id = models.PositiveBigIntegerField()
    origin_case_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "origin_id"], name="mirrorrequest_once")
        ]

    def __str__(self) -> str:
        return f"{self.peer_id}:{self.origin_id}"


class MirrorCase(models.Model):
    """The local stand-in for a peer's case (its subject and the relatives letters named)."""

    case = models.OneToOneField("vetting.Case", on_delete=models.PROTECT, related_name="+")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    origin_id = models.PositiveBigIntegerField()
    relatives = models.JSONField(default=dict)  # origin relative id -> local relative id

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "origin_id"], name="mirrorcase_once")
        ]

    def __str__(self) -> str:
        return f"{self.peer_id}:{self.origin_id}"


class MirrorReport(models.Model):
    """A periodic report a subordinate site submitted to a unit served here."""

    report = models.OneToOneField(
        "reports.PeriodicReport", on_delete=models.PROTECT, related_name="+"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    origin_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "origin_id"], name="mirrorreport_once")
        ]

    def __str__(self) -> str:
        return f"{self.peer_id}:{self.origin_id}"


class CaseTransfer(models.Model):
    """A case's file handed to a unit served by another site when its subject moves (minimal:
    the file summary and history travel; the sending site keeps its case as it is)."""

    case = models.ForeignKey("vetting.Case", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.case_id} → {self.to_unit_id}"


class ReceivedTransfer(models.Model):
    """A case file transferred here by a peer: what the sending site knew of the case."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    origin_id = models.PositiveBigIntegerField()  # the transfer's id on the peer
    origin_case_id = models.PositiveBigIntegerField()
    to_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    data = models.JSONField()
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "origin_id"], name="receivedtransfer_once")
        ]

    def __str__(self) -> str:
        return f"{self.peer_id}:{self.origin_case_id}"

"""Append-only, hash-chained audit log.

Each row carries `prev_hash` and `hash = SHA-256(prev_hash ‖ canonical form of the row)`, the
form named by `hash_version`; see `bvct.audit.chain`. Rows are only ever inserted by
`bvct.audit.services.audit_record`. On PostgreSQL a trigger refuses UPDATE and DELETE (migration
0002).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    occurred_at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation unit"),
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("summary"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # which canonical form `hash` covers (`bvct.audit.chain`): 1 canonical JSON (every row before
    # format 2, and every row on SQLite), 2 bytes computed in SQL (PostgreSQL, since migration
    # 0004). The database default is 1: what a process still running the older code writes.
    hash_version = models.PositiveSmallIntegerField(default=1, db_default=1)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time_idx"),
            models.Index(fields=["org_unit", "occurred_at"], name="audit_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def change_rows(self) -> list[ChangeRow]:
        """The summary as a field → old → new table (for `{"old": …, "new": …}` data)."""
        data = self.data if isinstance(self.data, dict) else {}
        old, new = data.get("old", {}), data.get("new", {})
        if not isinstance(old, dict) or not isinstance(new, dict):
            return []
        return [
            ChangeRow(key, display_value(old.get(key)), display_value(new.get(key)))
            for key in sorted(old.keys() | new.keys())
        ]

    def other_data(self) -> list[tuple[str, str]]:
        """Entries of the summary other than "old" and "new", as (key, readable value)."""
        data = self.data if isinstance(self.data, dict) else {"": self.data}
        skip = {"old", "new"} if self.change_rows() else set()
        return [(key, display_value(data[key])) for key in sorted(data) if key not in skip]


@dataclass(frozen=True)
class ChangeRow:
    field: str
    old: str
    new: str


def display_value(value: Any) -> str:
    """A JSON value for people: text as is, nothing as an em dash, the rest as compact JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class VerifyCode(models.TextChoices):
    """Outcome of a chain verification: stable codes for scripts (`_REASONS` for people)."""

    OK = "ok", _("Intact")
    SEQ_GAP = "seq_gap", _("Missing event")
    UNEXPECTED_SEQ = "unexpected_seq", _("Unexpected sequence number")
    BROKEN_LINK = "broken_link", _("Broken link")
    HASH_MISMATCH = "hash_mismatch", _("Modified event")
    TRUNCATED = "truncated", _("Truncated chain")
    CHECKPOINT_MISMATCH = "checkpoint_mismatch", _("Differs from the checkpoint")
    SIGNATURE_INVALID = "signature_invalid", _("Invalid checkpoint signature")
    KEY_MISMATCH = "key_mismatch", _("Checkpoint signed with another key")


_REASONS = {
    VerifyCode.OK: _("The chain is intact."),
    VerifyCode.SEQ_GAP: _("Event #%(seq)s is missing: the sequence skips it (a row was deleted)."),
    VerifyCode.UNEXPECTED_SEQ: _(
        "Event #%(seq)s has a sequence number outside the chain (a forged row was inserted)."
    ),
    VerifyCode.BROKEN_LINK: _(
        "Event #%(seq)s does not link to the event before it (its prev_hash differs): a row was "
        "inserted, swapped or rewritten at or before this point."
    ),
    VerifyCode.HASH_MISMATCH: _(
        "Event #%(seq)s was modified: its content no longer matches its hash."
    ),
    VerifyCode.TRUNCATED: _(
        "The chain ends before event #%(seq)s, but the signed checkpoint vouches for events up to "
        "#%(checkpoint_seq)s: events were deleted from the end."
    ),
    VerifyCode.CHECKPOINT_MISMATCH: _(
        "Event #%(seq)s differs from the signed checkpoint: the chain up to it was rewritten."
    ),
    VerifyCode.SIGNATURE_INVALID: _(
        "The checkpoint's signature is invalid: the file was altered after it was signed."
    ),
    VerifyCode.KEY_MISMATCH: _(
        "The checkpoint was not signed with this installation's audit signing key."
    ),
}


def verify_reason(code: str, *, seq: int | None, checkpoint_seq: int | None = None) -> str:
    """Why the verification came out as `code`, in the active language."""
    return str(_REASONS[VerifyCode(code)]) % {
        "seq": seq if seq is not None else "?",
        "checkpoint_seq": checkpoint_seq if checkpoint_seq is not None else "?",
    }


class ChainVerification(models.Model):
    """One run of `bvct audit verify` or of the verify page: the latest tells whether the chain
    is known to be intact (and feeds the auditors' "needs your attention")."""

    verified_at = models.DateTimeField(_("verified at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    is_ok = models.BooleanField(_("intact"))
    code = models.CharField(_("result"), max_length=32, choices=VerifyCode.choices)
    checked = models.PositiveBigIntegerField(_("events checked"))
    # the last event found intact (the head when the chain is intact; 0 and the genesis hash for
    # an empty chain or when the very first event is bad)
    head_seq = models.BigIntegerField(_("last intact sequence"))
    head_hash = models.CharField(_("last intact hash"), max_length=64)
    first_bad_seq = models.BigIntegerField(_("first bad sequence"), null=True, blank=True)
    checkpoint_seq = models.BigIntegerField(_("checkpoint sequence"), null=True, blank=True)

    class Meta:
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")
        ordering = ["-verified_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_ok=True, code="ok", first_bad_seq__isnull=True)
                | (Q(is_ok=False) & ~Q(code="ok")),
                name="chainverification_ok_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verified_at:%Y-%m-%d %H:%M} {self.code}"

    @property
    def reason(self) -> str:
        return verify_reason(self.code, seq=self.first_bad_seq, checkpoint_seq=self.checkpoint_seq)

"""Append-only, hash-chained audit log.

Each row carries `prev_hash` and `hash = SHA-256(prev_hash ‖ canonical JSON of the row)`; see
`bvct.audit.chain`. Rows are only ever inserted by `bvct.audit.services.audit_record`. On PostgreSQL
a trigger refuses UPDATE and DELETE (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    occurred_at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("organisation unit"),
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("summary"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

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

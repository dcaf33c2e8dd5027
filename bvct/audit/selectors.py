"""Reads of the audit log, scoped to the actor through `bvct.access.policy`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.access import policy
from bvct.audit.models import AuditEvent, ChainVerification
from bvct.core.selectors import AttentionItem
from bvct.orgs.models import OrgUnit

if TYPE_CHECKING:
    from bvct.accounts.models import User

# Days in filters are Vietnamese calendar days, whatever the server's time zone.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
VERIFICATION_STALE_AFTER = dt.timedelta(days=7)


@dataclass(frozen=True)
class AuditEventFilter:
    date_from: dt.date | None = None  # inclusive, Vietnamese calendar day
    date_to: dt.date | None = None  # inclusive
    action: str = ""  # an exact action, or a dotted prefix of actions ("orgs.unit")
    actor_username: str = ""
    target_type: str = ""
    target_id: str = ""
    org_unit: OrgUnit | None = None  # this unit and everything below it


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=VIETNAM)


def _filter_q(filters: AuditEventFilter) -> Q:
    q = Q()
    if filters.date_from is not None:
        q &= Q(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        q &= Q(occurred_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.action:
        q &= Q(action=filters.action) | Q(action__startswith=filters.action + ".")
    if filters.actor_username:
        q &= Q(actor__username__iexact=filters.actor_username)
    if filters.target_type:
        q &= Q(target_type=filters.target_type)
    if filters.target_id:
        q &= Q(target_id=filters.target_id)
    if filters.org_unit is not None:
        q &= OrgUnit.subtree_filter(filters.org_unit.path, prefix="org_unit__")
    return q


def audit_event_list_for_actor(
    *, actor: User, filters: AuditEventFilter | None = None
) -> QuerySet[AuditEvent]:
    """The events the auditor may see, newest first, narrowed by `filters`."""
    events = policy.audit_events_visible_to(actor)
    if filters is not None:
        events = events.filter(_filter_q(filters))
    return events.select_related("actor", "org_unit").order_by("-seq")


def audit_event_get_for_actor(*, actor: User, pk: int) -> AuditEvent:
    """404 for an event that is missing or outside the auditor's jurisdiction alike."""
    return get_object_or_404(
        policy.audit_events_visible_to(actor).select_related("actor", "org_unit"), pk=pk
    )


def audit_event_is_visible(*, actor: User, pk: int) -> bool:
    return policy.audit_events_visible_to(actor).filter(pk=pk).exists()


def org_unit_for_audit_filter(*, actor: User, code: str) -> OrgUnit | None:
    """The unit with this code (any case) if it is in the actor's jurisdiction."""
    return policy.org_units_visible_to(actor).filter(code__iexact=code.strip()).first()


def chain_verification_latest() -> ChainVerification | None:
    return ChainVerification.objects.select_related("actor").first()


def audit_attention(actor: User) -> list[AttentionItem]:
    """Home page: auditors are told when the chain was never verified, when the last
    verification failed, or when it is older than a week."""
    if not policy.can_view_audit_log(actor):
        return []
    latest = chain_verification_latest()
    url = reverse("audit:chain-verify")
    if latest is None:
        return [AttentionItem(_("The audit log has never been verified"), 1, url, "warning")]
    if not latest.is_ok:
        label = _("The last audit log verification found tampering")
        return [AttentionItem(label, 1, url, "danger")]
    if timezone.now() - latest.verified_at > VERIFICATION_STALE_AFTER:
        label = _("The audit log has not been verified for more than 7 days")
        return [AttentionItem(label, 1, url, "warning")]
    return []

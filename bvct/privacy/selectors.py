"""Reads of bvct.privacy, scoped through `bvct.access.policy`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.selectors import AttentionItem
from bvct.privacy.models import ExportRequest, SubjectRequest, SubjectRequestLimit


def export_request_list(*, actor: User) -> QuerySet[ExportRequest]:
    return policy.export_requests_visible_to(actor).select_related(
        "requested_by", "org_unit", "decided_by"
    )


def export_request_get_for_actor(*, actor: User, pk: int) -> ExportRequest:
    return get_object_or_404(export_request_list(actor=actor), pk=pk)


def export_requests_awaiting(actor: User) -> QuerySet[ExportRequest]:
    """Pending requests this approver may decide (never their own)."""
    if not (policy.is_staff_user(actor) and actor.has_role("approver")):
        return ExportRequest.objects.none()
    return (
        export_request_list(actor=actor)
        .filter(status=ExportRequest.Status.PENDING)
        .filter(policy.jurisdiction_filter(actor, prefix="org_unit__"))
        .exclude(requested_by=actor)
    )


def subject_request_list(*, actor: User) -> QuerySet[SubjectRequest]:
    return policy.subject_requests_visible_to(actor).select_related("person", "org_unit", "kind")


def subject_request_get_for_actor(*, actor: User, pk: int) -> SubjectRequest:
    return get_object_or_404(subject_request_list(actor=actor), pk=pk)


def my_subject_request_get(*, actor: User, pk: int) -> SubjectRequest:
    rows = policy.subject_requests_for_member(actor).select_related("kind")
    return get_object_or_404(rows, pk=pk)


def subject_requests_overdue(
    actor: User, *, today: dt.date | None = None
) -> QuerySet[SubjectRequest]:
    day = today or timezone.localdate()
    return subject_request_list(actor=actor).filter(SubjectRequest.overdue_filter(day))


def limits_in_force(day: dt.date) -> dict[str, SubjectRequestLimit]:
    """The clock rows in force on `day`, by step."""
    rows = SubjectRequestLimit.objects.filter(
        Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )
    return {row.step: row for row in rows}


def privacy_attention(actor: User) -> list[AttentionItem]:
    """Home page and dashboard: large exports waiting for this approver; data-subject requests
    past a legal clock, and those still to acknowledge, in the actor's subtree."""
    items: list[AttentionItem] = []
    if policy.is_staff_user(actor) and actor.has_role("approver"):
        items.append(
            AttentionItem(
                _("Large exports waiting for your approval"),
                export_requests_awaiting(actor).count(),
                reverse("privacy:export-list"),
                "warning",
            )
        )
    if policy.is_staff_user(actor) and actor.has_role(*policy.SUBJECT_REQUEST_ROLES):
        today = timezone.localdate()
        url = reverse("privacy:subject-list")
        items += [
            AttentionItem(
                _("Data-subject requests overdue"),
                subject_requests_overdue(actor, today=today).count(),
                url,
                "danger",
            ),
            AttentionItem(
                _("Data-subject requests to acknowledge"),
                subject_request_list(actor=actor)
                .filter(status=SubjectRequest.Status.RECEIVED, acknowledge_due_on__gte=today)
                .count(),
                url,
                "warning",
            ),
        ]
    return items

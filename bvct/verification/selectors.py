"""Reads of verification requests, always through `policy.verification_requests_visible_to`."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.selectors import AttentionItem
from bvct.verification.models import VerificationRequest
from bvct.vetting.models import Case

S = VerificationRequest.Status
RELATED = (
    "case__person",
    "case__holding_unit",
    "requesting_unit",
    "addressee_unit",
    "addressee_body",
    "assignee",
    "escalated_to",
)


def visible(actor: User) -> QuerySet[VerificationRequest]:
    return policy.verification_requests_visible_to(actor).select_related(*RELATED)


def request_get_for_actor(*, actor: User, pk: int) -> VerificationRequest:
    return get_object_or_404(visible(actor), pk=pk)


def requests_for_case(*, actor: User, case: Case) -> list[VerificationRequest]:
    return list(visible(actor).filter(case=case).order_by("created_at", "pk"))


def outgoing_for_actor(*, actor: User, state: str = "pending") -> QuerySet[VerificationRequest]:
    """Requests sent from cases the actor sees (the requesting side)."""
    rows = visible(actor).filter(case__in=policy.cases_visible_to(actor))
    return by_state(rows, state).order_by("due_on", "pk")


def incoming_for_actor(*, actor: User, state: str = "pending") -> QuerySet[VerificationRequest]:
    """Requests addressed to the actor's subtree (the addressee side)."""
    rows = visible(actor).filter(policy.jurisdiction_filter(actor, prefix="addressee_unit__"))
    return by_state(rows, state).order_by("due_on", "pk")


def by_state(rows: QuerySet[VerificationRequest], state: str) -> QuerySet[VerificationRequest]:
    today = timezone.localdate()
    if state == "pending":
        return rows.filter(status__in=[S.AWAITING_CONSENT, S.SENT, S.RECEIVED])
    if state == "overdue":
        return rows.filter(Q(status__in=[S.SENT, S.RECEIVED]) & Q(due_on__lt=today))
    if state == "answered":
        return rows.filter(status=S.ANSWERED)
    return rows


def request_attention(actor: User) -> list[AttentionItem]:
    """Home page: letters addressed to my subtree waiting for an answer (overdue first), and my
    cases' letters past their due date."""
    if not policy.can_work_cases(actor):
        return []
    today = timezone.localdate()
    incoming = incoming_for_actor(actor=actor, state="pending").filter(
        status__in=[S.SENT, S.RECEIVED]
    )
    late_in = incoming.filter(due_on__lt=today).count()
    late_out = outgoing_for_actor(actor=actor, state="overdue").count()
    return [
        AttentionItem(
            _("Verification letters to answer, past due"),
            late_in,
            reverse("requests:incoming") + "?state=overdue",
            "danger",
        ),
        AttentionItem(
            _("Verification letters to answer"),
            incoming.count() - late_in,
            reverse("requests:incoming"),
            "warning",
        ),
        AttentionItem(
            _("Our verification letters past due"),
            late_out,
            reverse("requests:outgoing") + "?state=overdue",
            "danger",
        ),
    ]

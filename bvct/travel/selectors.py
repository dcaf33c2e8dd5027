"""Reads for the home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.access import policy
from bvct.accounts.models import RoleCode, User
from bvct.core.selectors import AttentionItem
from bvct.travel import services
from bvct.travel.models import TravelApplication

S = TravelApplication.Status


def travel_attention(actor: User) -> list[AttentionItem]:
    """Home page: for a member, trips approved and return reports due; for staff, applications
    waiting for the chi bộ or the committee, and return reports overdue, in the subtree."""
    today = timezone.localdate()
    visible = policy.travel_visible_to(actor)
    if actor.has_role(RoleCode.MEMBER) and not policy.is_staff_user(actor):
        due = visible.filter(status=S.APPROVED, report__isnull=True, departs_on__lte=today)
        return [
            AttentionItem(
                _("Trips abroad approved"),
                visible.filter(status=S.APPROVED, departs_on__gt=today).count(),
                reverse("travel:mine"),
                "info",
            ),
            AttentionItem(
                _("Return reports to send"), due.count(), reverse("travel:mine"), "warning"
            ),
        ]
    if not policy.can_work_cases(actor):
        return []
    overdue = services.overdue_reports(rows=visible, today=today)
    waiting = visible.filter(status__in=[S.SUBMITTED, S.AWAITING_DECISION]).count()
    return [
        AttentionItem(
            _("Travel applications waiting"), waiting, reverse("travel:lists"), "warning"
        ),
        AttentionItem(
            _("Return reports of trips overdue"), len(overdue), reverse("travel:lists"), "danger"
        ),
    ]

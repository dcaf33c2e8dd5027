"""Reads of inspections, always through `policy` (404 outside: the team, the inspecting node's
officers and approvers, the unit's contacts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.selectors import AttentionItem
from bvct.inspections.models import (
    Inspection,
    InspectionDocument,
    InspectionPlan,
    RemediationItem,
    ReportVersion,
    ResultNotice,
)


def plans_for_actor(actor: User) -> QuerySet[InspectionPlan]:
    if not policy.can_plan_inspections(actor):
        return InspectionPlan.objects.none()
    return InspectionPlan.objects.filter(org_unit_id=actor.org_unit_id)


def plan_get_for_actor(*, actor: User, pk: int) -> InspectionPlan:
    return get_object_or_404(plans_for_actor(actor), pk=pk)


def inspection_get_for_actor(*, actor: User, pk: int) -> Inspection:
    rows = policy.inspections_visible_to(actor).select_related("plan__org_unit", "unit")
    return get_object_or_404(rows, pk=pk)


def document_get_for_actor(*, actor: User, pk: int) -> InspectionDocument:
    document = get_object_or_404(
        InspectionDocument.objects.select_related("inspection__plan", "inspection__unit"), pk=pk
    )
    inspection = document.inspection
    if not policy.inspections_visible_to(actor).filter(pk=inspection.pk).exists():
        raise Http404
    evidence = document.kind == InspectionDocument.Kind.EVIDENCE
    if evidence and not policy.sees_internal_findings(actor, inspection):
        raise Http404
    return document


@dataclass(frozen=True)
class YearScore:
    year: int
    score: int
    rating: str
    reference: str


def unit_scores(unit_id: int, actor: User) -> list[YearScore]:
    """The unit's scored result notices over the years, among the inspections the actor sees."""
    visible = policy.inspections_visible_to(actor).filter(unit_id=unit_id)
    notices = (
        ResultNotice.objects.filter(inspection__in=visible)
        .select_related("inspection__plan")
        .order_by("inspection__plan__year", "issued_on")
    )
    return [YearScore(n.inspection.plan.year, n.score, n.rating, n.reference) for n in notices]


def inspection_attention(actor: User) -> list[AttentionItem]:
    """Home page: remediation items past due (mine, my unit's as contact, or my node's
    inspections), and self-reports my unit still has to submit."""
    visible = policy.inspections_visible_to(actor)
    today = timezone.localdate()
    late = RemediationItem.objects.filter(
        inspection__in=visible, status=RemediationItem.Status.OPEN, due_on__lt=today
    ).count()
    to_write = (
        visible.filter(status=Inspection.Status.IN_PROGRESS, contacts__user=actor)
        .exclude(versions__status=ReportVersion.Status.SUBMITTED)
        .count()
    )
    url = reverse("inspections:plan-list")
    return [
        AttentionItem(_("Inspection remediation items past due"), late, url, "danger"),
        AttentionItem(_("Self-reports to submit for an inspection"), to_write, url, "warning"),
    ]

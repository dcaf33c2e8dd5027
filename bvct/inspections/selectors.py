"""Reads of inspections, always through `policy` (404 outside: the team, the inspecting node's
officers and approvers, the unit's contacts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from bvct.access import policy
from bvct.accounts.models import User
from bvct.inspections.models import (
    Inspection,
    InspectionDocument,
    InspectionPlan,
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

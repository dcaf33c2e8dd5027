"""Routing rules: which unit holds a new case's file, and who gets it."""

from __future__ import annotations

from dataclasses import dataclass

from bvct.accounts.models import User
from bvct.orgs.models import OrgUnit
from bvct.vetting.models import RoutingRule


@dataclass(frozen=True)
class Route:
    holding_unit: OrgUnit
    assignee: User | None


def route_for(*, case_type: str, subject_unit: OrgUnit, default_unit: OrgUnit) -> Route:
    """The deepest rule for `case_type` whose unit contains `subject_unit`; else `default_unit`
    (the opener's unit) holds the file, unassigned."""
    ancestors = [
        subject_unit.path[:i]
        for i in range(OrgUnit.steplen, len(subject_unit.path) + 1, OrgUnit.steplen)
    ]
    rule = (
        RoutingRule.objects.filter(case_type=case_type, org_unit__path__in=ancestors)
        .select_related("holding_unit", "assignee")
        .order_by("-org_unit__depth")
        .first()
    )
    if rule is None:
        return Route(default_unit, None)
    assignee = rule.assignee if rule.assignee is not None and rule.assignee.is_active else None
    return Route(rule.holding_unit, assignee)

"""Test builders for cases. `make_case` writes rows directly (no audit, no notification): use
the services in tests that are about writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.people.tests.factories import make_person
from bvct.vetting.clocks import limit_for, seed_default_limits
from bvct.vetting.models import Case, CaseStep, CaseTransition, CaseType, Status
from bvct.vetting.scope import case_scope_fill
from bvct.workdays.calendar import add_working_days


def make_case(
    *,
    person: Person | None = None,
    org_unit: OrgUnit | None = None,
    case_type: str = CaseType.ADMISSION,
    purpose: str = "",
    status: str = Status.OPEN,
    holding_unit: OrgUnit | None = None,
    assignee: User | None = None,
    started_on: dt.date | None = None,
    **fields: Any,
) -> Case:
    """A case at `status` whose clock started on `started_on` (default: today)."""
    seed_default_limits()
    if person is None:
        assert org_unit is not None
        person = make_person(org_unit=org_unit)
    unit = holding_unit or person.org_unit
    opener = fields.pop("opened_by", None) or make_user(org_unit=unit, roles=(RoleCode.CLERK,))
    case = Case(
        case_type=case_type,
        purpose=purpose,
        person=person,
        status=status,
        holding_unit=unit,
        assignee=assignee,
        opened_by=opener,
        opened_at=timezone.now(),
        **fields,
    )
    case_scope_fill(case)  # as the services do
    case.save()
    CaseTransition.objects.create(
        case=case, from_status="", to_status=status, actor=opener, occurred_at=case.opened_at
    )
    day = started_on or timezone.localdate()
    limit = limit_for(case_type=case_type, status=status, purpose=purpose, day=day)
    if limit is not None:
        case.current_step = CaseStep.objects.create(
            case=case,
            status=status,
            limit=limit,
            started_on=day,
            due_on=add_working_days(day, limit.working_days),
        )
        case.save(update_fields=["current_step"])
    return case

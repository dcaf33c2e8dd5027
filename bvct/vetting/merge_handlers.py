"""What a unit merge (`bvct.orgs.services.unit_merge`) does to cases: the open cases the old
unit holds, or decides as the competent authority, move to the successor; competent-authority
rules naming the old unit as the decider name the successor. Closed cases keep their history.
Registered in `VettingConfig.ready()`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bvct.vetting.models import AuthorityRule, Case

if TYPE_CHECKING:
    from bvct.accounts.models import User
    from bvct.orgs.models import OrgUnit


def move_open_cases_held(
    *, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date, actor: User
) -> int:
    return Case.objects.open().filter(holding_unit=unit).update(holding_unit=successor)


def move_competent_authority(
    *, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date, actor: User
) -> int:
    cases = Case.objects.open().filter(competent_unit=unit).update(competent_unit=successor)
    rules = AuthorityRule.objects.filter(competent_unit=unit).update(competent_unit=successor)
    return cases + rules

"""Actors on the shared tree. The fixture also seeds the default time limits again: a
transactional test's flush removes the rows the data migration seeded."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.people.models import Person
from bvct.people.tests.factories import make_person
from bvct.vetting.clocks import seed_default_limits
from conftest import Tree


@dataclass
class Actors:
    clerk: User  # commune_a1
    officer: User  # commune_a1
    approver: User  # commune_a1
    inspector: User  # commune_a1, reads only
    boss: User  # commune_a1, clerk + officer + approver (takes every step)
    outsider: User  # commune_b1 clerk, officer and approver
    member: User  # party member whose record is `subject`
    subject: Person  # managed by grassroots_a1
    superior_officer: User  # prov_a officer (receives escalations)


@pytest.fixture
def actors(tree: Tree) -> Actors:
    seed_default_limits()
    a1 = tree.commune_a1
    member = make_user(org_unit=tree.grassroots_a1, roles=(RoleCode.MEMBER,))
    subject = make_person(org_unit=tree.grassroots_a1, account=member)
    return Actors(
        clerk=make_user(org_unit=a1, roles=(RoleCode.CLERK,)),
        officer=make_user(org_unit=a1, roles=(RoleCode.OFFICER,), clearance=2),
        approver=make_user(org_unit=a1, roles=(RoleCode.APPROVER,), clearance=2),
        inspector=make_user(org_unit=a1, roles=(RoleCode.INSPECTOR,), clearance=2),
        boss=make_user(
            org_unit=a1, roles=(RoleCode.CLERK, RoleCode.OFFICER, RoleCode.APPROVER), clearance=3
        ),
        outsider=make_user(
            org_unit=tree.commune_b1,
            roles=(RoleCode.CLERK, RoleCode.OFFICER, RoleCode.APPROVER),
            clearance=3,
        ),
        member=member,
        subject=subject,
        superior_officer=make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,)),
    )

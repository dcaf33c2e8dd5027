"""The member, the chi bộ's staff and approvers on the shared tree; a valid trip."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.people.models import Person
from bvct.people.tests.factories import make_person
from bvct.travel import services
from conftest import Tree

D = dt.date


def trip(**fields: object) -> services.ApplicationInput:
    values: dict[str, object] = {
        "purpose": "tourism",
        "countries": "Nhật Bản",
        "departs_on": D(2027, 1, 10),
        "returns_on": D(2027, 1, 17),
        "funding": "self",
    }
    values.update(fields)
    return services.ApplicationInput(**values)  # type: ignore[arg-type]


@dataclass
class People:
    member: User
    person: Person
    clerk: User  # commune_a1
    approver: User  # commune_a1 (over the grassroots committee)
    approver_a2: User
    approver_b: User


@pytest.fixture
def people(tree: Tree) -> People:
    member = make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,))
    return People(
        member=member,
        person=make_person(org_unit=tree.branch_a1, account=member),
        clerk=make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,)),
        approver=make_user(org_unit=tree.commune_a1, roles=(RoleCode.APPROVER,)),
        approver_a2=make_user(org_unit=tree.commune_a2, roles=(RoleCode.APPROVER,)),
        approver_b=make_user(org_unit=tree.commune_b1, roles=(RoleCode.APPROVER,)),
    )

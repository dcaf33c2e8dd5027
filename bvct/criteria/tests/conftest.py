from __future__ import annotations

from dataclasses import dataclass

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from conftest import Tree


@dataclass
class Actors:
    admin: User
    approver: User
    officer: User
    clerk: User
    outsider: User  # officer in another province


@pytest.fixture
def actors(tree: Tree) -> Actors:
    return Actors(
        admin=make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,), clearance=3),
        approver=make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,), clearance=3),
        officer=make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=3),
        clerk=make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), clearance=3),
        outsider=make_user(org_unit=tree.prov_b, roles=(RoleCode.OFFICER,), clearance=3),
    )

"""Actors on the shared tree (see helpers.Actors)."""

from __future__ import annotations

import pytest

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.people.tests.helpers import Actors
from conftest import Tree


@pytest.fixture
def actors(tree: Tree) -> Actors:
    a1 = tree.commune_a1
    return Actors(
        clerk=make_user(org_unit=a1, roles=(RoleCode.CLERK,)),
        officer=make_user(org_unit=a1, roles=(RoleCode.OFFICER,), clearance=2),
        approver=make_user(org_unit=a1, roles=(RoleCode.APPROVER,), clearance=2),
        inspector=make_user(org_unit=a1, roles=(RoleCode.INSPECTOR,), clearance=2),
        outsider=make_user(
            org_unit=tree.commune_b1, roles=(RoleCode.CLERK, RoleCode.OFFICER), clearance=3
        ),
        auditor=make_user(org_unit=a1, roles=(RoleCode.AUDITOR, RoleCode.CLERK)),
    )

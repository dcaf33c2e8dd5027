"""Approvers and officers on the shared tree; the case fixtures of `vetting` for seeded limits."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.vetting.clocks import seed_default_limits
from conftest import Tree


@dataclass
class Readers:
    approver_a1: User  # commune_a1
    approver_prov: User  # prov_a
    officer_root: User  # root, Tối mật
    officer_a2: User  # commune_a2
    clerk_a1: User  # no report role


@pytest.fixture
def readers(tree: Tree) -> Readers:
    seed_default_limits()
    return Readers(
        approver_a1=make_user(org_unit=tree.commune_a1, roles=(RoleCode.APPROVER,), clearance=2),
        approver_prov=make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,), clearance=2),
        officer_root=make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,), clearance=2),
        officer_a2=make_user(org_unit=tree.commune_a2, roles=(RoleCode.OFFICER,), clearance=2),
        clerk_a1=make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,)),
    )

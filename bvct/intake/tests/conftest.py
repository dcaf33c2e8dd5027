from __future__ import annotations

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from conftest import Tree


@pytest.fixture
def clerk(tree: Tree) -> User:
    return make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), username="clerk_a1")


@pytest.fixture
def officer(tree: Tree) -> User:
    return make_user(
        org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=3, username="officer_a1"
    )

"""Actors for the calendar: the national admin edits; everyone else only reads."""

from __future__ import annotations

from typing import Any

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user


@pytest.fixture
def root_admin(tree: Any) -> User:
    return make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,), username="tw.admin")


@pytest.fixture
def province_admin(tree: Any) -> User:
    return make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,), username="a.admin")


@pytest.fixture
def root_officer(tree: Any) -> User:
    return make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,), username="tw.officer")


@pytest.fixture
def member(tree: Any) -> User:
    return make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,), username="a.member")

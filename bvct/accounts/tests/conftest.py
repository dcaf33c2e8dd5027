"""Actors for the accounts tests, on the shared `tree` fixture."""

from __future__ import annotations

import pytest

from bvct.accounts.models import Clearance, User
from bvct.accounts.tests.factories import make_user
from conftest import Tree


@pytest.fixture
def admin_a(tree: Tree) -> User:
    """Administrator of province A, clearance Mật."""
    return make_user(
        org_unit=tree.prov_a,
        roles=("admin",),
        clearance=Clearance.MAT,
        username="admin.a",
        full_name="Quản trị Tỉnh A",
    )


@pytest.fixture
def national_admin(tree: Tree) -> User:
    return make_user(
        org_unit=tree.root,
        roles=("admin",),
        clearance=Clearance.TUYET_MAT,
        username="admin.tw",
        full_name="Quản trị Trung ương",
    )


@pytest.fixture
def officer_a(tree: Tree) -> User:
    return make_user(
        org_unit=tree.prov_a,
        roles=("officer",),
        clearance=Clearance.MAT,
        username="officer.a",
        full_name="Nguyễn Văn Đức",
    )

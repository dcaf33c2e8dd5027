"""Actors and records for the lý lịch tests, on the shared `tree` fixture.

commune_a1 staff keep the dossiers under commune_a1 (grassroots_a1, branch_a1); the member's own
record is in branch_a1; `outsider_person` is in province B.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from bvct.accounts.models import Clearance, RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.people.models import Person
from bvct.people.tests.factories import make_person
from conftest import Tree


@pytest.fixture(autouse=True)
def _vietnamese() -> Iterator[None]:
    """Messages are asserted in Vietnamese, whatever language an earlier test left active."""
    with translation.override("vi"):
        yield


@pytest.fixture
def clerk(tree: Tree) -> User:
    return make_user(
        org_unit=tree.commune_a1,
        roles=(RoleCode.CLERK,),
        clearance=Clearance.MAT,
        username="clerk.a1",
        full_name="Phạm Thị Hoa",
    )


@pytest.fixture
def officer(tree: Tree) -> User:
    return make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=Clearance.MAT)


@pytest.fixture
def inspector(tree: Tree) -> User:
    return make_user(org_unit=tree.commune_a1, roles=(RoleCode.INSPECTOR,), clearance=Clearance.MAT)


@pytest.fixture
def member(tree: Tree) -> User:
    return make_user(
        org_unit=tree.branch_a1,
        roles=(RoleCode.MEMBER,),
        username="member.an",
        full_name="Nguyễn Văn An",
    )


@pytest.fixture
def other_member(tree: Tree) -> User:
    return make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,), username="member.binh")


@pytest.fixture
def person(tree: Tree, member: User) -> Person:
    """The member's own record, in branch_a1 (inside the commune_a1 staff's jurisdiction)."""
    return make_person(
        org_unit=tree.branch_a1,
        full_name="Nguyễn Văn An",
        account=member,
        hometown_text="Xã Đông Anh, Hà Nội",
        residence_text="Phường Hoàn Kiếm, Hà Nội",
    )


@pytest.fixture
def other_person(tree: Tree, other_member: User) -> Person:
    return make_person(org_unit=tree.branch_a1, full_name="Trần Văn Bình", account=other_member)


@pytest.fixture
def outsider_person(tree: Tree) -> Person:
    return make_person(org_unit=tree.commune_b1, full_name="Lê Văn Cường")

"""Actors on the shared `tree` fixture and a snapshot helper for "nothing changed" assertions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.orgs.models import OrgUnit
from conftest import Tree

Snapshot = tuple[list[Any], list[Any], int]


def snapshot() -> Snapshot:
    """Every unit row, every user's unit and the audit length: equal before and after a refusal."""
    units = list(OrgUnit.objects.order_by("pk").values())
    users = list(User.objects.order_by("pk").values_list("pk", "org_unit_id"))
    return units, users, AuditEvent.objects.count()


@pytest.fixture
def unchanged() -> Callable[[], Snapshot]:
    return snapshot


@pytest.fixture
def admin_a(tree: Tree) -> User:
    """An administrator of province A."""
    return make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,), username="admin.a")


@pytest.fixture
def officer_a(tree: Tree) -> User:
    """An officer of province A (browses, does not manage)."""
    return make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,), username="officer.a")


@pytest.fixture
def admin_root(tree: Tree) -> User:
    return make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,), username="admin.root")

from __future__ import annotations

import pytest
from django.test import Client

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from conftest import Tree


@pytest.fixture
def national_auditor(tree: Tree) -> User:
    return make_user(org_unit=tree.root, roles=(RoleCode.AUDITOR,), username="tw.auditor")


@pytest.fixture
def auditor(tree: Tree) -> User:
    """An auditor of province A."""
    return make_user(org_unit=tree.prov_a, roles=(RoleCode.AUDITOR,), username="a.auditor")


@pytest.fixture
def officer(tree: Tree) -> User:
    return make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,), username="a.officer")


def client_for(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client

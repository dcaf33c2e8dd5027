"""Registrars on the shared tree; today is pinned inside 2026 so that dates are stable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.registers.defaults import seed_default_periods
from bvct.registers.tests.factories import make_registrar
from conftest import Tree

TODAY = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _periods(db: None) -> None:
    seed_default_periods()


@dataclass
class Staff:
    registrar: User  # commune_a1, Tuyệt mật
    registrar_mat: User  # commune_a1, Mật only
    registrar_prov: User  # prov_a (reads the subtree, writes its own)
    registrar_b: User  # commune_b1
    auditor: User  # commune_a1, Tối mật
    officer: User  # commune_a1: no register role


@pytest.fixture
def staff(tree: Tree) -> Staff:
    return Staff(
        registrar=make_registrar(tree.commune_a1),
        registrar_mat=make_registrar(tree.commune_a1, clearance=1),
        registrar_prov=make_registrar(tree.prov_a),
        registrar_b=make_registrar(tree.commune_b1),
        auditor=make_user(org_unit=tree.commune_a1, roles=(RoleCode.AUDITOR,), clearance=2),
        officer=make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=3),
    )

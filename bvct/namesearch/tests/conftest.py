"""People for search tests: created directly (the people services are another app's) and indexed
through `index_people`, as the services and the importer do."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.namesearch.index import index_people
from bvct.namesearch.plan import clear_counts
from bvct.orgs.models import OrgUnit
from bvct.people.models import DatePrecision, Person, Sex
from bvct.people.names import split_name

_cards = itertools.count(10_000_001)


def add_person(
    full_name: str,
    org_unit: OrgUnit,
    *,
    birth_year: int = 1980,
    index: bool = True,
    **fields: Any,
) -> Person:
    parts = split_name(full_name)
    fields.setdefault("sex", Sex.MALE)
    person = Person.objects.create(
        full_name=parts.full_name,
        surname=parts.surname,
        middle_name=parts.middle_name,
        given_name=parts.given_name,
        name_key=parts.name_key,
        birth_date=dt.date(birth_year, 1, 1),
        birth_precision=DatePrecision.YEAR,
        birth_year=birth_year,
        org_unit=org_unit,
        **fields,
    )
    if index:
        index_people([person])
    return person


@pytest.fixture
def officer_at(db: None) -> Any:
    def make(
        unit: OrgUnit, clearance: int = 3, roles: tuple[str, ...] = (RoleCode.OFFICER,)
    ) -> User:
        return make_user(org_unit=unit, roles=roles, clearance=clearance)

    return make


@pytest.fixture(autouse=True)
def _fresh_plan_counts() -> None:
    """The planner caches syllable counts per process: each test starts without them."""
    clear_counts()

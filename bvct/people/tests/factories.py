"""Test builders for people. They write rows directly (no audit, no search index): use the
services in tests that are about writes."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from bvct.orgs.models import OrgUnit
from bvct.people.models import DatePrecision, Person, RecordedIssue, Relative, Sex
from bvct.people.names import split_name

_counter = itertools.count(1)


def make_person(*, org_unit: OrgUnit, full_name: str | None = None, **fields: Any) -> Person:
    n = next(_counter)
    parts = split_name(full_name or f"Nguyễn Văn Thử {n}")
    birth_date: datetime.date | None = fields.pop("birth_date", datetime.date(1990, 5, 17))
    fields.setdefault("birth_year", birth_date.year if birth_date else None)
    fields.setdefault("birth_precision", DatePrecision.DAY)
    fields.setdefault("sex", Sex.MALE)
    return Person.objects.create(
        org_unit=org_unit,
        full_name=parts.full_name,
        surname=parts.surname,
        middle_name=parts.middle_name,
        given_name=parts.given_name,
        name_key=parts.name_key,
        birth_date=birth_date,
        **fields,
    )


def make_relative(*, person: Person, full_name: str = "Nguyễn Văn Cha", **fields: Any) -> Relative:
    fields.setdefault("relationship", Relative.Relationship.FATHER)
    fields.setdefault("birth_year", 1960)
    return Relative.objects.create(
        person=person, full_name=full_name, name_key=split_name(full_name).name_key, **fields
    )


def make_issue(*, person: Person, created_by: Any, **fields: Any) -> RecordedIssue:
    fields.setdefault("family", RecordedIssue.Family.POLITICAL_HISTORY)
    fields.setdefault("source", RecordedIssue.Source.DECLARATION)
    fields.setdefault("summary", "Vấn đề thử")
    return RecordedIssue.objects.create(person=person, created_by=created_by, **fields)

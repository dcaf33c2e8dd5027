"""Test helpers for people: actors, field builders, and the "nothing changed" check."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.forms.models import model_to_dict

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.people.models import Person, RecordedIssue, Relative, Sex
from bvct.people.services import PersonFields


@dataclass
class Actors:
    clerk: User  # commune_a1, keeps dossiers, no clearance
    officer: User  # commune_a1, keeps dossiers and issues, clearance 2
    approver: User  # commune_a1, reads issues, clearance 2
    inspector: User  # commune_a1, reads dossiers only
    outsider: User  # commune_b1 clerk and officer
    auditor: User  # commune_a1 auditor who is also a clerk


def fields_for(**overrides: object) -> PersonFields:
    values: dict[str, object] = {
        "full_name": "Nguyễn Thị Hồng Nhung",
        "sex": Sex.FEMALE,
        "birth_date": datetime.date(1985, 4, 12),
        "cccd": "001185012345",
        "hometown_province_code": "01",
        "hometown_commune_code": "00070",
        "hometown_text": "Tràng Tiền, Hoàn Kiếm, Hà Nội",
    }
    values.update(overrides)
    return PersonFields(**values)  # type: ignore[arg-type]


def _snapshot() -> tuple[object, ...]:
    return (
        [model_to_dict(p) for p in Person.objects.order_by("pk")],
        [model_to_dict(r) for r in Relative.objects.order_by("pk")],
        [model_to_dict(i) for i in RecordedIssue.objects.order_by("pk")],
        AuditEvent.objects.count(),
    )


@contextlib.contextmanager
def nothing_changes() -> Iterator[None]:
    """Asserts that no person, relative or issue changed and no audit event was written."""
    before = _snapshot()
    yield
    assert _snapshot() == before

"""Register entries through the real service (numbers, periods, audit)."""

from __future__ import annotations

import datetime as dt

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.orgs.models import OrgUnit
from bvct.registers import services
from bvct.registers.defaults import seed_default_periods
from bvct.registers.models import Entry


def make_registrar(unit: OrgUnit, clearance: int = 3) -> User:
    return make_user(org_unit=unit, roles=(RoleCode.REGISTRAR,), clearance=clearance)


def outgoing(**fields: object) -> services.EntryInput:
    values: dict[str, object] = {
        "doc_number": "15-BC/ĐU",
        "doc_date": dt.date(2026, 3, 2),
        "level": 1,
        "copies": 3,
        "summary": "Báo cáo công tác quý I",
        "signer": "Nguyễn Văn A",
        "addressees": [("Văn phòng Tỉnh ủy", 1), ("Ban Tổ chức Tỉnh ủy", 1)],
        "registered_on": dt.date(2026, 3, 3),
    }
    values.update(fields)
    return services.EntryInput(**values)  # type: ignore[arg-type]


def incoming(**fields: object) -> services.EntryInput:
    values: dict[str, object] = {
        "doc_number": "7-CV/BTCTU",
        "doc_date": dt.date(2026, 3, 2),
        "level": 1,
        "copies": 1,
        "summary": "Hướng dẫn thẩm tra",
        "sender": "Ban Tổ chức Tỉnh ủy",
        "received_on": dt.date(2026, 3, 4),
        "registered_on": dt.date(2026, 3, 4),
    }
    values.update(fields)
    return services.EntryInput(**values)  # type: ignore[arg-type]


def make_entry(
    unit: OrgUnit, *, registrar: User | None = None, kind: str = "out", **fields: object
) -> Entry:
    seed_default_periods()
    registrar = registrar or make_registrar(unit)
    data = outgoing(**fields) if kind == "out" else incoming(**fields)
    return services.entry_register(actor=registrar, org_unit=unit, kind=kind, data=data)

"""Demo: a year of the Hà Nội registers kept by `hn.registrar` (cleared to Tối mật), entered
through the services as if transcribed from paper — last year's four registers, locked, and this
year's so far — so that the yearly report has figures and `hn.vanthu` (cleared to Mật only) can
see that the Tối mật entries are absent for them. Dates are relative to today; the data are
invented examples (document numbers and addressees), no real document."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bvct.accounts.models import User
from bvct.orgs.models import OrgUnit
from bvct.registers import services
from bvct.registers.defaults import seed_default_periods
from bvct.registers.models import Entry, Register

REGISTRAR = "hn.registrar"
HA_NOI = "T01"
ADDRESSEES = [
    [("Ban Tổ chức Trung ương", 1), ("Lưu Văn phòng", 1)],
    [("Ban Thường vụ Đảng ủy phường Hoàn Kiếm", 1), ("Lưu Văn phòng", 1)],
    [("Ủy ban Kiểm tra Thành ủy", 1), ("Ban Tổ chức Thành ủy", 1), ("Lưu Văn phòng", 1)],
]
SENDERS = ["Ban Tổ chức Trung ương", "Văn phòng Trung ương Đảng", "Ban Nội chính Trung ương"]
SUMMARIES = [
    "Báo cáo kết quả thẩm định tiêu chuẩn chính trị (ví dụ)",
    "Kế hoạch kiểm tra công tác bảo vệ chính trị nội bộ (ví dụ)",
    "Công văn đề nghị thẩm tra, xác minh (ví dụ)",
    "Thông báo kết luận về lịch sử chính trị (ví dụ)",
]


def _days(start: dt.date, end: dt.date, n: int) -> list[dt.date]:
    span = max((end - start).days, 0)
    return [start + dt.timedelta(days=span * i // max(n - 1, 1)) for i in range(n)]


INCOMING_EVERY, TOI_MAT_EVERY = 3, 4  # one entry in three is incoming, one in four Tối mật


def _level(i: int) -> int:
    return 2 if i % TOI_MAT_EVERY == 1 else 1


def _year(registrar: User, unit: OrgUnit, start: dt.date, end: dt.date, n: int) -> list[Entry]:
    entries: list[Entry] = []
    for i, day in enumerate(_days(start, end, n)):
        incoming = i % INCOMING_EVERY == INCOMING_EVERY - 1
        data = services.EntryInput(
            doc_number=(f"{10 + i}-CV/BTCTW" if incoming else f"{i + 1}-BC/TU"),
            doc_date=day - dt.timedelta(days=1 if incoming else 0),
            level=_level(i),
            copies=3 if not incoming else 1,
            summary=SUMMARIES[i % len(SUMMARIES)],
            signer="" if incoming else "Phó Bí thư Thường trực (ví dụ)",
            sender=SENDERS[i % len(SENDERS)] if incoming else "",
            received_on=day if incoming else None,
            storage="Tủ tài liệu mật số 1, Văn phòng",
            addressees=[] if incoming else ADDRESSEES[i % len(ADDRESSEES)],
            registered_on=day,
        )
        entries.append(
            services.entry_register(
                actor=registrar, org_unit=unit, kind="in" if incoming else "out", data=data
            )
        )
    return entries


def _receipts(registrar: User, entries: list[Entry], *, leave_last: int) -> None:
    """Receipts signed a few days after dispatch, except for the last few entries."""
    today = timezone.localdate()
    for entry in entries[: max(len(entries) - leave_last, 0)]:
        for addressee in entry.addressees.all():
            day = min(entry.registered_on + dt.timedelta(days=3), today)
            services.receipt_confirm(
                actor=registrar, addressee=addressee, received_on=day, signed_by="Văn thư nơi nhận"
            )


def load_demo_registers() -> int:
    """Returns the number of entries created (0 when already loaded)."""
    registrar = User.objects.filter(username=REGISTRAR).first()
    unit = OrgUnit.objects.filter(code=HA_NOI).first()
    if registrar is None or unit is None or Register.objects.filter(org_unit=unit).exists():
        return 0
    seed_default_periods()
    today = timezone.localdate()
    last = today.year - 1
    past = _year(registrar, unit, dt.date(last, 1, 5), dt.date(last, 12, 29), 24)
    current = _year(registrar, unit, dt.date(today.year, 1, 1), today, 18)
    # an old document sent on by another body today: its 10-year period has already ended
    services.entry_register(
        actor=registrar,
        org_unit=unit,
        kind="in",
        data=services.EntryInput(
            doc_number="3-CV/BTCTW",
            doc_date=services.add_years(today, -11),
            level=1,
            copies=1,
            summary="Hồ sơ cũ chuyển đến (ví dụ)",
            sender="Ban Tổ chức Trung ương",
            received_on=today,
            storage="Tủ tài liệu mật số 1, Văn phòng",
            registered_on=today,
        ),
    )
    _receipts(registrar, past, leave_last=0)
    _receipts(registrar, current, leave_last=2)
    sources = [e for e in past if e.register.kind == "in"]
    # copies under an authorisation, and a handover, in last year's registers
    authorisation = services.copy_authorise(
        actor=registrar,
        entry=sources[0],
        copies=3,
        authorised_by="Phó Bí thư Thường trực Thành ủy (ví dụ)",
        reference="Phiếu trình số 12 (ví dụ)",
        authorised_on=sources[0].registered_on,
    )
    services.copy_record(
        actor=registrar,
        authorisation=authorisation,
        copies=2,
        copy_form="copy",
        recipients=[("Ban Tổ chức Thành ủy", 2)],
        registered_on=sources[0].registered_on + dt.timedelta(days=1),
    )
    handed = services.handover_record(
        actor=registrar,
        entry=sources[1],
        recipient="Đồng chí Trưởng ban Tổ chức (ví dụ)",
        copies=1,
        registered_on=sources[1].registered_on,
    )
    services.receipt_confirm(
        actor=registrar,
        addressee=handed.addressees.get(),
        received_on=handed.registered_on,
        signed_by="Trưởng ban Tổ chức (ví dụ)",
    )
    services.entry_cancel(actor=registrar, entry=past[6], reason="Ghi nhầm, phát hành lại số sau")
    # an old document whose period ended: extended by decision; another destroyed
    services.protection_extend(
        actor=registrar,
        entry=past[3],
        until=services.add_years(past[3].protected_until, 5),
        day=today,
        decision="05-QĐ/TU (ví dụ)",
    )
    services.destroy(
        actor=registrar,
        entry=past[4],
        day=today,
        decision="06-QĐ/TU (ví dụ)",
        council="Chánh Văn phòng (chủ tịch), Trưởng phòng Hành chính, cán bộ quản lý tài liệu mật",
        minutes="Biên bản tiêu hủy số 01 (ví dụ)",
    )
    for register in Register.objects.filter(org_unit=unit, year=last):
        services.register_lock(actor=registrar, register=register)
    return len(past) + len(current) + 3

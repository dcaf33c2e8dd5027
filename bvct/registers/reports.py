"""The yearly state-secret statistics and report (domain.md §5: data from 15 December of the
previous year to 14 December, report due by 20 December), computed from the registers of one
unit, and the register itself as an XLSX in the column order of its legal form.

Figures count only the entries the reader may see: a reader cleared to Mật gets the Mật column
alone, and the report says so. Summaries never leave the system in these files except in the
register export made by a registrar, and never for Tuyệt mật.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied
from bvct.intake.reports import header_row, safe
from bvct.orgs.models import OrgUnit
from bvct.registers.models import Entry, EntryEvent, Level, Register
from bvct.registers.selectors import register_entries
from bvct.vetting.docx import PartyDocument, place_of, render, signature_for
from bvct.vetting.numbering import issuer_symbol

K = Register.Kind
S = Entry.Status
E = EntryEvent.Kind
DECEMBER = 12
LEVEL_NAMES = {Level.MAT: "Mật", Level.TOI_MAT: "Tối mật", Level.TUYET_MAT: "Tuyệt mật"}


def data_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year - 1, 12, 15), dt.date(year, 12, 14)


def report_due(year: int) -> dt.date:
    return dt.date(year, 12, 20)


def default_year(today: dt.date) -> int:
    """The report being prepared: this year's in December, else last year's."""
    return today.year if today.month == DECEMBER else today.year - 1


@dataclass(frozen=True)
class StatRow:
    label: str  # Vietnamese: the report is a party document whatever the interface language
    by_level: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_level.values())


@dataclass(frozen=True)
class YearlyStats:
    unit: OrgUnit
    year: int
    start: dt.date
    end: dt.date
    levels: list[int]  # the columns: levels the reader is cleared for
    rows: list[StatRow]

    @property
    def partial(self) -> bool:
        return self.levels != list(Level.values)


def _count(rows: QuerySet[Entry]) -> dict[int, int]:
    return dict(rows.values_list("registered_level").annotate(n=Count("pk")))


def _copies(rows: QuerySet[Entry]) -> dict[int, int]:
    return {
        level: n or 0 for level, n in rows.values_list("registered_level").annotate(n=Sum("copies"))
    }


def yearly_statistics(*, actor: User, unit: OrgUnit, year: int) -> YearlyStats:
    start, end = data_period(year)
    levels = [level for level in Level.values if level <= actor.clearance]
    entries = policy.register_entries_visible_to(actor).filter(register__org_unit=unit)
    period = entries.filter(registered_on__range=(start, end))
    live = period.exclude(status=S.CANCELLED)

    def kind(k: str) -> QuerySet[Entry]:
        return live.filter(register__kind=k)

    def events(k: str) -> dict[int, int]:
        return dict(
            entries.filter(events__kind=k, events__day__range=(start, end))
            .values_list("registered_level")
            .annotate(n=Count("events", distinct=True))
        )

    protected = entries.filter(
        register__kind__in=[K.OUTGOING, K.INCOMING], registered_on__lte=end, status=S.ACTIVE
    )
    unconfirmed = dict(
        live.filter(addressees__received_on__isnull=True)
        .values_list("registered_level")
        .annotate(n=Count("addressees", distinct=True))
    )
    rows = [
        StatRow("Tài liệu mật phát hành, đăng ký vào sổ đi (văn bản)", _count(kind(K.OUTGOING))),
        StatRow("Số bản tài liệu mật phát hành", _copies(kind(K.OUTGOING))),
        StatRow("Tài liệu mật đến, đăng ký vào sổ đến (văn bản)", _count(kind(K.INCOMING))),
        StatRow("Lượt sao, chụp tài liệu mật", _count(kind(K.COPY))),
        StatRow("Số bản sao, chụp", _copies(kind(K.COPY))),
        StatRow("Lượt chuyển giao tài liệu mật", _count(kind(K.HANDOVER))),
        StatRow("Số đăng ký đã hủy (không dùng lại)", _count(period.filter(status=S.CANCELLED))),
        StatRow("Gia hạn thời hạn bảo vệ", events(E.EXTEND)),
        StatRow("Giảm độ mật", events(E.DOWNGRADE)),
        StatRow("Giải mật", events(E.DECLASSIFY)),
        StatRow("Tiêu hủy", events(E.DESTROY)),
        StatRow("Nơi nhận chưa ký nhận", unconfirmed),
        StatRow("Tài liệu đang trong thời hạn bảo vệ (sổ đi và sổ đến)", _count(protected)),
    ]
    rows = [StatRow(r.label, {lv: r.by_level.get(lv, 0) for lv in levels}) for r in rows]
    return YearlyStats(unit, year, start, end, levels, rows)


def _header(stats: YearlyStats) -> list[str]:
    return ["Nội dung", *[LEVEL_NAMES[Level(lv)] for lv in stats.levels], "Tổng số"]


def _grid(stats: YearlyStats) -> list[list[str]]:
    body = [
        [row.label, *[str(row.by_level[lv]) for lv in stats.levels], str(row.total)]
        for row in stats.rows
    ]
    return [_header(stats), *body]


def _scope_note(stats: YearlyStats) -> str:
    top = LEVEL_NAMES[Level(stats.levels[-1])] if stats.levels else "—"
    return f"Số liệu chỉ gồm tài liệu đến độ {top} (trong phạm vi độ mật của người lập)."


def _audit_export(actor: User, stats: YearlyStats, fmt: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="registers.report.export",
            org_unit=stats.unit,
            data={"year": stats.year, "format": fmt, "levels": stats.levels},
        )


def _check(actor: User, unit: OrgUnit) -> None:
    if not (policy.can_read_registers(actor) and policy.in_jurisdiction(actor, unit)):
        raise AccessDenied(_("You may not read these registers."))


def yearly_xlsx(*, actor: User, stats: YearlyStats) -> bytes:
    _check(actor, stats.unit)
    with translation.override("vi"):  # a party record: Vietnamese whatever the interface
        data = _yearly_book(actor, stats)
    _audit_export(actor, stats, "xlsx")
    return data


def _yearly_book(actor: User, stats: YearlyStats) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Thống kê")
    sheet.append([f"THỐNG KÊ BÍ MẬT NHÀ NƯỚC NĂM {stats.year} — {safe(stats.unit.name)}"])
    sheet.append(
        [
            f"Kỳ số liệu: từ {stats.start:%d/%m/%Y} đến {stats.end:%d/%m/%Y}; "
            f"hạn báo cáo: {report_due(stats.year):%d/%m/%Y}"
        ]
    )
    if stats.partial:
        sheet.append([_scope_note(stats)])
    header_row(sheet, _header(stats))
    for row in stats.rows:
        sheet.append([row.label, *[row.by_level[lv] for lv in stats.levels], row.total])
    listing = workbook.create_sheet("Danh mục")
    header_row(
        listing,
        ["Sổ", "Số đăng ký", "Ngày đăng ký", "Số, ký hiệu", "Độ mật", "Số bản", "Tình trạng"],
    )
    start, end = stats.start, stats.end
    rows = (
        policy.register_entries_visible_to(actor)
        .filter(register__org_unit=stats.unit, registered_on__range=(start, end))
        .select_related("register")
        .order_by("register__kind", "registered_on", "number")
    )
    for entry in rows.iterator(chunk_size=1000):
        listing.append(
            [
                entry.register.get_kind_display(),
                entry.number,
                entry.registered_on.strftime("%d/%m/%Y"),
                safe(entry.doc_number),
                LEVEL_NAMES[Level(entry.registered_level)],
                entry.copies,
                entry.get_status_display(),
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Narrative:
    """The words of the report, written by the registrar when generating it (not stored)."""

    situation: str = ""
    strengths: str = ""
    incidents: str = ""
    forecast: str = ""
    proposals: str = ""
    signer_position: str = ""
    signer_name: str = ""


def _lines(text: str) -> list[tuple[str, bool]]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [(line, False) for line in lines] or [("…", False)]


def yearly_docx(*, actor: User, stats: YearlyStats, narrative: Narrative) -> bytes:
    _check(actor, stats.unit)
    body: list[tuple[str, bool]] = [
        (
            f"Kỳ số liệu từ ngày {stats.start:%d/%m/%Y} đến ngày {stats.end:%d/%m/%Y}.",
            False,
        ),
        ("I. TÌNH HÌNH", True),
        *_lines(narrative.situation),
        ("II. KẾT QUẢ CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC", True),
        ("Số liệu từ sổ đăng ký bí mật nhà nước:", False),
    ]
    tables = {len(body) - 1: _grid(stats)}
    if stats.partial:
        body.append((_scope_note(stats), False))
    body += [
        ("III. ƯU ĐIỂM, HẠN CHẾ", True),
        *_lines(narrative.strengths),
        ("IV. VỤ VIỆC LỘ, MẤT BÍ MẬT NHÀ NƯỚC; NGUYÊN NHÂN VÀ XỬ LÝ", True),
        *_lines(narrative.incidents),
        ("V. DỰ BÁO TÌNH HÌNH", True),
        *_lines(narrative.forecast),
        ("VI. ĐỀ XUẤT, KIẾN NGHỊ", True),
        *_lines(narrative.proposals),
    ]
    parent = OrgUnit.objects.filter(path=stats.unit.path[: -OrgUnit.steplen]).first()
    document = PartyDocument(
        superior=parent.name if parent is not None and stats.unit.depth > 1 else "",
        issuer=stats.unit.name,
        reference=f"Số      -BC/{issuer_symbol(stats.unit)}",  # the number is taken at signing
        place=place_of(stats.unit),
        day=timezone.localdate(),
        doc_type="BÁO CÁO",
        summary=f"Công tác bảo vệ bí mật nhà nước năm {stats.year}",
        body=body,
        signature=signature_for(stats.unit),
        signer_position=narrative.signer_position,
        signer_name=narrative.signer_name,
        recipients=["Cơ quan công an cùng cấp (để tổng hợp)", "Lưu văn phòng"],
        tables=tables,
    )
    data = render(document)
    _audit_export(actor, stats, "docx")
    return data


# --- the register as XLSX ----------------------------------------------------------------------

_HEAD = ["Số đăng ký", "Ngày đăng ký", "Số, ký hiệu", "Ngày văn bản", "Trích yếu", "Độ mật"]
_TAIL = ["Nơi lưu", "Ghi chú"]
_COLUMNS: dict[str, list[str]] = {
    K.OUTGOING: [*_HEAD, "Dấu A/B/C", "Số bản", "Người ký", "Nơi nhận", "Ký nhận", *_TAIL],
    K.INCOMING: [*_HEAD, "Dấu A/B/C", "Số bản", "Nơi gửi", "Ngày nhận", "Chuyển giao", *_TAIL],
    K.COPY: [*_HEAD, "Hình thức", "Số bản", "Người cho phép", "Nơi nhận", "Ký nhận", *_TAIL],
    K.HANDOVER: [*_HEAD, "Dấu A/B/C", "Số bản", "Người ký", "Người nhận", "Ký nhận", *_TAIL],
}


def _receipts(entry: Entry) -> tuple[str, str]:
    names = "; ".join(f"{a.name} ({a.copies})" for a in entry.addressees.all())
    signed = "; ".join(
        f"{a.received_by_name} {a.received_on:%d/%m/%Y}"
        for a in entry.addressees.all()
        if a.received_on
    )
    return names, signed


def _middle(entry: Entry, values: dict[str, object]) -> list[object]:
    """The kind-specific columns between the level and the storage."""
    kind = entry.register.kind
    if kind == K.INCOMING:
        handed = "; ".join(
            d.addressees.all()[0].name for d in entry.derived.all() if d.addressees.all()
        )
        received = entry.received_on.strftime("%d/%m/%Y") if entry.received_on else ""
        return [values["mark"], entry.copies, safe(str(values["sender"])), received, safe(handed)]
    names, signed = _receipts(entry)
    if kind == K.COPY:
        authorised = entry.authorisation.authorised_by if entry.authorisation else ""
        return [entry.get_copy_form_display(), entry.copies, safe(authorised), safe(names), signed]
    return [values["mark"], entry.copies, safe(str(values["signer"])), safe(names), signed]


def register_xlsx(*, actor: User, register: Register) -> bytes:
    """The register as it is, amendments applied and cancelled numbers shown as cancelled."""
    _check(actor, register.org_unit)
    with translation.override("vi"):
        data, count = _register_book(actor, register)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="registers.register.export",
            target=register,
            org_unit=register.org_unit,
            data={"register": register.kind, "year": register.year, "rows": count},
        )
    return data


def _register_book(actor: User, register: Register) -> tuple[bytes, int]:
    with_summary = policy.sees_register_summary(actor)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(register.year))
    title = f"{register.get_kind_display().upper()} NĂM {register.year}"
    sheet.append([f"{title} — {safe(register.org_unit.name)}"])
    header_row(sheet, _COLUMNS[register.kind])
    count = 0
    for entry in register_entries(actor, register):
        values = entry.current()
        status = "" if entry.status == S.ACTIVE else entry.get_status_display()
        sheet.append(
            [
                entry.number,
                entry.registered_on.strftime("%d/%m/%Y"),
                safe(values["doc_number"]),
                values["doc_date"].strftime("%d/%m/%Y"),
                safe(values["summary"]) if with_summary else "",
                LEVEL_NAMES[Level(entry.level)],
                *_middle(entry, values),
                safe(values["storage"]),
                " ".join(x for x in (status, safe(values["notes"])) if x),
            ]
        )
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count

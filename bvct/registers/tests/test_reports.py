"""The yearly statistics for a fixture year, their XLSX and DOCX, and the register export."""

from __future__ import annotations

import datetime as dt
import io

import docx
import openpyxl
import pytest

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.registers import reports, services
from bvct.registers.models import Entry, Register
from bvct.registers.tests.conftest import Staff
from bvct.registers.tests.factories import make_entry, make_registrar
from conftest import Tree

D = dt.date


@pytest.fixture
def year_2026(tree: Tree, staff: Staff) -> None:
    """Registers of commune A1 around the 2026 data period (15/12/2025 – 14/12/2026)."""
    r = staff.registrar
    unit = tree.commune_a1

    def out(day: D, level: int = 1, copies: int = 3) -> Entry:
        return make_entry(
            unit,
            registrar=r,
            registered_on=day,
            doc_date=day,
            level=level,
            copies=copies,
            summary="" if level == 3 else "Báo cáo",
        )

    out(D(2025, 12, 14))  # before the period
    first = out(D(2025, 12, 15))  # first day of the period, in the 2025 register
    out(D(2026, 2, 1), level=2, copies=5)
    out(D(2026, 3, 1), level=3, copies=2)
    cancelled = out(D(2026, 4, 1))
    services.entry_cancel(actor=r, entry=cancelled, reason="Ghi nhầm")
    received = make_entry(
        unit,
        registrar=r,
        kind="in",
        level=2,
        registered_on=D(2026, 5, 4),
        received_on=D(2026, 5, 4),
        doc_date=D(2026, 5, 1),
    )
    make_entry(tree.commune_a2, registrar=make_reg(tree), kind="in", level=2)
    auth = services.copy_authorise(
        actor=r,
        entry=received,
        copies=4,
        authorised_by="Bí thư",
        reference="P1",
        authorised_on=D(2026, 12, 1),
    )
    services.copy_record(actor=r, authorisation=auth, copies=4, copy_form="copy", recipients=[])
    services.handover_record(actor=r, entry=first, recipient="Đ/c Lan", copies=1)
    services.protection_extend(
        actor=r, entry=first, until=D(2045, 12, 15), day=D(2026, 12, 2), decision="2-QĐ"
    )


def make_reg(tree: Tree) -> User:
    return make_registrar(tree.commune_a2)


def sheet_rows(data: bytes) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def _row(stats: reports.YearlyStats, start: str) -> dict[int, int]:
    return next(r.by_level for r in stats.rows if r.label.startswith(start))


@pytest.mark.usefixtures("year_2026")
def test_yearly_statistics_for_the_data_period(tree: Tree, staff: Staff) -> None:
    stats = reports.yearly_statistics(actor=staff.registrar, unit=tree.commune_a1, year=2026)
    assert (stats.start, stats.end, stats.levels, stats.partial) == (
        D(2025, 12, 15),
        D(2026, 12, 14),
        [1, 2, 3],
        False,
    )
    assert _row(stats, "Tài liệu mật phát hành") == {
        1: 1,
        2: 1,
        3: 1,
    }  # 14/12/2025 and the cancelled one out
    assert _row(stats, "Số bản tài liệu mật phát hành") == {1: 3, 2: 5, 3: 2}
    assert _row(stats, "Tài liệu mật đến") == {1: 0, 2: 1, 3: 0}
    assert _row(stats, "Lượt sao") == {1: 0, 2: 1, 3: 0}
    assert _row(stats, "Số bản sao") == {1: 0, 2: 4, 3: 0}
    assert _row(stats, "Lượt chuyển giao") == {1: 1, 2: 0, 3: 0}
    assert _row(stats, "Số đăng ký đã hủy") == {1: 1, 2: 0, 3: 0}
    assert _row(stats, "Gia hạn") == {1: 1, 2: 0, 3: 0}
    assert _row(stats, "Tiêu hủy") == {1: 0, 2: 0, 3: 0}
    # the other commune's register is not in commune A1's report
    assert sum(r.total for r in stats.rows if r.label.startswith("Tài liệu mật đến")) == 1


@pytest.mark.usefixtures("year_2026")
def test_a_reader_cleared_lower_gets_only_their_levels(tree: Tree, staff: Staff) -> None:
    stats = reports.yearly_statistics(actor=staff.registrar_mat, unit=tree.commune_a1, year=2026)
    assert stats.levels == [1]
    assert stats.partial
    assert _row(stats, "Tài liệu mật phát hành") == {1: 1}
    assert all(set(r.by_level) == {1} for r in stats.rows)


@pytest.mark.usefixtures("year_2026")
def test_xlsx_and_docx_open_and_carry_the_figures(tree: Tree, staff: Staff) -> None:
    stats = reports.yearly_statistics(actor=staff.registrar, unit=tree.commune_a1, year=2026)
    book = openpyxl.load_workbook(
        io.BytesIO(reports.yearly_xlsx(actor=staff.registrar, stats=stats))
    )
    sheet = book["Thống kê"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[2] == ["Nội dung", "Mật", "Tối mật", "Tuyệt mật", "Tổng số"]
    assert ["Số bản tài liệu mật phát hành", 3, 5, 2, 10] in rows
    listing = [list(r) for r in book["Danh mục"].iter_rows(values_only=True)][1:]
    assert len(listing) == 7  # every entry of the period, the cancelled one included
    assert all("Báo cáo" not in str(cell) for row in listing for cell in row)  # no summaries
    narrative = reports.Narrative(situation="Tình hình ổn định.", signer_name="Nguyễn Văn A")
    document = docx.Document(
        io.BytesIO(reports.yearly_docx(actor=staff.registrar, stats=stats, narrative=narrative))
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text
    assert "Công tác bảo vệ bí mật nhà nước năm 2026" in text
    assert "Tình hình ổn định." in text
    assert "15/12/2025" in text
    assert "14/12/2026" in text
    header = "\n".join(c.text for c in document.tables[0].rows[0].cells)
    assert "Số      -BC/ĐU" in header
    grid = document.tables[1]
    assert [c.text for c in grid.rows[0].cells] == [
        "Nội dung",
        "Mật",
        "Tối mật",
        "Tuyệt mật",
        "Tổng số",
    ]
    assert ["Số bản tài liệu mật phát hành", "3", "5", "2", "10"] in [
        [c.text for c in r.cells] for r in grid.rows
    ]
    assert AuditEvent.objects.filter(action="registers.report.export").count() == 2


@pytest.mark.usefixtures("year_2026")
def test_register_export_shows_amendments_and_hides_what_the_reader_may_not_see(
    tree: Tree, staff: Staff
) -> None:
    register = Register.objects.get(org_unit=tree.commune_a1, year=2026, kind="out")
    entry = register.entries.get(number=1)
    services.entry_amend(
        actor=staff.registrar, entry=entry, changes={"doc_number": "99-BC/ĐU"}, reason="sai số"
    )
    full = sheet_rows(reports.register_xlsx(actor=staff.registrar, register=register))
    assert [r[0] for r in full[2:]] == [1, 2, 3]
    assert full[2][2] == "99-BC/ĐU"
    assert full[2][4] == "Báo cáo"
    assert not full[3][4]
    assert full[3][5] == "Tuyệt mật"
    assert full[4][-1] == "Số đã hủy"  # the cancelled number stays, marked
    low = sheet_rows(reports.register_xlsx(actor=staff.registrar_mat, register=register))
    assert [r[0] for r in low[2:]] == [3]  # the Tối mật and Tuyệt mật entries are absent
    audit = sheet_rows(reports.register_xlsx(actor=staff.auditor, register=register))
    assert [r[0] for r in audit[2:]] == [1, 3]
    assert all(not r[4] for r in audit[2:])

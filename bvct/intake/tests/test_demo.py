from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bvct.accounts.models import User
from bvct.intake.columns import HEADERS
from bvct.intake.demo import write_demo_sheet
from bvct.intake.tests.factories import report, run_import
from bvct.orgs.tests.factories import make_child
from bvct.people.models import DatePrecision, Person
from conftest import Tree


@pytest.fixture
def demo_units(tree: Tree) -> None:
    """The demo organisations of Phường Hoàn Kiếm, here under commune A1."""
    company = make_child(tree.commune_a1, code="DEMO-HK-DLHG", kind="grassroots")
    business = make_child(company, code="DEMO-HK-DLHG-KD", kind="sub_committee")
    for code in ("DEMO-HK-DLHG-LH", "DEMO-HK-DLHG-KS"):
        make_child(business, code=code, kind="branch")
    make_child(company, code="DEMO-HK-DLHG-VP", kind="branch")
    make_child(tree.commune_a1, code="DEMO-HK-TDP5", kind="grassroots")


def test_demo_sheet_is_xlsx_with_the_template_headers(tmp_path: Path) -> None:
    path = write_demo_sheet(tmp_path / "demo" / "nguoi.xlsx", rows=60)
    workbook = load_workbook(path, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert rows[0] == HEADERS
    assert len(rows) == 61


def test_demo_sheet_imports_with_two_percent_bad_rows_of_every_kind(
    tree: Tree, clerk: User, demo_units: None, tmp_path: Path
) -> None:
    # given the demo sheet of 500 rows
    path = write_demo_sheet(tmp_path / "nguoi.xlsx", rows=500)
    # when the clerk of the commune imports it
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path)
    # then 10 rows (2 %) are reported, two of each kind, and the rest is created
    assert (job.status, job.rows_processed, job.rows_created, job.rows_invalid) == (
        "done",
        500,
        490,
        10,
    )
    problems = [(row, column) for row, column, _, _ in report(job)]
    assert problems == [
        (51, "Ngày sinh"),
        (101, "Số CCCD"),
        (151, "Mã tổ chức"),
        (201, "Họ và tên"),
        (251, "Số CCCD"),
        (301, "Ngày sinh"),
        (351, "Số CCCD"),
        (401, "Mã tổ chức"),
        (451, "Họ và tên"),
        (501, "Số CCCD"),
    ]
    assert report(job)[4][3].startswith("Số CCCD trùng với dòng ")
    # and every form of date was read with its precision
    precisions = set(Person.objects.values_list("birth_precision", flat=True))
    assert precisions == {DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR}

"""Reports in a real browser: the provincial approver opens the dashboard (charts drawn as SVG,
with their tables), produces the six-month report, downloads it as XLSX and DOCX and submits it;
the national officer sees it among the reports received. Screenshots are kept as artifacts."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from playwright.sync_api import Page, expect

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.vetting.clocks import seed_default_limits
from bvct.vetting.tests.factories import make_case
from conftest import Tree
from tests.browser.support import log_in, screenshot
from tests.browser.test_jurisdiction_in_browser import log_out

pytestmark = pytest.mark.browser


def test_dashboard_report_export_and_submit(
    transactional_db: None, live_server: object, tree: Tree, page: Page
) -> None:
    seed_default_limits()
    make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,), clearance=2, username="tinh")
    make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,), clearance=2, username="tw")
    for unit in (tree.commune_a1, tree.commune_a1, tree.commune_a2):
        make_case(org_unit=unit)
    base = str(live_server)

    log_in(page, base, "tinh")
    page.goto(f"{base}/reports/")
    for chart in ("chart-cases", "chart-outcomes", "chart-requests", "chart-inspections"):
        expect(page.get_by_test_id(chart)).to_be_visible()
    page.get_by_test_id("chart-cases-card").get_by_text("Xem dạng bảng").click()
    expect(page.get_by_test_id("chart-cases-table")).to_be_visible()
    path = screenshot(page, "reports-dashboard")
    assert path.stat().st_size > 10_000

    page.goto(f"{base}/reports/periodic/?period=half")
    row = page.get_by_test_id("row-cases-opened_admission")
    expect(row.get_by_test_id("total")).to_have_text("3")
    with page.expect_download() as xlsx_download:
        page.get_by_test_id("export-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    assert "Thẩm tra - kết luận" in book.sheetnames
    with page.expect_download() as docx_download:
        page.get_by_test_id("export-docx").click()
    document = docx.Document(io.BytesIO(docx_download.value.path().read_bytes()))
    assert any("BÁO CÁO" in p.text for p in document.paragraphs)
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("reference")).to_have_text("Số 01-BC/TU")
    screenshot(page, "reports-submitted")
    log_out(page)

    log_in(page, base, "tw")
    page.goto(f"{base}/reports/received/?period=half")
    expect(page.get_by_test_id("side-by-side")).to_contain_text("Tỉnh A")
    expect(page.get_by_test_id("side-by-side")).to_contain_text("Số 01-BC/TU")

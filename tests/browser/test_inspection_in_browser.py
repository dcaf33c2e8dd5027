"""An inspection in a real browser, from the plan to the result notice: the province plans and
approves it, issues the decision with the team, the team sends the outline, the commune's contact
answers and submits it, the team records a finding, and the approver sends the scored notice."""

from __future__ import annotations

import io

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.inspections.models import Inspection
from conftest import Tree
from tests.browser.support import log_in, screenshot
from tests.browser.test_jurisdiction_in_browser import log_out

pytestmark = pytest.mark.browser


def _plan(page: Page, base: str, unit_code: str) -> None:
    log_in(page, base, "officer")
    page.goto(f"{base}/inspections/templates/")
    page.locator("#t-title").fill("Đề cương kiểm tra công tác BVCTNB")
    page.locator("#t-sections").fill(
        "Công tác lãnh đạo, chỉ đạo | Nêu các văn bản đã ban hành\nKết quả thực hiện | Số liệu"
    )
    page.get_by_test_id("template-form").locator("button").click()
    page.goto(f"{base}/inspections/")
    page.locator("#plan-title").fill("Kế hoạch kiểm tra năm 2026")
    page.locator("#plan-topics").fill("Công tác bảo vệ chính trị nội bộ")
    page.get_by_test_id("plan-create").click()
    page.locator("#unit").fill(unit_code)
    page.locator("#starts").fill("10/12/2026")
    page.locator("#ends").fill("20/12/2026")
    page.get_by_test_id("add-unit").click()
    expect(page.get_by_test_id("plan-units")).to_contain_text("Xã A1")
    log_out(page)


def _decide(page: Page, base: str, head: User, contact: User) -> int:
    log_in(page, base, "approver")
    page.goto(f"{base}/inspections/")
    page.get_by_test_id("plans").get_by_role("link").first.click()
    page.get_by_test_id("plan-approve").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Đã phê duyệt")
    page.get_by_test_id("plan-units").get_by_role("link", name="Xã A1").click()
    page.locator("#head").select_option(str(head.pk))
    page.get_by_test_id("decision-issue").click()
    expect(page.get_by_test_id("decision-reference")).to_contain_text("-QĐ/")
    page.locator("#contact-user").select_option(str(contact.pk))
    page.get_by_test_id("contact-add").click()
    expect(page.get_by_test_id("contact")).to_be_visible()
    pk = int(page.url.rstrip("/").split("/")[-1])
    log_out(page)
    return pk


def _self_report(page: Page, base: str, pk: int) -> None:
    log_in(page, base, "inspector")
    page.goto(f"{base}/inspections/{pk}/")
    page.get_by_test_id("outline-send").click()
    expect(page.get_by_test_id("inspection-status")).to_have_text("Đang kiểm tra")
    log_out(page)
    log_in(page, base, "contact")
    page.goto(f"{base}/inspections/")
    page.get_by_test_id("inspection-row").get_by_role("link").click()
    page.get_by_test_id("answer-1").fill("Đã ban hành 3 văn bản chỉ đạo.")
    page.get_by_test_id("answer-2").fill("Đã thẩm tra 12 hồ sơ.")
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("version")).to_contain_text("v1")
    # the unit does not see the team's findings or sessions while the inspection runs
    expect(page.get_by_test_id("sessions")).to_have_count(0)
    log_out(page)


def test_an_inspection_from_plan_to_result_notice(
    transactional_db: None, live_server: object, tree: Tree, page: Page
) -> None:
    make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,), username="officer")
    make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,), username="approver")
    head = make_user(org_unit=tree.prov_a, roles=(RoleCode.INSPECTOR,), username="inspector")
    contact = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), username="contact")
    base = str(live_server)
    _plan(page, base, tree.commune_a1.code)
    pk = _decide(page, base, head, contact)
    _self_report(page, base, pk)
    # the team records a finding
    log_in(page, base, "inspector")
    page.goto(f"{base}/inspections/{pk}/")
    page.locator("#grade").select_option("shortcoming")
    page.locator("#finding-text").fill("Chưa lập sổ theo dõi hồ sơ thẩm tra.")
    page.get_by_test_id("finding-submit").click()
    expect(page.get_by_test_id("finding-row")).to_contain_text("Chưa lập sổ")
    log_out(page)
    # the approver sends the scored result notice, and it opens as DOCX
    log_in(page, base, "approver")
    page.goto(f"{base}/inspections/{pk}/")
    page.locator("#notice-text").fill(
        "Đơn vị thực hiện cơ bản tốt; cần khắc phục hạn chế nêu trên."
    )
    page.get_by_test_id("notice-issue").click()
    expect(page.get_by_test_id("notice-reference")).to_contain_text("-TB/")
    expect(page.get_by_test_id("notice-score")).to_have_text("95")
    screenshot(page, "inspection-notice")
    with page.expect_download() as info:
        page.get_by_test_id("notice-download").click()
    document = Document(io.BytesIO(info.value.path().read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Chưa lập sổ theo dõi hồ sơ thẩm tra." in text
    assert "95 điểm" in text
    assert Inspection.objects.get(pk=pk).status == Inspection.Status.NOTIFIED

"""An admission case end to end in a real browser: the clerk opens it, the officer sends the
verification requests, marks the documents and tells the subject, the member explains from the
portal, the officer records the chi bộ resolution, and the commune's approver decides on the
conclude page; the numbered DOCX downloads and opens."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.people.tests.factories import make_person
from bvct.vetting import workflow
from bvct.vetting.clocks import seed_default_limits
from bvct.vetting.models import Case, CaseConclusion, CaseType, Status
from conftest import Tree
from tests.browser.support import log_in, screenshot
from tests.browser.test_jurisdiction_in_browser import log_out

pytestmark = pytest.mark.browser


def _clerk_opens(page: Page, base: str, person_pk: int) -> None:
    log_in(page, base, "clerk")
    page.goto(f"{base}/people/{person_pk}/")
    page.get_by_role("link", name="Mở vụ việc").click()
    page.get_by_label("Nội dung thẩm tra").fill("Thẩm tra lý lịch người vào Đảng")
    page.get_by_role("button", name="Mở vụ việc").click()
    expect(page.get_by_test_id("stage")).to_have_text("Mới mở")
    log_out(page)


def _officer_prepares(page: Page, base: str, case_pk: int) -> None:
    """Sends the requests, marks the documents received and tells the subject."""
    log_in(page, base, "officer")
    page.goto(f"{base}/cases/{case_pk}/")
    page.get_by_test_id("action-verifying").click()
    expect(page.get_by_test_id("stage")).to_have_text(re.compile("thẩm tra", re.IGNORECASE))
    for item in workflow.spec_for(CaseType.ADMISSION).checklist:
        page.get_by_test_id(f"check-{item.code}").click()
        expect(page.get_by_test_id(f"check-{item.code}")).to_have_text("Hoàn tác")
    page.get_by_test_id("notice-text").fill("Chi bộ thẩm tra lý lịch của đồng chí.")
    page.get_by_test_id("notice-issue").click()
    expect(page.get_by_test_id("notice-row")).to_contain_text("chưa xem")
    log_out(page)


def _member_explains(page: Page, base: str, case_pk: int) -> None:
    log_in(page, base, "ung.vien")
    page.goto(f"{base}/cases/mine/{case_pk}/")
    expect(page.get_by_test_id("my-notice")).to_contain_text("Chi bộ thẩm tra lý lịch")
    page.get_by_test_id("explanation-text").fill("Gia đình tôi không có gì thay đổi.")
    page.get_by_test_id("explanation-submit").click()
    expect(page.get_by_test_id("my-explanation")).to_contain_text("không có gì thay đổi")
    screenshot(page, "admission-member-explained")
    log_out(page)


def _officer_records_the_resolution(page: Page, base: str, case_pk: int) -> None:
    log_in(page, base, "officer")
    page.goto(f"{base}/cases/{case_pk}/")
    expect(page.get_by_test_id("explanation")).to_contain_text("không có gì thay đổi")
    page.get_by_test_id("action-resolved").click()
    expect(page.get_by_test_id("stage")).to_have_text(re.compile("nghị quyết", re.IGNORECASE))
    log_out(page)


def test_admission_from_opening_to_the_signed_decision(
    transactional_db: None, live_server: object, tree: Tree, page: Page
) -> None:
    # given a commune's clerk, officer and approver, and an applicant with a portal account
    seed_default_limits()
    for role, name in (
        (RoleCode.CLERK, "clerk"),
        (RoleCode.OFFICER, "officer"),
        (RoleCode.APPROVER, "approver"),
    ):
        make_user(org_unit=tree.commune_a1, roles=(role,), username=name, clearance=2)
    member = make_user(org_unit=tree.grassroots_a1, roles=(RoleCode.MEMBER,), username="ung.vien")
    person = make_person(org_unit=tree.grassroots_a1, account=member, full_name="Lê Thị Ngọc Ánh")
    base = str(live_server)

    # when the clerk opens an admission case from the person's page
    _clerk_opens(page, base, person.pk)
    case = Case.objects.get(person=person)
    # and the officer sends the requests, marks the documents and tells the subject
    _officer_prepares(page, base, case.pk)
    # and the member reads the notice and explains from the portal
    _member_explains(page, base, case.pk)
    # and the officer records the chi bộ resolution
    _officer_records_the_resolution(page, base, case.pk)

    # then the commune's approver decides on the conclude page
    log_in(page, base, "approver")
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_test_id("action-admitted").click()
    expect(page.get_by_test_id("conclude-form")).to_be_visible()
    page.get_by_label("Các sự việc làm căn cứ").fill("Lý lịch rõ ràng.\nChi bộ đồng ý kết nạp.")
    page.get_by_test_id("conclude-submit").click()
    reference = page.get_by_test_id("conclusion-reference")
    expect(reference).to_contain_text("-QĐ/")
    expect(page.get_by_test_id("stage")).to_have_text("Đã có quyết định kết nạp, chờ lễ kết nạp")
    screenshot(page, "admission-decided")

    # and the decision downloads as a DOCX that opens and carries its number
    conclusion = CaseConclusion.objects.get(case=case, is_current=True)
    with page.expect_download() as info:
        page.get_by_test_id("conclusion-download").click()
    path = info.value.path()
    document = Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert conclusion.reference in text
    assert "Lê Thị Ngọc Ánh" in text
    case.refresh_from_db()
    assert case.status == Status.ADMITTED

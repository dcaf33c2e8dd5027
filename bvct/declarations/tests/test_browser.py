"""A member on a phone fixes their lý lịch with the linter's help and submits it (Chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import TEST_PASSWORD, make_user
from bvct.declarations.demo import load_demo_declarations
from bvct.declarations.models import Declaration
from bvct.people.tests.factories import make_person
from conftest import Tree
from tests.browser.support import screenshot

pytestmark = pytest.mark.browser


def _log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_member_fixes_the_draft_on_a_phone_and_submits(
    transactional_db: None,
    live_server: object,
    tree: Tree,
    browser: Browser,
) -> None:
    # given the demo member's records: version 1 submitted, version 2 a draft with problems
    member = make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,), username="member")
    person = make_person(org_unit=tree.branch_a1, full_name="Hoàng Văn Bình", account=member)
    load_demo_declarations()
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = str(live_server)
    _log_in(page, base, "member")
    # when the member opens the draft from the home page
    page.get_by_role("link", name="Bản nháp lý lịch của bạn chưa nộp").click()
    findings = page.locator("#findings")
    expect(findings).to_contain_text("thiếu năm sinh của Hoàng Minh An")
    # and tries to submit: refused with the list
    page.get_by_test_id("submit-declaration").click()
    expect(page.get_by_test_id("refused")).to_contain_text("thiếu năm sinh của Hoàng Minh An")
    # then fills in the child's year of birth and saves the family section (htmx)
    family = page.locator("#section-family")
    family.get_by_label("Năm sinh").nth(4).fill("2023")
    family.get_by_role("button", name="Lưu phần này").click()
    expect(page.locator("#section-family")).to_contain_text("Đã lưu")
    expect(page.locator("#findings")).not_to_contain_text("Hoàng Minh An")
    expect(page.locator("#findings")).to_contain_text("5 tháng không khai")
    screenshot(page, "declaration-phone-draft")
    # and submits: the warning is recorded with the version
    page.get_by_test_id("submit-declaration").click()
    expect(page.get_by_test_id("shown-version")).to_contain_text("Bản khai số 2")
    expect(page.get_by_role("alert").first).to_contain_text("Đã nộp bản khai số 2.")
    screenshot(page, "declaration-phone-submitted")
    context.close()
    submitted = Declaration.objects.get(person=person, number=2)
    assert submitted.status == "submitted"
    assert [f["rule"] for f in submitted.findings] == ["timeline_gap"]

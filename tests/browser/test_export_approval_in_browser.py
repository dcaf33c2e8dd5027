"""A large export in a real browser: the clerk's export is held for approval, an approver of the
province approves it with a reason, and the clerk downloads the file."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.people.tests.factories import make_person
from conftest import Tree
from tests.browser.support import log_in, screenshot
from tests.browser.test_jurisdiction_in_browser import log_out

pytestmark = pytest.mark.browser


def test_a_large_export_is_approved_by_a_second_person_then_downloaded(
    transactional_db: None, live_server: object, tree: Tree, page: Page, settings: Any
) -> None:
    settings.EXPORT_APPROVAL_THRESHOLD = 2
    for _ in range(3):
        make_person(org_unit=tree.commune_a1)
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), username="clerk")
    make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,), username="approver")
    base = str(live_server)

    # the clerk's export is held: the request form opens with the reason
    log_in(page, base, "clerk")
    page.goto(f"{base}/imports/export/people.xlsx?unit=X-A1&q=")
    expect(page.get_by_role("alert").first).to_contain_text("có 3 người, nhiều hơn 2")
    page.locator("#purpose").fill("Rà soát đảng viên trước đại hội")
    page.get_by_test_id("export-submit").click()
    expect(page.get_by_test_id("export-status")).to_have_text("Chờ duyệt")
    detail = page.url
    log_out(page)

    # the approver sees it waiting and approves it with a reason
    log_in(page, base, "approver")
    page.goto(f"{base}/privacy/exports/")
    page.get_by_test_id("exports-awaiting").get_by_role("link").first.click()
    page.locator("#reason").fill("Đúng mục đích rà soát")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("export-status")).to_have_text("Đã phê duyệt")
    log_out(page)

    # the clerk downloads the approved file
    log_in(page, base, "clerk")
    page.goto(detail)
    with page.expect_download() as info:
        page.get_by_test_id("export-download").click()
    assert info.value.suggested_filename.startswith("danh-sach-nguoi-duyet-")
    screenshot(page, "export-approved")

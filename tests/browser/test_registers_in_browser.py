"""The classified-document register in a real browser: a registrar registers an outgoing
document (a Tuyệt mật summary is refused on the way), hands it over, confirms the receipt; a
registrar cleared only to Mật finds the Tối mật entry nowhere."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.registers.defaults import seed_default_periods
from bvct.registers.models import Entry
from conftest import Tree
from tests.browser.support import log_in, screenshot
from tests.browser.test_jurisdiction_in_browser import log_out

pytestmark = pytest.mark.browser


def test_register_hand_over_and_confirm_receipt(
    transactional_db: None, live_server: object, tree: Tree, page: Page
) -> None:
    seed_default_periods()
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.REGISTRAR,), clearance=3, username="vanthu")
    make_user(
        org_unit=tree.commune_a1, roles=(RoleCode.REGISTRAR,), clearance=1, username="vanthu2"
    )
    base = str(live_server)
    today = timezone.localdate().strftime("%d/%m/%Y")

    log_in(page, base, "vanthu")
    page.goto(f"{base}/registers/")
    page.get_by_test_id("new-outgoing").click()
    page.locator("#doc_number").fill("21-BC/ĐU")
    page.locator("#doc_date").fill(today)
    page.locator("#level").select_option("3")
    page.locator("#summary").fill("Kế hoạch")
    page.locator("#copies").fill("2")
    page.locator("#addressees").fill("Văn phòng Tỉnh ủy; 1\nLưu; 1")
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("không ghi trích yếu")
    assert not Entry.objects.exists()
    page.locator("#level").select_option("2")
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("entry-number")).to_have_text("1")
    expect(page.get_by_test_id("doc-number")).to_have_text("21-BC/ĐU")

    # hand it over, then confirm the recipient's signature in the handover register
    page.get_by_text("Chuyển giao", exact=True).click()
    page.locator("#ho-to").fill("Đồng chí Trần Thị Lan")
    page.get_by_test_id("handover-submit").click()
    expect(page.get_by_text("Đã ghi vào sổ chuyển giao.")).to_be_visible()
    page.get_by_test_id("copies").get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text("Sổ chuyển giao")
    page.locator("input[name=signed_by]").fill("Trần Thị Lan")
    page.get_by_test_id("receipt-submit").click()
    expect(page.get_by_test_id("receipt")).to_contain_text("Trần Thị Lan")
    screenshot(page, "register-handover-receipt")
    handed = Entry.objects.get(register__kind="handover")
    assert handed.addressees.get().received_by_name == "Trần Thị Lan"
    log_out(page)

    # a registrar cleared to Mật: the Tối mật entries are not counted, listed or reachable
    log_in(page, base, "vanthu2")
    page.goto(f"{base}/registers/")
    expect(page.get_by_test_id("register-out").get_by_test_id("count")).to_have_text("0")
    response = page.goto(f"{base}/registers/entries/{handed.pk}/")
    assert response is not None
    assert response.status == 404

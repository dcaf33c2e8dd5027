"""Two users log in through the real login form and each sees only their own subtree."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from conftest import Tree
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()


def test_two_officers_see_different_subtrees(
    transactional_db: None, live_server: object, tree: Tree, page: Page
) -> None:
    # given an officer in province A and one in province B
    make_user(
        org_unit=tree.prov_a,
        roles=(RoleCode.OFFICER,),
        username="a.officer",
        full_name="Nguyễn Văn An",
    )
    make_user(
        org_unit=tree.prov_b,
        roles=(RoleCode.OFFICER,),
        username="b.officer",
        full_name="Trần Thị Bình",
    )
    base = str(live_server)

    # when the first logs in and opens the organisation tree
    log_in(page, base, "a.officer")
    expect(page.get_by_test_id("home-unit")).to_contain_text("Tỉnh A")
    expect(page.get_by_test_id("current-user")).to_contain_text("Nguyễn Văn An")
    page.get_by_role("link", name="Cây tổ chức").click()
    tree_panel = page.get_by_test_id("org-tree")
    # then they see their province and its communes, not the other province
    expect(tree_panel).to_contain_text("Tỉnh A")
    expect(tree_panel).to_contain_text("Xã A1")
    expect(tree_panel).not_to_contain_text("Tỉnh B")
    screenshot(page, "tree-province-a")

    # and an address typed by hand for the other province answers "not found"
    response = page.goto(f"{base}/orgs/{tree.prov_b.pk}/")
    assert response is not None
    assert response.status == 404
    page.goto(f"{base}/")
    log_out(page)

    # when the second logs in
    log_in(page, base, "b.officer")
    page.get_by_role("link", name="Cây tổ chức").click()
    tree_panel = page.get_by_test_id("org-tree")
    # then they see province B only
    expect(tree_panel).to_contain_text("Tỉnh B")
    expect(tree_panel).to_contain_text("Xã B1")
    expect(tree_panel).not_to_contain_text("Tỉnh A")
    screenshot(page, "tree-province-b")


def test_login_form_shows_error_in_vietnamese(
    transactional_db: None, live_server: object, tree: Tree, page: Page
) -> None:
    # given a user
    make_user(org_unit=tree.prov_a, roles=(RoleCode.CLERK,), username="a.clerk")
    # when they type a wrong password
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("a.clerk")
    page.get_by_label("Mật khẩu").fill("wrong password here")
    page.get_by_role("button", name="Đăng nhập").click()
    # then the page explains in Vietnamese and they stay on the login page
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    assert page.url.endswith("/accounts/login/")


def test_phone_layout_collapses_navigation(
    transactional_db: None, live_server: object, tree: Tree, browser: Browser
) -> None:
    # given a phone-sized screen
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), username="x.clerk")
    log_in(page, str(live_server), "x.clerk")
    # then the menu is behind the toggler and opens on tap
    menu_link = page.get_by_role("link", name="Lịch làm việc")
    expect(menu_link).to_be_hidden()
    page.get_by_role("button", name="Mở/đóng menu").click()
    expect(menu_link).to_be_visible()
    screenshot(page, "phone-menu")
    context.close()

"""Enrolment in a real browser: the QR code drawn under the strict CSP, the secret typed into
an "app" (the code computed from the secret the page shows), the recovery codes shown once."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import TEST_PASSWORD, make_user
from conftest import Tree
from tests.browser.support import screenshot

pytestmark = pytest.mark.browser


def _code_from(secret: str) -> str:
    """What an authenticator app shows for this secret now (RFC 6238, 30 s, 6 digits)."""
    totp = TOTP(base64.b32decode(secret.replace(" ", "")), step=30, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_an_officer_enrols_with_the_qr_code_page(
    transactional_db: None, live_server: object, tree: Tree, page: Page
) -> None:
    # given an officer without an authenticator
    make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,), username="a.officer")
    errors: list[str] = []  # CSP violations reported by the browser
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # when they log in with the password
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("a.officer")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    # then they must add an app: the QR code is drawn (an image, allowed by the CSP)
    expect(page.get_by_role("heading", name="Thêm ứng dụng xác thực")).to_be_visible()
    qr = page.get_by_test_id("otp-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.get_by_test_id("otp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)
    screenshot(page, "otp-enrol")
    # when they type the code their app shows for that secret
    page.get_by_label("Mã", exact=True).fill(_code_from(secret))
    page.get_by_role("button", name="Xác nhận").click()
    # then the recovery codes are shown once, and they go on to the home page
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="Tôi đã cất giữ: tiếp tục").click()
    expect(page).to_have_title(re.compile("^Trang chủ"))
    assert errors == []

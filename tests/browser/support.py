"""Real-browser support: Playwright for Python driving Debian's headless Chromium.

The `browser` and `page` fixtures live in the root conftest.py, so that every test in the project
shares ONE session-scoped browser per process (two sync Playwright instances cannot coexist).

`playwright install` cannot download browsers on isolated networks, so we point Playwright at the
system Chromium (installed by scripts/ensure-chromium.sh, which `make test` runs).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def chromium_path() -> str:
    path = os.environ.get("BVCT_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium is missing: run `bash scripts/ensure-chromium.sh` (make test does)")
    return path


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Page, base_url: str, username: str) -> None:
    """Log in through the real forms: the password, then — for a user with an authenticator, or
    whose role requires one (given one here, as an administrator would see it enrolled) — the
    code that authenticator shows now; when both codes of this half-minute were already used
    (the same user logging in again at once), one of their recovery codes."""
    from bvct.accounts import services  # noqa: PLC0415 (Django is set up by then)
    from bvct.accounts.models import User  # noqa: PLC0415
    from bvct.accounts.tests.factories import TEST_PASSWORD  # noqa: PLC0415
    from bvct.accounts.tests.support import give_authenticator, needs_authenticator  # noqa: PLC0415
    from bvct.accounts.twofactor import next_code  # noqa: PLC0415

    user = User.objects.get(username=username)
    device = give_authenticator(user) if needs_authenticator(user) else None
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if device is not None:
        expect(page).to_have_title(re.compile("^Đăng nhập hai bước"))
        device.refresh_from_db()
        code = next_code(device)
        if code is None:
            code = services.recovery_codes_regenerate(user=user, actor=user)[0]
        page.get_by_label("Mã", exact=True).fill(code)
        page.get_by_role("button", name="Xác thực").click()
    expect(page).to_have_title(re.compile("^Trang chủ"))

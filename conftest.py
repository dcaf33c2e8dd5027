"""Shared fixtures: a small tree with the relations the policy tests need, and actors on it.

root (Trung ương)
├── prov_a (Tỉnh A)
│   ├── commune_a1 (Xã A1) ── grassroots_a1 (Chi bộ cơ sở) ── branch_a1 (Chi bộ)
│   └── commune_a2 (Xã A2)
└── prov_b (Tỉnh B)
    └── commune_b1 (Xã B1)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Browser, Page, sync_playwright

from bvct.accounts.tests.support import TwoFactorAPIClient, TwoFactorClient
from bvct.orgs.models import OrgUnit
from bvct.orgs.tests.factories import make_child, make_root
from tests.browser.support import CHROMIUM_ARGS, chromium_path


@dataclass
class Tree:
    root: OrgUnit
    prov_a: OrgUnit
    commune_a1: OrgUnit
    grassroots_a1: OrgUnit
    branch_a1: OrgUnit
    commune_a2: OrgUnit
    prov_b: OrgUnit
    commune_b1: OrgUnit


@pytest.fixture
def tree(db: None) -> Tree:
    root = make_root(name="Trung ương", code="TW")
    prov_a = make_child(root, name="Tỉnh A", code="T-A", kind="province")
    prov_b = make_child(root, name="Tỉnh B", code="T-B", kind="province")
    commune_a1 = make_child(prov_a, name="Xã A1", code="X-A1", kind="commune")
    commune_a2 = make_child(prov_a, name="Xã A2", code="X-A2", kind="commune")
    commune_b1 = make_child(prov_b, name="Xã B1", code="X-B1", kind="commune")
    grassroots_a1 = make_child(commune_a1, name="Đảng bộ cơ sở A1", code="G-A1", kind="grassroots")
    branch_a1 = make_child(grassroots_a1, name="Chi bộ A1", code="B-A1", kind="branch")
    units = [root, prov_a, commune_a1, grassroots_a1, branch_a1, commune_a2, prov_b, commune_b1]
    for unit in units:
        unit.refresh_from_db()
    return Tree(root, prov_a, commune_a1, grassroots_a1, branch_a1, commune_a2, prov_b, commune_b1)


@pytest.fixture(autouse=True)
def _vietnamese() -> Iterator[None]:
    """Every test starts in Vietnamese: a request in English must not leak into the next test."""
    with translation.override("vi"):
        yield


@pytest.fixture(autouse=True)
def _audit_key(tmp_path: Path, settings: pytest.FixtureRequest) -> None:
    """Each test signs audit checkpoints with its own throw-away key and writes files in its own
    var/ folder."""
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "audit-signing-key.pem"  # type: ignore[attr-defined]
    settings.VAR_DIR = tmp_path / "var"  # type: ignore[attr-defined]
    settings.CASE_FILES_DIR = tmp_path / "case-files"  # type: ignore[attr-defined]


# --- test clients: force_login logs in with both factors (bvct/accounts/tests/support.py) ------


@pytest.fixture
def client() -> TwoFactorClient:
    """pytest-django's `client`, whose `force_login` also completes the second factor."""
    return TwoFactorClient()


@pytest.fixture
def client_factory() -> type[TwoFactorClient]:
    """More clients in one test (two users side by side, `enforce_csrf_checks=True`, …)."""
    return TwoFactorClient


@pytest.fixture
def api_client() -> TwoFactorAPIClient:
    return TwoFactorAPIClient()


def pytest_configure() -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in
    # a thread that has one unless told. Only the test process sets this.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- real browser (Playwright + Debian chromium) ---------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test process, shared by every browser test."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()

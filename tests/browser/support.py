"""Real-browser support: Playwright for Python driving Debian's headless Chromium.

The `browser` and `page` fixtures live in the root conftest.py, so that every test in the project
shares ONE session-scoped browser per process (two sync Playwright instances cannot coexist).

`playwright install` cannot download browsers on isolated networks, so we point Playwright at the
system Chromium (installed by scripts/ensure-chromium.sh, which `make test` runs).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page

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

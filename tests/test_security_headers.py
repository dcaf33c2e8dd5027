"""Headers and cookies (issue 11 item 5): CSP without inline script or style, framing refused,
no-store on authenticated pages, cookie flags, CSRF on state-changing routes, and
`check --deploy` clean in production."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import TEST_PASSWORD, make_user
from bvct.accounts.tests.support import TwoFactorClient
from conftest import Tree

ROOT = Path(__file__).resolve().parents[1]


def test_csp_and_security_headers_on_every_page(tree: Tree) -> None:
    response = TwoFactorClient().get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_inline_script_style_or_handler_in_any_template() -> None:
    templates = list((ROOT / "bvct").rglob("templates/**/*.html"))
    assert templates
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"\sstyle=\"", text) or "<style" in text:
            offenders.append(f"{path}: inline style")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path}: inline event handler")
    assert offenders == []


def test_authenticated_pages_are_not_stored(tree: Tree) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    client = TwoFactorClient()
    client.force_login(user)
    for url in ("/", "/people/", "/api/v1/people/"):
        response = client.get(
            url, HTTP_ACCEPT="application/json" if "/api/" in url else "text/html"
        )
        assert "no-store" in response["Cache-Control"], url


def test_cookie_flags(tree: Tree) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    client = TwoFactorClient()
    client.get(reverse("accounts:login"))
    client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("accounts:logout", {}),
        ("registers:entry-new", {}),
        ("reports:submit", {}),
        ("set_language", {}),
    ],
)
def test_csrf_is_enforced_on_state_changing_routes(
    tree: Tree, url_name: str, kwargs: dict[str, int]
) -> None:
    user = make_user(
        org_unit=tree.commune_a1, roles=(RoleCode.REGISTRAR, RoleCode.APPROVER), clearance=1
    )
    client = TwoFactorClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse(url_name, kwargs=kwargs), {})
    assert response.status_code == 403

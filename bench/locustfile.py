"""Locust users for the BVCT load test; run by `bench/loadtest.py` (which makes the users and
their sessions, starts gunicorn and stops everything), not by hand.

Users, in the proportions of `users.json` (40 readers, 5 officers, 5 approvers for 50):

* **Reader** — an officer at the root or a province: name search (page and API), the people
  list (browse, pages 1–5), person pages, the case list and inbox, case pages, and the same
  lists and details through the API.
* **Officer** — at a commune: the case list filtered to "verifying", a case page, then the
  chi bộ resolution recorded through the case page's form (htmx POST, verifying → resolved).
* **Approver** — at the same commune: the API case list filtered to "resolved", then "return
  for more verification" through the API (resolved → verifying, with a reason).

Each request is named by its route, so Locust's statistics are per endpoint. A response other
than 200 — or a transition the server refused — counts as a failure. Think time 1–3 s.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any, ClassVar

from locust import HttpUser, between, task

DATA = json.loads(Path(os.environ["BVCT_LOADTEST_USERS"]).read_text())
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
_accounts: dict[str, itertools.cycle[dict[str, Any]]] = {}


class LoopbackCookiePolicy(DefaultCookiePolicy):
    """The server runs in production mode (Secure cookies) on plain loopback HTTP: send the
    Secure session cookie back anyway, as the TLS-terminating proxy in front of it would."""

    def return_ok_secure(self, cookie: Any, request: Any) -> bool:
        return True


def next_account(kind: str) -> dict[str, Any]:
    if kind not in _accounts:
        _accounts[kind] = itertools.cycle([u for u in DATA["users"] if u["kind"] == kind])
    return next(_accounts[kind])


class BvctUser(HttpUser):
    abstract = True
    kind: ClassVar[str] = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account = next_account(self.kind)
        self.csrf = secrets.token_hex(16)  # an unmasked 32-character secret, cookie and token
        self.client.cookies.set_policy(LoopbackCookiePolicy())
        self.client.cookies.set(DATA["session_cookie"], self.account["session"])
        self.client.cookies.set(DATA["csrf_cookie"], self.csrf)
        self.client.headers["Accept-Language"] = "vi"

    def get(self, url: str, name: str, **kwargs: Any) -> Any:
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != 200:  # noqa: PLR2004
                response.failure(f"HTTP {response.status_code}")
            return response


class Reader(BvctUser):
    weight = 40
    kind = "reader"

    @task(4)
    def search_page(self) -> None:
        query = random.choice(self.account["queries"])
        self.get("/people/", "/people/?q= (search)", params={"q": query})

    @task(1)
    def search_api(self) -> None:
        query = random.choice(self.account["queries"])
        self.get("/api/v1/people/", "/api/v1/people/?q= (search)", params={"q": query})

    @task(2)
    def people_list(self) -> None:
        self.get("/people/", "/people/ (list)", params={"page": random.randint(1, 5)})

    @task(3)
    def person_page(self) -> None:
        if self.account["people"]:
            pk = random.choice(self.account["people"])
            self.get(f"/people/{pk}/", "/people/<id>/")

    @task(1)
    def person_api(self) -> None:
        if self.account["people"]:
            pk = random.choice(self.account["people"])
            self.get(f"/api/v1/people/{pk}/", "/api/v1/people/<id>/")

    @task(2)
    def case_list(self) -> None:
        self.get("/cases/all/", "/cases/all/ (list)")

    @task(1)
    def inbox(self) -> None:
        self.get("/cases/", "/cases/ (inbox)")

    @task(1)
    def case_list_api(self) -> None:
        self.get("/api/v1/cases/", "/api/v1/cases/ (list)")

    @task(2)
    def case_page(self) -> None:
        if self.account["cases"]:
            pk = random.choice(self.account["cases"])
            self.get(f"/cases/{pk}/", "/cases/<id>/")

    @task(1)
    def case_api(self) -> None:
        if self.account["cases"]:
            pk = random.choice(self.account["cases"])
            self.get(f"/api/v1/cases/{pk}/", "/api/v1/cases/<id>/")


class Officer(BvctUser):
    """Records the chi bộ resolution: verifying → resolved, through the case page."""

    weight = 5
    kind = "officer"

    @task
    def resolve(self) -> None:
        listing = self.get(
            "/cases/all/", "/cases/all/?status=verifying (list)", params={"status": "verifying"}
        )
        ids = CASE_LINK.findall(listing.text or "")
        if not ids:
            return
        pk = random.choice(ids)
        self.get(f"/cases/{pk}/", "/cases/<id>/")
        with self.client.post(
            f"/cases/{pk}/transition/",
            data={"to": "resolved", "reason": "", "csrfmiddlewaretoken": self.csrf},
            headers={"HX-Request": "true", "Referer": f"{self.host}/cases/{pk}/"},
            name="/cases/<id>/transition/ (verifying → resolved)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:  # noqa: PLR2004
                response.failure(f"HTTP {response.status_code}")
            elif 'data-testid="panel-error"' in response.text:
                response.failure("transition refused")


class Approver(BvctUser):
    """Returns resolved cases for more verification: resolved → verifying, through the API."""

    weight = 5
    kind = "approver"

    @task
    def send_back(self) -> None:
        listing = self.get(
            "/api/v1/cases/", "/api/v1/cases/?status=resolved (list)", params={"status": "resolved"}
        )
        try:
            results = listing.json()["results"]
        except (ValueError, KeyError):
            return
        if not results:
            return
        pk = random.choice(results)["id"]
        with self.client.post(
            f"/api/v1/cases/{pk}/transitions/",
            json={"to": "verifying", "reason": "Cần xác minh thêm (thử tải)."},
            headers={"X-CSRFToken": self.csrf, "Referer": f"{self.host}/"},
            name="/api/v1/cases/<id>/transitions/ (resolved → verifying)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:  # noqa: PLR2004
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")

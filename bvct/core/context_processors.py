"""Navigation for the shell: the areas a user may open, and those still to come."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bvct.access.routes import ROUTE_POLICY


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str | None
    active: bool = False


# areas that share an app with another area: active only on their own page
_EXACT = {
    "cases:limits",
    "travel:mine",
    "travel:lists",
    "privacy:export-list",
    "privacy:subject-list",
    "privacy:my-requests",
}

# (label, url name or None for an area still to come)
_AREAS: list[tuple[Promise, str | None]] = [
    (_("Home"), "core:home"),
    (_("My lý lịch"), "declarations:my-declaration"),
    (_("My cases"), "cases:my-cases"),
    (_("Organisation tree"), "orgs:unit-list"),
    (_("People"), "people:person-list"),
    (_("Imports"), "intake:job-list"),
    (_("Cases"), "cases:inbox"),
    (_("Verification requests"), "requests:outgoing"),
    (_("Inspections"), "inspections:plan-list"),
    (_("Travel abroad"), "travel:lists"),
    (_("My trips abroad"), "travel:mine"),
    (_("Secret registers"), "registers:index"),
    (_("Reports"), "reports:dashboard"),
    (_("Large exports"), "privacy:export-list"),
    (_("Data-subject requests"), "privacy:subject-list"),
    (_("My data requests"), "privacy:my-requests"),
    (_("Exchange between sites"), "exchange:index"),
    (_("Criteria"), "criteria:ruleset-list"),
    (_("Calendar"), "workdays:calendar"),
    (_("Time limits"), "cases:limits"),
    (_("Users"), "accounts:user-list"),
    (_("Audit log"), "audit:event-list"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    current_app = current.split(":", 1)[0]
    items: list[NavItem] = []
    for label, name in _AREAS:
        if name is None:
            items.append(NavItem(label, None))
            continue
        policy = ROUTE_POLICY[name]
        if not user.has_role(*policy.roles):
            continue
        same_app = current_app == name.split(":")[0] and not {name, current} & _EXACT
        active = current == name or (name != "core:home" and same_app)
        items.append(NavItem(label, reverse(name), active))
    return {"nav_items": items}

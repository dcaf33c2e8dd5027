"""Reads for user accounts, always scoped through `bvct.access.policy`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.selectors import AttentionItem
from bvct.core.text import fold
from bvct.orgs.models import OrgUnit

NO_ROLE = "none"


@dataclass(frozen=True)
class UserFilters:
    """What the user list is narrowed to. `role` is a role code, NO_ROLE, or "" for any;
    `status` is "active", "inactive" or "" for both; `incomplete` keeps users with no role or
    no unit."""

    query: str = ""
    role: str = ""
    status: str = ""
    incomplete: bool = False


def _without_roles() -> Q:
    return ~Q(pk__in=User.roles.through.objects.values("user_id"))


def _incomplete() -> Q:
    return Q(org_unit__isnull=True) | _without_roles()


def user_list_for_actor(*, actor: User, filters: UserFilters | None = None) -> QuerySet[User]:
    """Users the actor manages, filtered, with unit and roles loaded (no query per row)."""
    filters = filters or UserFilters()
    users = policy.users_visible_to(actor)
    for word in fold(filters.query).split():
        users = users.filter(search_key__contains=word)
    if filters.role == NO_ROLE:
        users = users.filter(_without_roles())
    elif filters.role:
        users = users.filter(roles__code=filters.role)
    if filters.status in {"active", "inactive"}:
        users = users.filter(is_active=filters.status == "active")
    if filters.incomplete:
        users = users.filter(_incomplete())
    return users.select_related("org_unit").prefetch_related("roles").order_by("username")


def user_get_for_actor(*, actor: User, pk: int) -> User:
    """A user the actor manages; 404 when missing or out of their jurisdiction alike."""
    scoped = policy.users_visible_to(actor).select_related("org_unit").prefetch_related("roles")
    return get_object_or_404(scoped, pk=pk)


def org_unit_for_placement(*, actor: User, code: str) -> OrgUnit | None:
    """The unit with this code (case-insensitive) if the actor may place users in it."""
    cleaned = code.strip()
    if not cleaned:
        return None
    return policy.org_units_visible_to(actor).filter(code__iexact=cleaned).first()


def user_attention_items(actor: User) -> list[AttentionItem]:
    """Home-page item for administrators: users in their scope with no role or no unit."""
    if not policy.is_user_admin(actor):
        return []
    count = policy.users_visible_to(actor).filter(_incomplete()).count()
    url = reverse("accounts:user-list") + "?incomplete=1"
    return [AttentionItem(_("Users without a role or a unit"), count, url, "warning")]

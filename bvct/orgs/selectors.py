"""Reads of the organisation tree, always scoped through `bvct.access.policy`.

Every function starts from `org_units_visible_to(actor)`, so a unit outside the actor's subtree is
never returned, counted or named (breadcrumbs and parent names stop at the actor's node).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.shortcuts import get_object_or_404

from bvct.access.policy import (
    can_manage_org_unit,
    can_view_org_unit,
    org_units_visible_to,
    users_visible_to,
)
from bvct.accounts.models import User
from bvct.orgs import search
from bvct.orgs.models import OrgUnit


class ParentAnnotations(TypedDict):
    """What `with_parent` adds to each unit."""

    parent_id: int | None
    parent_name: str | None


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    UnitWithParent = WithAnnotations[OrgUnit, ParentAnnotations]

SEARCH_LIMIT = 20
_CANDIDATES = 200  # rows fetched per search phase before ranking in Python


def unit_get_for_actor(*, actor: User, pk: int) -> OrgUnit:
    """The unit, or 404 when it is missing or outside the actor's jurisdiction (same answer)."""
    unit: OrgUnit = get_object_or_404(
        with_parent(org_units_visible_to(actor).select_related("successor"), actor=actor), pk=pk
    )
    return unit


def unit_root_for_actor(*, actor: User) -> OrgUnit | None:
    """The top of what the actor may browse: their own node (None without jurisdiction)."""
    if actor.org_unit_id is None:
        return None
    return org_units_visible_to(actor).filter(pk=actor.org_unit_id).first()


def with_parent(queryset: QuerySet[OrgUnit], *, actor: User) -> QuerySet[UnitWithParent]:
    """Annotate `parent_id` and `parent_name`, or None when the parent is outside jurisdiction.

    Each is a correlated lookup of the parent's path on the unique path index, not a query per row.
    """
    parent_path = Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * OrgUnit.steplen)
    parents = org_units_visible_to(actor).filter(path=parent_path).order_by()
    return queryset.annotate(
        parent_id=Subquery(parents.values("pk")[:1]),
        parent_name=Subquery(parents.values("name")[:1]),
    )


def unit_children(*, actor: User, unit: OrgUnit, include_ended: bool = False) -> QuerySet[OrgUnit]:
    """Direct children of `unit` visible to the actor, in tree order (a range scan on path)."""
    low, high = OrgUnit._get_children_path_interval(unit.path)
    children = org_units_visible_to(actor).filter(path__range=(low, high), depth=unit.depth + 1)
    if not include_ended:
        children = children.filter(valid_to__isnull=True)
    return children.order_by("path")


def unit_ancestors(*, actor: User, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit's ancestors inside the actor's jurisdiction, from the top down (breadcrumbs)."""
    steplen = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(steplen, len(unit.path), steplen)]
    return org_units_visible_to(actor).filter(path__in=paths).order_by("depth")


def unit_predecessors(*, actor: User, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """Units merged into `unit` that the actor may see."""
    return org_units_visible_to(actor).filter(successor=unit).order_by("path")


def unit_user_count(*, actor: User, unit: OrgUnit) -> int | None:
    """How many users belong to the unit; None for actors who do not manage it (not admins)."""
    if not can_manage_org_unit(actor, unit):
        return None
    return users_visible_to(actor).filter(org_unit=unit).count()


def unit_list_for_actor(
    *, actor: User, parent: int | None = None, kind: str = ""
) -> QuerySet[OrgUnit]:
    """Units visible to the actor (optionally the children of `parent`, or of one kind)."""
    units = org_units_visible_to(actor)
    if parent is not None:
        parent_unit = org_units_visible_to(actor).filter(pk=parent).first()
        if parent_unit is None:  # missing or out of scope: both give an empty list
            return OrgUnit.objects.none()
        units = unit_children(actor=actor, unit=parent_unit, include_ended=True)
    if kind:
        units = units.filter(kind=kind)
    return with_parent(units.order_by("path"), actor=actor)


def unit_get_visible(*, actor: User, pk: int) -> OrgUnit | None:
    """The unit if the actor may see it, else None (for ids that come from a form)."""
    return org_units_visible_to(actor).filter(pk=pk).first()


def unit_get_by_code_for_actor(*, actor: User, code: str) -> OrgUnit | None:
    code = code.strip()
    if not code:
        return None
    return org_units_visible_to(actor).filter(code__iexact=code).first()


def unit_search(
    *,
    actor: User,
    query: str,
    limit: int = SEARCH_LIMIT,
    kind: str = "",
    within: OrgUnit | None = None,
) -> list[UnitWithParent]:
    """Units whose code or name matches `query`, best first, at most `limit`.

    Three phases, each used only when the one before found nothing: codes (exact, then codes
    starting with a code-like query such as "X0007" or "TW-"); names containing every word
    (whole words first, the query as a phrase, shorter names); names within one typo per word
    (see `search`). Names are compared on the folded `name_key`, inside the actor's subtree.
    """
    words = search.tokens(query)
    if not words or limit <= 0:
        return []
    scope = org_units_visible_to(actor)
    if within is not None:
        scope = scope.filter(OrgUnit.subtree_filter(within.path))
    if kind:
        scope = scope.filter(kind=kind)
    found = dict.fromkeys(_code_hits(scope, query))
    if not found:  # a query that matches codes is not read as words
        found = dict.fromkeys(_name_hits(scope, words))
    if not found:  # typo tolerance only when nothing matches as typed
        found = dict.fromkeys(_fuzzy_hits(scope, words))
    ordered = list(found)[:limit]
    annotated = with_parent(OrgUnit.objects.filter(pk__in=ordered), actor=actor)
    by_pk = {unit.pk: unit for unit in annotated}
    return [by_pk[pk] for pk in ordered]


def _code_hits(scope: QuerySet[OrgUnit], query: str) -> list[int]:
    """The unit with exactly this code (an index lookup), then codes starting with it when the
    query looks like a code (a digit or a dash in it: "X0007", "TW-")."""
    code = query.strip().upper()
    if not code or any(char.isspace() for char in code):
        return []
    exact = list(scope.filter(code=code).values_list("pk", flat=True))
    if not any(char.isdigit() or char == "-" for char in code):
        return exact
    prefixed = scope.filter(code__startswith=code).order_by(Length("code"), "code")
    return exact + list(prefixed.values_list("pk", flat=True)[:_CANDIDATES])


def _name_hits(scope: QuerySet[OrgUnit], words: list[str]) -> list[int]:
    matching = scope
    for word in words:
        matching = matching.filter(name_key__contains=word)
    rows = matching.order_by(Length("name_key"), "path").values_list("pk", "name_key", "path")
    ranked = []
    for pk, name_key, path in rows[:_CANDIDATES]:
        position = search.rank(words, name_key, path, inside_ok=True)
        if position is not None:
            ranked.append((position, pk))
    return [pk for _, pk in sorted(ranked)]


def _fuzzy_hits(scope: QuerySet[OrgUnit], words: list[str]) -> list[int]:
    """Every candidate of the typo scan is ranked (a word-level check in Python)."""
    rows = scope.filter(search.fuzzy_filter(words)).values_list("pk", "name_key", "path")
    ranked = []
    for pk, name_key, path in rows:
        position = search.rank(words, name_key, path)
        if position is not None:
            ranked.append((position, pk))
    return [pk for _, pk in sorted(ranked)[:_CANDIDATES]]


@dataclass(frozen=True)
class UnitDetail:
    """Everything the detail page and the API show about one unit, read in a fixed few queries."""

    unit: OrgUnit
    ancestors: list[OrgUnit]
    children: list[OrgUnit]
    predecessors: list[OrgUnit]
    successor: OrgUnit | None  # None also when the successor is outside jurisdiction
    user_count: int | None  # None for actors who do not manage the unit
    can_manage: bool


def unit_detail_for_actor(*, actor: User, pk: int) -> UnitDetail:
    """The unit and its surroundings as the actor may see them; 404 as `unit_get_for_actor`."""
    unit = unit_get_for_actor(actor=actor, pk=pk)
    successor = unit.successor
    if successor is not None and not can_view_org_unit(actor, successor):
        successor = None
    return UnitDetail(
        unit=unit,
        ancestors=list(unit_ancestors(actor=actor, unit=unit)),
        children=list(unit_children(actor=actor, unit=unit, include_ended=True)),
        predecessors=list(unit_predecessors(actor=actor, unit=unit)),
        successor=successor,
        user_count=unit_user_count(actor=actor, unit=unit),
        can_manage=can_manage_org_unit(actor, unit),
    )


@dataclass(frozen=True)
class MergePreview:
    children: int  # active children that will move
    users: int


def unit_merge_preview(*, actor: User, unit: OrgUnit) -> MergePreview:
    """What a merge of `unit` would move (for the confirmation step)."""
    children = unit_children(actor=actor, unit=unit).count()
    return MergePreview(children=children, users=unit_user_count(actor=actor, unit=unit) or 0)

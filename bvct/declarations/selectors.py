"""Reads of lý lịch versions, always through `bvct.access.policy`.

Staff reach a person's versions through `people_visible_to` / `declarations_visible_to` (out of
scope answers 404 like a missing row). A member reaches only their own record, through
`person_for_member`: there is no pk to guess in the member portal.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import RoleCode, User
from bvct.core.selectors import AttentionItem
from bvct.declarations.models import Declaration
from bvct.people.models import Person

_RELATED = ("person", "person__org_unit", "entered_by", "submitted_by")


def person_get_for_actor(*, actor: User, pk: int) -> Person:
    return get_object_or_404(policy.people_visible_to(actor).select_related("org_unit"), pk=pk)


def declaration_get_for_actor(*, actor: User, pk: int) -> Declaration:
    return get_object_or_404(policy.declarations_visible_to(actor).select_related(*_RELATED), pk=pk)


def declaration_list_for_person(*, actor: User, person: Person) -> QuerySet[Declaration]:
    """Versions of a person the actor may see, newest first."""
    return (
        policy.declarations_visible_to(actor)
        .filter(person=person)
        .select_related("entered_by", "submitted_by")
        .order_by("-number")
    )


def own_person(*, actor: User) -> Person | None:
    """The member's own record, when their account is linked to one and they may declare."""
    person = policy.person_for_member(actor)
    if person is None or not policy.can_self_declare(actor, person):
        return None
    return person


def own_declarations(*, person: Person) -> QuerySet[Declaration]:
    """Every version of the member's own record (the caller got `person` from `own_person`)."""
    return (
        Declaration.objects.filter(person=person)
        .select_related("entered_by", "submitted_by")
        .order_by("-number")
    )


def current_draft(versions: QuerySet[Declaration]) -> Declaration | None:
    return versions.filter(status=Declaration.Status.DRAFT).first()


def version_by_number(versions: QuerySet[Declaration], number: str | None) -> Declaration:
    """One version of an already-scoped list by its number as typed in a URL (404 otherwise)."""
    if number is None or not number.isdigit():
        raise Http404(_("No such version."))
    return get_object_or_404(versions, number=int(number))


def member_attention_items(actor: User) -> list[AttentionItem]:
    """Home page: a member whose lý lịch is missing or still a draft in the portal."""
    person = own_person(actor=actor) if actor.has_role(RoleCode.MEMBER) else None
    if person is None:
        return []
    versions = own_declarations(person=person)
    draft = current_draft(versions)
    url = reverse("declarations:my-declaration")
    if draft is not None and draft.channel == Declaration.Channel.PORTAL:
        return [AttentionItem(_("Your lý lịch draft is not submitted yet"), 1, url, "warning")]
    if draft is None and not versions.exists():
        return [AttentionItem(_("Declare your lý lịch"), 1, url, "warning")]
    return []

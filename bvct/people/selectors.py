"""Reads on dossiers, always scoped to the actor through `bvct.access.policy`.

An object outside the actor's jurisdiction (or above their clearance) answers 404 exactly like a
missing one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.text import fold
from bvct.namesearch.search import search_people
from bvct.orgs.models import OrgUnit
from bvct.people import addresses
from bvct.people.dates import format_partial_date
from bvct.people.identity import duplicate_candidates
from bvct.people.models import Person, RecordedIssue, Relative, UnitHeadcount

PAGE_SIZE = 25
# No list has this many pages; a larger number would overflow the SQL OFFSET (a server error).
MAX_PAGE = 1_000_000
CCCD_LENGTH = 12


@dataclass(frozen=True)
class PersonFilters:
    query: str = ""
    birth_year: int | None = None
    hometown_province: str = ""
    sex: str = ""
    unit: OrgUnit | None = None  # this unit and the units below it


@dataclass(frozen=True)
class PersonPage:
    """One page of a scoped list; `total` is exact and counts only what the actor may see."""

    people: list[Person]
    total: int
    number: int
    size: int = PAGE_SIZE
    scores: dict[int, float] = field(default_factory=dict)
    typo_total: int = 0  # of `total`, found through a typo correction (listed after the others)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _browse(actor: User, filters: PersonFilters) -> QuerySet[Person]:
    people = policy.people_visible_to(actor).filter(merged_into__isnull=True)
    if filters.birth_year is not None:
        people = people.filter(birth_year=filters.birth_year)
    if filters.hometown_province:
        people = people.filter(hometown_province_code=filters.hometown_province)
    if filters.sex:
        people = people.filter(sex=filters.sex)
    if filters.unit is not None:
        people = people.filter(OrgUnit.subtree_filter(filters.unit.path, prefix="org_unit__"))
    return people


def _filtered_browse(actor: User, filters: PersonFilters) -> QuerySet[Person]:
    """A query with the unit or sex filter (which the name index does not hold): exact CCCD or
    party card, or every folded word contained in the folded name, within the filtered scope."""
    people = _browse(actor, filters)
    query = filters.query.strip()
    if query.isdigit():
        if len(query) == CCCD_LENGTH:
            return people.filter(cccd=query)
        return people.filter(party_card_number=query)
    for word in fold(query).split():
        people = people.filter(name_key__contains=word)
    return people


def _browse_total(actor: User, filters: PersonFilters) -> int | None:
    """The exact total of an unfiltered browse (or one filtered by unit), from the headcount the
    database keeps per unit and classification (`UnitHeadcount`): a sum over at most a few rows
    per unit in scope instead of counting millions of dossiers. None when the filters need the
    people themselves (name, birth year, hometown, sex)."""
    if filters.query.strip() or filters.birth_year or filters.hometown_province or filters.sex:
        return None
    scope = policy.people_search_scope(actor)  # the rule of people_visible_to, as data
    if scope is None:
        return 0
    root, clearance = scope
    counts = UnitHeadcount.objects.filter(
        OrgUnit.subtree_filter(root.path), classification__lte=clearance
    )
    if filters.unit is not None:
        counts = counts.filter(OrgUnit.subtree_filter(filters.unit.path))
    return int(counts.aggregate(total=Sum("live"))["total"] or 0)


def person_list_for_actor(*, actor: User, filters: PersonFilters, page: int = 1) -> PersonPage:
    """The list page and the API list: browse (by name) or search (ranked), paginated."""
    number = min(max(1, page), MAX_PAGE)
    offset = (number - 1) * PAGE_SIZE
    if filters.query.strip() and filters.unit is None and not filters.sex:
        result = search_people(
            actor=actor,
            query=filters.query,
            birth_year=filters.birth_year,
            hometown_province=filters.hometown_province or None,
            limit=PAGE_SIZE,
            offset=offset,
        )
        # hits carry their people, read through the access policy with their units
        return PersonPage(
            [hit.person for hit in result.hits],
            result.total,
            number,
            scores={hit.person.pk: hit.score for hit in result.hits},
            typo_total=result.typo_total,
        )
    people = _filtered_browse(actor, filters) if filters.query.strip() else _browse(actor, filters)
    total = _browse_total(actor, filters)
    if total is None:
        total = people.count()
    rows = list(
        people.select_related("org_unit").order_by("name_key", "pk")[offset : offset + PAGE_SIZE]
    )
    return PersonPage(rows, total, number)


def person_get_for_actor(*, actor: User, pk: int) -> Person:
    """A dossier the actor may open (merged records too: their page points to the kept one)."""
    people = policy.people_visible_to(actor).select_related("org_unit", "merged_into", "account")
    return get_object_or_404(people, pk=pk)


@dataclass(frozen=True)
class Dossier:
    person: Person
    relatives: list[Relative]
    issues: list[RecordedIssue] | None  # None: the actor may not see issues at all
    declarations: list[Any] | None  # None: the declarations app has no model yet
    cases: list[Any]  # cases about this person (and records merged into it) the actor may see
    merged_from: list[Person]
    can_edit: bool
    can_edit_issues: bool
    can_view_audit: bool


def person_dossier(*, actor: User, person: Person) -> Dossier:
    merged_from = list(policy.people_visible_to(actor).filter(merged_into=person).order_by("pk"))
    relatives = list(
        Relative.objects.filter(person=person)
        .select_related("linked_person")
        .order_by("relationship", "birth_year", "pk")
    )
    issues = None
    if policy.can_view_issues(actor, person):
        issues = list(
            policy.issues_visible_to(actor, person)
            .select_related("relative")
            .order_by("-created_at", "-pk")
        )
    return Dossier(
        person=person,
        relatives=relatives,
        issues=issues,
        declarations=_declarations(actor, [person, *merged_from]),
        cases=list(
            policy.cases_visible_to(actor)
            .filter(person__in=[person, *merged_from])
            .order_by("-opened_at", "-pk")
        ),
        merged_from=merged_from,
        can_edit=policy.can_edit_person(actor, person) and person.merged_into_id is None,
        can_edit_issues=policy.can_edit_issues(actor, person) and person.merged_into_id is None,
        can_view_audit=policy.can_view_person_audit(actor),
    )


def _declarations(actor: User, people: list[Person]) -> list[Any] | None:
    try:
        apps.get_model("declarations", "Declaration")
    except LookupError:
        return None
    visible = policy.declarations_visible_to(actor)
    return list(visible.filter(person__in=people).order_by("-number", "pk"))


def relative_get_for_actor(*, actor: User, pk: int) -> Relative:
    relatives = Relative.objects.filter(person__in=policy.people_visible_to(actor))
    return get_object_or_404(relatives.select_related("person", "person__org_unit"), pk=pk)


def issue_get_for_actor(*, actor: User, pk: int) -> RecordedIssue:
    """404 unless the actor may see this issue (dossier in scope, officer/approver, clearance)."""
    issue = get_object_or_404(
        RecordedIssue.objects.filter(person__in=policy.people_visible_to(actor)).select_related(
            "person", "person__org_unit", "relative"
        ),
        pk=pk,
    )
    if not policy.issues_visible_to(actor, issue.person).filter(pk=pk).exists():
        raise Http404
    return issue


def unit_for_people(*, actor: User, code: str) -> OrgUnit | None:
    """A unit (by code) in which the actor may keep dossiers."""
    unit = policy.org_units_visible_to(actor).filter(code=code.strip()).first()
    if unit is None or not policy.can_create_person_in(actor, unit):
        return None
    return unit


def merge_candidates_for(*, actor: User, person: Person) -> list[tuple[Person, tuple[str, ...]]]:
    """Records in the actor's scope that may be the same person (for the merge page)."""
    return duplicate_candidates(
        full_name=person.full_name,
        birth_date=person.birth_date,
        cccd=person.cccd,
        hometown_province_code=person.hometown_province_code,
        exclude_id=person.pk,
        scope=policy.people_visible_to(actor),
    )


def visible_unit(*, actor: User, code: str) -> OrgUnit | None:
    """A unit of the actor's jurisdiction, by code (list filter)."""
    return policy.org_units_visible_to(actor).filter(code=code.strip()).first()


def can_create_people(*, actor: User) -> bool:
    unit = policy.jurisdiction_root(actor)
    return unit is not None and policy.can_create_person_in(actor, unit)


@dataclass(frozen=True)
class CompareRow:
    label: str
    left: str
    right: str

    @property
    def differs(self) -> bool:
        return self.left != self.right


def compare_rows(left: Person, right: Person) -> list[CompareRow]:
    """The two records side by side (merge page), field by field, as displayed."""

    def values(person: Person) -> list[tuple[str, str]]:
        return [
            (_("Full name"), person.full_name),
            (_("Date of birth"), format_partial_date(person.birth_date, person.birth_precision)),
            (_("Sex"), person.get_sex_display()),
            (_("Citizen ID (CCCD)"), person.cccd or ""),
            (_("Party card number"), person.party_card_number or ""),
            (
                _("Hometown"),
                addresses.unit_label(person.hometown_province_code, person.hometown_commune_code),
            ),
            (_("Hometown as written"), person.hometown_text),
            (
                _("Residence"),
                addresses.unit_label(person.residence_province_code, person.residence_commune_code),
            ),
            (_("Residence as written"), person.residence_text),
            (_("Managing unit"), str(person.org_unit)),
            (_("Relatives"), str(person.relatives.count())),
        ]

    return [
        CompareRow(str(label), a, b)
        for (label, a), (_label, b) in zip(values(left), values(right), strict=True)
    ]


def duplicates_for_entry(
    *, actor: User, data: Any, exclude_id: int | None
) -> list[tuple[Person, tuple[str, ...]]]:
    """Candidates for a form being typed (`data`: cleaned PersonFields), in the actor's scope."""
    return duplicate_candidates(
        full_name=data.full_name,
        birth_date=data.birth_date,
        cccd=data.cccd,
        hometown_province_code=data.hometown_province_code,
        exclude_id=exclude_id,
        scope=policy.people_visible_to(actor),
    )


def unit_by_id_for_people(*, actor: User, pk: int) -> OrgUnit | None:
    """A unit (by id) in which the actor may keep dossiers (API)."""
    unit = policy.org_units_visible_to(actor).filter(pk=pk).first()
    if unit is None or not policy.can_create_person_in(actor, unit):
        return None
    return unit

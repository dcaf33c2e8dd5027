"""Scoped reads compared with an independent oracle: the tree walked in Python, not SQL."""

from __future__ import annotations

import random

import pytest

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.orgs.models import OrgUnit
from bvct.people import selectors
from bvct.people.models import Person
from bvct.people.search_index import index_people
from bvct.people.tests.factories import make_issue, make_person
from conftest import Tree

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Nguyễn Thị An"]


def _descendant_ids(unit: OrgUnit) -> set[int]:
    """The oracle's subtree: each node's parent found from its path, then children walked."""
    nodes = list(OrgUnit.objects.all())
    by_path = {node.path: node for node in nodes}
    children: dict[int, list[OrgUnit]] = {}
    for node in nodes:
        parent = by_path.get(node.path[: -OrgUnit.steplen])
        if parent is not None:
            children.setdefault(parent.pk, []).append(node)
    found, stack = set(), [unit]
    while stack:
        node = stack.pop()
        found.add(node.pk)
        stack.extend(children.get(node.pk, []))
    return found


@pytest.fixture
def population(tree: Tree) -> list[Person]:
    rng = random.Random(20260301)
    units = [
        tree.root,
        tree.prov_a,
        tree.commune_a1,
        tree.grassroots_a1,
        tree.branch_a1,
        tree.commune_a2,
        tree.prov_b,
        tree.commune_b1,
    ]
    people = [
        make_person(
            org_unit=rng.choice(units),
            full_name=f"{rng.choice(NAMES)} {n:03d}",
            classification=rng.choice([0, 0, 0, 1, 2, 3]),
            merged_into=None,
        )
        for n in range(90)
    ]
    # a few merged records, which lists never show
    for person in people[:4]:
        person.merged_into = people[-1]
        person.save(update_fields=["merged_into"])
    index_people(people)
    return people


def _all_pages(actor, filters: selectors.PersonFilters) -> tuple[list[int], int]:
    first = selectors.person_list_for_actor(actor=actor, filters=filters, page=1)
    ids = [p.pk for p in first.people]
    for number in range(2, first.num_pages + 1):
        page = selectors.person_list_for_actor(actor=actor, filters=filters, page=number)
        assert page.total == first.total
        ids.extend(p.pk for p in page.people)
    return ids, first.total


@pytest.mark.parametrize(
    ("node", "clearance"),
    [("root", 3), ("prov_a", 1), ("commune_a1", 0), ("branch_a1", 2), ("prov_b", 3)],
)
# queries whose words have no neighbour within one edit among the names (so no typo matches)
@pytest.mark.parametrize("query", ["", "le cuong", "pham dung"])
def test_list_matches_the_oracle(tree: Tree, population, node, clearance, query) -> None:
    # given an inspector at `node` with `clearance`
    unit = getattr(tree, node)
    actor = make_user(org_unit=unit, roles=(RoleCode.INSPECTOR,), clearance=clearance)
    inside = _descendant_ids(unit)
    # when
    ids, total = _all_pages(actor, selectors.PersonFilters(query=query))
    # then: exactly the oracle's people, each once, and the exact total
    expected = {
        p.pk
        for p in Person.objects.all()
        if p.org_unit_id in inside
        and p.classification <= clearance
        and p.merged_into_id is None
        and set(query.split()) <= set(p.name_key.split())
    }
    assert len(ids) == len(set(ids))
    assert set(ids) == expected
    assert total == len(expected)


def test_roles_without_dossier_access_see_nothing(tree: Tree, population) -> None:
    for role in (RoleCode.ADMIN, RoleCode.AUDITOR, RoleCode.MEMBER):
        actor = make_user(org_unit=tree.root, roles=(role,), clearance=3)
        page = selectors.person_list_for_actor(actor=actor, filters=selectors.PersonFilters())
        assert (page.total, page.people) == (0, [])


def test_issues_follow_role_and_clearance(tree: Tree) -> None:
    person = make_person(org_unit=tree.commune_a1)
    officer = make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,), clearance=1)
    issues = [
        make_issue(person=person, created_by=officer, classification=level) for level in (1, 2)
    ]
    clerk = make_user(org_unit=tree.prov_a, roles=(RoleCode.CLERK,), clearance=3)
    approver = make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,), clearance=2)
    assert selectors.person_dossier(actor=clerk, person=person).issues is None
    assert selectors.person_dossier(actor=officer, person=person).issues == [issues[0]]
    assert selectors.person_dossier(actor=approver, person=person).issues == [
        issues[1],
        issues[0],
    ]

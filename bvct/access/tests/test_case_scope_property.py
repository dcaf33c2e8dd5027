"""Property: `cases_visible_to(actor)` is exactly the cases whose subject's unit, holding unit or
competent unit lies in the actor's subtree, with the subject within the actor's clearance.

The queryset reads copies of the three units' paths and of the subject's classification on the
case row (`bvct.vetting.scope`); these tests pin its meaning against an oracle that walks parent
links in Python, and against the per-object predicate `can_view_case` (which reads the
relations): on random forests (the same generator as `test_scoping_property`), where each of the
three relations and the clearance is exercised on its own, and after random sequences of the
writes that change what the copies copy — a dossier moved or reclassified, two records merged,
a unit merged into another (its subtree moves, open cases follow). After every sequence the
copies also equal the values read through the relations (`assert_scope_current`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.access.policy import can_view_case, cases_visible_to, verification_requests_visible_to
from bvct.access.tests.test_scoping_property import Shape, build, expected_visible, forests, fresh
from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.orgs.models import OrgUnit
from bvct.orgs.services import unit_merge
from bvct.people.models import Person
from bvct.people.services import PersonFields, person_merge, person_update
from bvct.people.tests.factories import make_person
from bvct.vetting.models import Case
from bvct.vetting.tests.factories import make_case

DOSSIER = [RoleCode.CLERK, RoleCode.OFFICER, RoleCode.APPROVER, RoleCode.INSPECTOR]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=forests(), data=st.data())
def test_visible_cases_are_those_reached_through_any_of_the_three_units_within_clearance(
    db: None, shape: Shape, data: st.DataObject
) -> None:
    with transaction.atomic():
        # given a random forest, cases with independent subject / holding / competent units and
        # subject levels, and a dossier user on a random node with a random clearance
        units = build(shape)
        node_index = st.integers(0, len(units) - 1)
        opener = make_user(org_unit=units[0], roles=(RoleCode.CLERK,))
        drawn = data.draw(
            st.lists(
                st.tuples(node_index, node_index, st.none() | node_index, st.integers(0, 3)),
                min_size=1,
                max_size=6,
            ),
            label="cases (subject unit, holding unit, competent unit, subject level)",
        )
        cases = [
            make_case(
                person=make_person(org_unit=units[subject], classification=level),
                holding_unit=units[holding],
                competent_unit=None if competent is None else units[competent],
                opened_by=opener,
            )
            for subject, holding, competent, level in drawn
        ]
        node = data.draw(node_index, label="actor's node")
        clearance = data.draw(st.integers(0, 3), label="clearance")
        roles = data.draw(st.lists(st.sampled_from(DOSSIER), min_size=1, unique=True))
        actor = fresh(make_user(org_unit=units[node], roles=tuple(roles), clearance=clearance))
        subtree = expected_visible(shape, node)

        # when
        scoped = cases_visible_to(actor)
        visible = set(scoped.values_list("pk", flat=True))

        # then it is the oracle's set, the predicate agrees, and no case is counted twice
        oracle = {
            case.pk
            for case, (subject, holding, competent, level) in zip(cases, drawn, strict=True)
            if level <= clearance
            and (subject in subtree or holding in subtree or competent in subtree)
        }
        assert visible == oracle
        assert {case.pk for case in cases if can_view_case(actor, case)} == visible
        assert scoped.count() == len(visible)
        assert_scope_current()
        # and it composes as a subquery (verification requests, documents) and with filters
        assert set(scoped.filter(holding_unit=units[node]).values_list("pk", flat=True)) == {
            case.pk for case in cases if case.pk in visible and case.holding_unit == units[node]
        }
        assert not verification_requests_visible_to(actor).exists()
        transaction.set_rollback(True)


def test_users_without_a_node_or_a_dossier_role_see_no_case(db: None) -> None:
    # given a case in a one-node tree
    units = build(Shape(parents=[None], steps=[1]))
    make_case(org_unit=units[0])
    # then a member, a staff user without a node and an inactive officer see nothing
    for actor in (
        make_user(org_unit=units[0], roles=(RoleCode.MEMBER,)),
        make_user(org_unit=None, roles=(RoleCode.OFFICER,)),
        make_user(org_unit=units[0], roles=(RoleCode.OFFICER,), is_active=False),
        make_user(org_unit=units[0], roles=(RoleCode.REGISTRAR,)),
    ):
        assert not cases_visible_to(fresh(actor)).exists()


def test_each_relation_alone_brings_a_case_into_scope_and_clearance_bounds_all(db: None) -> None:
    # given a root with two branches A and B, and an officer at A with clearance 1
    units = build(Shape(parents=[None, 0, 0], steps=[1, 1, 2]))
    root, a, _b = units
    opener = make_user(org_unit=root, roles=(RoleCode.CLERK,))

    def case(subject: int, holding: int, competent: int | None, level: int = 0) -> int:
        return make_case(
            person=make_person(org_unit=units[subject], classification=level),
            holding_unit=units[holding],
            competent_unit=None if competent is None else units[competent],
            opened_by=opener,
        ).pk

    by_subject, by_holding, by_competent = case(1, 2, 2), case(2, 1, 2), case(2, 2, 1)
    outside, at_root = case(2, 2, None), case(0, 0, 0)
    above_clearance, at_clearance = case(1, 1, 1, level=2), case(2, 2, 1, level=1)
    actor = fresh(make_user(org_unit=a, roles=(RoleCode.OFFICER,), clearance=1))
    # then
    assert set(cases_visible_to(actor).values_list("pk", flat=True)) == {
        by_subject,
        by_holding,
        by_competent,
        at_clearance,
    }
    assert {outside, at_root, above_clearance}.isdisjoint(
        cases_visible_to(actor).values_list("pk", flat=True)
    )


def assert_scope_current() -> None:
    """Every case's copied scope equals what its relations say now."""
    for case in Case.objects.select_related(
        "person__org_unit", "holding_unit", "competent_unit"
    ).order_by("pk"):
        competent = case.competent_unit.path if case.competent_unit else ""
        assert (
            case.subject_path,
            case.subject_classification,
            case.holding_path,
            case.competent_path,
        ) == (
            case.person.org_unit.path,
            case.person.classification,
            case.holding_unit.path,
            competent,
        ), f"case #{case.pk} drifted"


@st.composite
def trees(draw: st.DrawFn) -> Shape:
    """One root (a central unit) and up to 9 branches below it, numbered 1, 2, … under each
    parent as the tree services number them (a unit merge appends the moved children)."""
    size = draw(st.integers(min_value=3, max_value=10))
    parents: list[int | None] = [None, 0]
    parents.extend(draw(st.integers(0, index - 1)) for index in range(2, size))
    steps = [parents[:index].count(parent) + 1 for index, parent in enumerate(parents)]
    return Shape(parents, steps)


def _ancestors(parents: dict[int, int | None], index: int | None) -> set[int]:
    """The node and every node above it by parent links (none for no node)."""
    chain: set[int] = set()
    current: int | None = index
    while current is not None:
        chain.add(current)
        current = parents[current]
    return chain


WRITES = st.one_of(
    st.tuples(st.just("move"), st.integers(0, 5), st.integers(0, 9)),
    st.tuples(st.just("reclassify"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("merge_people"), st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.just("merge_units"), st.integers(1, 9), st.integers(1, 9)),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=trees(), data=st.data())
def test_scope_follows_moves_reclassifications_and_merges_of_people_and_units(  # noqa: PLR0915
    db: None, shape: Shape, data: st.DataObject
) -> None:
    with transaction.atomic():
        # given a tree, people with cases whose subject / holding / competent units and levels
        # are drawn independently, and the services' actors at the root
        units = build(shape)
        size = len(units)
        parents = dict(enumerate(shape.parents))
        ended: set[int] = set()
        keeper = make_user(org_unit=units[0], roles=(RoleCode.OFFICER,), clearance=3)
        admin = make_user(org_unit=units[0], roles=(RoleCode.ADMIN,), clearance=3)
        node = st.integers(0, size - 1)
        drawn = data.draw(
            st.lists(st.tuples(node, st.integers(0, 3)), min_size=1, max_size=6),
            label="people (unit, level)",
        )
        people = [make_person(org_unit=units[u], classification=lv) for u, lv in drawn]
        at = {i: u for i, (u, _) in enumerate(drawn)}  # person -> unit index (the oracle's)
        level = {i: lv for i, (_, lv) in enumerate(drawn)}
        merged: set[int] = set()
        specs = data.draw(
            st.lists(
                st.tuples(st.integers(0, len(people) - 1), node, st.none() | node),
                min_size=1,
                max_size=6,
                unique_by=lambda spec: spec[0],  # one open admission case per person
            ),
            label="cases (person, holding unit, competent unit)",
        )
        cases = [
            make_case(
                person=people[p],
                holding_unit=units[h],
                competent_unit=None if c is None else units[c],
                opened_by=keeper,
            )
            for p, h, c in specs
        ]
        holding = {k: h for k, (_, h, _) in enumerate(specs)}
        competent = {k: c for k, (_, _, c) in enumerate(specs)}

        # when a random sequence of writes goes through the services
        for write in data.draw(st.lists(WRITES, max_size=6), label="writes"):
            kind, a, b = write
            if kind in {"move", "reclassify"}:
                if a >= len(people) or a in merged or (kind == "move" and b % size in ended):
                    continue
                person = Person.objects.get(pk=people[a].pk)
                if kind == "move":
                    target = OrgUnit.objects.get(pk=units[b % size].pk)
                    person_update(
                        actor=fresh(keeper),
                        person=person,
                        data=PersonFields.of(person),
                        org_unit=target,
                    )
                    at[a] = b % size
                else:
                    person_update(
                        actor=fresh(keeper),
                        person=person,
                        data=PersonFields.of(person),
                        classification=b,
                    )
                    level[a] = b
            elif kind == "merge_people":
                if a == b or max(a, b) >= len(people) or {a, b} & merged:
                    continue
                keep, duplicate = (Person.objects.get(pk=people[i].pk) for i in (a, b))
                person_merge(actor=fresh(keeper), keep=keep, duplicate=duplicate)
                merged.add(b)
                level[a] = max(level[a], level[b])
            else:
                unit_i, successor_i = a % size or 1, b % size or 1
                if (
                    unit_i == successor_i
                    or {unit_i, successor_i} & ended
                    or unit_i in _ancestors(parents, successor_i)
                ):
                    continue
                unit_merge(
                    unit=OrgUnit.objects.get(pk=units[unit_i].pk),
                    successor=OrgUnit.objects.get(pk=units[successor_i].pk),
                    effective_date=timezone.localdate() - dt.timedelta(days=1),
                    actor=fresh(admin),
                )
                for child, parent in parents.items():
                    if parent == unit_i and child not in ended:
                        parents[child] = successor_i
                ended.add(unit_i)
                holding = {k: successor_i if h == unit_i else h for k, h in holding.items()}
                competent = {k: successor_i if c == unit_i else c for k, c in competent.items()}

        # then the copies are current, and for a random dossier user the scope is the oracle's
        assert_scope_current()
        viewer_node = data.draw(node, label="actor's node")
        clearance = data.draw(st.integers(0, 3), label="clearance")
        roles = data.draw(st.lists(st.sampled_from(DOSSIER), min_size=1, unique=True))
        actor = fresh(
            make_user(org_unit=units[viewer_node], roles=tuple(roles), clearance=clearance)
        )
        oracle = {
            case.pk
            for k, case in enumerate(cases)
            if level[specs[k][0]] <= clearance
            and viewer_node
            in (
                _ancestors(parents, at[specs[k][0]])
                | _ancestors(parents, holding[k])
                | _ancestors(parents, competent[k])
            )
        }
        visible = set(cases_visible_to(actor).values_list("pk", flat=True))
        assert visible == oracle
        reread = Case.objects.select_related("person__org_unit", "holding_unit", "competent_unit")
        assert {case.pk for case in reread if can_view_case(actor, case)} == visible
        transaction.set_rollback(True)

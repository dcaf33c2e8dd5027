"""Property: `org_units_visible_to(actor)` is exactly the actor's node and everything below it.

Hypothesis draws random forests and places every node at a random step under its parent
(including the extreme steps "0001" and "ZZZZ", which exercise the subtree bound), then compares
the scoped queryset with the set found by walking parent links in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.access.policy import can_view_org_unit, org_units_visible_to
from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.orgs.models import OrgUnit

MAX_STEP = 36**OrgUnit.steplen - 1  # "ZZZZ"
STAFF = [
    RoleCode.CLERK,
    RoleCode.OFFICER,
    RoleCode.APPROVER,
    RoleCode.INSPECTOR,
    RoleCode.REGISTRAR,
    RoleCode.AUDITOR,
    RoleCode.ADMIN,
]


@dataclass(frozen=True)
class Shape:
    parents: list[int | None]  # parent index of each node (None: a root); parents come first
    steps: list[int]  # the node's step number under its parent


def _not_in(taken: set[int]) -> Callable[[int], bool]:
    return lambda step: step not in taken


@st.composite
def forests(draw: st.DrawFn) -> Shape:
    size = draw(st.integers(min_value=1, max_value=14))
    parents: list[int | None] = [None]
    parents.extend(
        draw(st.one_of(st.none(), st.integers(0, index - 1))) for index in range(1, size)
    )
    step_values = st.one_of(
        st.sampled_from([1, 2, MAX_STEP - 1, MAX_STEP]), st.integers(1, MAX_STEP)
    )
    steps: list[int] = []
    used: set[tuple[int | None, int]] = set()
    for parent in parents:
        taken = {step for owner, step in used if owner == parent}
        step = draw(step_values.filter(_not_in(taken)))
        used.add((parent, step))
        steps.append(step)
    return Shape(parents, steps)


def build(shape: Shape) -> list[OrgUnit]:
    """Insert the forest with treebeard's path helper (random steps, so not through add_child)."""
    units: list[OrgUnit] = []
    for index, (parent, step) in enumerate(zip(shape.parents, shape.steps, strict=True)):
        base = units[parent] if parent is not None else None
        depth = 1 if base is None else base.depth + 1
        units.append(
            OrgUnit(
                path=OrgUnit._get_path(base.path if base else None, depth, step),
                depth=depth,
                numchild=shape.parents.count(index),
                code=f"U{index}",
                name=f"Đơn vị {index}",
                name_key=f"don vi {index}",
                kind=OrgUnit.Kind.CENTRAL if base is None else OrgUnit.Kind.BRANCH,
            )
        )
    return OrgUnit.objects.bulk_create(units)


def expected_visible(shape: Shape, node: int) -> set[int]:
    """Indexes of the nodes whose chain of parent links reaches `node` (itself included)."""
    visible = set()
    for index in range(len(shape.parents)):
        current: int | None = index
        while current is not None and current != node:
            current = shape.parents[current]
        if current == node:
            visible.add(index)
    return visible


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shape=forests(),
    data=st.data(),
)
def test_visible_units_are_the_subtree_reached_by_parent_links(
    db: None, shape: Shape, data: st.DataObject
) -> None:
    with transaction.atomic():
        # given a random forest and a staff user on a random node
        units = build(shape)
        node = data.draw(st.integers(0, len(units) - 1), label="node")
        roles = data.draw(st.lists(st.sampled_from(STAFF), min_size=1, unique=True), label="roles")
        actor = fresh(make_user(org_unit=units[node], roles=tuple(roles)))
        # when
        visible = set(org_units_visible_to(actor).values_list("pk", flat=True))
        # then it is the set found by walking parent links, and the predicate agrees
        assert visible == {units[i].pk for i in expected_visible(shape, node)}
        assert {unit.pk for unit in units if can_view_org_unit(actor, unit)} == visible
        transaction.set_rollback(True)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=forests(), data=st.data())
def test_users_without_a_node_or_a_staff_role_see_nothing(
    db: None, shape: Shape, data: st.DataObject
) -> None:
    with transaction.atomic():
        # given a random forest, a member on a node, a staff user without a node, an inactive one
        units = build(shape)
        node = units[data.draw(st.integers(0, len(units) - 1), label="node")]
        roles = tuple(data.draw(st.lists(st.sampled_from(STAFF), min_size=1, unique=True)))
        actors = [
            make_user(org_unit=node, roles=(RoleCode.MEMBER,)),
            make_user(org_unit=node, roles=()),
            make_user(org_unit=None, roles=roles),
            make_user(org_unit=node, roles=roles, is_active=False),
        ]
        # then none of them sees any unit
        for actor in map(fresh, actors):
            assert list(org_units_visible_to(actor)) == []
            assert [unit for unit in units if can_view_org_unit(actor, unit)] == []
        transaction.set_rollback(True)

"""Property: `cases_visible_to(actor)` is exactly the cases whose subject's unit, holding unit or
competent unit lies in the actor's subtree, with the subject within the actor's clearance.

The queryset is written for the planner (scalar subqueries on the subject, see the policy); this
test pins its meaning on random forests (the same generator as `test_scoping_property`) against
an oracle that walks parent links in Python, and against the per-object predicate
`can_view_case`. Each of the three relations and the clearance is exercised on its own, because
every case draws its three units and its subject's level independently.
"""

from __future__ import annotations

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.access.policy import can_view_case, cases_visible_to, verification_requests_visible_to
from bvct.access.tests.test_scoping_property import Shape, build, expected_visible, forests, fresh
from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.people.tests.factories import make_person
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

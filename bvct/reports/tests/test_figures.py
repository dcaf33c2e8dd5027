"""The roll-up: a node's figure is its own plus the sum of its children's, on random trees
(Hypothesis), and equals an independent count of its subtree; periods and labels."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.orgs.models import OrgUnit
from bvct.orgs.tests.factories import make_child, make_root
from bvct.people.models import Person
from bvct.people.tests.factories import make_person
from bvct.reports.figures import current_part, period_bounds, period_label, rollup
from bvct.reports.sections import PEOPLE

D = dt.date


@pytest.mark.parametrize(
    ("period", "year", "part", "bounds", "label"),
    [
        ("month", 2026, 2, (D(2026, 2, 1), D(2026, 2, 28)), "tháng 2 năm 2026"),
        ("month", 2028, 2, (D(2028, 2, 1), D(2028, 2, 29)), "tháng 2 năm 2028"),
        ("quarter", 2026, 3, (D(2026, 7, 1), D(2026, 9, 30)), "quý III năm 2026"),
        ("half", 2026, 1, (D(2026, 1, 1), D(2026, 6, 30)), "6 tháng đầu năm 2026"),
        ("half", 2026, 2, (D(2026, 7, 1), D(2026, 12, 31)), "6 tháng cuối năm 2026"),
        ("year", 2026, 1, (D(2026, 1, 1), D(2026, 12, 31)), "năm 2026"),
    ],
)
def test_periods(period: str, year: int, part: int, bounds: tuple[D, D], label: str) -> None:
    assert period_bounds(period, year, part) == bounds
    assert period_label(period, year, part) == label


def test_a_part_out_of_the_year_is_refused_and_today_has_its_part() -> None:
    with pytest.raises(ValueError, match="5"):
        period_bounds("quarter", 2026, 5)
    assert [current_part(p, D(2026, 8, 15)) for p in ("month", "quarter", "half", "year")] == [
        8,
        3,
        2,
        1,
    ]


# A random tree: each new node hangs under one of the nodes made before it (index < its own).
trees = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12)
placements = st.lists(st.integers(min_value=0, max_value=1000), max_size=30)


def _build(shape: list[int]) -> list[OrgUnit]:
    nodes = [make_root()]
    for pick in shape:
        parent = nodes[pick % len(nodes)]
        parent.refresh_from_db()
        nodes.append(make_child(parent))
    for node in nodes:
        node.refresh_from_db()
    return nodes


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=trees, where=placements)
def test_every_figure_is_its_own_plus_its_childrens(shape: list[int], where: list[int]) -> None:
    with transaction.atomic():
        nodes = _build(shape)
        for pick in where:
            make_person(org_unit=nodes[pick % len(nodes)])
        for node in nodes:
            result = rollup(
                node=node, sections=[PEOPLE], start=D(2026, 1, 1), end=D(2026, 12, 31), clearance=3
            )
            (_section, (row,)) = result.sections[0]
            # the oracle: a plain count of the subtree
            oracle = Person.objects.filter(org_unit__path__startswith=node.path).count()
            assert row.total == oracle
            assert row.own == Person.objects.filter(org_unit=node).count()
            children = {c.pk: c for c in result.children}
            for child_pk, n in row.by_child.items():
                child_row = rollup(
                    node=children[child_pk],
                    sections=[PEOPLE],
                    start=D(2026, 1, 1),
                    end=D(2026, 12, 31),
                    clearance=3,
                ).sections[0][1][0]
                assert child_row.total == n
            assert row.total == row.own + sum(row.by_child.values())
        transaction.set_rollback(True)


def test_records_above_the_clearance_are_not_counted(tree: object) -> None:
    from conftest import Tree  # noqa: PLC0415

    assert isinstance(tree, Tree)
    make_person(org_unit=tree.commune_a1)
    make_person(org_unit=tree.commune_a1, classification=2)
    counts = [
        rollup(
            node=tree.prov_a,
            sections=[PEOPLE],
            start=D(2026, 1, 1),
            end=D(2026, 1, 31),
            clearance=c,
        )
        .sections[0][1][0]
        .by_child[tree.commune_a1.pk]
        for c in (0, 1, 2)
    ]
    assert counts == [1, 1, 2]

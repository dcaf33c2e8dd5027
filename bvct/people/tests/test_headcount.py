"""The per-unit headcount the database keeps with triggers (`UnitHeadcount`, migration 0006).

Property: after any sequence of writes to people — single creates, bulk inserts, moves and
reclassifications one by one or as one multi-row UPDATE, merges, deletes — the headcount equals
a GROUP BY of the live dossiers, and the people list's exact total (which is read from it) equals
the number of dossiers the actor may open, for an actor anywhere in a random forest.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.access.policy import people_visible_to
from bvct.access.tests.test_scoping_property import Shape, build, expected_visible, forests, fresh
from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person, UnitHeadcount
from bvct.people.selectors import PersonFilters, person_list_for_actor
from bvct.people.tests.factories import make_person
from conftest import Tree

OPERATIONS = ("create", "bulk", "move", "reclassify", "merge", "delete", "move_many")


def headcount() -> Counter[tuple[int, int]]:
    rows = UnitHeadcount.objects.exclude(live=0).values_list(
        "org_unit_id", "classification", "live"
    )
    return Counter({(unit, level): live for unit, level, live in rows})


def oracle() -> Counter[tuple[int, int]]:
    rows = (
        Person.objects.filter(merged_into__isnull=True)
        .values_list("org_unit_id", "classification")
        .annotate(n=Count("id"))
    )
    return Counter({(unit, level): n for unit, level, n in rows})


def apply(operation: str, units: list[OrgUnit], data: st.DataObject) -> None:
    unit = st.sampled_from(units)
    level = st.integers(0, 3)
    live = list(Person.objects.filter(merged_into__isnull=True).order_by("pk"))
    if operation == "create" or not live:
        make_person(org_unit=data.draw(unit), classification=data.draw(level))
    elif operation == "bulk":
        drawn = data.draw(st.lists(st.tuples(unit, level), min_size=1, max_size=4))
        Person.objects.bulk_create(
            Person(
                org_unit=where,
                classification=grade,
                full_name="Trần Thị Bích",
                surname="Trần",
                middle_name="Thị",
                given_name="Bích",
                name_key="tran thi bich",
                sex="female",
            )
            for where, grade in drawn
        )
    elif operation == "move":
        person = data.draw(st.sampled_from(live))
        person.org_unit = data.draw(unit)
        person.save()
    elif operation == "reclassify":
        person = data.draw(st.sampled_from(live))
        Person.objects.filter(pk=person.pk).update(classification=data.draw(level))
    elif operation == "merge" and len(live) > 1:
        duplicate, kept = data.draw(
            st.lists(st.sampled_from(live), min_size=2, max_size=2, unique=True)
        )
        Person.objects.filter(pk=duplicate.pk).update(merged_into=kept)
    elif operation == "delete":
        person = data.draw(st.sampled_from(live))
        if not Person.objects.filter(merged_into=person).exists():
            person.delete()
    elif operation == "move_many":
        chosen = data.draw(st.lists(st.sampled_from(live), min_size=1, unique=True))
        Person.objects.filter(pk__in=[p.pk for p in chosen]).update(org_unit=data.draw(unit))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=forests(), data=st.data())
def test_headcount_follows_every_write_and_gives_the_exact_list_total(
    db: None, shape: Shape, data: st.DataObject
) -> None:
    with transaction.atomic():
        # given a random forest and a random sequence of writes to people
        units = build(shape)
        for operation in data.draw(
            st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=12), label="writes"
        ):
            apply(operation, units, data)
            # then after each write the headcount is the GROUP BY of the live dossiers
            assert headcount() == oracle(), operation

        # and a dossier user anywhere sees exactly their scope's total on the unfiltered list
        node = data.draw(st.integers(0, len(units) - 1), label="actor's node")
        clearance = data.draw(st.integers(0, 3), label="clearance")
        actor = fresh(
            make_user(org_unit=units[node], roles=(RoleCode.OFFICER,), clearance=clearance)
        )
        subtree = {units[i].pk for i in expected_visible(shape, node)}
        expected = sum(
            n for (unit, level), n in oracle().items() if unit in subtree and level <= clearance
        )
        page = person_list_for_actor(actor=actor, filters=PersonFilters())
        assert page.total == expected
        assert page.total == people_visible_to(actor).filter(merged_into__isnull=True).count()
        # and filtered by a unit of their subtree, the total of that unit's subtree
        below = units[data.draw(st.sampled_from(sorted(expected_visible(shape, node))))]
        filtered = person_list_for_actor(actor=actor, filters=PersonFilters(unit=below))
        assert filtered.total == (
            people_visible_to(actor)
            .filter(merged_into__isnull=True, org_unit__path__startswith=below.path)
            .count()
        )
        transaction.set_rollback(True)


def test_a_raw_sql_insert_is_counted_too(db: None, tree: Tree) -> None:
    # given a unit with no dossier
    unit = tree.commune_a1
    assert not UnitHeadcount.objects.filter(org_unit=unit).exists()
    # when two dossiers are written with plain SQL, as the importer's COPY path writes them
    with connection.cursor() as cursor:
        for name in ("Lê Văn An", "Lê Thị Bình"):
            cursor.execute(
                "INSERT INTO people_person (full_name, surname, middle_name, given_name, name_key,"
                " birth_precision, sex, hometown_province_code, hometown_commune_code,"
                " hometown_text, residence_province_code, residence_commune_code, residence_text,"
                " org_unit_id, classification, created_at, updated_at)"
                " VALUES (%s, 'Lê', '', 'An', 'le an', 'day', 'male', '', '', '', '', '', '', %s,"
                " 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                [name, unit.pk],
            )
    # then the database counted them
    assert UnitHeadcount.objects.get(org_unit=unit, classification=1).live == 2


def test_moving_a_unit_in_the_tree_moves_its_headcount_with_it(db: None, tree: Tree) -> None:
    # given dossiers in a commune and the unit below it
    make_person(org_unit=tree.commune_a1)
    make_person(org_unit=tree.grassroots_a1, classification=2)
    officer_b = fresh(make_user(org_unit=tree.prov_b, roles=(RoleCode.OFFICER,), clearance=3))
    before = person_list_for_actor(actor=officer_b, filters=PersonFilters()).total
    # when the commune (with its subtree) moves under province B
    OrgUnit.objects.move(
        OrgUnit.objects.get(pk=tree.commune_a1.pk),
        OrgUnit.objects.get(pk=tree.prov_b.pk),
        "last-child",
    )
    # then the headcount follows the new paths, and province B's total includes them
    assert not UnitHeadcount.objects.exclude(path=F("org_unit__path")).exists()
    after = person_list_for_actor(actor=fresh(officer_b), filters=PersonFilters()).total
    assert after == before + 2
    assert after == people_visible_to(fresh(officer_b)).filter(merged_into__isnull=True).count()

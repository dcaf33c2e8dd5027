"""The per-name counts (`SearchNameCount`) equal what the entries say, whatever wrote them.

The expected counts are computed here, in Python, from the entries themselves: per name, per
classification, the entries under each root (first path step) and under each province (first
two steps, for entries below the root)."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.namesearch.index import (
    PERSON_ROW_FIELDS,
    PersonRow,
    index_new_rows,
    index_people,
    name_count_drift,
    recount_names,
    unindex_people,
)
from bvct.namesearch.models import SearchEntry, SearchNameCount
from bvct.namesearch.rebuild import rebuild_index
from bvct.namesearch.search import search_people
from bvct.orgs import services as org_services
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.people.names import split_name

from .conftest import add_person

STEP = OrgUnit.steplen


def expected() -> Counter[tuple[int, str, int]]:
    counts: Counter[tuple[int, str, int]] = Counter()
    for name_id, path, classification in SearchEntry.objects.values_list(
        "name_id", "path", "classification"
    ):
        for area in {path[:STEP], path[: 2 * STEP]}:
            counts[name_id, area, classification] += 1
    return counts


def stored() -> Counter[tuple[int, str, int]]:
    rows = SearchNameCount.objects.values_list("name_id", "area", "classification", "people")
    return Counter({(name_id, area, c): people for name_id, area, c, people in rows})


def assert_counts_exact() -> None:
    assert stored() == expected()
    assert all(people > 0 for people in stored().values())
    assert name_count_drift() == 0


def rename(person: Person, full_name: str) -> None:
    parts = split_name(full_name)
    person.full_name, person.surname = parts.full_name, parts.surname
    person.middle_name, person.given_name = parts.middle_name, parts.given_name
    person.name_key = parts.name_key
    person.save()


@pytest.fixture
def admin_root(tree):
    return make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,), clearance=3)


def test_every_index_writer_keeps_the_counts_exact_and_a_rebuild_gives_the_same(tree, admin_root):
    # created, at every level and clearance (the root unit itself too)
    units = [tree.root, tree.prov_a, tree.commune_a1, tree.branch_a1, tree.prov_b]
    people = [
        add_person(name, unit, classification=n % 4)
        for n, (name, unit) in enumerate(
            (name, unit)
            for name in ("Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Văn Nam")
            for unit in units
        )
    ]
    assert_counts_exact()
    # the two unclassified "Nguyễn Văn Hùng" (at the root unit and in province B), counted once
    assert stored()[(people[0].search_entry.name_id, tree.root.path, 0)] == 2

    # re-indexed unchanged (a rebuild over live data), renamed, reclassified, moved
    index_people(people)
    rename(people[1], "Nguyễn Văn Hưng")
    people[2].classification = 3
    people[3].org_unit = tree.commune_b1
    for person in people[1:4]:
        person.save()
    index_people(people[1:4])
    assert_counts_exact()

    # merged, unindexed, deleted (the entry goes by cascade)
    people[4].merged_into = people[5]
    people[4].save()
    index_people([people[4]])
    unindex_people([people[6].pk])  # as before deleting them
    Person.objects.filter(pk=people[6].pk).delete()
    people[7].delete()
    assert_counts_exact()

    # the importer's bulk path (COPY on PostgreSQL), for people created without the index
    created = [add_person("Phạm Thị Hoa", unit, index=False) for unit in units]
    rows = Person.objects.filter(pk__in=[p.pk for p in created]).values_list(*PERSON_ROW_FIELDS)
    index_new_rows([PersonRow(*row) for row in rows])
    assert_counts_exact()

    # a unit merge moves entries between provinces
    org_services.unit_merge(
        unit=tree.prov_a,
        successor=tree.prov_b,
        effective_date=dt.date(2025, 8, 1),
        actor=admin_root,
    )
    assert_counts_exact()
    incremental = stored()

    # rebuild equals incremental: from an empty index, and the repair changes nothing
    SearchEntry.objects.all().delete()
    assert stored() == Counter()
    rebuild_index(restart=True)
    assert stored() == incremental
    assert recount_names() == len(incremental)
    assert stored() == incremental


def test_recount_repairs_counts_and_the_command_reports_it(tree, capsys):
    # given: counts gone wrong (written behind the triggers' back): one wrong, one missing
    add_person("Nguyễn Văn Hùng", tree.commune_a1)
    add_person("Nguyễn Văn Hùng", tree.prov_b)
    right = stored()
    SearchNameCount.objects.filter(area=tree.prov_b.path).update(people=99)
    SearchNameCount.objects.filter(area=tree.prov_a.path).delete()

    # when / then: the check finds the two rows, the recount repairs them
    with pytest.raises(CommandError):
        call_command("namesearch", "recount", "--check")
    assert "2 rows differ" in capsys.readouterr().out
    call_command("namesearch", "recount")
    assert stored() == right
    assert f"{len(right)} rows." in capsys.readouterr().out
    call_command("namesearch", "recount", "--check")
    assert "0 rows differ" in capsys.readouterr().out


def test_whole_area_scopes_read_the_counts_and_other_scopes_the_entries(tree):
    # given: three namesakes, two in commune A1 (province A), one in province B
    for unit in (tree.commune_a1, tree.commune_a1, tree.commune_b1):
        add_person("Đoàn Văn Bơ", unit)
    national = make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,), clearance=3)
    province = make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,), clearance=3)
    commune = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), clearance=3)
    totals = [
        search_people(actor=actor, query="doan van bo").total
        for actor in (national, province, commune)
    ]
    assert totals == [3, 2, 2]

    # when: the counts are tampered with (so it shows which source a total comes from)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {SearchNameCount._meta.db_table} SET people = people + 10")  # noqa: S608

    # then: the root and the province read the counts, the commune its entries
    totals = [
        search_people(actor=actor, query="doan van bo").total
        for actor in (national, province, commune)
    ]
    assert totals == [13, 12, 2]

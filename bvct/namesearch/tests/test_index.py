import datetime as dt

import pytest
from django.core.management import call_command

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.namesearch import rebuild
from bvct.namesearch.index import index_people, unindex_people
from bvct.namesearch.models import (
    IndexRebuild,
    SearchEntry,
    SearchName,
    SearchPosting,
    SearchSyllableKey,
)
from bvct.namesearch.search import search_people
from bvct.orgs import services as org_services
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.people.names import split_name

from .conftest import add_person


def found(actor: User, query: str) -> tuple[int, list[str]]:
    page = search_people(actor=actor, query=query)
    return page.total, [hit.person.full_name for hit in page.hits]


def test_index_people_writes_the_entry_the_name_and_its_postings(tree):
    # when
    person = add_person(
        "Nguyễn Văn Hùng",
        tree.branch_a1,
        birth_year=1975,
        classification=2,
        hometown_province_code="01",
        cccd="001075000123",
        party_card_number="05.012345",
    )

    # then
    entry = SearchEntry.objects.get(person=person)
    assert (
        entry.name.key,
        entry.name.folded,
        entry.path,
        entry.classification,
        entry.birth_year,
        entry.hometown_province,
        entry.cccd,
        entry.card_key,
    ) == (
        "nguyễn văn hùng",
        "nguyen van hung",
        tree.branch_a1.path,
        2,
        1975,
        "01",
        "001075000123",
        "05012345",
    )
    tokens = set(SearchPosting.objects.filter(name=entry.name).values_list("token", flat=True))
    assert tokens == {"nguyen", "van", "hung", "nguyen van", "hung nguyen", "hung van"}
    assert set(SearchSyllableKey.objects.filter(syllable="hung").values_list("key", flat=True)) == {
        "hung",
        "ung",
        "hng",
        "hug",
        "hun",
    }


def test_index_people_is_idempotent_and_shares_names(tree):
    # given
    first = add_person("Nguyễn Văn Hùng", tree.commune_a1)
    second = add_person("NGUYỄN VĂN HÙNG", tree.commune_b1)

    # when
    index_people([first, second])
    index_people([first, second])

    # then
    assert SearchEntry.objects.count() == 2
    assert SearchName.objects.count() == 1
    assert SearchPosting.objects.count() == 6


def test_rename_reindexes_under_the_new_name(tree, officer_at):
    # given
    person = add_person("Trần Thị Lan", tree.commune_a1)
    officer = officer_at(tree.root)

    # when
    parts = split_name("Trần Thị Mai Lan")
    person.full_name = parts.full_name
    person.middle_name = parts.middle_name
    person.save()
    index_people([person])

    # then
    assert found(officer, "Trần Thị Mai Lan") == (1, ["Trần Thị Mai Lan"])
    assert found(officer, "mai lan") == (1, ["Trần Thị Mai Lan"])
    assert SearchEntry.objects.get(person=person).name.key == "trần thị mai lan"


def test_deleting_a_person_removes_the_entry(tree, officer_at):
    # given
    person = add_person("Lê Văn Tám", tree.commune_a1)
    officer = officer_at(tree.root)

    # when
    person.delete()

    # then
    assert SearchEntry.objects.count() == 0
    assert found(officer, "Lê Văn Tám") == (0, [])


def test_unindex_people_removes_entries(tree, officer_at):
    # given
    kept = add_person("Lê Văn Tám", tree.commune_a1)
    removed = add_person("Lê Văn Tám", tree.commune_a2)

    # when
    unindex_people([removed.pk])

    # then
    assert list(SearchEntry.objects.values_list("person_id", flat=True)) == [kept.pk]


def test_merged_person_leaves_the_index_when_reindexed(tree, officer_at):
    # given
    keep = add_person("Phạm Văn Đồng", tree.commune_a1)
    duplicate = add_person("Phạm Văn Đồng", tree.commune_a2)
    officer = officer_at(tree.root)

    # when
    duplicate.merged_into = keep
    duplicate.save()
    index_people([keep, duplicate])

    # then
    assert found(officer, "Phạm Văn Đồng") == (1, ["Phạm Văn Đồng"])
    assert list(SearchEntry.objects.values_list("person_id", flat=True)) == [keep.pk]


def test_moving_a_person_to_another_unit_moves_their_scope(tree, officer_at):
    # given
    person = add_person("Võ Thị Sáu", tree.commune_a1)
    officer_a, officer_b = officer_at(tree.prov_a), officer_at(tree.prov_b)

    # when
    person.org_unit = tree.commune_b1
    person.save()
    index_people([person])

    # then
    assert found(officer_a, "Võ Thị Sáu") == (0, [])
    assert found(officer_b, "Võ Thị Sáu") == (1, ["Võ Thị Sáu"])


def test_reclassifying_a_person_applies_clearance(tree, officer_at):
    # given
    person = add_person("Võ Thị Sáu", tree.commune_a1)
    officer = officer_at(tree.root, clearance=1)

    # when
    person.classification = 2
    person.save()
    index_people([person])

    # then
    assert found(officer, "Võ Thị Sáu") == (0, [])


def test_index_people_costs_the_same_queries_for_one_or_many(tree, django_assert_num_queries):
    # given: two batches of new people with new names, one of 1 and one of 40
    one = [add_person("Đinh Bộ Lĩnh", tree.commune_a1, index=False)]
    many = [add_person(f"Lý Công Uẩn{n:02d}", tree.commune_a2, index=False) for n in range(40)]

    # when / then: existing names, insert and read back the new ones, their postings, known
    # syllables, new syllable keys, unit paths, upsert of the entries
    with django_assert_num_queries(8):
        index_people(one)
    with django_assert_num_queries(8):
        index_people(many)
    assert SearchEntry.objects.count() == 41


def test_index_people_of_known_names_costs_three_queries(tree, django_assert_num_queries):
    # given
    people = [add_person("Ngô Quyền", tree.commune_a1) for _ in range(5)]

    # when / then: existing names, units, upsert
    with django_assert_num_queries(3):
        index_people(people)


@pytest.fixture
def admin_root(tree):
    return make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,), clearance=3)


def test_org_unit_merge_moves_entries_with_the_moved_units(tree, officer_at, admin_root):
    # given: a person in a branch under commune A1 and one in commune A1 itself
    in_branch = add_person("Hồ Thị Kỷ", tree.branch_a1)
    in_commune = add_person("Hồ Văn Nam", tree.commune_a1)
    officer_b = officer_at(tree.prov_b)

    # when: province A merges into province B (its communes move under B)
    org_services.unit_merge(
        unit=tree.prov_a,
        successor=tree.prov_b,
        effective_date=dt.date(2025, 8, 1),
        actor=admin_root,
    )

    # then: the entries follow their units
    branch = OrgUnit.objects.get(pk=tree.branch_a1.pk)
    commune = OrgUnit.objects.get(pk=tree.commune_a1.pk)
    assert SearchEntry.objects.get(person=in_branch).path == branch.path
    assert SearchEntry.objects.get(person=in_commune).path == commune.path
    assert found(officer_b, "Hồ") == (2, ["Hồ Thị Kỷ", "Hồ Văn Nam"])


def test_rebuild_indexes_everyone_and_resumes_after_a_crash(tree, officer_at):
    # given: people created without the index, and a first run that dies after one batch
    for n in range(5):
        add_person(f"Trương Văn Định{n}", tree.commune_a1, index=False)

    def crash(run):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rebuild.rebuild_index(batch_size=2, progress=crash)
    assert SearchEntry.objects.count() == 2

    # when
    result = rebuild.rebuild_index(batch_size=2)

    # then
    assert (result.resumed, result.people_indexed) == (True, 5)
    assert SearchEntry.objects.count() == 5
    assert IndexRebuild.objects.get().finished_at is not None


def test_rebuild_command_restarts_on_request(tree, capsys):
    # given
    for n in range(3):
        add_person(f"Mạc Đăng Dung{n}", tree.commune_a1, index=False)
    call_command("namesearch", "rebuild")

    # when
    call_command("namesearch", "rebuild", "--restart", "--batch-size", "2")

    # then
    output = capsys.readouterr().out
    assert "(started) finished in" in output
    assert output.count("3 people indexed.") == 2
    assert SearchEntry.objects.count() == 3
    assert Person.objects.count() == 3

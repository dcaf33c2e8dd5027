import pytest

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.namesearch import search
from bvct.namesearch.index import index_people
from bvct.namesearch.plan import clear_counts
from bvct.namesearch.search import TYPO_PAGE, SearchPage, explain_score, search_people

from .conftest import add_person


@pytest.fixture
def people(tree):
    return {
        "nhung": add_person(
            "Nguyễn Thị Hồng Nhung",
            tree.commune_a1,
            birth_year=1990,
            hometown_province_code="01",
        ),
        "hung": add_person(
            "Nguyễn Văn Hùng",
            tree.commune_a1,
            birth_year=1975,
            hometown_province_code="01",
            cccd="001075000123",
        ),
        "hung2": add_person(
            "Nguyễn Văn Hưng", tree.commune_a2, birth_year=1980, hometown_province_code="79"
        ),
        "tran": add_person(
            "Trần Văn Hùng",
            tree.commune_b1,
            birth_year=1975,
            hometown_province_code="48",
            party_card_number="05.012345",
        ),
        "hong": add_person(
            "Lê Thị Hồng", tree.branch_a1, birth_year=1990, hometown_province_code="01"
        ),
        "chinh": add_person(
            "Phạm Minh Chính", tree.prov_b, birth_year=1958, hometown_province_code="38"
        ),
        "short": add_person(
            "Nguyễn Hùng", tree.commune_b1, birth_year=1975, hometown_province_code="79"
        ),
    }


@pytest.fixture
def national(tree, officer_at):
    return officer_at(tree.root)


def names(page: SearchPage) -> list[str]:
    return [hit.person.full_name for hit in page.hits]


@pytest.mark.parametrize(
    "query",
    [
        "Nguyễn Thị Hồng Nhung",  # as written
        "nguyen thi hong nhung",  # no diacritics
        "NGUYEN THI HONG NHUNG",  # upper case
        "Ngụyên Thỉ Hông Nhũng",  # wrong diacritics
        "Nguyễn Hồng Nhung",  # middle name partly omitted
        "Nguyen Thi Hong Nhugn",  # a typo (swap)
        "Ngyen Thj Hogn Nhunh",  # a typo in every word
        "Nhung Hồng Nguyễn Thị",  # any order
    ],
)
def test_each_kind_of_query_finds_the_person(people, national, query):
    # when
    page = search_people(actor=national, query=query)

    # then
    assert (page.total, names(page)) == (1, ["Nguyễn Thị Hồng Nhung"])


@pytest.mark.parametrize(
    ("query", "scores"),
    [
        ("Nguyễn Nhung", [0.98, 0.9]),
        ("nhung nguyen", [0.979, 0.899]),
        ("NHUNG, Nguyễn", [0.979, 0.899]),
    ],
)
def test_surname_and_given_name_in_any_order(people, national, query, scores):
    # when
    page = search_people(actor=national, query=query)

    # then: the one exact match, then (fewer than a page) the names one typo away ("hung" is
    # "nhung" less a letter); two syllables unmatched and the reversed order cost a little
    assert (page.total, names(page)) == (
        4,
        ["Nguyễn Thị Hồng Nhung", "Nguyễn Hùng", "Nguyễn Văn Hùng", "Nguyễn Văn Hưng"],
    )
    assert [hit.score for hit in page.hits][:2] == scores


def test_given_name_with_birth_year(people, national):
    # when
    page = search_people(actor=national, query="Hùng", birth_year=1975)

    # then: the two-syllable name leaves fewer syllables unmatched, so it comes first
    assert (page.total, names(page)) == (3, ["Nguyễn Hùng", "Nguyễn Văn Hùng", "Trần Văn Hùng"])


def test_birth_year_typed_in_the_query(people, national):
    page = search_people(actor=national, query="hung 1975")

    assert (page.total, names(page)) == (3, ["Nguyễn Hùng", "Nguyễn Văn Hùng", "Trần Văn Hùng"])


def test_given_name_with_hometown_province(people, national):
    # when
    page = search_people(actor=national, query="Hùng", hometown_province="79")

    # then: Hưng folds to the same syllable, after Hùng as typed
    assert (page.total, names(page)) == (2, ["Nguyễn Hùng", "Nguyễn Văn Hưng"])


@pytest.mark.parametrize("query", ["001075000123", "001 075 000 123", " 001.075.000.123 "])
def test_exact_cccd(people, national, query):
    page = search_people(actor=national, query=query)

    assert (page.total, names(page)) == (1, ["Nguyễn Văn Hùng"])
    assert page.hits[0].score == 1.0


@pytest.mark.parametrize("query", ["05012345", "05.012345"])
def test_exact_party_card(people, national, query):
    page = search_people(actor=national, query=query)

    assert (page.total, names(page)) == (1, ["Trần Văn Hùng"])


def test_identifier_numbers_match_only_exactly(people, national):
    assert search_people(actor=national, query="001075000124").total == 0
    assert search_people(actor=national, query="0501234").total == 0


def test_identifiers_are_scoped(people, tree, officer_at):
    officer_a = officer_at(tree.prov_a)

    assert search_people(actor=officer_a, query="05012345").total == 0
    assert search_people(actor=officer_a, query="001075000123").total == 1


def test_a_rare_name_is_completed_with_near_misses_after_it(tree, national):
    # given
    add_person("Nguyễn Văn Lam", tree.commune_a1)
    add_person("Nguyễn Văn Nam", tree.commune_a2)

    # when
    page = search_people(actor=national, query="Nguyễn Văn Nam")

    # then: the exact match first, the typo match after it
    assert (page.total, names(page), page.with_typos) == (
        2,
        ["Nguyễn Văn Nam", "Nguyễn Văn Lam"],
        True,
    )
    assert [hit.score for hit in page.hits] == [1.0, 0.9]


def test_a_real_name_is_followed_by_the_name_a_typo_made_of_it(tree, national, officer_at):
    # given: a typo turned "Phạm Thị Hoa" into another real name, borne by more than a page
    for n in range(TYPO_PAGE + 1):
        add_person("Phạm Thị Hà", tree.commune_a1, birth_year=1950 + n)
    intended = add_person("Phạm Thị Hoa", tree.commune_a1)

    # when: nationally (counted from the name counts) and in the commune (from the entries)
    for actor in (national, officer_at(tree.commune_a1)):
        page = search_people(actor=actor, query="pham thi ha", limit=TYPO_PAGE + 2)

        # then: the exact matches first, the intended person after them, counted in the total
        assert (page.total, page.with_typos, page.typo_total) == (TYPO_PAGE + 2, True, 1)
        assert [hit.person.pk for hit in page.hits][-1] == intended.pk
        assert {hit.score for hit in page.hits[:-1]} == {1.0}


def test_more_than_typo_more_exact_matches_leave_near_misses_out(tree, national, monkeypatch):
    # given: as many exact matches as a threshold (none by default) and a name one edit away
    monkeypatch.setattr(search, "TYPO_MORE", 20)
    for n in range(20):
        add_person("Đỗ Văn Nam", tree.commune_a1, birth_year=1950 + n)
    add_person("Đỗ Văn Lam", tree.commune_a1)

    # when
    page = search_people(actor=national, query="do van nam", limit=50)

    # then
    assert (page.total, page.with_typos) == (20, False)
    assert set(names(page)) == {"Đỗ Văn Nam"}


def test_one_word_is_a_surname_or_a_given_name_not_a_middle_name(people, national):
    assert names(search_people(actor=national, query="Chính")) == ["Phạm Minh Chính"]
    assert names(search_people(actor=national, query="pham")) == ["Phạm Minh Chính"]
    assert search_people(actor=national, query="Minh").total == 0
    assert search_people(actor=national, query="Minh", birth_year=1958).total == 0
    assert search_people(actor=national, query="Minh Phạm").total == 1


def test_one_word_and_a_birth_year_reads_given_names_and_surnames(people, national):
    assert names(search_people(actor=national, query="Nguyễn", birth_year=1975)) == [
        "Nguyễn Hùng",
        "Nguyễn Văn Hùng",
    ]
    assert names(search_people(actor=national, query="Phạm 1958")) == ["Phạm Minh Chính"]


def test_a_single_real_word_is_taken_as_typed(people, national):
    # "Hùng" finds Hùng and Hưng, not Hồng (one edit away)...
    assert search_people(actor=national, query="Hung").total == 4
    # ...even when nobody born in 1990 is called Hùng or Hưng
    assert search_people(actor=national, query="Hùng", birth_year=1990).total == 0
    # a misspelt one is corrected
    assert names(search_people(actor=national, query="Hunhg")) == [
        "Nguyễn Hùng",
        "Nguyễn Văn Hùng",
        "Nguyễn Văn Hưng",
        "Trần Văn Hùng",
    ]


def test_fewer_typos_rank_first(tree, officer_at):
    # given: "Nguyễn Văn Nan" is known elsewhere; in province A nobody matches "nguyen van nan"
    # with fewer than two typos, so every word may carry one
    add_person("Nguyễn Văn Nan", tree.commune_b1)
    three_typos = add_person("Nguyệt Vàng Nam", tree.commune_a1)
    two_typos = add_person("Nguyệt Văn Nam", tree.commune_a2)
    officer_a = officer_at(tree.prov_a)

    # when
    page = search_people(actor=officer_a, query="nguyen van nan")

    # then
    assert [hit.person.pk for hit in page.hits] == [two_typos.pk, three_typos.pk]
    assert [hit.score for hit in page.hits] == [0.8, 0.7]
    assert (page.total, page.with_typos) == (2, True)


def test_exact_match_ranks_before_a_typo_match_of_the_same_query(tree, national):
    # given: with every word allowed a typo, the exact name still comes first
    add_person("Trần Văn Năn", tree.commune_b1)
    add_person("Nguyễn Văn Nam", tree.commune_a1)
    add_person("Nguyễn Văn Nan", tree.commune_a2)

    # when
    score_exact = explain_score("nguyen van nan", "Nguyễn Văn Nan", with_typos=True)
    score_typo = explain_score("nguyen van nan", "Nguyễn Văn Nam", with_typos=True)

    # then
    assert (score_exact, score_typo) == (1.0, 0.9)


def test_diacritics_as_typed_rank_first(people, national):
    page = search_people(actor=national, query="Nguyễn Văn Hưng")

    assert names(page)[:2] == ["Nguyễn Văn Hưng", "Nguyễn Văn Hùng"]


def test_whole_name_ranks_before_a_longer_name(people, national):
    page = search_people(actor=national, query="Nguyễn Hùng")

    assert names(page)[:3] == ["Nguyễn Hùng", "Nguyễn Văn Hùng", "Nguyễn Văn Hưng"]


def test_scope_is_the_actor_subtree(people, tree, officer_at):
    # given
    officer_a = officer_at(tree.prov_a)
    officer_b1 = officer_at(tree.commune_b1)

    # when / then
    assert names(search_people(actor=officer_a, query="Hùng")) == [
        "Nguyễn Văn Hùng",
        "Nguyễn Văn Hưng",
    ]
    page = search_people(actor=officer_b1, query="Hùng")
    assert (page.total, names(page)) == (2, ["Nguyễn Hùng", "Trần Văn Hùng"])


def test_clearance_hides_classified_dossiers_and_their_count(tree, officer_at):
    # given
    add_person("Hoàng Văn Thụ", tree.commune_a1, classification=0)
    add_person("Hoàng Văn Thụ", tree.commune_a1, classification=2)
    low, high = officer_at(tree.root, clearance=1), officer_at(tree.root, clearance=2)

    # when / then
    assert search_people(actor=low, query="Hoàng Văn Thụ").total == 1
    assert search_people(actor=high, query="Hoàng Văn Thụ").total == 2


@pytest.mark.parametrize(
    "roles", [(RoleCode.ADMIN,), (RoleCode.AUDITOR,), (RoleCode.MEMBER,), (RoleCode.REGISTRAR,)]
)
def test_actors_without_a_dossier_role_find_nothing(people, tree, roles):
    actor = make_user(org_unit=tree.root, roles=roles, clearance=3)

    page = search_people(actor=actor, query="Nguyễn")

    assert (page.total, page.hits) == (0, [])


def test_inactive_or_unplaced_actor_finds_nothing(people, tree):
    inactive = make_user(
        org_unit=tree.root, roles=(RoleCode.OFFICER,), clearance=3, is_active=False
    )
    unplaced = make_user(org_unit=None, roles=(RoleCode.OFFICER,), clearance=3)

    assert search_people(actor=inactive, query="Nguyễn").total == 0
    assert search_people(actor=unplaced, query="Nguyễn").total == 0


def test_merged_people_are_not_found(people, national):
    # given: the short record was merged into the full one, and reindexed by the merge
    duplicate = people["short"]
    duplicate.merged_into = people["hung"]
    duplicate.save()
    index_people([duplicate])

    # when
    page = search_people(actor=national, query="Hùng", birth_year=1975)

    # then
    assert (page.total, names(page)) == (2, ["Nguyễn Văn Hùng", "Trần Văn Hùng"])


def test_a_stale_entry_never_shows_a_merged_person(people, national):
    # given: merged without reindexing (a bug elsewhere): the policy read still drops it
    duplicate = people["short"]
    duplicate.merged_into = people["hung"]
    duplicate.save()

    # when
    page = search_people(actor=national, query="Nguyễn Hùng")

    # then
    assert "Nguyễn Hùng" not in names(page)


def test_empty_and_punctuation_queries_find_nothing(people, national):
    assert search_people(actor=national, query="").total == 0
    assert search_people(actor=national, query="  ,.;  ").total == 0


def test_unknown_words_find_nothing(people, national):
    assert search_people(actor=national, query="Xyzzyq").total == 0


def test_pages_concatenate_to_the_full_ranking(tree, national):
    # given
    for n in range(13):
        add_person(f"Bùi Thị {'Xuân' if n % 2 else 'Xuan'}", tree.commune_a1, birth_year=1960 + n)

    # when
    full = search_people(actor=national, query="Bùi Xuân", limit=100)
    pages = [
        search_people(actor=national, query="Bùi Xuân", limit=4, offset=o) for o in range(0, 16, 4)
    ]

    # then
    assert [hit.person.pk for page in pages for hit in page.hits] == [
        hit.person.pk for hit in full.hits
    ]
    assert {page.total for page in pages} == {13}
    assert [hit.score for hit in full.hits] == sorted(
        (hit.score for hit in full.hits), reverse=True
    )


def test_query_count_does_not_grow_with_hits(tree, national, django_assert_num_queries):
    # given: thirty "Đào Duy Từ", one "Đào Duy Oanh", and "Anh" known from another name
    add_person("Lê Anh", tree.commune_b1)
    add_person("Đào Duy Oanh", tree.commune_a1)
    for n in range(30):
        add_person("Đào Duy Từ", tree.commune_a2, birth_year=1940 + n)

    # when / then: actor's unit and roles, vocabulary, names, in-scope counts, page rows, people;
    # names again with one more word allowed a typo (and their counts, when that finds names
    # not counted yet); when the words as typed find no name (so nothing to count), names and
    # counts again with every word allowed a typo; and, the first time in a process, the
    # planner's syllable counts and number of names
    for query, hits, queries in (("Đào Duy Từ", 20, 10), ("Đào Duy Anh", 1, 10)):
        clear_counts()
        actor = type(national).objects.get(pk=national.pk)
        with django_assert_num_queries(queries):
            page = search_people(actor=actor, query=query)
        assert len(page.hits) == hits
    actor = type(national).objects.get(pk=national.pk)
    with django_assert_num_queries(8):  # the planner's counts are cached now
        search_people(actor=actor, query="Đào Duy Anh")


def test_explain_score_matches_the_hit_score(people, national):
    page = search_people(actor=national, query="Nguyễn Văn Hưng")

    assert [
        explain_score("Nguyễn Văn Hưng", h.person.full_name, with_typos=True) for h in page.hits
    ] == [hit.score for hit in page.hits]

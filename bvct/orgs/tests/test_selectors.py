from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from django.http import Http404

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.orgs import search, selectors
from bvct.orgs.models import OrgUnit
from bvct.orgs.tests.factories import make_child, make_root
from conftest import Tree


@dataclass
class Map:
    root: OrgUnit
    hanoi: OrgUnit
    hoan_kiem: OrgUnit
    ba_dinh: OrgUnit
    kim_hoa: OrgUnit
    danang: OrgUnit
    hai_chau: OrgUnit


@pytest.fixture
def vn(db: None) -> Map:
    """A few real names: Hà Nội with three communes, Đà Nẵng with one."""
    root = make_root(code="TW", name="Trung ương")
    hanoi = make_child(root, code="T01", name="Đảng bộ thành phố Hà Nội", kind="province")
    danang = make_child(root, code="T48", name="Đảng bộ thành phố Đà Nẵng", kind="province")
    hoan_kiem = make_child(hanoi, code="X00070", name="Đảng bộ phường Hoàn Kiếm", kind="commune")
    ba_dinh = make_child(hanoi, code="X00004", name="Đảng bộ phường Ba Đình", kind="commune")
    kim_hoa = make_child(hanoi, code="X00071", name="Đảng bộ xã Kim Hoa", kind="commune")
    hai_chau = make_child(danang, code="X20194", name="Đảng bộ phường Hải Châu", kind="commune")
    return Map(root, hanoi, hoan_kiem, ba_dinh, kim_hoa, danang, hai_chau)


def officer(unit: OrgUnit | None, *roles: str) -> User:
    return make_user(org_unit=unit, roles=roles or (RoleCode.OFFICER,))


def names(units: Sequence[OrgUnit]) -> list[str]:
    return [unit.name for unit in units]


# --- search --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Hoan Kiem", "hoàn kiếm", "HOÀN KIẾM", "phuong hoan kiem", "hoan kem", "hoan kiemm"]
)
def test_search_finds_a_name_without_accents_and_with_one_typo(vn: Map, query: str) -> None:
    hits = selectors.unit_search(actor=officer(vn.root), query=query)
    assert names(hits)[0] == "Đảng bộ phường Hoàn Kiếm"


def test_search_puts_exact_words_before_typos(vn: Map) -> None:
    # "hoan kem" is one typo from "Hoàn Kiếm" and two from "Kim Hoa" (both words, out of order)
    hits = selectors.unit_search(actor=officer(vn.root), query="hoan kem")
    assert names(hits) == ["Đảng bộ phường Hoàn Kiếm", "Đảng bộ xã Kim Hoa"]


def test_search_uses_typos_only_when_nothing_matches_as_typed(vn: Map) -> None:
    hits = selectors.unit_search(actor=officer(vn.root), query="hoan kiem")
    assert names(hits) == ["Đảng bộ phường Hoàn Kiếm"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("X00070", ["X00070"]), ("x0007", ["X00070", "X00071"]), ("t48", ["T48"])],
)
def test_search_matches_codes(vn: Map, query: str, expected: list[str]) -> None:
    hits = selectors.unit_search(actor=officer(vn.root), query=query)
    assert [unit.code for unit in hits] == expected


def test_search_matches_codes_with_dashes(tree: Tree) -> None:
    hits = selectors.unit_search(actor=officer(tree.root), query="x-a")
    assert [unit.code for unit in hits] == ["X-A1", "X-A2"]
    assert [u.code for u in selectors.unit_search(actor=officer(tree.root), query="g-a1")] == [
        "G-A1"
    ]


def test_search_names_the_parent_inside_jurisdiction_only(vn: Map) -> None:
    national = selectors.unit_search(actor=officer(vn.root), query="hai chau")
    local = selectors.unit_search(actor=officer(vn.hai_chau), query="hai chau")
    assert [(u.name, u.parent_name, u.parent_id) for u in national] == [
        ("Đảng bộ phường Hải Châu", "Đảng bộ thành phố Đà Nẵng", vn.danang.pk)
    ]
    assert [(u.name, u.parent_name, u.parent_id) for u in local] == [
        ("Đảng bộ phường Hải Châu", None, None)
    ]


def test_search_stays_inside_jurisdiction(vn: Map) -> None:
    actor = officer(vn.danang)
    assert selectors.unit_search(actor=actor, query="hoan kiem") == []
    assert selectors.unit_search(actor=actor, query="X00070") == []
    assert names(selectors.unit_search(actor=actor, query="dang bo")) == [
        "Đảng bộ phường Hải Châu",
        "Đảng bộ thành phố Đà Nẵng",
    ]


@pytest.mark.parametrize("roles", [(RoleCode.MEMBER,), ()])
def test_search_finds_nothing_for_non_staff(vn: Map, roles: tuple[str, ...]) -> None:
    actor = make_user(org_unit=vn.root, roles=roles)
    assert selectors.unit_search(actor=actor, query="hoan kiem") == []


def test_search_without_words_finds_nothing(vn: Map) -> None:
    assert selectors.unit_search(actor=officer(vn.root), query=" ,.; ") == []


def test_search_filters_by_kind_and_subtree(vn: Map) -> None:
    actor = officer(vn.root)
    provinces = selectors.unit_search(actor=actor, query="dang bo", kind="province")
    in_danang = selectors.unit_search(actor=actor, query="phuong", within=vn.danang)
    assert names(provinces) == ["Đảng bộ thành phố Hà Nội", "Đảng bộ thành phố Đà Nẵng"]
    assert names(in_danang) == ["Đảng bộ phường Hải Châu"]


def test_search_respects_the_limit(vn: Map) -> None:
    hits = selectors.unit_search(actor=officer(vn.root), query="dang bo", limit=2)
    assert len(hits) == 2


def test_search_runs_a_fixed_number_of_queries(vn: Map, django_assert_num_queries) -> None:
    actor = officer(vn.root)
    actor.role_codes  # noqa: B018 (load the roles before counting)
    actor.org_unit  # noqa: B018
    # names, then the hits with their parents' names
    with django_assert_num_queries(2):
        hits = selectors.unit_search(actor=actor, query="hoan kiem")
        assert [unit.parent_name for unit in hits] == ["Đảng bộ thành phố Hà Nội"]
    # the typo scan adds one query
    with django_assert_num_queries(3):
        selectors.unit_search(actor=actor, query="hoan kem")
    # a code-like word: exact code, code prefix, hits (names are not searched)
    with django_assert_num_queries(3):
        selectors.unit_search(actor=actor, query="x0007")


# --- search helpers (no database) ----------------------------------------------------------------


def test_tokens_fold_and_deduplicate() -> None:
    assert search.tokens("Đảng bộ  ĐẢNG BỘ, phường Hoàn-Kiếm") == [
        "dang",
        "bo",
        "phuong",
        "hoan",
        "kiem",
    ]


@pytest.mark.parametrize(
    ("word", "candidate", "level"),
    [
        ("kiem", "kiem", search.EXACT),
        ("kie", "kiem", search.PREFIX),
        ("kem", "kiem", search.ONE_TYPO),  # missing letter
        ("kiam", "kiem", search.ONE_TYPO),  # wrong letter
        ("kieem", "kiem", search.ONE_TYPO),  # extra letter
        ("ikem", "kiem", search.ONE_TYPO),  # swapped letters
        ("kam", "kiem", None),  # two typos
        ("ki", "kiem", search.PREFIX),
        ("km", "kiem", None),  # short words must match as typed
    ],
)
def test_word_match_levels(word: str, candidate: str, level: int | None) -> None:
    match = search.word_match(word, ["dang", "bo", candidate])
    assert (match[0] if match else None) == level


def test_like_variants_cover_each_kind_of_typo() -> None:
    assert search.like_variants("kem") == [
        "%_em%",
        "%k_m%",
        "%ke_%",
        "%k_em%",
        "%ke_m%",
        "%ekm%",
        "%kme%",
    ]
    assert search.like_variants("ab") == ["%ab%"]


# --- tree reads ----------------------------------------------------------------------------------


def test_children_are_direct_active_and_in_tree_order(tree: Tree) -> None:
    actor = officer(tree.root)
    ended = make_child(tree.prov_a, code="X-OLD", kind="commune", valid_to=dt.date(2025, 6, 30))
    assert list(selectors.unit_children(actor=actor, unit=tree.prov_a)) == [
        tree.commune_a1,
        tree.commune_a2,
    ]
    assert list(selectors.unit_children(actor=actor, unit=tree.prov_a, include_ended=True)) == [
        tree.commune_a1,
        tree.commune_a2,
        ended,
    ]


def test_children_outside_jurisdiction_are_not_listed(tree: Tree) -> None:
    actor = officer(tree.prov_a)
    assert list(selectors.unit_children(actor=actor, unit=tree.root)) == [tree.prov_a]


def test_ancestors_stop_at_the_top_of_jurisdiction(tree: Tree) -> None:
    national = officer(tree.root)
    provincial = officer(tree.prov_a)
    assert list(selectors.unit_ancestors(actor=national, unit=tree.branch_a1)) == [
        tree.root,
        tree.prov_a,
        tree.commune_a1,
        tree.grassroots_a1,
    ]
    assert list(selectors.unit_ancestors(actor=provincial, unit=tree.branch_a1)) == [
        tree.prov_a,
        tree.commune_a1,
        tree.grassroots_a1,
    ]
    assert list(selectors.unit_ancestors(actor=provincial, unit=tree.prov_a)) == []


def test_get_answers_404_outside_jurisdiction_as_for_a_missing_unit(tree: Tree) -> None:
    actor = officer(tree.prov_a)
    assert selectors.unit_get_for_actor(actor=actor, pk=tree.commune_a1.pk) == tree.commune_a1
    with pytest.raises(Http404):
        selectors.unit_get_for_actor(actor=actor, pk=tree.prov_b.pk)
    with pytest.raises(Http404):
        selectors.unit_get_for_actor(actor=actor, pk=999_999)


def test_root_for_actor_is_their_own_unit(tree: Tree) -> None:
    assert selectors.unit_root_for_actor(actor=officer(tree.prov_b)) == tree.prov_b
    assert selectors.unit_root_for_actor(actor=officer(None)) is None
    assert selectors.unit_root_for_actor(actor=officer(tree.prov_b, RoleCode.MEMBER)) is None


def test_user_count_is_shown_to_administrators_only(tree: Tree) -> None:
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.MEMBER,))
    admin = officer(tree.prov_a, RoleCode.ADMIN)
    assert selectors.unit_user_count(actor=admin, unit=tree.commune_a1) == 2
    assert selectors.unit_user_count(actor=officer(tree.prov_a), unit=tree.commune_a1) is None


def test_detail_hides_a_successor_outside_jurisdiction(tree: Tree) -> None:
    OrgUnit.objects.filter(pk=tree.commune_a1.pk).update(
        valid_to=dt.date(2025, 6, 30), successor=tree.commune_b1
    )
    national = selectors.unit_detail_for_actor(actor=officer(tree.root), pk=tree.commune_a1.pk)
    provincial = selectors.unit_detail_for_actor(actor=officer(tree.prov_a), pk=tree.commune_a1.pk)
    successor_view = selectors.unit_detail_for_actor(
        actor=officer(tree.root), pk=tree.commune_b1.pk
    )
    assert national.successor == tree.commune_b1
    assert provincial.successor is None
    assert successor_view.predecessors == [tree.commune_a1]


def test_detail_reads_in_a_fixed_number_of_queries(tree: Tree, django_assert_num_queries) -> None:
    actor = officer(tree.root, RoleCode.ADMIN)
    actor.role_codes  # noqa: B018
    actor.org_unit  # noqa: B018
    # unit, ancestors, children, predecessors, user count
    with django_assert_num_queries(5):
        detail = selectors.unit_detail_for_actor(actor=actor, pk=tree.prov_a.pk)
    assert (detail.children, detail.user_count, detail.can_manage) == (
        [tree.commune_a1, tree.commune_a2],
        0,
        True,
    )


def test_list_filters_by_parent_and_kind(tree: Tree) -> None:
    actor = officer(tree.root)
    assert list(selectors.unit_list_for_actor(actor=actor, parent=tree.prov_a.pk)) == [
        tree.commune_a1,
        tree.commune_a2,
    ]
    assert list(selectors.unit_list_for_actor(actor=actor, kind="province")) == [
        tree.prov_a,
        tree.prov_b,
    ]
    outsider = officer(tree.prov_b)
    assert list(selectors.unit_list_for_actor(actor=outsider, parent=tree.prov_a.pk)) == []
    assert list(selectors.unit_list_for_actor(actor=outsider, parent=999_999)) == []

from __future__ import annotations

import pytest
from django.http import Http404

from bvct.accounts import selectors
from bvct.accounts.models import User
from bvct.accounts.selectors import UserFilters
from bvct.accounts.tests.factories import make_user
from bvct.core.selectors import ATTENTION_SOURCES, attention_items_for
from conftest import Tree


def _usernames(actor: User, **filters: object) -> list[str]:
    users = selectors.user_list_for_actor(actor=actor, filters=UserFilters(**filters))  # type: ignore[arg-type]
    return [user.username for user in users]


@pytest.fixture
def people(tree: Tree) -> dict[str, User]:
    return {
        "hong": make_user(
            org_unit=tree.commune_a1,
            roles=("clerk",),
            username="hong.nt",
            full_name="Nguyễn Thị Hồng",
        ),
        "dung": make_user(
            org_unit=tree.branch_a1,
            roles=("member",),
            username="dung.tv",
            full_name="Trần Văn Dũng",
        ),
        "nam": make_user(
            org_unit=tree.commune_a2,
            roles=(),
            username="nam.lh",
            full_name="Lê Hoài Nam",
            is_active=False,
        ),
        "outsider": make_user(
            org_unit=tree.commune_b1,
            roles=("officer",),
            username="duc.pv",
            full_name="Phạm Văn Đức",
        ),
        "unplaced": make_user(
            org_unit=None, roles=("member",), username="moi.vao", full_name="Đỗ Mới Vào"
        ),
    }


def test_list_holds_only_users_in_the_admins_subtree(
    admin_a: User, people: dict[str, User]
) -> None:
    # when
    usernames = _usernames(admin_a)
    # then
    assert usernames == ["admin.a", "dung.tv", "hong.nt", "nam.lh"]


def test_national_admin_also_sees_users_with_no_unit(
    national_admin: User, admin_a: User, people: dict[str, User]
) -> None:
    # when
    usernames = _usernames(national_admin)
    # then
    assert usernames == [
        "admin.a",
        "admin.tw",
        "duc.pv",
        "dung.tv",
        "hong.nt",
        "moi.vao",
        "nam.lh",
    ]


def test_list_is_empty_for_a_non_admin(officer_a: User, people: dict[str, User]) -> None:
    # when / then
    assert _usernames(officer_a) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi hong", ["hong.nt"]),
        ("NGUYỄN   hồng", ["hong.nt"]),
        ("dung", ["dung.tv"]),
        ("Dũng", ["dung.tv"]),
        ("van", ["dung.tv"]),
        ("hong.nt", ["hong.nt"]),
        ("duc", []),  # Phạm Văn Đức is outside province A
        ("", ["admin.a", "dung.tv", "hong.nt", "nam.lh"]),
    ],
)
def test_search_ignores_case_and_diacritics(
    admin_a: User, people: dict[str, User], query: str, expected: list[str]
) -> None:
    # when / then
    assert _usernames(admin_a, query=query) == expected


def test_search_folds_d_with_stroke(national_admin: User, people: dict[str, User]) -> None:
    # when / then
    assert _usernames(national_admin, query="duc") == ["duc.pv"]
    assert _usernames(national_admin, query="Đỗ mới") == ["moi.vao"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"role": "clerk"}, ["hong.nt"]),
        ({"role": "admin"}, ["admin.a"]),
        ({"role": "none"}, ["nam.lh"]),
        ({"status": "active"}, ["admin.a", "dung.tv", "hong.nt"]),
        ({"status": "inactive"}, ["nam.lh"]),
        ({"incomplete": True}, ["nam.lh"]),
        ({"role": "member", "query": "tran"}, ["dung.tv"]),
    ],
)
def test_filters_by_role_status_and_completeness(
    admin_a: User, people: dict[str, User], filters: dict[str, object], expected: list[str]
) -> None:
    # when / then
    assert _usernames(admin_a, **filters) == expected


def test_incomplete_includes_users_with_no_unit_for_the_national_admin(
    national_admin: User, people: dict[str, User]
) -> None:
    # when / then
    assert _usernames(national_admin, incomplete=True) == ["moi.vao", "nam.lh"]


def test_list_loads_units_and_roles_in_two_queries(
    admin_a: User, people: dict[str, User], django_assert_num_queries: object
) -> None:
    # given
    users = selectors.user_list_for_actor(actor=admin_a)
    # when / then
    with django_assert_num_queries(2):  # type: ignore[operator]
        rows = [
            (u.username, u.org_unit.code if u.org_unit else "", [r.code for r in u.roles.all()])
            for u in users
        ]
    assert rows == [
        ("admin.a", "T-A", ["admin"]),
        ("dung.tv", "B-A1", ["member"]),
        ("hong.nt", "X-A1", ["clerk"]),
        ("nam.lh", "X-A2", []),
    ]


def test_get_answers_404_for_out_of_scope_and_missing_alike(
    admin_a: User, people: dict[str, User]
) -> None:
    # when / then
    assert selectors.user_get_for_actor(actor=admin_a, pk=people["hong"].pk) == people["hong"]
    with pytest.raises(Http404):
        selectors.user_get_for_actor(actor=admin_a, pk=people["outsider"].pk)
    with pytest.raises(Http404):
        selectors.user_get_for_actor(actor=admin_a, pk=people["unplaced"].pk)
    with pytest.raises(Http404):
        selectors.user_get_for_actor(actor=admin_a, pk=999_999)


def test_placement_resolves_codes_in_the_jurisdiction_only(tree: Tree, admin_a: User) -> None:
    # when / then
    assert selectors.org_unit_for_placement(actor=admin_a, code=" x-a1 ") == tree.commune_a1
    assert selectors.org_unit_for_placement(actor=admin_a, code="T-A") == tree.prov_a
    assert selectors.org_unit_for_placement(actor=admin_a, code="X-B1") is None
    assert selectors.org_unit_for_placement(actor=admin_a, code="TW") is None
    assert selectors.org_unit_for_placement(actor=admin_a, code="") is None


def test_attention_counts_users_without_role_or_unit_for_admins(
    admin_a: User, national_admin: User, officer_a: User, people: dict[str, User]
) -> None:
    # when
    for_admin_a = selectors.user_attention_items(admin_a)
    for_national = selectors.user_attention_items(national_admin)
    for_officer = selectors.user_attention_items(officer_a)
    # then
    url = "/accounts/users/?incomplete=1"
    label = "Người dùng chưa có vai trò hoặc chưa thuộc đơn vị"
    assert [(str(i.label), i.count, i.url, i.severity) for i in for_admin_a] == [
        (label, 1, url, "warning")
    ]
    assert [(str(i.label), i.count) for i in for_national] == [(label, 2)]
    assert for_officer == []


def test_attention_source_is_registered_and_hides_a_zero_count(
    admin_a: User, officer_a: User
) -> None:
    # when
    items = selectors.user_attention_items(admin_a)
    shown = attention_items_for(actor=admin_a)
    # then
    assert selectors.user_attention_items in ATTENTION_SOURCES
    assert [i.count for i in items] == [0]
    assert [i for i in shown if i.url == "/accounts/users/?incomplete=1"] == []

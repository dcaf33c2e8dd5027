from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.orgs.models import OrgUnit
from bvct.orgs.tests.conftest import snapshot
from bvct.orgs.tests.factories import make_child
from conftest import Tree

HTMX = {"HX-Request": "true"}


def client_for(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def text(response: object) -> str:
    return str(response.content.decode())  # type: ignore[attr-defined]


# --- browse --------------------------------------------------------------------------------------


def test_tree_shows_the_users_node_and_its_children(
    tree: Tree, officer_a: User, django_assert_num_queries
) -> None:
    client = client_for(officer_a)
    # session, user, roles, the user's unit; the root through the scope, its children
    # +1: the second-factor check (the device that verified the session)
    with django_assert_num_queries(7):
        response = client.get(reverse("orgs:unit-list"))
    assert response.status_code == 200
    assert response.templates[0].name == "orgs/unit_list.html"
    page = text(response)
    assert 'data-testid="org-tree"' in page
    assert "Tỉnh A" in page
    assert "Xã A1" in page
    assert "Xã A2" in page
    assert "Đảng bộ cơ sở A1" not in page  # loaded on demand
    assert "Tỉnh B" not in page
    assert f'hx-get="{reverse("orgs:unit-children", args=[tree.commune_a1.pk])}"' in page


def test_tree_explains_a_user_without_a_unit(db: None) -> None:
    # a staff role without a node: the route admits the role, the page has nothing to show
    user = make_user(org_unit=None, roles=(RoleCode.OFFICER,))
    response = client_for(user).get(reverse("orgs:unit-list"))
    assert response.status_code == 200
    assert "Chưa được gán đơn vị: liên hệ quản trị hệ thống." in text(response)


def test_children_fragment_lists_active_children(
    tree: Tree, officer_a: User, django_assert_num_queries
) -> None:
    make_child(tree.commune_a1, code="G-OLD", name="Chi bộ cũ", valid_to=dt.date(2025, 6, 30))
    make_child(tree.commune_a1, code="G-A3", name="Chi bộ cơ sở A3")
    url = reverse("orgs:unit-children", args=[tree.commune_a1.pk])
    client = client_for(officer_a)
    # session, user, roles, the user's unit; the unit, its children
    # +1: the second-factor check (the device that verified the session)
    with django_assert_num_queries(7):
        response = client.get(url, headers=HTMX)
    assert response.status_code == 200
    page = text(response)
    assert "Đảng bộ cơ sở A1" in page
    assert "Chi bộ cũ" not in page
    assert "<html" not in page
    empty = client_for(officer_a).get(
        reverse("orgs:unit-children", args=[tree.commune_a2.pk]), headers=HTMX
    )
    assert "Không có đơn vị trực thuộc đang hoạt động." in text(empty)


def test_children_without_htmx_go_to_the_detail_page(tree: Tree, officer_a: User) -> None:
    response = client_for(officer_a).get(reverse("orgs:unit-children", args=[tree.commune_a1.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:unit-detail", args=[tree.commune_a1.pk])


# --- search --------------------------------------------------------------------------------------


def test_search_page_works_without_htmx(
    tree: Tree, officer_a: User, django_assert_num_queries
) -> None:
    client = client_for(officer_a)
    # session, user, roles, the user's unit; names, the hits with their parents
    # +2: the second-factor check and the search rate counter
    with django_assert_num_queries(8):
        response = client.get(reverse("orgs:unit-search"), {"q": "xa a1"})
    assert response.status_code == 200
    page = text(response)
    assert "<html" in page
    assert 'data-testid="search-results"' in page
    assert "Xã A1" in page
    assert "Tỉnh A" in page  # the parent's name


def test_search_fragment_for_htmx(tree: Tree, officer_a: User) -> None:
    response = client_for(officer_a).get(reverse("orgs:unit-search"), {"q": "tinh b"}, headers=HTMX)
    page = text(response)
    assert "<html" not in page
    assert "Không có đơn vị nào trong phạm vi của bạn khớp với “tinh b”." in page


def test_search_page_without_a_query_shows_only_the_form(tree: Tree, officer_a: User) -> None:
    page = text(client_for(officer_a).get(reverse("orgs:unit-search")))
    assert 'name="q"' in page
    assert "search-results" in page
    assert "search-empty" not in page


# --- detail --------------------------------------------------------------------------------------


def test_detail_shows_facts_links_and_admin_actions(
    tree: Tree, admin_a: User, django_assert_num_queries
) -> None:
    # given commune A2 merged into commune A1 and a user on A1
    OrgUnit.objects.filter(pk=tree.commune_a1.pk).update(valid_from=dt.date(2025, 7, 1))
    OrgUnit.objects.filter(pk=tree.commune_a2.pk).update(
        valid_to=dt.date(2025, 7, 31), successor=tree.commune_a1
    )
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    client = client_for(admin_a)
    # when (session, user, roles, the user's unit; unit, ancestors, children, predecessors, users)
    # +1: the second-factor check (the device that verified the session)
    with django_assert_num_queries(10):
        response = client.get(reverse("orgs:unit-detail", args=[tree.commune_a1.pk]))
    # then
    assert response.status_code == 200
    page = text(response)
    assert "Đảng bộ xã/phường/đặc khu" in page
    assert 'data-testid="unit-code">X-A1<' in page
    assert 'data-testid="valid-from">01/07/2025<' in page
    assert 'data-testid="user-count">1<' in page
    assert 'data-testid="predecessors"' in page
    assert "Xã A2" in page
    assert "Đảng bộ cơ sở A1" in page  # a child
    assert 'data-testid="admin-actions"' in page
    assert reverse("orgs:unit-merge", args=[tree.commune_a1.pk]) in page
    assert "Trung ương" not in page  # above the admin's jurisdiction


def test_detail_of_an_ended_unit_links_its_successor(tree: Tree, officer_a: User) -> None:
    OrgUnit.objects.filter(pk=tree.commune_a2.pk).update(
        valid_to=dt.date(2025, 7, 31), successor=tree.commune_a1
    )
    page = text(client_for(officer_a).get(reverse("orgs:unit-detail", args=[tree.commune_a2.pk])))
    assert 'data-testid="valid-to">31/07/2025<' in page
    assert 'data-testid="successor"' in page
    assert "Đã kết thúc" in page
    assert 'data-testid="admin-actions"' not in page
    assert 'data-testid="user-count"' not in page


def unmasked(response: object, path: str) -> str:
    """The page without what differs by nature: the per-response CSRF mask and the typed path."""
    page = text(response).replace(path, "PATH")
    return re.sub(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", page)


def test_out_of_scope_answers_exactly_like_a_missing_unit(tree: Tree, officer_a: User) -> None:
    client = client_for(officer_a)
    for name in ("orgs:unit-detail", "orgs:unit-children"):
        hidden_path, missing_path = (reverse(name, args=[pk]) for pk in (tree.prov_b.pk, 999_999))
        hidden, missing = client.get(hidden_path), client.get(missing_path)
        assert (hidden.status_code, unmasked(hidden, hidden_path)) == (
            missing.status_code,
            unmasked(missing, missing_path),
        )
        assert hidden.status_code == 404


# --- create --------------------------------------------------------------------------------------


def test_create_form_offers_the_kinds_allowed_under_the_unit(tree: Tree, admin_a: User) -> None:
    response = client_for(admin_a).get(reverse("orgs:unit-create", args=[tree.prov_a.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "Thêm đơn vị trực thuộc “Tỉnh A”" in page
    assert '<option value="commune">' in page
    assert '<option value="provincial_block">' in page
    assert '<option value="branch">' not in page


def test_create_adds_the_unit_and_goes_to_it(tree: Tree, admin_a: User) -> None:
    response = client_for(admin_a).post(
        reverse("orgs:unit-create", args=[tree.commune_a1.pk]),
        {"kind": "grassroots", "code": "g-a9", "name": "Chi bộ cơ sở A9", "valid_from": ""},
        follow=True,
    )
    unit = OrgUnit.objects.get(code="G-A9")
    assert response.redirect_chain == [(reverse("orgs:unit-detail", args=[unit.pk]), 302)]
    assert "Đã tạo đơn vị “Chi bộ cơ sở A9”." in text(response)
    assert tree.commune_a1.contains(unit)


def test_create_shows_the_refusal_on_the_field(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    response = client_for(admin_a).post(
        reverse("orgs:unit-create", args=[tree.commune_a1.pk]),
        {"kind": "grassroots", "code": "X-A2", "name": "Trùng mã"},
    )
    assert response.status_code == 200
    assert "Mã “X-A2” đã được dùng: hãy chọn mã khác." in text(response)
    assert snapshot() == before


def test_officer_may_not_open_the_admin_forms(tree: Tree, officer_a: User) -> None:
    before = snapshot()
    client = client_for(officer_a)
    for name in ("orgs:unit-create", "orgs:unit-update", "orgs:unit-merge"):
        assert client.get(reverse(name, args=[tree.commune_a1.pk])).status_code == 403
        assert client.post(reverse(name, args=[tree.commune_a1.pk]), {}).status_code == 403
    assert snapshot() == before


def test_admin_outside_jurisdiction_gets_404(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    client = client_for(admin_a)
    for name in ("orgs:unit-create", "orgs:unit-update", "orgs:unit-merge"):
        url = reverse(name, args=[tree.prov_b.pk])
        assert client.post(url, {"code": "Z", "name": "Z", "kind": "commune"}).status_code == 404
    assert snapshot() == before


# --- rename --------------------------------------------------------------------------------------


def test_rename_form_is_prefilled_and_saves(tree: Tree, admin_a: User) -> None:
    client = client_for(admin_a)
    url = reverse("orgs:unit-update", args=[tree.commune_a1.pk])
    page = text(client.get(url))
    assert 'value="Xã A1"' in page
    assert "Đổi tên “Xã A1”" in page
    response = client.post(url, {"name": "Xã A1 mới", "short_name": ""})
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=tree.commune_a1.pk).name == "Xã A1 mới"
    assert AuditEvent.objects.filter(action="orgs.unit.rename").count() == 1


def test_rename_with_an_empty_form_changes_nothing(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    response = client_for(admin_a).post(reverse("orgs:unit-update", args=[tree.commune_a1.pk]), {})
    assert response.status_code == 200
    assert 'class="invalid-feedback d-block"' in text(response)
    assert snapshot() == before


# --- merge ---------------------------------------------------------------------------------------


def merge_url(unit: OrgUnit) -> str:
    return reverse("orgs:unit-merge", args=[unit.pk])


def test_merge_asks_for_a_successor_and_a_date(tree: Tree, admin_a: User) -> None:
    page = text(client_for(admin_a).get(merge_url(tree.commune_a1)))
    assert 'data-testid="merge-form"' in page
    assert 'name="successor"' in page
    assert 'name="effective_date"' in page


def test_merge_by_code_shows_what_will_move_before_doing_it(tree: Tree, admin_a: User) -> None:
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    before = snapshot()
    response = client_for(admin_a).post(
        merge_url(tree.commune_a1), {"successor": "x-a2", "effective_date": "01/08/2025"}
    )
    page = text(response)
    assert 'data-testid="merge-confirm"' in page
    assert "“Xã A1” sẽ được hợp nhất vào “Xã A2” (X-A2) từ ngày 01/08/2025." in page
    assert "1 đơn vị trực thuộc đang hoạt động sẽ được chuyển." in page
    assert "1 người dùng sẽ được chuyển." in page
    assert snapshot() == before


def test_merge_by_name_lists_candidates_of_the_same_type(tree: Tree, admin_a: User) -> None:
    response = client_for(admin_a).post(
        merge_url(tree.commune_a1), {"successor": "xa a", "effective_date": "2025-08-01"}
    )
    page = text(response)
    assert 'data-testid="merge-candidates"' in page
    assert f'name="successor_id" value="{tree.commune_a2.pk}"' in page
    assert f'name="successor_id" value="{tree.commune_a1.pk}"' not in page  # not itself


def test_merge_of_an_unknown_successor_says_so(tree: Tree, admin_a: User) -> None:
    response = client_for(admin_a).post(
        merge_url(tree.commune_a1), {"successor": "xa b1", "effective_date": "2025-08-01"}
    )
    assert "Không có đơn vị nào trong phạm vi của bạn có mã hoặc tên này." in text(response)


def test_merge_picked_candidate_then_confirmed(tree: Tree, admin_a: User) -> None:
    client = client_for(admin_a)
    picked = client.post(
        merge_url(tree.commune_a1),
        {"successor": "X-A2", "successor_id": tree.commune_a2.pk, "effective_date": "2025-08-01"},
    )
    assert 'data-testid="merge-confirm"' in text(picked)
    response = client.post(
        merge_url(tree.commune_a1),
        {
            "successor": "X-A2",
            "successor_id": tree.commune_a2.pk,
            "effective_date": "2025-08-01",
            "confirm": "on",
        },
        follow=True,
    )
    assert response.redirect_chain == [
        (reverse("orgs:unit-detail", args=[tree.commune_a2.pk]), 302)
    ]
    assert "Đã hợp nhất “Xã A1” vào “Xã A2”." in text(response)
    merged = OrgUnit.objects.get(pk=tree.commune_a1.pk)
    assert (merged.valid_to, merged.successor_id) == (dt.date(2025, 7, 31), tree.commune_a2.pk)


def test_merge_refusal_is_shown_before_confirmation(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    response = client_for(admin_a).post(
        merge_url(tree.commune_a1), {"successor": "G-A1", "effective_date": "2025-08-01"}
    )
    page = text(response)
    assert 'data-testid="merge-confirm"' not in page
    assert "nằm trong “Xã A1”" in page
    assert snapshot() == before


def test_merge_with_an_empty_form_changes_nothing(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    response = client_for(admin_a).post(merge_url(tree.commune_a1), {})
    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("successor_id", ["PROV_B_COMMUNE", "999999"])
def test_merge_cannot_pick_a_hidden_unit_by_id(
    tree: Tree, admin_a: User, successor_id: str
) -> None:
    before = snapshot()
    pk = tree.commune_b1.pk if successor_id == "PROV_B_COMMUNE" else int(successor_id)
    response = client_for(admin_a).post(
        merge_url(tree.commune_a1),
        {"successor": "X-B1", "successor_id": pk, "effective_date": "2025-08-01", "confirm": "on"},
    )
    assert "Không có đơn vị nào trong phạm vi của bạn có mã hoặc tên này." in text(response)
    assert snapshot() == before

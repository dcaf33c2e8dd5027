from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorAPIClient
from bvct.orgs.models import OrgUnit
from conftest import Tree

LIST = reverse("api:orgunit-list")


def api_for(user: User) -> APIClient:
    client = TwoFactorAPIClient()
    client.force_login(user)
    return client


def codes(body: dict[str, Any]) -> list[str]:
    return [row["code"] for row in body["results"]]


def test_list_is_scoped_paginated_and_in_tree_order(tree: Tree, officer_a: User) -> None:
    response = api_for(officer_a).get(LIST, {"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert codes(body) == ["T-A", "X-A1"]
    assert body["next"] == "http://testserver/api/v1/orgs/?limit=2&offset=2"
    assert body["previous"] is None
    assert body["results"][0] == {
        "id": tree.prov_a.pk,
        "code": "T-A",
        "name": "Tỉnh A",
        "short_name": "",
        "kind": "province",
        "kind_label": "Đảng bộ tỉnh/thành phố",
        "admin_code": "",
        "valid_from": None,
        "valid_to": None,
        "is_active": True,
        "depth": 2,
        "has_children": True,
        "parent_id": None,  # the root is outside the officer's jurisdiction
        "parent_name": None,
    }
    assert body["results"][1]["parent_id"] == tree.prov_a.pk


def test_list_filters_by_parent_and_kind(tree: Tree, officer_a: User) -> None:
    client = api_for(officer_a)
    assert codes(client.get(LIST, {"parent": tree.prov_a.pk}).json()) == ["X-A1", "X-A2"]
    assert codes(client.get(LIST, {"kind": "commune"}).json()) == ["X-A1", "X-A2"]
    assert codes(client.get(LIST, {"parent": tree.prov_b.pk}).json()) == []
    assert codes(client.get(LIST, {"parent": 999_999}).json()) == []


def test_list_searches_with_q(tree: Tree, officer_a: User) -> None:
    client = api_for(officer_a)
    assert codes(client.get(LIST, {"q": "xa a2"}).json()) == ["X-A2"]
    assert codes(client.get(LIST, {"q": "dang bo co so"}).json()) == ["G-A1"]
    # with a parent: its whole subtree, itself included
    in_a1 = client.get(LIST, {"q": "a1", "parent": str(tree.commune_a1.pk)}).json()
    assert codes(in_a1) == ["X-A1", "B-A1", "G-A1"]
    assert codes(client.get(LIST, {"q": "xa", "parent": str(tree.prov_b.pk)}).json()) == []
    assert codes(client.get(LIST, {"q": "xa b1"}).json()) == []


def test_list_rejects_bad_filters(tree: Tree, officer_a: User) -> None:
    response = api_for(officer_a).get(LIST, {"kind": "district", "parent": "x"})
    assert response.status_code == 400
    assert sorted(response.json()) == ["kind", "parent"]


def test_detail_includes_breadcrumbs_children_and_links(tree: Tree, admin_a: User) -> None:
    OrgUnit.objects.filter(pk=tree.commune_a2.pk).update(
        valid_to=dt.date(2025, 7, 31), successor=tree.commune_a1
    )
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    client = api_for(admin_a)
    body = client.get(reverse("api:orgunit-detail", args=[tree.commune_a1.pk])).json()
    ref = {"id": tree.grassroots_a1.pk, "code": "G-A1", "name": "Đảng bộ cơ sở A1"}
    assert body["ancestors"] == [{"id": tree.prov_a.pk, "code": "T-A", "name": "Tỉnh A"}]
    assert body["children"] == [ref]
    assert body["predecessors"] == [{"id": tree.commune_a2.pk, "code": "X-A2", "name": "Xã A2"}]
    assert body["successor"] is None
    assert body["user_count"] == 1
    ended = client.get(reverse("api:orgunit-detail", args=[tree.commune_a2.pk])).json()
    assert (ended["valid_to"], ended["is_active"]) == ("2025-07-31", False)
    assert ended["successor"] == {"id": tree.commune_a1.pk, "code": "X-A1", "name": "Xã A1"}


def test_detail_hides_the_user_count_from_officers(tree: Tree, officer_a: User) -> None:
    body = api_for(officer_a).get(reverse("api:orgunit-detail", args=[tree.prov_a.pk])).json()
    assert body["user_count"] is None


def test_detail_out_of_scope_answers_like_a_missing_unit(tree: Tree, officer_a: User) -> None:
    client = api_for(officer_a)
    hidden = client.get(reverse("api:orgunit-detail", args=[tree.prov_b.pk]))
    missing = client.get(reverse("api:orgunit-detail", args=[999_999]))
    assert (hidden.status_code, hidden.json()) == (404, {"detail": "Not found."})
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})


@pytest.mark.parametrize("roles", [(RoleCode.MEMBER,)])
def test_members_may_not_list_units(tree: Tree, roles: tuple[str, ...]) -> None:
    member = make_user(org_unit=tree.branch_a1, roles=roles)
    assert api_for(member).get(LIST).status_code == 403


def test_schema_describes_both_operations(tree: Tree, officer_a: User) -> None:
    client = TwoFactorAPIClient()
    client.force_login(officer_a)
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    operations = schema["paths"]["/api/v1/orgs/"]["get"]
    assert operations["operationId"] == "orgunit_list"
    assert {p["name"] for p in operations["parameters"]} == {
        "parent",
        "q",
        "kind",
        "limit",
        "offset",
    }
    assert schema["paths"]["/api/v1/orgs/{id}/"]["get"]["operationId"] == "orgunit_retrieve"
    assert "OrgUnitDetailOut" in schema["components"]["schemas"]

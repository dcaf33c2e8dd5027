from __future__ import annotations

import datetime

from django.urls import reverse
from rest_framework.test import APIClient

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorAPIClient
from bvct.audit.models import AuditEvent
from bvct.people.models import Person, Sex
from bvct.people.tests.factories import make_issue, make_person, make_relative
from bvct.people.tests.helpers import Actors, nothing_changes


def _api(user: User) -> APIClient:
    client = TwoFactorAPIClient()
    client.force_login(user)
    return client


def _body(tree, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "full_name": "Lâm Thị Thu Trang",
        "sex": Sex.FEMALE,
        "birth_date": "1992-06-15",
        "birth_precision": "month",
        "cccd": "048192001122",
        "hometown_province_code": "48",
        "hometown_commune_code": "20242",
        "org_unit": tree.commune_a1.pk,
    }
    body.update(overrides)
    return body


def test_list_masks_cccd_and_counts_only_scope(tree, actors: Actors, django_assert_max_num_queries):
    for n in range(3):
        make_person(org_unit=tree.branch_a1, cccd=f"00109000000{n}")
    make_person(org_unit=tree.commune_b1)
    client = _api(actors.inspector)
    # +2: the second-factor check and the search rate counter
    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:person-list"))
    data = response.json()
    assert (response.status_code, data["count"], data["page"], data["num_pages"]) == (200, 3, 1, 1)
    assert [row["cccd_masked"] for row in data["results"]] == [
        "001******000",
        "001******001",
        "001******002",
    ]
    assert "cccd" not in data["results"][0]


def test_detail_is_audited_and_shows_issues_only_to_officers(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1, cccd="001090012345")
    make_relative(person=person)
    make_issue(person=person, created_by=actors.officer)
    url = reverse("api:person-detail", args=[person.pk])
    as_clerk = _api(actors.clerk).get(url).json()
    as_officer = _api(actors.officer).get(url).json()
    assert (as_clerk["cccd"], len(as_clerk["relatives"]), as_clerk["issues"]) == (
        "001090012345",
        1,
        None,
    )
    assert [issue["status"] for issue in as_officer["issues"]] == ["declared"]
    reads = AuditEvent.objects.filter(action="people.person.read", target_id=str(person.pk))
    assert [event.data for event in reads.order_by("seq")] == [
        {"channel": "api"},
        {"channel": "api"},
    ]


def test_detail_out_of_scope_is_404(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_b1)
    with nothing_changes():
        response = _api(actors.clerk).get(reverse("api:person-detail", args=[person.pk]))
    assert response.status_code == 404


def test_create(tree, actors: Actors) -> None:
    response = _api(actors.clerk).post(reverse("api:person-list"), _body(tree), format="json")
    data = response.json()
    person = Person.objects.get(pk=data["id"])
    assert response.status_code == 201
    assert (person.birth_date, person.birth_precision, data["given_name"]) == (
        datetime.date(1992, 6, 1),
        "month",
        "Trang",
    )


def test_create_refusals_change_nothing(tree, actors: Actors) -> None:
    make_person(
        org_unit=tree.commune_a1,
        full_name="Lam Thi Thu Trang",
        birth_date=datetime.date(1992, 6, 1),
        sex=Sex.FEMALE,
    )
    with nothing_changes():
        invalid = _api(actors.clerk).post(
            reverse("api:person-list"), _body(tree, cccd="048192001"), format="json"
        )
        outside = _api(actors.clerk).post(
            reverse("api:person-list"), _body(tree, org_unit=tree.commune_b1.pk), format="json"
        )
        reader = _api(actors.inspector).post(reverse("api:person-list"), _body(tree), format="json")
        duplicate = _api(actors.clerk).post(
            reverse("api:person-list"), _body(tree, cccd=""), format="json"
        )
        empty = _api(actors.clerk).post(reverse("api:person-list"), {}, format="json")
    assert invalid.status_code == 400
    assert invalid.json()["errors"] == {
        "cccd": ["Số CCCD phải gồm đúng 12 chữ số; “048192001” có 9."]
    }
    assert outside.status_code == 400
    assert list(outside.json()["errors"]) == ["org_unit"]
    assert reader.status_code == 400  # an inspector may create in no unit
    assert duplicate.status_code == 409
    assert [c["matched"] for c in duplicate.json()["candidates"]] == [["name", "birth_date"]]
    assert empty.status_code == 400


def test_create_with_confirmation_despite_duplicates(tree, actors: Actors) -> None:
    make_person(
        org_unit=tree.commune_a1,
        full_name="Lam Thi Thu Trang",
        birth_date=datetime.date(1992, 6, 1),
    )
    response = _api(actors.clerk).post(
        reverse("api:person-list"), _body(tree, cccd="", confirmed_distinct=True), format="json"
    )
    assert response.status_code == 201


def test_patch_changes_only_given_fields(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1, full_name="Mai Văn Sửa", cccd="001090012345")
    response = _api(actors.officer).patch(
        reverse("api:person-detail", args=[person.pk]),
        {"residence_text": "Số 1 Hàng Bạc"},
        format="json",
    )
    person.refresh_from_db()
    assert response.status_code == 200
    assert (person.residence_text, person.full_name, person.cccd) == (
        "Số 1 Hàng Bạc",
        "Mai Văn Sửa",
        "001090012345",
    )


def test_patch_refusals_change_nothing(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1)
    url = reverse("api:person-detail", args=[person.pk])
    with nothing_changes():
        reader = _api(actors.inspector).patch(url, {"residence_text": "x"}, format="json")
        empty = _api(actors.clerk).patch(url, {}, format="json")
        bad_year = _api(actors.clerk).patch(url, {"birth_date": "2999-01-01"}, format="json")
    assert reader.status_code == 403
    assert empty.status_code == 400
    assert bad_year.json()["errors"] == {"birth_date": ["Ngày sinh: không được ở tương lai."]}


def test_a_page_past_any_list_is_refused_not_a_server_error(tree, actors: Actors, client) -> None:
    # given a page number whose SQL offset would overflow (found by the API fuzzing)
    make_person(org_unit=tree.commune_a1)
    client.force_login(actors.clerk)
    huge = "368934881474191034"
    # when the API and the page are asked for it
    api = client.get(reverse("api:person-list"), {"page": huge})
    page = client.get(reverse("people:person-list"), {"page": huge})
    search = client.get(reverse("people:person-list"), {"page": huge, "q": "Nguyễn"})
    # then the API names the parameter and the pages show an empty page, never a server error
    assert api.status_code == 400
    assert list(api.json()) == ["page"]
    assert page.status_code == 200
    assert search.status_code == 200

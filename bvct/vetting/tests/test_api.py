"""/api/v1/cases/: the same scoping and rules as the pages."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.vetting.models import CaseType, Purpose, Status
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.vetting.tests.helpers import nothing_changes
from conftest import Tree


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_is_scoped_and_filtered(tree: Tree, actors: Actors) -> None:
    mine = make_case(person=actors.subject, case_type=CaseType.APPRAISAL, purpose=Purpose.KEY_POST)
    make_case(person=actors.subject)
    make_case(org_unit=tree.commune_b1)  # another province
    response = client_for(actors.officer).get(
        reverse("api:case-list"), {"case_type": "appraisal"}, HTTP_ACCEPT="application/json"
    )
    data = response.json()
    assert (response.status_code, data["count"], data["num_pages"]) == (200, 1, 1)
    row = data["results"][0]
    assert (row["id"], row["status"], row["purpose"], row["assignee_id"]) == (
        mine.pk,
        "open",
        "key_post",
        None,
    )
    assert row["due"]["working_days_left"] == 5


def test_detail_lists_history_and_my_actions(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    data = client_for(actors.clerk).get(reverse("api:case-detail", args=[case.pk])).json()
    assert [t["to_status"] for t in data["transitions"]] == ["open"]
    assert [a["to"] for a in data["actions"]] == ["verifying"]


def test_transition_moves_the_case(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    response = client_for(actors.clerk).post(
        reverse("api:case-transition", args=[case.pk]),
        {"to": "verifying"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "verifying"


def test_transition_refusals_change_nothing(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.RESOLVED)
    url = reverse("api:case-transition", args=[case.pk])
    with nothing_changes():
        outside = client_for(actors.clerk).post(
            url, {"to": "ceremony_held"}, content_type="application/json"
        )
        role = client_for(actors.clerk).post(
            url, {"to": "refused", "reason": "x"}, content_type="application/json"
        )
        hidden = client_for(actors.outsider).post(
            url, {"to": "refused", "reason": "x"}, content_type="application/json"
        )
    assert (outside.status_code, outside.json()["code"]) == (400, "transition")
    assert role.status_code == 403
    assert hidden.status_code == 404


def test_schema_describes_the_case_endpoints(tree: Tree, actors: Actors) -> None:
    schema = client_for(actors.clerk).get(reverse("api:schema"), {"format": "json"}).json()
    assert {"/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/cases/{id}/transitions/"} <= set(
        schema["paths"]
    )

"""/api/v1/cases/: the same scoping and rules as the pages."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorClient
from bvct.vetting.models import CaseType, Purpose, Status
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.vetting.tests.helpers import nothing_changes
from conftest import Tree


def client_for(user: User) -> Client:
    client = TwoFactorClient()
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


def test_list_filters_purpose_status_state_assignee_and_overdue(tree: Tree, actors: Actors) -> None:
    import datetime as dt  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    key = make_case(
        person=actors.subject,
        case_type=CaseType.APPRAISAL,
        purpose=Purpose.KEY_POST,
        assignee=actors.officer,
    )
    late = make_case(
        org_unit=tree.branch_a1,
        status=Status.VERIFYING,
        started_on=timezone.localdate() - dt.timedelta(days=400),
    )
    closed = make_case(org_unit=tree.branch_a1, status=Status.REFUSED)
    closed.closed_at = closed.opened_at
    closed.save(update_fields=["closed_at"])
    client = client_for(actors.officer)

    def ids(**params: str) -> set[int]:
        response = client.get(reverse("api:case-list"), params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(purpose=Purpose.KEY_POST) == {key.pk}
    assert ids(status=Status.VERIFYING) == {late.pk}
    assert ids(state="closed") == {closed.pk}
    assert ids(state="all") == {key.pk, late.pk, closed.pk}
    assert ids(assignee="me") == {key.pk}
    assert ids(assignee="none") == {late.pk}
    assert ids(overdue="true") == {late.pk}
    assert client.get(reverse("api:case-list"), {"state": "bogus"}).status_code == 400
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    params = {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert {"case_type", "purpose", "status", "state", "assignee", "overdue", "page"} <= params
    timeliness = schema["paths"]["/api/v1/cases/timeliness/"]["get"]["parameters"]
    assert {"node", "date_from", "date_to", "case_type"} <= {p["name"] for p in timeliness}
    assert "/api/v1/cases/{id}/history/" in schema["paths"]


def test_history_names_the_actors_and_lists_clock_events(tree: Tree, actors: Actors) -> None:
    from bvct.vetting import clocks, services  # noqa: PLC0415

    case = make_case(person=actors.subject)
    services.case_transition(case=case, to=Status.VERIFYING, actor=actors.boss)
    case.refresh_from_db()
    clocks.case_pause(case=case, actor=actors.boss, reason="Chờ bản tự khai")
    response = client_for(actors.officer).get(reverse("api:case-history", kwargs={"pk": case.pk}))
    data = response.json()
    assert response.status_code == 200
    assert data["transitions"][-1]["to_status"] == Status.VERIFYING
    assert data["transitions"][-1]["actor_name"] == str(actors.boss)
    assert [e["kind"] for e in data["clock_events"]] == ["pause"]
    outsider = client_for(actors.outsider).get(reverse("api:case-history", kwargs={"pk": case.pk}))
    assert outsider.status_code == 404

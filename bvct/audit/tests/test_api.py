from __future__ import annotations

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record
from bvct.audit.tests.conftest import client_for
from bvct.audit.tests.factories import append
from conftest import Tree

URL = reverse("api:auditevent-list")


def seqs(body: dict[str, object]) -> list[int]:
    return [row["seq"] for row in body["results"]]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_auditor_lists_events_of_their_subtree(auditor: User, tree: Tree) -> None:
    # given
    audit_record(actor=None, action="orgs.tree.load")
    event = audit_record(
        actor=auditor,
        action="orgs.unit.update",
        target=tree.commune_a1,
        org_unit=tree.commune_a1,
        data={"old": {"name": "A"}, "new": {"name": "B"}},
    )
    audit_record(actor=None, action="orgs.unit.update", org_unit=tree.prov_b)
    # when
    response = client_for(auditor).get(URL)
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    row = body["results"][0]
    assert row == {
        "seq": 2,
        "occurred_at": row["occurred_at"],
        "actor_id": auditor.pk,
        "actor_username": "a.auditor",
        "action": "orgs.unit.update",
        "target_type": "orgs.orgunit",
        "target_id": str(tree.commune_a1.pk),
        "org_unit_id": tree.commune_a1.pk,
        "org_unit_code": "X-A1",
        "request_id": "",
        "ip": None,
        "data": {"old": {"name": "A"}, "new": {"name": "B"}},
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
    assert row["occurred_at"].endswith("+07:00")


@pytest.mark.django_db
def test_api_filters_and_paginates(auditor: User, tree: Tree) -> None:
    append(3, org_unit=tree.commune_a1, action="orgs.unit.create")
    append(2, org_unit=tree.commune_a2, action="accounts.user.update")
    client = client_for(auditor)
    assert seqs(client.get(URL, {"action": "orgs"}).json()) == [3, 2, 1]
    assert seqs(client.get(URL, {"org_unit": "X-A2"}).json()) == [5, 4]
    assert seqs(client.get(URL, {"date_from": "01/01/2000", "date_to": "2099-12-31"}).json()) == [
        5,
        4,
        3,
        2,
        1,
    ]
    page = client.get(URL, {"limit": 2, "offset": 2}).json()
    assert (page["count"], seqs(page)) == (5, [3, 2])
    assert page["next"] == "http://testserver/api/v1/audit-events/?limit=2&offset=4"


@pytest.mark.django_db
def test_api_rejects_bad_filters_naming_the_field(auditor: User) -> None:
    client = client_for(auditor)
    bad_date = client.get(URL, {"date_from": "31-01-2026"})
    outside = client.get(URL, {"org_unit": "T-B"})
    assert bad_date.status_code == 400
    assert list(bad_date.json()) == ["date_from"]
    assert outside.status_code == 400
    assert outside.json() == {
        "org_unit": ["Mã đơn vị: không có đơn vị mã “T-B” trong phạm vi của bạn."]
    }


@pytest.mark.django_db
def test_api_refuses_non_auditors_and_anonymous(officer: User, tree: Tree) -> None:
    append(1, org_unit=tree.prov_a)
    assert client_for(officer).get(URL).status_code == 403
    assert TwoFactorClient().get(URL).status_code == 401
    assert AuditEvent.objects.count() == 1


def test_api_is_in_the_schema() -> None:
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    schema = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    operation = schema["paths"]["/api/v1/audit-events/"]["get"]
    assert operation["operationId"] == "audit_events_list"
    assert {p["name"] for p in operation["parameters"]} == {
        "date_from",
        "date_to",
        "action",
        "actor",
        "target_type",
        "target_id",
        "org_unit",
        "limit",
        "offset",
    }
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AuditEventPageOut"
    }

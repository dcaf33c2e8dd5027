"""API fuzzing (issue 11 item 8): schemathesis over the whole OpenAPI schema, in process, per role.

For every role (and without a session) every operation of `/api/v1/schema/` is called with
data that Hypothesis generates from the schema — valid and invalid — through the Django test
client (so the session is the one `client.force_login` makes, with whatever that login carries,
e.g. a verified second factor). Every response must:

- not be a server error (an exception in a view fails the test with its traceback);
- conform to the schema: a documented status code, content type, headers and body;
- reject invalid data with a 4xx;
- without a session, be 401/403 (no operation of the API is public); with a role the route
  policy does not list, be 403.

Path identifiers are drawn from a small seeded dataset in the role's jurisdiction (Xã A1) and
out of it (Xã B1), besides random ones, so calls reach the real selectors and services,
state-changing ones (POST, PATCH) included; the database is rolled back after each test.

Seeded and derandomized: the same examples every run. More examples locally:
    BVCT_FUZZ_EXAMPLES=200 env -u DATABASE_URL .venv/bin/pytest -p no:cacheprovider -n 2 \
        tests/test_api_fuzz.py
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bvct.access.routes import ROUTE_POLICY
from bvct.access.tests.test_policy_matrix import TARGET_BUILDERS
from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.people.models import Person
from bvct.travel.models import TravelApplication
from conftest import Tree

Case = schemathesis.Case[Any]
Operation = schemathesis.APIOperation[Any, Any, Any, Any]
ROLES = ("anonymous", *(role.value for role in RoleCode))
# Examples per operation a role may call; a route the role may not call is refused by the route
# policy before any view code runs, so a few examples prove it.
EXAMPLES = int(os.environ.get("BVCT_FUZZ_EXAMPLES", "6"))
REFUSED_EXAMPLES = 2


def invalid_data_rejected(
    ctx: schemathesis.CheckContext, response: Response, case: Case
) -> bool | None:
    """schemathesis's `negative_data_rejection`, except that DRF reads a blank query value as an
    omitted parameter (its HTML-form convention, so `?state=` means the default)."""
    if any(value == "" for value in (case.query or {}).values()):
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    invalid_data_rejected,
]
SCHEMA_URL = "/api/v1/schema/"

_schema_cache: dict[str, Any] = {}


def _raw_schema(client: Client, reader: User) -> dict[str, Any]:
    """The schema as served (JSON), fetched once per test process."""
    if "raw" not in _schema_cache:
        client.force_login(reader)
        response = client.get(SCHEMA_URL, headers={"accept": "application/vnd.oai.openapi+json"})
        assert response.status_code == 200, response.content
        raw = response.json()
        # The session comes from `client.force_login`, not from generated cookies: without the
        # security requirement schemathesis does not count "no sessionid cookie" as invalid
        # data that must be refused (the anonymous run proves that refusal).
        raw["components"].pop("securitySchemes", None)
        for operations in raw["paths"].values():
            for operation in operations.values():
                operation.pop("security", None)
        _schema_cache["raw"] = raw
        client.logout()
    return _schema_cache["raw"]  # type: ignore[no-any-return]


def _send(client: Client, case: Case) -> Response:
    """The Django test client as schemathesis's transport: `requests` prepares the bytes (query,
    JSON, form or multipart body), the test client sends them through the whole stack."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
        files=kwargs.get("files"),
    ).prepare()
    url = urlsplit(prepared.url or "")
    body = prepared.body or b""
    headers = {
        name: value
        for name, value in prepared.headers.items()
        if name.lower() not in {"content-type", "content-length", "cookie", "host"}
    }
    answer = client.generic(
        prepared.method or "GET",
        f"{url.path}?{url.query}" if url.query else url.path,
        data=body.encode() if isinstance(body, str) else body,
        content_type=str(prepared.headers.get("Content-Type", "application/octet-stream")),
        headers=headers,
    )
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content  # type: ignore[attr-defined]
    return Response(
        status_code=answer.status_code,
        headers={name.lower(): [value] for name, value in answer.items()},
        content=content,
        request=prepared,
        elapsed=0.0,
        verify=False,
        message=answer.reason_phrase,
        encoding=answer.charset,
    )


def _resolves(response: Response) -> bool:
    try:
        resolve(urlsplit(response.request.url or "").path)
    except Resolver404:
        return False
    return True


def _route_name(operation: Operation) -> str:
    return resolve(operation.path.replace("{id}", "1")).view_name


def _seed(tree: Tree) -> dict[str, tuple[int, int]]:
    """Per object kind of the API's routes: (an id in Xã A1's jurisdiction, one outside it)."""
    kinds = {policy.target for name, policy in ROUTE_POLICY.items() if name.startswith("api:")} - {
        None
    }
    return {
        kind: (TARGET_BUILDERS[kind](tree, "same"), TARGET_BUILDERS[kind](tree, "other_province"))
        for kind in sorted(k for k in kinds if k is not None)
    }


def _actor(tree: Tree, role: str) -> User | None:
    if role == "anonymous":
        return None
    user = make_user(org_unit=tree.commune_a1, roles=(role,), clearance=3)
    if role == RoleCode.MEMBER:  # a member with a record and a trip of their own
        trip = TravelApplication.objects.filter(person__org_unit=tree.commune_a1).first()
        assert trip is not None
        Person.objects.filter(pk=trip.person_id).update(account=user)
    return user


def _strategy(
    operation: Operation, ids: tuple[int, int] | None, tree: Tree
) -> st.SearchStrategy[Case]:
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    branches = [operation.as_strategy(generation_mode=mode) for mode in modes]
    if ids is not None:  # an object in scope and one out of scope, in both modes
        branches += [
            operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
            for mode in modes
            for pk in ids
        ]
    strategy = st.one_of(branches)
    return strategy.map(lambda case: _steer(case, tree))


def _steer(case: Case, tree: Tree) -> Case:
    """A valid body names a unit of the seeded tree rather than a random id, so creations and
    updates reach the services."""
    meta = case.meta
    positive = meta is not None and meta.generation.mode.is_positive
    if positive and isinstance(case.body, dict) and "org_unit" in case.body:
        case.body["org_unit"] = tree.commune_a1.pk
    return case


def _fuzz(
    operation: Operation,
    strategy: st.SearchStrategy[Case],
    call: Callable[[Case], None],
    examples: int,
) -> str | None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def run(case: Case) -> None:
        call(case)

    try:
        run()
    except BaseException as exc:
        notes = "\n".join(getattr(exc, "__notes__", []))
        where = "".join(traceback.format_tb(exc.__traceback__)[-3:])
        return f"{operation.label}: {type(exc).__name__}: {exc}\n{notes}\n{where}"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_api_fuzz(role: str, client: Client, tree: Tree) -> None:
    # given the schema as served, a small dataset and a session for the role
    reader = make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,))
    schema = schemathesis.openapi.from_dict(_raw_schema(client, reader))
    ids = _seed(tree)
    user = _actor(tree, role)
    if user is not None:
        client.force_login(user)
    failures: list[str] = []
    # when every operation is called with generated data
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):  # an operation schemathesis cannot read is a failure
            failures.append(f"unreadable operation: {result.err()}")
            continue
        operation = result.ok()
        policy = ROUTE_POLICY[_route_name(operation)]
        allowed = user is not None and user.has_role(*policy.roles)

        def call(case: Case, *, allowed: bool = allowed) -> None:
            try:
                response = _send(client, case)
            except Exception as exc:  # a server error: the request, to reproduce it
                exc.add_note(case.as_curl_command())
                raise
            # then it is refused without a session or without the role (a path that names no
            # route, e.g. a non-numeric id, is a JSON 404 before any of that) ...
            if not _resolves(response):
                assert response.status_code == 404, "an unknown path answered"
            elif user is None:
                assert response.status_code in {401, 403}, "accepted without a session"
            elif not allowed:
                assert response.status_code == 403, "accepted without the role"
            # ... and the answer is what the schema says
            case.validate_response(response, checks=CHECKS)

        target = ids.get(policy.target) if policy.target else None
        strategy = _strategy(operation, target, tree)
        failure = _fuzz(operation, strategy, call, EXAMPLES if allowed else REFUSED_EXAMPLES)
        if failure:
            failures.append(failure)
    assert not failures, "\n\n".join(failures)

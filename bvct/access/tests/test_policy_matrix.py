"""The policy matrix: every URL pattern × role × relation of the user's node to the object.

The expected outcome is computed from the declarative table `bvct.access.routes.ROUTE_POLICY`,
never written by hand here, and the actual outcome comes from real requests through the whole
middleware stack. A route without a table entry (or an entry without a route) fails the build.

Actor placement (see conftest.Tree): the actor's node is `commune_a1`, so
    same → commune_a1, descendant → grassroots_a1, ancestor → prov_a,
    sibling → commune_a2, other_province → commune_b1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bvct.access.routes import ROUTE_POLICY, RoutePolicy
from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import TEST_PASSWORD, make_user
from bvct.accounts.tests.support import TwoFactorClient, give_authenticator
from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record
from bvct.declarations.tests.factories import make_declaration
from bvct.orgs.models import OrgUnit
from bvct.people.tests.factories import make_issue, make_person, make_relative
from bvct.vetting.tests.factories import make_case
from bvct.workdays.models import WorkdayOverride
from conftest import Tree

SECOND_FACTOR = {"/accounts/2fa/", "/accounts/2fa/enrol/"}  # the steps after the password
RELATIONS = ("same", "descendant", "ancestor", "sibling", "other_province")
ACTORS = (*[role.value for role in RoleCode], "anonymous")


def iter_named_routes(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_named_routes(pattern.url_patterns, prefix)
        else:
            yield f"{namespace}{pattern.name}" if pattern.name else "", pattern


def node_for(tree: Tree, relation: str) -> OrgUnit:
    return {
        "same": tree.commune_a1,
        "descendant": tree.grassroots_a1,
        "ancestor": tree.prov_a,
        "sibling": tree.commune_a2,
        "other_province": tree.commune_b1,
        "any": tree.commune_a1,
    }[relation]


def _target_user(tree: Tree, relation: str) -> int:
    user = make_user(org_unit=node_for(tree, relation), roles=(RoleCode.CLERK,))
    return user.pk


def _target_org(tree: Tree, relation: str) -> int:
    return node_for(tree, relation).pk


def _target_event(tree: Tree, relation: str) -> int:
    return audit_record(actor=None, action="test.matrix", org_unit=node_for(tree, relation)).pk


def _target_override(tree: Tree, relation: str) -> int:
    admin = make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,))
    override, _ = WorkdayOverride.objects.get_or_create(
        date=dt.date(2031, 3, 5),
        defaults={"kind": WorkdayOverride.Kind.DAY_OFF, "reason": "matrix", "created_by": admin},
    )
    return override.pk


def _target_person(tree: Tree, relation: str) -> int:
    return make_person(org_unit=node_for(tree, relation)).pk


def _target_declaration(tree: Tree, relation: str) -> int:
    """A draft lý lịch entered from paper, for a person at the node."""
    node = node_for(tree, relation)
    clerk = make_user(org_unit=node, roles=(RoleCode.CLERK,))
    return make_declaration(person=make_person(org_unit=node), entered_by=clerk).pk


def _target_relative(tree: Tree, relation: str) -> int:
    return make_relative(person=make_person(org_unit=node_for(tree, relation))).pk


def _target_issue(tree: Tree, relation: str) -> int:
    node = node_for(tree, relation)
    officer = make_user(org_unit=node, roles=(RoleCode.OFFICER,), clearance=1)
    return make_issue(person=make_person(org_unit=node), created_by=officer).pk


def _target_ruleset_version(tree: Tree, relation: str) -> int:
    """A draft rule-set version (rule sets are national: relation "any")."""
    from bvct.criteria.tests.factories import make_version  # noqa: PLC0415

    admin = make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,))
    return make_version(author=admin).pk


def _target_case(tree: Tree, relation: str) -> int:
    """An open admission case about a person at the node, its file held by the node."""
    return make_case(org_unit=node_for(tree, relation)).pk


def _target_case_document(tree: Tree, relation: str) -> int:
    """A document kept with a case at the node (not marked for the subject)."""
    from bvct.vetting.storage import store_file  # noqa: PLC0415

    node = node_for(tree, relation)
    clerk = make_user(org_unit=node, roles=(RoleCode.CLERK,))
    return store_file(
        case=make_case(org_unit=node),
        actor=clerk,
        kind="attachment",
        title="Biên bản",
        original_name="bien-ban.pdf",
        content_type="application/pdf",
        data=b"%PDF-1.4 matrix",
    ).pk


def _target_verification_request(tree: Tree, relation: str) -> int:
    """A letter from a case at the node to Tỉnh B, answered there (so both documents exist)."""
    from bvct.verification import services  # noqa: PLC0415
    from bvct.verification.defaults import seed_default_reply_limits  # noqa: PLC0415

    seed_default_reply_limits()
    node = node_for(tree, relation)
    officer = make_user(org_unit=node, roles=(RoleCode.OFFICER,), clearance=3)
    answerer = make_user(org_unit=tree.prov_b, roles=(RoleCode.OFFICER,), clearance=3)
    request = services.request_create(
        actor=officer,
        case=make_case(org_unit=node),
        data=services.RequestInput(
            legal_basis="HD 06",
            purpose="thẩm tra",
            questions="Lịch sử chính trị",
            addressee_unit=tree.prov_b,
        ),
    )
    services.reply_record(
        actor=answerer, request=request, data=services.ReplyInput(outcome="certified")
    )
    return request.pk


def _inspection_at(tree: Tree, relation: str) -> Any:
    """An inspection planned by the node, of the grassroots unit under A1 (or, for nodes without
    a child in the tree fixture, of Chi bộ A1). For "same", every inspector of Xã A1 is on the
    team and every clerk of Xã A1 is a designated contact, so each role sees it there only."""
    from bvct.inspections.models import (  # noqa: PLC0415
        Inspection,
        InspectionPlan,
        TeamMember,
        UnitContact,
    )

    node = node_for(tree, relation)
    officer = make_user(org_unit=node, roles=(RoleCode.OFFICER,))
    plan = InspectionPlan.objects.create(
        org_unit=node,
        year=2026,
        title=f"KH {relation} {officer.pk}",
        topics="BVCTNB",
        status="approved",
        created_by=officer,
        created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    inspection = Inspection.objects.create(
        plan=plan, unit=tree.branch_a1, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 9)
    )
    if relation == "same":
        for user in User.objects.filter(org_unit=tree.commune_a1, roles__code="inspector"):
            TeamMember.objects.create(inspection=inspection, user=user, role="member")
        for user in User.objects.filter(org_unit=tree.commune_a1, roles__code="clerk"):
            UnitContact.objects.create(inspection=inspection, user=user)
    return inspection


def _target_inspection(tree: Tree, relation: str) -> int:
    return int(_inspection_at(tree, relation).pk)


def _target_inspection_plan(tree: Tree, relation: str) -> int:
    return int(_inspection_at(tree, relation).plan_id)


def _target_inspection_document(tree: Tree, relation: str) -> int:
    from bvct.inspections.services import store_document  # noqa: PLC0415

    inspection = _inspection_at(tree, relation)
    return store_document(
        inspection,
        inspection.plan.created_by,
        "decision",
        "QĐ",
        "qd.pdf",
        "application/pdf",
        b"%PDF-1.4 matrix",
    ).pk


def _target_travel_application(tree: Tree, relation: str) -> int:
    """A trip of a member managed at the node, waiting for the committee's decision."""
    from bvct.travel.models import TravelApplication, TravelDecision  # noqa: PLC0415
    from bvct.travel.services import managing_committee  # noqa: PLC0415

    node = node_for(tree, relation)
    person = make_person(org_unit=node)
    clerk = make_user(org_unit=node, roles=(RoleCode.CLERK,))
    application = TravelApplication.objects.create(
        person=person,
        entered_by=clerk,
        on_paper=True,
        purpose="tourism",
        countries="Lào",
        departs_on=dt.date(2031, 1, 5),
        returns_on=dt.date(2031, 1, 9),
        funding="self",
        status="awaiting",
        submitted_at=dt.datetime(2030, 12, 1, tzinfo=dt.UTC),
    )
    TravelDecision.objects.create(application=application, committee=managing_committee(node))
    return application.pk


def _target_register_entry(tree: Tree, relation: str) -> int:
    """A Tối mật outgoing entry of the node's register, with an addressee and a copy
    authorisation (registered in 2026: the matrix runs on the machine's date)."""
    import time_machine  # noqa: PLC0415

    from bvct.registers import services  # noqa: PLC0415
    from bvct.registers.tests.factories import make_entry, make_registrar  # noqa: PLC0415

    node = node_for(tree, relation)
    registrar = make_registrar(node)
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        entry = make_entry(node, registrar=registrar, level=2)
        services.copy_authorise(
            actor=registrar,
            entry=entry,
            copies=2,
            authorised_by="Bí thư",
            reference="Phiếu 1",
            authorised_on=dt.date(2026, 6, 1),
        )
    return entry.pk


def _target_register(tree: Tree, relation: str) -> int:
    from bvct.registers.models import Entry  # noqa: PLC0415

    return Entry.objects.get(pk=_target_register_entry(tree, relation)).register_id


def _target_periodic_report(tree: Tree, relation: str) -> int:
    """A six-month report submitted by the node's approver."""
    from bvct.reports.services import report_submit  # noqa: PLC0415

    node = node_for(tree, relation)
    approver = make_user(org_unit=node, roles=(RoleCode.APPROVER,), clearance=1)
    return report_submit(actor=approver, node=node, period="half", year=2026, part=1).pk


def _target_import_job(tree: Tree, relation: str) -> int:
    """A finished import job into the node, by a clerk of the node."""
    from bvct.intake.tests.factories import make_job  # noqa: PLC0415

    node = node_for(tree, relation)
    clerk = make_user(org_unit=node, roles=(RoleCode.CLERK,))
    return make_job(org_unit=node, created_by=clerk).pk


def _target_export_request(tree: Tree, relation: str) -> int:
    """A pending large export asked by a clerk of the node (rows are made directly: the
    threshold would need hundreds of people)."""
    from bvct.privacy.models import ExportRequest  # noqa: PLC0415

    node = node_for(tree, relation)
    clerk = make_user(org_unit=node, roles=(RoleCode.CLERK,))
    return ExportRequest.objects.create(
        requested_by=clerk,
        org_unit=node,
        clearance=0,
        filters={"unit": "", "query": ""},
        count=900,
        purpose="Rà soát danh sách",
        requested_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
    ).pk


def _target_subject_request(tree: Tree, relation: str) -> int:
    """A data-subject request received on paper about a person of the node."""
    from bvct.privacy.models import SubjectRequest, SubjectRequestKind  # noqa: PLC0415

    node = node_for(tree, relation)
    clerk = make_user(org_unit=node, roles=(RoleCode.CLERK,))
    return SubjectRequest.objects.create(
        person=make_person(org_unit=node),
        org_unit=node,
        kind=SubjectRequestKind.objects.get(code="access"),
        channel="paper",
        details="Xin bản sao",
        received_on=dt.date(2026, 6, 1),
        entered_by=clerk,
        acknowledge_due_on=dt.date(2026, 6, 3),
        due_on=dt.date(2026, 6, 16),
        extension_days=15,
        legal_basis="ví dụ",
    ).pk


def _target_exchange_peer(tree: Tree, relation: str) -> int:
    """A pinned peer serving Tỉnh B, of a site that serves Xã A1 (so the matrix actors of Xã A1
    with the role operate it; the check is site-wide: relation "any")."""
    from bvct.exchange.models import Peer  # noqa: PLC0415
    from bvct.exchange.tests.factories import FakePeer, make_site  # noqa: PLC0415

    make_site(tree.commune_a1)
    peer = Peer.objects.filter(site_id="B").first()
    return (peer or FakePeer("B", [tree.prov_b]).pin()).pk


def _target_bundle(tree: Tree, relation: str) -> int:
    """A bundle made for that peer, carrying one verification request."""
    from bvct.exchange.models import Peer  # noqa: PLC0415
    from bvct.exchange.services import bundle_export  # noqa: PLC0415

    peer = Peer.objects.get(pk=_target_exchange_peer(tree, relation))
    _target_verification_request(tree, "same")
    from bvct.verification.models import VerificationRequest  # noqa: PLC0415

    VerificationRequest.objects.update(status="sent")
    return bundle_export(actor=None, peer=peer).pk


TARGET_BUILDERS: dict[str, Callable[[Tree, str], int]] = {
    "export_request": _target_export_request,
    "subject_request": _target_subject_request,
    "exchange_peer": _target_exchange_peer,
    "bundle": _target_bundle,
    "ruleset_version": _target_ruleset_version,
    "org_unit": _target_org,
    "user": _target_user,
    "audit_event": _target_event,
    "override": _target_override,
    "person": _target_person,
    "relative": _target_relative,
    "issue": _target_issue,
    "declaration": _target_declaration,
    "case": _target_case,
    "case_document": _target_case_document,
    "verification_request": _target_verification_request,
    "inspection": _target_inspection,
    "inspection_plan": _target_inspection_plan,
    "inspection_document": _target_inspection_document,
    "travel_application": _target_travel_application,
    "import_job": _target_import_job,
    "register": _target_register,
    "register_entry": _target_register_entry,
    "periodic_report": _target_periodic_report,
}
# Targets that carry a classification level (the builders make them Tối mật): the clearance
# matrix below proves an actor with the right role, in the right place, but cleared lower, gets
# the same 404 as for a missing object.
CLASSIFIED_TARGETS: dict[str, int] = {"register_entry": 2}


def expected(policy: RoutePolicy, actor: str, relation: str | None, *, at_root: bool) -> str:
    """'allow', 'login' (sent to log in), 'forbidden' (403) or 'not_found' (404)."""
    if policy.public:
        return "allow"
    if actor == "anonymous":
        return "login"
    if actor not in policy.roles or (policy.root_only and not at_root):
        return "forbidden"
    if (
        relation is not None
        and "any" not in policy.relations
        and (relation not in policy.relations)
    ):
        return "not_found"
    return "allow"


def observed(response: Any, *, is_api: bool, anonymous: bool) -> str:  # noqa: PLR0911
    status = response.status_code
    if status == 404:
        return "not_found"
    if status == 403:
        return "forbidden"
    if status == 401 and is_api:
        return "login"
    # the matrix's users are logged in with both factors (TwoFactorClient): a redirect to the
    # second-factor step would mean the roles were never exercised
    if status == 302 and not anonymous and response["Location"].split("?")[0] in SECOND_FACTOR:
        return "second factor step"
    # a logged-in user is never sent to the login page by the policy: any redirect is the view's
    if status == 302 and anonymous and "/accounts/login/" in response["Location"]:
        return "login"
    if status in {200, 201, 204, 302, 400, 405}:
        return "allow"
    return f"unexpected {status}"


def test_every_route_has_exactly_one_policy_entry() -> None:
    # given every named URL pattern of the project
    names = [name for name, _ in iter_named_routes() if not name.startswith("djdt")]
    # then every pattern is named, has a policy, and every policy names a real route
    assert "" not in names, "every URL pattern must be named (and so be in ROUTE_POLICY)"
    assert sorted(set(names) - set(ROUTE_POLICY)) == []
    assert sorted(set(ROUTE_POLICY) - set(names)) == []


def test_api_operations_are_all_listed() -> None:
    # every HTTP method an API view accepts is exercised by the matrix
    for name, pattern in iter_named_routes():
        cls = getattr(pattern.callback, "cls", None)
        if not name.startswith("api:") or cls is None:
            continue
        accepted = {m.upper() for m in cls.http_method_names if hasattr(cls, m)} - {
            "HEAD",
            "OPTIONS",
        }
        if name == "api:schema":
            accepted = {"GET"}
        assert accepted <= set(ROUTE_POLICY[name].methods), name


@pytest.mark.parametrize("route_name", sorted(ROUTE_POLICY))
def test_policy_matrix(route_name: str, tree: Tree) -> None:
    policy = ROUTE_POLICY[route_name]
    relations: tuple[str | None, ...]
    if policy.target is None:
        relations = (None,)
    elif "any" in policy.relations:
        relations = ("any",)
    else:
        relations = RELATIONS
    failures: list[str] = []
    # One target per relation, shared by every actor and method: the matrix's requests never
    # change their target (POST bodies are empty, so every service refuses them).
    # Every actor exists before the first target is built (some targets enrol the node's users).
    targets: dict[str, int] = {}
    users: dict[str, User | None] = {
        actor: None
        if actor == "anonymous"
        else make_user(org_unit=tree.commune_a1, roles=(actor,), clearance=3)
        for actor in ACTORS
    }
    for actor in ACTORS:
        user = users[actor]
        for relation in relations:
            for method in policy.methods:
                kwargs = {}
                if policy.target is not None and relation is not None:
                    if relation not in targets:
                        targets[relation] = TARGET_BUILDERS[policy.target](tree, relation)
                    kwargs = {"pk": targets[relation]}
                url = reverse(route_name, kwargs=kwargs)
                client = TwoFactorClient()
                if user is not None:
                    client.force_login(user)
                events_before = AuditEvent.objects.count()
                is_api = url.startswith("/api/")
                accept = "application/json" if is_api else "text/html"
                response = client.generic(method, url, HTTP_ACCEPT=accept)
                want = expected(policy, actor, relation, at_root=False)
                got = observed(response, is_api=is_api, anonymous=user is None)
                if want != got:
                    failures.append(
                        f"{method} {url} as {actor} ({relation}): want {want}, got {got}"
                    )
                if want in {"forbidden", "not_found", "login"} and (
                    AuditEvent.objects.count() != events_before
                ):
                    failures.append(f"{method} {url} as {actor}: denied but wrote an audit event")
    assert failures == []


@pytest.mark.parametrize(
    "route_name", sorted(name for name, p in ROUTE_POLICY.items() if p.root_only)
)
def test_root_only_routes_open_to_root_users_with_the_role(route_name: str, tree: Tree) -> None:
    # given an actor with the role at the root node
    policy = ROUTE_POLICY[route_name]
    role = sorted(policy.roles)[0]
    user = make_user(org_unit=tree.root, roles=(role,))
    client = TwoFactorClient()
    client.force_login(user)
    kwargs = {}
    if policy.target is not None:
        kwargs = {"pk": TARGET_BUILDERS[policy.target](tree, "any")}
    # when
    response = client.generic(policy.methods[0], reverse(route_name, kwargs=kwargs))
    # then
    assert observed(response, is_api=False, anonymous=False) == "allow"
    assert expected(policy, role, None, at_root=True) == "allow"


@pytest.mark.parametrize(
    "route_name",
    sorted(name for name, p in ROUTE_POLICY.items() if p.target in CLASSIFIED_TARGETS),
)
def test_clearance_matrix(route_name: str, tree: Tree) -> None:
    policy = ROUTE_POLICY[route_name]
    assert policy.target is not None
    level = CLASSIFIED_TARGETS[policy.target]
    failures: list[str] = []
    pk = TARGET_BUILDERS[policy.target](tree, "same")
    for role in sorted(policy.roles):
        for clearance in range(4):
            user = make_user(org_unit=tree.commune_a1, roles=(role,), clearance=clearance)
            for method in policy.methods:
                url = reverse(route_name, kwargs={"pk": pk})
                client = TwoFactorClient()
                client.force_login(user)
                response = client.generic(method, url, HTTP_ACCEPT="text/html")
                want = "allow" if clearance >= level else "not_found"
                got = observed(response, is_api=False, anonymous=False)
                if want != got:
                    failures.append(
                        f"{method} {url} as {role} cleared {clearance}: want {want}, got {got}"
                    )
    assert failures == []


def _password_only_client(user: User) -> TwoFactorClient:
    """A session that passed the password but not the code (the real login form)."""
    client = TwoFactorClient()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")
    return client


def test_a_password_only_session_reaches_no_protected_route(tree: Tree) -> None:
    """Every non-public route, for a user who has an authenticator (sent to the code page) and
    for one who must add one (sent to enrolment): pages redirect to that step, the API answers
    401; only the steps themselves and logout are reachable."""
    admin = make_user(org_unit=tree.commune_a1, roles=tuple(RoleCode.values), clearance=3)
    give_authenticator(admin)
    newcomer = make_user(org_unit=tree.commune_a1, roles=tuple(RoleCode.values), clearance=3)
    failures: list[str] = []
    for user, step in ((admin, "/accounts/2fa/"), (newcomer, "/accounts/2fa/enrol/")):
        client = _password_only_client(user)
        for name, policy in sorted(ROUTE_POLICY.items()):
            if policy.public or policy.second_factor_step:
                continue
            kwargs = {"pk": 1} if policy.target is not None else {}
            url = reverse(name, kwargs=kwargs)
            for method in policy.methods:
                response = client.generic(method, url)
                if url.startswith("/api/"):
                    ok = response.status_code == 401
                else:
                    location = response.get("Location", "")
                    ok = response.status_code == 302 and location.split("?")[0] == step
                if not ok:
                    failures.append(f"{method} {url} as {user}: {response.status_code}")
    assert failures == []

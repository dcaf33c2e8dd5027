"""Pages: every template rendered; subject view withholds protected evidence; denials change
nothing; impact preview against a brute-force oracle; publish from the preview."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.criteria import selectors, services
from bvct.criteria.demo import RULESETS_DIR, load_demo_rulesets
from bvct.criteria.models import Evaluation, RuleSetVersion
from bvct.criteria.tests.conftest import Actors
from bvct.declarations.models import Declaration
from bvct.declarations.tests.factories import make_declaration
from bvct.people.models import Person, Relative
from bvct.people.tests.factories import make_issue, make_person, make_relative
from conftest import Tree

D = datetime.date
HX = {"HX-Request": "true"}
CONFIDENTIAL = (RULESETS_DIR / "vi-du-vi-tri-co-mat.yaml").read_text("utf-8")


def _client(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def _published(actors: Actors, text: str = CONFIDENTIAL) -> RuleSetVersion:
    version = services.ruleset_import(actor=actors.admin, text=text)
    day = D(2022, 2, 8)
    return services.version_publish(
        actor=actors.approver,
        version=version,
        effective_from=day,
        impact_digest=selectors.impact_digest(version, day),
    )


def _person_with_protected_issue(tree: Tree, actors: Actors) -> Person:
    person = make_person(org_unit=tree.commune_a1)
    father = make_relative(person=person)
    make_issue(
        person=person,
        relative=father,
        created_by=actors.officer,
        status="concluded",
        conclusion_reference="77-KL/TU",
        concluded_on=D(2020, 5, 4),
        classification=2,
        source="verification_reply",
    )
    make_declaration(person=person, entered_by=actors.officer, status=Declaration.Status.SUBMITTED)
    return person


def test_list_detail_export_and_diff_render(actors: Actors) -> None:
    first = _published(actors)
    second = services.ruleset_import(
        actor=actors.admin,
        text=CONFIDENTIAL.replace("outcome: needs_approval", "outcome: does_not_meet"),
    )
    client = _client(actors.officer)
    listing = client.get(reverse("criteria:ruleset-list"))
    detail = client.get(reverse("criteria:version-detail", kwargs={"pk": first.pk}))
    export = client.get(reverse("criteria:version-export", kwargs={"pk": first.pk}))
    diff = client.get(reverse("criteria:version-diff", kwargs={"pk": second.pk}))
    first_diff = client.get(reverse("criteria:version-diff", kwargs={"pk": first.pk}))
    assert listing.status_code == 200
    assert "VÍ DỤ — Vị trí cơ mật" in listing.content.decode()
    assert 'data-testid="example-banner"' in detail.content.decode()
    assert "Chưa xác nhận" in detail.content.decode()
    assert export["Content-Disposition"] == (
        'attachment; filename="vi-du-vi-tri-co-mat-v1.yaml"; '
        "filename*=UTF-8''vi-du-vi-tri-co-mat-v1.yaml"
    )
    assert AuditEvent.objects.filter(action="criteria.version.export").count() == 1
    assert (
        services.ruleset_import(actor=actors.admin, text=export.content.decode()).rules.count() == 5
    )
    assert 'data-testid="diff-changed-LSCT-NGUOI-THAN"' in diff.content.decode()
    assert "Đây là phiên bản đầu tiên" in first_diff.content.decode()


def test_import_page_shows_line_and_field_errors_and_imports(actors: Actors) -> None:
    client = _client(actors.admin)
    assert client.get(reverse("criteria:ruleset-import")).status_code == 200
    bad = client.post(
        reverse("criteria:ruleset-import"),
        {"text": CONFIDENTIAL.replace("kind: verification_open", "kind: x")},
    )
    assert "Dòng 47, trường “rules[4].kind”" in bad.content.decode()
    assert RuleSetVersion.objects.count() == 0
    good = client.post(reverse("criteria:ruleset-import"), {"text": CONFIDENTIAL})
    version = RuleSetVersion.objects.get()
    assert good["Location"] == reverse("criteria:version-detail", kwargs={"pk": version.pk})


def test_import_denied_to_approver_changes_nothing(actors: Actors) -> None:
    response = _client(actors.approver).post(
        reverse("criteria:ruleset-import"), {"text": CONFIDENTIAL}
    )
    assert response.status_code == 403
    assert (RuleSetVersion.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_impact_preview_then_publish_with_future_date(actors: Actors, tree: Tree) -> None:
    # given v1 in force and a draft v2 that makes a concluded relative issue a bar
    v1 = _published(actors)
    person = _person_with_protected_issue(tree, actors)
    v2 = services.ruleset_import(
        actor=actors.admin,
        text=CONFIDENTIAL.replace("outcome: needs_approval", "outcome: does_not_meet"),
    )
    client = _client(actors.approver)
    url = reverse("criteria:version-impact", kwargs={"pk": v2.pk})
    # when the approver previews with a future date (htmx partial and full page)
    partial = client.get(url, {"effective_from": "01/01/2030"}, headers=HX)
    page = client.get(url, {"effective_from": "01/01/2030"})
    # then the person's change is shown, with both traces
    body = partial.content.decode()
    assert "<html" not in body
    assert 'data-testid="old-needs_approval">1<' in body
    assert 'data-testid="new-does_not_meet">1<' in body
    assert person.full_name in body
    assert "77-KL/TU" in body  # approver with clearance sees the conclusion
    digest = selectors.impact_digest(v2, D(2030, 1, 1))
    assert f'value="{digest}"' in page.content.decode()
    # when published from the preview
    response = client.post(
        reverse("criteria:version-publish", kwargs={"pk": v2.pk}),
        {"effective_from": "01/01/2030", "impact_digest": digest},
    )
    assert response.status_code == 302
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v1.effective_to, v2.status, v2.effective_from) == (
        "retired",
        D(2029, 12, 31),
        "published",
        D(2030, 1, 1),
    )
    # and evaluations before and after the date use the right version
    before = services.evaluation_create(
        actor=actors.officer, person=person, purpose="confidential_post", as_of=D(2029, 12, 31)
    )
    after = services.evaluation_create(
        actor=actors.officer, person=person, purpose="confidential_post", as_of=D(2030, 1, 1)
    )
    assert (before.version_id, before.outcome) == (v1.pk, "needs_approval")
    assert (after.version_id, after.outcome) == (v2.pk, "does_not_meet")


def test_publish_without_preview_changes_nothing(actors: Actors) -> None:
    version = services.ruleset_import(actor=actors.admin, text=CONFIDENTIAL)
    events = AuditEvent.objects.count()
    response = _client(actors.approver).post(
        reverse("criteria:version-publish", kwargs={"pk": version.pk}),
        {"effective_from": "01/01/2030", "impact_digest": "sai"},
    )
    version.refresh_from_db()
    assert response.status_code == 302
    assert (version.status, AuditEvent.objects.count()) == ("draft", events)


def test_impact_counts_match_a_brute_force_oracle(actors: Actors, tree: Tree) -> None:
    # given a mix of people in and out of the approver's jurisdiction
    v1 = _published(actors)
    statuses = ["declared", "under_verification", "concluded"]
    for i in range(24):
        unit = [tree.commune_a1, tree.grassroots_a1, tree.commune_a2, tree.commune_b1][i % 4]
        person = make_person(org_unit=unit)
        if i % 3:
            relative = make_relative(
                person=person,
                relationship=[Relative.Relationship.FATHER, Relative.Relationship.SIBLING][i % 2],
            )
            status = statuses[i % 3]
            make_issue(
                person=person,
                relative=relative,
                created_by=actors.officer,
                status=status,
                conclusion_reference="1-KL" if status == "concluded" else "",
            )
        if i % 5 == 0:
            make_issue(
                person=person,
                created_by=actors.officer,
                family="truthfulness",
                status="concluded",
                conclusion_reference="2-KL",
            )
        if i % 2:
            make_declaration(
                person=person, entered_by=actors.officer, status=Declaration.Status.SUBMITTED
            )
    v2 = services.ruleset_import(
        actor=actors.admin,
        text=CONFIDENTIAL.replace(
            "whose: [father, mother, parent_in_law, carer, spouse, child]",
            "whose: [father, mother, parent_in_law, carer, spouse, child, sibling]",
        ),
    )
    day = D(2030, 1, 1)
    # when
    impact = selectors.impact_preview(actor=actors.approver, version=v2, effective_from=day)
    # then the counts equal one evaluation per visible person, one query set per person
    oracle: Counter[tuple[str, str]] = Counter()
    from bvct.access import policy  # noqa: PLC0415
    from bvct.criteria import engine  # noqa: PLC0415
    from bvct.criteria.facts import load_person_facts  # noqa: PLC0415

    for person in policy.people_visible_to(actors.approver):
        facts = load_person_facts(person, day)
        old = engine.evaluate(engine.compile_version(v1), facts, "confidential_post").outcome
        new = engine.evaluate(engine.compile_version(v2), facts, "confidential_post").outcome
        oracle[(old, new)] += 1
    (purpose,) = impact.purposes
    assert purpose.current == v1
    assert dict(purpose.transitions) == dict(oracle)
    assert purpose.total == 18  # commune_b1 is outside Tỉnh A
    assert purpose.changed_total == sum(n for (o, n2), n in oracle.items() if o != n2) > 0
    assert len(purpose.samples) == purpose.changed_total


def test_person_evaluation_panel_for_officer_and_store(actors: Actors, tree: Tree) -> None:
    _published(actors)
    person = _person_with_protected_issue(tree, actors)
    client = _client(actors.officer)
    url = reverse("criteria:person-evaluation", kwargs={"pk": person.pk})
    page = client.get(url, {"purpose": "confidential_post", "date": "01/07/2025"})
    panel = client.get(url, {"purpose": "confidential_post", "date": "01/07/2025"}, headers=HX)
    assert 'data-testid="outcome">Cần cấp có thẩm quyền cao hơn đồng ý<' in page.content.decode()
    assert "77-KL/TU" in panel.content.decode()
    assert "<html" not in panel.content.decode()
    assert (
        client.post(url, {"purpose": "confidential_post", "date": "01/07/2025"}).status_code == 200
    )
    assert Evaluation.objects.get().outcome == "needs_approval"


def test_subject_version_never_shows_withheld_evidence(actors: Actors, tree: Tree) -> None:
    _published(actors)
    person = _person_with_protected_issue(tree, actors)
    issue = person.issues.get()
    response = _client(actors.officer).get(
        reverse("criteria:person-evaluation", kwargs={"pk": person.pk}),
        {"purpose": "confidential_post", "date": "01/07/2025", "audience": "subject"},
    )
    body = response.content.decode()
    assert 'data-testid="explanation-subject"' in body
    assert 'data-testid="withheld-notice"' in body
    assert "1 chứng cứ được bảo vệ đã được lược khỏi bản này" in body
    for secret in (
        "77-KL/TU",
        f"#{issue.pk}",
        f"issue-{issue.pk}",
        "Trả lời xác minh",
        "04/05/2020",
    ):
        assert secret not in body
    assert "Cần cấp có thẩm quyền cao hơn đồng ý" in body  # the outcome itself is not withheld


def test_clerk_sees_the_outcome_but_not_the_issues(actors: Actors, tree: Tree) -> None:
    _published(actors)
    person = _person_with_protected_issue(tree, actors)
    response = _client(actors.clerk).get(
        reverse("criteria:person-evaluation", kwargs={"pk": person.pk}),
        {"purpose": "confidential_post"},
    )
    body = response.content.decode()
    assert "77-KL/TU" not in body
    assert "vai trò hoặc cấp độ mật của bạn không cho phép xem" in body


def test_evaluation_outside_jurisdiction_is_404_and_writes_nothing(
    actors: Actors, tree: Tree
) -> None:
    _published(actors)
    person = _person_with_protected_issue(tree, actors)
    events = AuditEvent.objects.count()
    response = _client(actors.outsider).post(
        reverse("criteria:person-evaluation", kwargs={"pk": person.pk}),
        {"purpose": "confidential_post"},
    )
    assert response.status_code == 404
    assert (Evaluation.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_no_version_in_force_is_said(actors: Actors, tree: Tree) -> None:
    person = make_person(org_unit=tree.commune_a1)
    response = _client(actors.officer).get(
        reverse("criteria:person-evaluation", kwargs={"pk": person.pk}), {"purpose": "key_post"}
    )
    assert 'data-testid="no-version"' in response.content.decode()


def test_demo_rulesets_load_once(actors: Actors) -> None:
    from bvct.accounts.models import RoleCode  # noqa: PLC0415
    from bvct.accounts.tests.factories import make_user  # noqa: PLC0415

    make_user(org_unit=actors.admin.org_unit, roles=(RoleCode.ADMIN,), username="admin")
    make_user(org_unit=actors.approver.org_unit, roles=(RoleCode.APPROVER,), username="hn.approver")
    assert load_demo_rulesets() == 3
    assert load_demo_rulesets() == 0
    assert set(RuleSetVersion.objects.values_list("status", flat=True)) == {"published"}


def test_rescreen_command_counts_outcomes(
    actors: Actors, tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    _published(actors)
    _person_with_protected_issue(tree, actors)
    make_person(org_unit=tree.commune_b1)
    call_command(
        "criteria",
        "rescreen",
        "--purpose",
        "confidential_post",
        "--date",
        "2025-07-01",
        "--node",
        "T-A",
        "--store",
    )
    out = capsys.readouterr().out
    assert "needs_approval: 1\n" in out
    assert "stored: 1\n" in out
    assert Evaluation.objects.count() == 1


def test_rescreen_queries_do_not_grow_with_people(
    actors: Actors, tree: Tree, django_assert_num_queries: object
) -> None:
    from bvct.criteria.rescreen import rescreen_run  # noqa: PLC0415

    _published(actors)
    for _ in range(30):
        _person_with_protected_issue(tree, actors)
    # version + its rules (2), then per batch of 10: people, issues, declarations (3 x 3), and the
    # empty batch that ends the stream (1): 12 whatever the number of people
    with django_assert_num_queries(12):  # type: ignore[operator]
        result = rescreen_run(purpose="confidential_post", as_of=D(2025, 7, 1), batch_size=10)
    assert result.counts == {"needs_approval": 30}


def test_import_and_export_commands(
    actors: Actors, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "criteria",
        "import",
        str(RULESETS_DIR / "vi-du-vi-tri-co-mat.yaml"),
        "--as",
        actors.admin.username,
    )
    call_command("criteria", "export", "vi-du-vi-tri-co-mat")
    out = capsys.readouterr().out
    assert "vi-du-vi-tri-co-mat v1: draft imported" in out
    assert "# vi-du-vi-tri-co-mat v1 (Bản nháp)\nruleset: vi-du-vi-tri-co-mat\n" in out

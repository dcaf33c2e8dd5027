"""Import, publish (impact digest, approver, supersede, overlaps), version selection, evaluation."""

from __future__ import annotations

import datetime

import pytest

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.criteria import selectors, services
from bvct.criteria.demo import RULESETS_DIR
from bvct.criteria.models import Evaluation, RuleSetVersion
from bvct.criteria.tests.conftest import Actors
from bvct.criteria.tests.factories import make_version, rule
from bvct.people.tests.factories import make_issue, make_person
from conftest import Tree

D = datetime.date
Status = RuleSetVersion.Status
EXAMPLE = (RULESETS_DIR / "vi-du-ket-nap-dang.yaml").read_text("utf-8")


def _publish(version: RuleSetVersion, actor: User, day: D) -> RuleSetVersion:
    digest = selectors.impact_digest(version, day)
    return services.version_publish(
        actor=actor, version=version, effective_from=day, impact_digest=digest
    )


def test_import_creates_a_draft_and_one_audit_event(actors: Actors) -> None:
    version = services.ruleset_import(actor=actors.admin, text=EXAMPLE)
    assert (version.status, version.number, version.is_example) == ("draft", 1, True)
    assert [r.code for r in version.rules.all()] == [
        "TRUNG-THUC",
        "CHUA-KET-LUAN",
        "DANG-THAM-TRA",
        "LY-LICH",
    ]
    assert list(version.citations.values_list("number", "confidence")) == [
        ("58-QĐ/TW", "unconfirmed"),
        ("01-HD/BTCTW", "unconfirmed"),
    ]
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["criteria.version.import"]


def test_import_refused_to_non_admin_changes_nothing(actors: Actors) -> None:
    with pytest.raises(AccessDenied):
        services.ruleset_import(actor=actors.approver, text=EXAMPLE)
    assert RuleSetVersion.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_publish_requires_the_previewed_digest(actors: Actors) -> None:
    version = services.ruleset_import(actor=actors.admin, text=EXAMPLE)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as raised:
        services.version_publish(
            actor=actors.approver, version=version, effective_from=D(2026, 1, 1), impact_digest="x"
        )
    assert raised.value.field == "impact_digest"
    version.refresh_from_db()
    assert (version.status, AuditEvent.objects.count()) == ("draft", events)


def test_publish_refused_to_author_and_non_approver(actors: Actors, tree: Tree) -> None:
    from bvct.accounts.models import RoleCode  # noqa: PLC0415
    from bvct.accounts.tests.factories import make_user  # noqa: PLC0415

    both = make_user(org_unit=tree.root, roles=(RoleCode.ADMIN, RoleCode.APPROVER))
    version = services.ruleset_import(actor=both, text=EXAMPLE)
    events = AuditEvent.objects.count()
    for actor in (both, actors.officer):
        with pytest.raises(AccessDenied):
            _publish(version, actor, D(2026, 1, 1))
    version.refresh_from_db()
    assert (version.status, version.approver_id, AuditEvent.objects.count()) == (
        "draft",
        None,
        events,
    )


def test_publish_with_future_date_supersedes_the_previous_version(actors: Actors) -> None:
    # given version 1 published from 2022-02-08
    first = _publish(
        services.ruleset_import(actor=actors.admin, text=EXAMPLE), actors.approver, D(2022, 2, 8)
    )
    second = services.ruleset_import(actor=actors.admin, text=EXAMPLE)
    # when version 2 is published from 2030-01-01
    _publish(second, actors.approver, D(2030, 1, 1))
    # then version 1 ends the day before and is retired; version 2 is published
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.effective_to) == ("retired", D(2029, 12, 31))
    assert (second.status, second.effective_from, second.approver_id) == (
        "published",
        D(2030, 1, 1),
        actors.approver.pk,
    )
    # and selection picks by date, both ends inclusive
    assert selectors.version_in_force("admission", D(2022, 2, 7)) is None
    assert selectors.version_in_force("admission", D(2022, 2, 8)) == first
    assert selectors.version_in_force("admission", D(2029, 12, 31)) == first
    assert selectors.version_in_force("admission", D(2030, 1, 1)) == second
    assert selectors.version_in_force("key_post", D(2030, 1, 1)) is None


def test_selection_respects_an_explicit_end_date(actors: Actors) -> None:
    version = make_version(
        author=actors.admin,
        effective_from=D(2024, 1, 1),
        effective_to=D(2024, 12, 31),
        status=Status.PUBLISHED,
    )
    assert selectors.version_in_force("admission", D(2024, 12, 31)) == version
    assert selectors.version_in_force("admission", D(2025, 1, 1)) is None
    make_version(
        author=actors.admin, code="nhap", effective_from=D(2020, 1, 1)
    )  # drafts never count
    assert selectors.version_in_force("admission", D(2021, 1, 1)) is None


def test_publish_refuses_a_date_not_after_the_current_version(actors: Actors) -> None:
    _publish(
        services.ruleset_import(actor=actors.admin, text=EXAMPLE), actors.approver, D(2022, 2, 8)
    )
    second = services.ruleset_import(actor=actors.admin, text=EXAMPLE)
    with pytest.raises(DomainError, match="08/02/2022") as raised:
        _publish(second, actors.approver, D(2022, 2, 8))
    assert raised.value.field == "effective_from"


def test_publish_refuses_overlap_with_another_rule_set_for_the_same_purpose(actors: Actors) -> None:
    make_version(
        author=actors.admin, code="khac", effective_from=D(2020, 1, 1), status=Status.PUBLISHED
    )
    version = services.ruleset_import(actor=actors.admin, text=EXAMPLE)
    with pytest.raises(DomainError, match="khac"):
        _publish(version, actors.approver, D(2030, 1, 1))
    version.refresh_from_db()
    assert version.status == "draft"


def test_evaluation_is_stored_with_its_version_and_trace(actors: Actors, tree: Tree) -> None:
    # given a published version and a person with an unresolved issue
    version = _publish(
        services.ruleset_import(actor=actors.admin, text=EXAMPLE), actors.approver, D(2022, 2, 8)
    )
    person = make_person(org_unit=tree.commune_a1)
    make_issue(person=person, created_by=actors.officer, status="under_verification")
    # when
    evaluation = services.evaluation_create(
        actor=actors.officer, person=person, purpose="admission", as_of=D(2025, 1, 1)
    )
    # then
    assert (evaluation.version_id, evaluation.outcome) == (version.pk, "needs_verification")
    assert evaluation.trace["version"]["id"] == version.pk
    assert [r["result"] for r in evaluation.trace["rules"]] == [
        "meets",
        "needs_verification",
        "meets",
        "needs_verification",
    ]
    assert AuditEvent.objects.filter(action="criteria.evaluation.create").count() == 1


def test_evaluation_refused_outside_jurisdiction_changes_nothing(
    actors: Actors, tree: Tree
) -> None:
    _publish(
        services.ruleset_import(actor=actors.admin, text=EXAMPLE), actors.approver, D(2022, 2, 8)
    )
    person = make_person(org_unit=tree.commune_a1)
    events = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):
        services.evaluation_create(
            actor=actors.outsider, person=person, purpose="admission", as_of=D(2025, 1, 1)
        )
    assert (Evaluation.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_evaluation_without_a_version_in_force_is_refused(actors: Actors, tree: Tree) -> None:
    person = make_person(org_unit=tree.commune_a1)
    with pytest.raises(DomainError) as raised:
        services.evaluation_create(
            actor=actors.officer, person=person, purpose="admission", as_of=D(2025, 1, 1)
        )
    assert raised.value.field == "as_of"
    assert Evaluation.objects.count() == 0


def test_diff_lists_added_removed_and_changed_rules(actors: Actors) -> None:
    old = make_version(
        author=actors.admin,
        rules=[
            rule("A", "declaration_missing", "needs_verification"),
            rule("B", "verification_open", "needs_verification"),
        ],
    )
    new = make_version(
        author=actors.admin,
        rules=[
            rule("A", "declaration_missing", "does_not_meet"),
            rule("C", "verification_open", "needs_verification"),
        ],
        combining="first_match",
    )
    diff = selectors.version_diff(old, new)
    assert [c.field for c in diff.header] == ["combining"]
    assert [r["code"] for r in diff.added] == ["C"]
    assert [r["code"] for r in diff.removed] == ["B"]
    assert [
        (code, [(c.field, c.old, c.new) for c in changes]) for code, changes in diff.changed
    ] == [("A", [("outcome", "needs_verification", "does_not_meet")])]

"""Inspections: plan within the subtree, the team conflict refusal, outline → self-report →
comments → revision history, the score formula, the result notice, remediation clocks and closing,
and who sees an inspection."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document

from bvct.access import policy
from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.core.errors import AccessDenied, DomainError
from bvct.inspections import scoring, services
from bvct.inspections.models import (
    Inspection,
    InspectionPlan,
    RemediationItem,
    ReportVersion,
)
from bvct.inspections.tests.conftest import Side, decided, outline_template
from bvct.people.tests.factories import make_person
from bvct.workdays.calendar import add_working_days
from conftest import Tree

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
PDF = b"%PDF-1.4 evidence"


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=HANOI))


def test_plan_units_must_be_under_the_node(side: Side, tree: Tree) -> None:
    plan = services.plan_create(actor=side.officer, year=2026, title="KH", topics="Nội dung")
    for unit in (tree.prov_a, tree.commune_b1, tree.root):
        with pytest.raises(DomainError) as raised:
            services.plan_add_unit(
                actor=side.officer,
                plan=plan,
                unit=unit,
                starts_on=D(2026, 3, 1),
                ends_on=D(2026, 3, 5),
            )
        assert raised.value.field == "unit"
    services.plan_add_unit(
        actor=side.officer,
        plan=plan,
        unit=tree.grassroots_a1,
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 3, 5),
    )
    with pytest.raises(AccessDenied):
        services.plan_approve(actor=side.officer, plan=plan)
    assert (
        services.plan_approve(actor=side.approver, plan=plan).status
        == InspectionPlan.Status.APPROVED
    )


def test_a_member_may_not_inspect_their_own_unit(side: Side, tree: Tree) -> None:
    plan = services.plan_create(actor=side.officer, year=2026, title="KH", topics="Nội dung")
    inspection = services.plan_add_unit(
        actor=side.officer,
        plan=plan,
        unit=tree.commune_a1,
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 3, 5),
    )
    services.plan_approve(actor=side.approver, plan=plan)
    with pytest.raises(DomainError, match="Người trong đơn vị"):
        services.decision_issue(
            actor=side.approver,
            inspection=inspection,
            team=[(side.head, "head"), (side.local_inspector, "member")],
        )
    with pytest.raises(DomainError, match=str(side.officer)):
        services.decision_issue(
            actor=side.approver, inspection=inspection, team=[(side.officer, "head")]
        )
    # an inspector of another province may not join a team of province A
    elsewhere = make_user(
        org_unit=tree.prov_b, roles=(RoleCode.INSPECTOR,), full_name="Người tỉnh B"
    )
    with pytest.raises(DomainError, match="Người tỉnh B"):
        services.decision_issue(
            actor=side.approver, inspection=inspection, team=[(elsewhere, "head")]
        )
    inspection.refresh_from_db()
    assert (inspection.status, inspection.team.count()) == (Inspection.Status.PLANNED, 0)
    decided = services.decision_issue(
        actor=side.approver, inspection=inspection, team=[(side.head, "head")]
    )
    assert decided.decision_reference.startswith("Số 01-QĐ/")
    document = decided.documents.get(kind="decision")
    text = "\n".join(
        p.text
        for p in Document(
            io.BytesIO(services.read_document(document=document, actor=side.approver))
        ).paragraphs
    )
    assert "Trưởng đoàn" in text


def test_outline_self_report_comments_and_revision_history(side: Side, tree: Tree) -> None:
    inspection = decided(side, tree)
    services.outline_send(
        actor=side.head, inspection=inspection, template=outline_template(side, tree)
    )
    first, second = list(inspection.sections.all())
    with pytest.raises(AccessDenied):
        services.report_save(actor=side.head, inspection=inspection, answers={first.pk: "x"})
    services.report_save(
        actor=side.contact, inspection=inspection, answers={first.pk: "Đã quán triệt."}
    )
    with pytest.raises(DomainError, match="Kết quả thực hiện"):
        services.report_submit(actor=side.contact, inspection=inspection)
    services.report_save(actor=side.contact, inspection=inspection, answers={second.pk: "Đạt."})
    v1 = services.report_submit(actor=side.contact, inspection=inspection)
    # the team comments; the unit revises into version 2, version 1 stays as it was
    services.comment_add(actor=side.member, version=v1, section=second, text="Cần số liệu cụ thể.")
    with pytest.raises(AccessDenied):
        services.comment_add(actor=side.contact, version=v1, section=second, text="x")
    services.report_save(
        actor=side.contact,
        inspection=inspection,
        answers={second.pk: "Đạt.\nĐã thẩm tra 12 hồ sơ."},
    )
    v2 = services.report_submit(actor=side.contact, inspection=inspection)
    assert [v.number for v in inspection.versions.all()] == [1, 2]
    assert v1.answers.get(section=second).text == "Đạt."
    diff = {d.section.title: d.lines for d in services.report_diff(v1, v2)}
    assert diff["Lãnh đạo, chỉ đạo"] == []
    assert "+Đã thẩm tra 12 hồ sơ." in diff["Kết quả thực hiện"]


@pytest.mark.parametrize(
    ("findings", "score", "rating", "capped"),
    [
        ([], 100, "excellent", False),
        ([("good", "isolated")], 100, "excellent", False),
        ([("shortcoming", "isolated")] * 2, 90, "excellent", False),
        ([("shortcoming", "isolated")] * 3, 85, "good", False),
        ([("shortcoming", "systemic")] * 2, 80, "good", False),
        ([("violation", "isolated")] * 2, 70, "fair", False),
        ([("violation", "isolated")] * 4, 40, "weak", False),
        ([("violation", "isolated")] * 5, 25, "poor", False),
        # one systemic violation: 70 points would be "fair", capped at "weak"
        ([("violation", "systemic")], 70, "weak", True),
        ([("violation", "systemic")] * 4, 0, "poor", False),
    ],
)
def test_score_formula_table(
    findings: list[tuple[str, str]], score: int, rating: str, *, capped: bool
) -> None:
    result = scoring.compute(findings, scoring.Params())
    assert (result.score, result.rating, result.capped) == (score, rating, capped)


def test_notice_remediation_clocks_and_closing(side: Side, tree: Tree) -> None:
    with at(D(2026, 12, 3)):
        inspection = decided(side, tree)
        services.outline_send(
            actor=side.head, inspection=inspection, template=outline_template(side, tree)
        )
        answers = {s.pk: "Nội dung" for s in inspection.sections.all()}
        services.report_save(actor=side.contact, inspection=inspection, answers=answers)
        services.report_submit(actor=side.contact, inspection=inspection)
        person = make_person(org_unit=tree.grassroots_a1)
        finding = services.finding_add(
            actor=side.member,
            inspection=inspection,
            grade="violation",
            extent="systemic",
            text="Không lưu hồ sơ thẩm tra.",
            evidence=("bien-ban.pdf", PDF),
            person=person,
        )
        # the unit does not see draft findings before the notice
        assert not policy.sees_internal_findings(side.contact, inspection)
        with pytest.raises(AccessDenied):
            services.notice_issue(actor=side.officer, inspection=inspection, text="Kết luận")
        notice = services.notice_issue(actor=side.approver, inspection=inspection, text="Kết luận.")
        assert (notice.score, notice.rating) == (70, "weak")
        assert notice.reference.startswith("Số 01-TB/")
        inspection.refresh_from_db()
        assert policy.sees_internal_findings(side.contact, inspection)
        item = services.remediation_add(
            actor=side.head,
            inspection=inspection,
            text="Lập sổ lưu hồ sơ.",
            owner=side.contact,
            working_days=10,
            finding=finding,
        )
        waived = services.remediation_add(
            actor=side.head,
            inspection=inspection,
            text="Tập huấn lại.",
            owner=side.contact,
            working_days=5,
        )
    assert item.due_on == add_working_days(D(2026, 12, 3), 10)
    assert list(services.overdue_items(item.due_on)) == [waived]
    assert set(services.overdue_items(item.due_on + dt.timedelta(days=1))) == {item, waived}
    with pytest.raises(DomainError, match="2"):
        services.inspection_close(actor=side.officer, inspection=inspection)
    services.remediation_done(actor=side.contact, item=item, evidence=("so.pdf", PDF))
    with pytest.raises(AccessDenied):
        services.remediation_waive(actor=side.contact, item=waived, reason="x")
    services.remediation_waive(actor=side.approver, item=waived, reason="Đã tập huấn ở cấp trên.")
    closed = services.inspection_close(actor=side.officer, inspection=inspection)
    assert closed.status == Inspection.Status.CLOSED
    assert RemediationItem.objects.filter(status="open").count() == 0


def test_who_sees_an_inspection(side: Side, tree: Tree) -> None:
    inspection = decided(side, tree)
    plan2 = services.plan_create(actor=side.officer, year=2026, title="KH 2", topics="Nội dung")
    other = services.plan_add_unit(
        actor=side.officer,
        plan=plan2,
        unit=tree.commune_a2,
        starts_on=D(2026, 12, 1),
        ends_on=D(2026, 12, 2),
    )
    for user in (side.officer, side.approver, side.head, side.member, side.contact):
        assert inspection in policy.inspections_visible_to(user), user
    for user in (side.superior, side.sibling, side.local_inspector):
        assert inspection not in policy.inspections_visible_to(user), user
    # the unit's contact sees its own inspection only
    assert other not in policy.inspections_visible_to(side.contact)
    assert list(policy.inspections_visible_to(side.head)) == [inspection]


def test_a_finding_opens_a_case_for_the_named_person(side: Side, tree: Tree) -> None:
    inspection = decided(side, tree)
    services.outline_send(
        actor=side.head, inspection=inspection, template=outline_template(side, tree)
    )
    person = make_person(org_unit=tree.grassroots_a1)
    finding = services.finding_add(
        actor=side.member,
        inspection=inspection,
        grade="shortcoming",
        extent="isolated",
        text="Lý lịch khai chưa đầy đủ.",
        person=person,
    )
    keeper = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,))
    case = services.finding_open_case(
        actor=keeper, finding=finding, case_type="history", subject_matter="Làm rõ lý lịch"
    )
    finding.refresh_from_db()
    assert finding.case == case
    with pytest.raises(DomainError):
        services.finding_open_case(
            actor=keeper, finding=finding, case_type="history", subject_matter="x"
        )


def test_version_numbers_are_kept(side: Side, tree: Tree) -> None:
    inspection = decided(side, tree)
    services.outline_send(
        actor=side.head, inspection=inspection, template=outline_template(side, tree)
    )
    answers = {s.pk: "A" for s in inspection.sections.all()}
    services.report_save(actor=side.contact, inspection=inspection, answers=answers)
    assert ReportVersion.objects.filter(inspection=inspection, status="draft").count() == 1


def test_the_formula_in_force_is_data() -> None:
    from bvct.inspections.models import ScoreFormula  # noqa: PLC0415

    ScoreFormula.objects.update_or_create(
        valid_from=D(2027, 1, 1), defaults={"violation_penalty": 30, "legal_basis": "Ví dụ"}
    )
    before, after = scoring.params_on(D(2026, 12, 31)), scoring.params_on(D(2027, 1, 1))
    assert before.violation_penalty == 15
    assert after.violation_penalty == 30
    assert scoring.compute([("violation", "isolated")], after).score == 70

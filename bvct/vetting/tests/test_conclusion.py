"""A decision writes its conclusion: outcome, facts, the criteria version in force on the day
(pinned), its number, the party-format DOCX and a notice; reopening on new facts."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from docx import Document
from docx.shared import Mm, Pt

from bvct.audit.models import AuditEvent
from bvct.core.errors import DomainError
from bvct.criteria.models import RuleSetVersion
from bvct.criteria.tests.factories import make_version, rule
from bvct.vetting import conclusions, services, storage, workflow
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.models import (
    Case,
    CaseConclusion,
    CaseNotice,
    CaseType,
    ChecklistMark,
    Purpose,
    Status,
)
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.vetting.tests.helpers import nothing_changes
from conftest import Tree

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=HANOI))


def _resolved_admission(actors: Actors) -> Case:
    case = make_case(person=actors.subject, status=Status.RESOLVED)
    for item in workflow.spec_for(CaseType.ADMISSION).checklist:
        ChecklistMark.objects.create(
            case=case, code=item.code, marked_by=actors.clerk, marked_at=timezone.now()
        )
    return case


def _docx_text(conclusion: CaseConclusion) -> tuple[Any, str]:
    assert conclusion.document is not None
    document = Document(io.BytesIO(storage.read_file(conclusion.document)))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for cell in table.rows[0].cells]
    return document, "\n".join(parts)


def _two_versions(actors: Actors) -> tuple[RuleSetVersion, RuleSetVersion]:
    v1 = make_version(
        author=actors.approver,
        code="ket-nap-thu",
        effective_from=D(2022, 1, 1),
        effective_to=D(2026, 12, 31),
        status=RuleSetVersion.Status.PUBLISHED,
        rules=[rule("KHAI-LY-LICH", "declaration_missing", "needs_verification")],
    )
    v2 = make_version(
        author=actors.approver,
        code="ket-nap-thu",
        effective_from=D(2027, 1, 1),
        status=RuleSetVersion.Status.PUBLISHED,
        rules=[rule("LY-LICH-MOI", "declaration_missing", "does_not_meet")],
    )
    return v1, v2


def test_conclusions_before_and_after_a_new_version_use_the_version_in_force(
    tree: Tree, actors: Actors
) -> None:
    # given v1 in force until 31/12/2026 and v2 published for 01/01/2027 (a future date)
    with at(D(2026, 12, 3)):
        v1, v2 = _two_versions(actors)
        # when one admission is decided before that date
        before = _resolved_admission(actors)
        services.case_approve(
            case=before, actor=actors.approver, conclusion=ConclusionInput("", "Đủ điều kiện.")
        )
        services.case_transition(case=before, to=Status.CEREMONY_HELD, actor=actors.clerk)
    with at(D(2027, 1, 5)):
        # and one after it
        after = _resolved_admission(actors)
        services.case_refuse(case=after, actor=actors.approver, reason="Chưa khai lý lịch.")
    first = CaseConclusion.objects.get(case=before)
    second = CaseConclusion.objects.get(case=after)
    # then each evaluation is pinned to the version in force on its day, with its trace
    assert first.evaluation is not None
    assert second.evaluation is not None
    assert (first.evaluation.version, first.evaluation.as_of) == (v1, D(2026, 12, 3))
    assert (second.evaluation.version, second.evaluation.as_of) == (v2, D(2027, 1, 5))
    assert [r["code"] for r in first.evaluation.trace["rules"]] == ["KHAI-LY-LICH"]
    assert [r["code"] for r in second.evaluation.trace["rules"]] == ["LY-LICH-MOI"]
    # numbered per type and term: QĐ (admission decisions) 01 and 02 of the commune
    assert (first.reference, second.reference) == ("Số 01-QĐ/ĐU", "Số 02-QĐ/ĐU")
    assert (first.outcome, second.outcome) == ("admit", "refuse")
    # and each DOCX names its own version and rules
    _doc, text1 = _docx_text(first)
    _doc, text2 = _docx_text(second)
    assert "“ket-nap-thu” phiên bản 1" in text1
    assert "KHAI-LY-LICH" in text1
    assert "phiên bản 2" not in text1
    assert "“ket-nap-thu” phiên bản 2" in text2
    assert "LY-LICH-MOI" in text2
    assert "hiệu lực từ ngày 01/01/2027" in text2


def test_conclusion_docx_has_the_party_format(tree: Tree, actors: Actors) -> None:
    # given an appraisal told to the subject, concluded with facts on 03/12/2026
    actors.approver.full_name = "Nguyễn Văn Ký"
    actors.approver.save()
    with at(D(2026, 12, 3)):
        case = make_case(
            person=actors.subject,
            case_type=CaseType.APPRAISAL,
            purpose=Purpose.PLANNING_TRAINING,
            status=Status.REVIEW,
            subject_matter="Thẩm định tiêu chuẩn chính trị để quy hoạch",
        )
        CaseNotice.objects.create(
            case=case,
            kind=CaseNotice.Kind.OPENING,
            body="Nội dung",
            issued_on=D(2026, 11, 1),
            issued_by=actors.officer,
        )
        services.case_approve(
            case=case,
            actor=actors.approver,
            conclusion=ConclusionInput("meets", "Lý lịch rõ ràng.\nKhông có vấn đề tồn đọng."),
        )
    conclusion = CaseConclusion.objects.get(case=case)
    document, text = _docx_text(conclusion)
    # then A4, margins 25/25/35/15 mm, Times New Roman
    section = document.sections[0]
    measured = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    wanted = (210, 297, 25, 25, 35, 15)
    assert all(abs(got - Mm(mm)) < Mm(0.1) for got, mm in zip(measured, wanted, strict=True))
    runs = [run for p in document.paragraphs for run in p.runs if run.text.strip()]
    assert {run.font.name for run in runs} == {"Times New Roman"}
    # the header table: superior (regular) and issuer (bold), "*", number; title underlined
    left, right = document.tables[0].rows[0].cells
    assert left.paragraphs[0].runs[0].text == tree.prov_a.name.upper()
    assert not left.paragraphs[0].runs[0].bold
    assert left.paragraphs[1].runs[0].text == tree.commune_a1.name.upper()
    assert left.paragraphs[1].runs[0].bold
    assert [p.text for p in left.paragraphs[2:4]] == ["*", "Số 01-KL/ĐU"]
    title = right.paragraphs[0].runs[0]
    assert (title.text, title.bold, title.underline, title.font.size) == (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        True,
        True,
        Pt(15),
    )
    date_run = right.paragraphs[2].runs[0]
    assert date_run.italic
    assert date_run.text.endswith(", ngày 03 tháng 12 năm 2026")
    # the type, summary and five hyphens; the body; the signature; NFC everywhere
    kind = next(p for p in document.paragraphs if p.text == "KẾT LUẬN")
    assert (kind.runs[0].bold, kind.runs[0].font.size) == (True, Pt(16))
    assert "-----" in [p.text for p in document.paragraphs]
    assert f"Họ và tên: {actors.subject.full_name}" in text
    assert "Lý lịch rõ ràng." in text
    assert "Không có vấn đề tồn đọng." in text
    assert "Thẩm định tiêu chuẩn chính trị để quy hoạch" in text
    assert "Không nhận được giải trình." in text
    assert "Không có bộ tiêu chí nào có hiệu lực" in text  # no rule set for planning
    assert "Đủ tiêu chuẩn chính trị." in text
    sign = document.tables[1].rows[0].cells
    assert "Nơi nhận:" in sign[0].text
    assert "T/M BAN THƯỜNG VỤ" in sign[1].text
    assert "Nguyễn Văn Ký" in sign[1].text
    assert text == unicodedata.normalize("NFC", text)
    # the subject is told, and one audit event carries the conclusion
    notice = CaseNotice.objects.get(case=case, kind=CaseNotice.Kind.CONCLUSION)
    assert "Số 01-KL/ĐU" in notice.body
    event = AuditEvent.objects.get(action="vetting.case.transition")
    assert event.data["conclusion"]["id"] == conclusion.pk
    assert conclusion.document is not None
    assert conclusion.document.visible_to_subject


def test_decision_without_outcome_or_facts_is_refused(tree: Tree, actors: Actors) -> None:
    case = _resolved_admission(actors)
    with nothing_changes(), pytest.raises(DomainError, match=r"Conclusion|Kết luận"):
        services.case_approve(case=case, actor=actors.approver)
    with nothing_changes(), pytest.raises(DomainError, match=r"Facts|Sự việc"):
        services.case_approve(case=case, actor=actors.approver, conclusion=ConclusionInput("", " "))
    with nothing_changes(), pytest.raises(DomainError, match=r"Outcome|Kết quả"):
        services.case_approve(
            case=case, actor=actors.approver, conclusion=ConclusionInput("meets", "x")
        )


def test_reopen_on_new_facts_retires_the_conclusion_and_starts_a_clock(
    tree: Tree, actors: Actors
) -> None:
    case = _resolved_admission(actors)
    services.case_refuse(case=case, actor=actors.approver, reason="Chưa đủ điều kiện.")
    case.refresh_from_db()
    assert case.closed_at is not None
    # reopening needs a reason
    with pytest.raises(DomainError, match="Lý do"):
        services.case_transition(case=case, to=Status.VERIFYING, actor=actors.approver)
    moved = services.case_transition(
        case=case, to=Status.VERIFYING, actor=actors.approver, reason="Có tình tiết mới."
    )
    assert moved.closed_at is None
    assert moved.current_step is not None
    assert moved.current_step.status == Status.VERIFYING
    assert not CaseConclusion.objects.get(case=case).is_current
    assert conclusions.current_conclusion(moved) is None


def test_reopen_refused_while_another_case_is_open(tree: Tree, actors: Actors) -> None:
    case = _resolved_admission(actors)
    services.case_refuse(case=case, actor=actors.approver, reason="Chưa đủ điều kiện.")
    make_case(person=actors.subject)  # a new admission case, open
    with pytest.raises(DomainError, match=r"Reopen|Mở lại"):
        services.case_transition(
            case=case, to=Status.VERIFYING, actor=actors.approver, reason="Tình tiết mới."
        )
    case.refresh_from_db()
    assert case.status == Status.REFUSED
    assert CaseConclusion.objects.get(case=case).is_current

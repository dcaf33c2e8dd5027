"""Due process: notice and explanation window (working days across Tết), the decision guard,
appeals within their window, the conflict-free panel, and reopening by an overturned appeal."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from docx import Document

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.vetting import dueprocess, services, storage
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.models import (
    Appeal,
    AppealReviewer,
    Case,
    CaseConclusion,
    CaseDocument,
    CaseNotice,
    CaseType,
    Explanation,
    Purpose,
    Status,
    TeamMember,
    WorkingSession,
)
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.workdays.calendar import add_working_days
from conftest import Tree

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
ANY_LANG = {
    "explain_open": r"may still explain|còn hạn",
    "explain_late": r"ended on|hết hạn|đã hết",
    "notice_first": r"opening notice|thông báo",
}


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=HANOI))


def _appraisal(actors: Actors, **fields: object) -> Case:
    return make_case(
        person=actors.subject,
        case_type=CaseType.APPRAISAL,
        purpose=Purpose.PLANNING_TRAINING,
        status=Status.REVIEW,
        subject_matter="Thẩm định tiêu chuẩn chính trị",
        **fields,  # type: ignore[arg-type]
    )


def _conclude(case: Case, actors: Actors) -> CaseConclusion:
    services.case_approve(
        case=case, actor=actors.approver, conclusion=ConclusionInput("does_not_meet", "Sự việc.")
    )
    return CaseConclusion.objects.get(case=case, is_current=True)


def test_notice_opens_a_window_of_working_days_across_tet(tree: Tree, actors: Actors) -> None:
    # given an appraisal under review; a notice on Friday 13/02/2026, just before Tết
    with at(D(2026, 2, 13)):
        case = _appraisal(actors)
        notice = dueprocess.notice_issue(case=case, actor=actors.officer)
    # then the 10-working-day window skips the Tết break
    due = add_working_days(D(2026, 2, 13), 10)
    assert notice.explanation_due_on == due
    assert due > D(2026, 2, 13) + dt.timedelta(days=14)
    assert notice.body == "Thẩm định tiêu chuẩn chính trị"
    event = AuditEvent.objects.get(action="vetting.notice.issue")
    assert event.data["explanation_due_on"] == due.isoformat()
    # and a numbered THÔNG BÁO letter is kept, visible to the subject
    letter = dueprocess.notice_document(notice)
    assert letter is not None
    assert letter.visible_to_subject
    assert letter.kind == CaseDocument.Kind.NOTICE
    text = "\n".join(p.text for p in Document(io.BytesIO(storage.read_file(letter))).paragraphs)
    assert "THÔNG BÁO" in text
    assert f"đến hết ngày {due:%d/%m/%Y}" in text
    # the decision is refused while the window is open without an explanation
    with at(due), pytest.raises(DomainError, match=ANY_LANG["explain_open"]) as info:
        _conclude(case, actors)
    assert due.strftime("%d/%m/%Y") in info.value.message
    # the subject explains on the last day; then the decision may be taken
    with at(due):
        explanation = dueprocess.explanation_submit(
            notice=notice, actor=actors.member, text="Tôi xin giải trình như sau."
        )
        conclusion = _conclude(case, actors)
    assert explanation.on_paper is False
    assert AuditEvent.objects.filter(action="vetting.explanation.submit").count() == 1
    docx_text = "\n".join(
        p.text
        for p in Document(io.BytesIO(storage.read_file(conclusion.document))).paragraphs  # type: ignore[arg-type]
    )
    assert "Tôi xin giải trình như sau." in docx_text


def test_late_explanation_refused_in_the_portal_but_entered_from_paper(
    tree: Tree, actors: Actors
) -> None:
    with at(D(2026, 2, 13)):
        case = _appraisal(actors)
        notice = dueprocess.notice_issue(case=case, actor=actors.officer, body="Các nội dung")
    late = notice.explanation_due_on + dt.timedelta(days=1)  # type: ignore[operator]
    with at(late):  # type: ignore[arg-type]
        with pytest.raises(DomainError, match=ANY_LANG["explain_late"]) as info:
            dueprocess.explanation_submit(notice=notice, actor=actors.member, text="Muộn")
        assert f"{notice.explanation_due_on:%d/%m/%Y}" in info.value.message
        # someone else may not explain for the subject in the portal
        with pytest.raises(AccessDenied):
            dueprocess.explanation_submit(notice=notice, actor=actors.clerk, text="x")
        paper = dueprocess.explanation_submit(
            notice=notice, actor=actors.clerk, text="Bản giấy", on_paper=True
        )
        assert paper.on_paper
        assert AuditEvent.objects.get(action="vetting.explanation.submit").data["late"] is True
        # one per notice
        with pytest.raises(DomainError):
            dueprocess.explanation_submit(
                notice=notice, actor=actors.clerk, text="Lần hai", on_paper=True
            )
    assert Explanation.objects.count() == 1


def test_appraisal_decision_needs_an_opening_notice(tree: Tree, actors: Actors) -> None:
    case = _appraisal(actors)
    with pytest.raises(DomainError, match=ANY_LANG["notice_first"]):
        _conclude(case, actors)


def test_admission_decision_needs_no_notice_but_waits_for_an_open_window(
    tree: Tree, actors: Actors
) -> None:
    case = make_case(person=actors.subject, status=Status.RESOLVED)
    services.case_refuse(case=case, actor=actors.approver, reason="Không đủ điều kiện.")
    assert CaseConclusion.objects.get(case=case).outcome == "refuse"


# --- appeals ------------------------------------------------------------------------------------


def _reviewers(tree: Tree, n: int) -> list[User]:
    return [
        make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,), clearance=3) for _ in range(n)
    ]


def _concluded_with_notice(actors: Actors, day: dt.date) -> tuple[Case, CaseConclusion]:
    with at(day):
        case = _appraisal(actors, opened_by=actors.clerk)
        CaseNotice.objects.create(
            case=case,
            kind=CaseNotice.Kind.OPENING,
            body="Nội dung",
            issued_on=day - dt.timedelta(days=60),
            issued_by=actors.officer,
        )
        return case, _conclude(case, actors)


def test_appeal_within_thirty_calendar_days_only(tree: Tree, actors: Actors) -> None:
    case, conclusion = _concluded_with_notice(actors, D(2026, 3, 2))
    with at(D(2026, 4, 2)), pytest.raises(DomainError) as info:
        dueprocess.appeal_lodge(case=case, actor=actors.member, grounds="Không đúng")
    assert "01/04/2026" in info.value.message
    with at(D(2026, 4, 1)):
        appeal = dueprocess.appeal_lodge(case=case, actor=actors.member, grounds="Không đúng")
    assert (appeal.conclusion, appeal.deadline, appeal.status) == (
        conclusion,
        D(2026, 4, 1),
        Appeal.Status.LODGED,
    )
    assert AuditEvent.objects.get(action="vetting.appeal.lodge").data["by_subject"] is True
    # an outsider may not lodge one; a second pending appeal is refused
    with at(D(2026, 4, 1)):
        with pytest.raises(AccessDenied):
            dueprocess.appeal_lodge(case=case, actor=actors.outsider, grounds="x")
        with pytest.raises(DomainError):
            dueprocess.appeal_lodge(case=case, actor=actors.clerk, grounds="giấy")


def test_conflicted_reviewers_are_refused_for_each_earlier_role(tree: Tree, actors: Actors) -> None:
    # given a concluded appraisal with people in every earlier role
    case, conclusion = _concluded_with_notice(actors, D(2026, 3, 2))
    a1 = tree.commune_a1
    now = timezone.now()
    roles: dict[str, User] = {}
    roles["opened"] = actors.clerk
    roles["signed"] = actors.approver  # also took the concluding step
    roles["notice"] = actors.officer
    roles["assignee"] = make_user(org_unit=a1, roles=(RoleCode.OFFICER,), clearance=3)
    closed_at = case.closed_at
    Case.objects.filter(pk=case.pk).update(closed_at=None)  # assigned while it was open
    services.case_assign(case=case, actor=actors.boss, assignee=roles["assignee"])  # audited
    # only the audit trail remembers the assignment
    Case.objects.filter(pk=case.pk).update(assignee=None, closed_at=closed_at)
    roles["team"] = make_user(org_unit=a1, roles=(RoleCode.OFFICER,), clearance=3)
    TeamMember.objects.create(case=case, user=roles["team"], added_by=actors.boss, added_at=now)
    roles["uploader"] = make_user(org_unit=a1, roles=(RoleCode.OFFICER,), clearance=3)
    storage.store_file(
        case=case,
        actor=roles["uploader"],
        kind="attachment",
        title="Biên bản",
        original_name="a.pdf",
        content_type="application/pdf",
        data=b"%PDF",
    )
    roles["session"] = make_user(org_unit=a1, roles=(RoleCode.OFFICER,), clearance=3)
    WorkingSession.objects.create(
        case=case,
        held_on=D(2026, 2, 1),
        place="Trụ sở",
        attendees="A",
        minutes="B",
        recorded_by=roles["session"],
        recorded_at=now,
    )
    roles["stepper"] = make_user(org_unit=a1, roles=(RoleCode.OFFICER,), clearance=3)
    case.transitions.filter(from_status="").update(actor=roles["stepper"])
    with at(D(2026, 3, 3)):
        appeal = dueprocess.appeal_lodge(case=case, actor=actors.member, grounds="Không đúng")
    chair_of_superior = _reviewers(tree, 1)[0]
    # when each of them is proposed, then refused with the role named; nothing recorded
    for role, user in roles.items():
        with pytest.raises(DomainError) as info:
            dueprocess.appeal_panel_add(appeal=appeal, actor=chair_of_superior, reviewer=user)
        assert info.value.code == "conflict", role
        assert str(user) in info.value.message
    assert AppealReviewer.objects.count() == 0
    assert dueprocess.conflicts_of(actors.member, case)  # the subject too
    assert conclusion.signed_by == actors.approver


def test_panel_recorded_and_overturned_appeal_reopens_with_a_new_clock(
    tree: Tree, actors: Actors
) -> None:
    case, conclusion = _concluded_with_notice(actors, D(2026, 3, 2))
    with at(D(2026, 3, 3)):
        appeal = dueprocess.appeal_lodge(case=case, actor=actors.member, grounds="Không đúng")
    chair, second, third = _reviewers(tree, 3)
    former = actors.approver  # the competent unit's approver signed: may form, not sit
    with at(D(2026, 3, 4)):
        # only approvers of the competent unit or above may form the panel
        with pytest.raises(AccessDenied):
            dueprocess.appeal_panel_add(appeal=appeal, actor=actors.outsider, reviewer=chair)
        dueprocess.appeal_panel_add(appeal=appeal, actor=former, reviewer=chair, is_chair=True)
        dueprocess.appeal_panel_add(appeal=appeal, actor=chair, reviewer=second)
        # a panel of two may not decide
        with pytest.raises(DomainError):
            dueprocess.appeal_decide(appeal=appeal, actor=chair, upheld=False, decision="x")
        dueprocess.appeal_panel_add(appeal=appeal, actor=chair, reviewer=third)
        # only the chair decides
        with pytest.raises(AccessDenied):
            dueprocess.appeal_decide(appeal=appeal, actor=second, upheld=False, decision="x")
        decided = dueprocess.appeal_decide(
            appeal=appeal, actor=chair, upheld=False, decision="Cần xác minh thêm."
        )
    assert [r.user for r in appeal.panel.all()] == [chair, second, third]
    assert AuditEvent.objects.filter(action="vetting.appeal.panel_add").count() == 3
    assert decided.status == Appeal.Status.OVERTURNED
    case.refresh_from_db()
    assert (case.status, case.closed_at) == (Status.VERIFYING, None)
    assert case.current_step is not None
    assert case.current_step.started_on == D(2026, 3, 4)
    conclusion.refresh_from_db()
    assert not conclusion.is_current
    transition = AuditEvent.objects.filter(action="vetting.case.transition").order_by("-seq")[0]
    assert transition.data["by_appeal"] is True
    assert transition.data["retired_conclusion"] == conclusion.pk
    assert AuditEvent.objects.get(action="vetting.appeal.decide").data["new"] == {
        "status": "overturned"
    }


def test_upheld_appeal_leaves_the_case_closed(tree: Tree, actors: Actors) -> None:
    case, conclusion = _concluded_with_notice(actors, D(2026, 3, 2))
    with at(D(2026, 3, 3)):
        appeal = dueprocess.appeal_lodge(case=case, actor=actors.clerk, grounds="Đơn giấy")
        chair, second, third = _reviewers(tree, 3)
        for n, user in enumerate((chair, second, third)):
            dueprocess.appeal_panel_add(
                appeal=appeal, actor=actors.approver, reviewer=user, is_chair=n == 0
            )
        dueprocess.appeal_decide(appeal=appeal, actor=chair, upheld=True, decision="Giữ nguyên.")
    case.refresh_from_db()
    conclusion.refresh_from_db()
    assert (case.status, conclusion.is_current) == (Status.CONCLUDED, True)
    assert AuditEvent.objects.get(action="vetting.appeal.lodge").data["by_subject"] is False

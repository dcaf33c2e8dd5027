"""Demo cases, so that a newcomer finds every stage of the case pages filled in.

- an admission verification for the applicant `ung.vien` (Lê Thị Ngọc Ánh), with the
  verification requests sent, three of five documents received and an opening notice she has
  not answered yet: log in as `ung.vien` to explain, as `hn.xa.clerk` to go on, and as
  `hn.xa.approver` to decide;
- a political-standard appraisal for a key post about the `member` account (Hoàng Văn Bình),
  concluded by `hn.approver` with its numbered DOCX, within its appeal window;
- a political-history conclusion just opened about Đỗ Văn Thắng, for `hn.officer`.

Everything goes through the services (audited, numbered, with clocks). Idempotent: a case type
already present for the person is left as it is.
"""

from __future__ import annotations

from bvct.accounts.models import User
from bvct.people.models import Person
from bvct.vetting import dueprocess, services
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.models import Case, CaseType, Purpose, Status

HK = "DEMO-HK-DLHG"


def _person(unit: str, name: str) -> Person:
    return Person.objects.get(org_unit__code=unit, full_name=name)


def _users(*usernames: str) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=usernames)}


def _admission(users: dict[str, User]) -> Case:
    clerk = users["hn.xa.clerk"]
    case = services.case_open(
        actor=clerk,
        person=_person(f"{HK}-LH", "Lê Thị Ngọc Ánh"),
        case_type=CaseType.ADMISSION,
        subject_matter="Thẩm tra lý lịch của quần chúng ưu tú đề nghị kết nạp vào Đảng.",
    )
    services.case_transition(case=case, to=Status.VERIFYING, actor=clerk)
    for code in ("ly_lich_2knd", "replies_20knd", "opinions_5knd"):
        services.case_checklist_mark(case=case, actor=clerk, code=code, received=True)
    dueprocess.notice_issue(
        case=case,
        actor=clerk,
        body="Chi bộ đang thẩm tra lý lịch của đồng chí; đồng chí có thể giải trình nếu có "
        "nội dung cần làm rõ.",
    )
    return case


def _appraisal(users: dict[str, User]) -> Case:
    officer, approver = users["hn.officer"], users["hn.approver"]
    case = services.case_open(
        actor=officer,
        person=_person(f"{HK}-LH", "Hoàng Văn Bình"),
        case_type=CaseType.APPRAISAL,
        purpose=Purpose.KEY_POST,
        subject_matter="Thẩm định tiêu chuẩn chính trị để bổ nhiệm Trưởng phòng Lữ hành.",
    )
    services.case_transition(case=case, to=Status.SCREENING, actor=officer)
    for code in ("request_letter", "cv_2c", "assessments"):
        services.case_checklist_mark(case=case, actor=officer, code=code, received=True)
    services.case_transition(case=case, to=Status.VERIFYING, actor=officer)
    services.case_transition(case=case, to=Status.REVIEW, actor=officer)
    notice = dueprocess.notice_issue(case=case, actor=officer)
    dueprocess.explanation_submit(
        notice=notice,
        actor=officer,
        text="Đồng chí đã làm việc trực tiếp và xác nhận các nội dung đã kê khai.",
        on_paper=True,
    )
    services.case_approve(
        case=case,
        actor=approver,
        conclusion=ConclusionInput(
            "meets",
            "Lý lịch tự khai đầy đủ, trung thực.\nKhông có vấn đề về chính trị.",
        ),
    )
    return case


def _history(users: dict[str, User]) -> Case:
    return services.case_open(
        actor=users["hn.officer"],
        person=_person(f"{HK}-VP", "Đỗ Văn Thắng"),
        case_type=CaseType.HISTORY,
        subject_matter="Kết luận về tiêu chuẩn chính trị trong thời gian công tác trước năm 1990.",
    )


DEMO_CASES = (
    (f"{HK}-LH", "Lê Thị Ngọc Ánh", CaseType.ADMISSION, _admission),
    (f"{HK}-LH", "Hoàng Văn Bình", CaseType.APPRAISAL, _appraisal),
    (f"{HK}-VP", "Đỗ Văn Thắng", CaseType.HISTORY, _history),
)


def load_demo_cases() -> int:
    """Create the demo cases that are missing; returns how many were created."""
    users = _users("hn.xa.clerk", "hn.officer", "hn.approver")
    created = 0
    for unit, name, case_type, build in DEMO_CASES:
        if Case.objects.filter(person=_person(unit, name), case_type=case_type).exists():
            continue
        build(users)
        created += 1
    return created

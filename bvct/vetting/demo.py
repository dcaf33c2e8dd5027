"""Demo cases, so that a newcomer finds every stage of the case pages filled in.

- an admission verification for the applicant `ung.vien` (Lê Thị Ngọc Ánh), with the
  verification requests sent, three of five documents received and an opening notice she has
  not answered yet: log in as `ung.vien` to explain, as `hn.xa.clerk` to go on, and as
  `hn.xa.approver` to decide;
- a political-standard appraisal for a key post about the `member` account (Hoàng Văn Bình),
  concluded by `hn.approver` with its numbered DOCX, within its appeal window;
- a political-history conclusion just opened about Đỗ Văn Thắng, for `hn.officer`;
- on the admission case, two verification letters by `hn.officer`: one to Phường Hải Châu (Đà
  Nẵng) about the applicant's father, waiting in `dn.officer`'s inbox; one to the Hà Nội police
  (a registered body) about the applicant, entered as sent on paper six weeks earlier, so that it
  is overdue and escalated by the same `bvct tick` job that runs daily.

Everything goes through the services (audited, numbered, with clocks). Idempotent: a case type
already present for the person is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bvct.accounts.models import User
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.verification import services as verification
from bvct.verification import tracking
from bvct.verification.defaults import seed_default_reply_limits
from bvct.verification.models import AddresseeKind, ExternalBody
from bvct.vetting import dueprocess, services
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.models import Case, CaseType, Purpose, Status

HK = "DEMO-HK-DLHG"
HAI_CHAU = "X20242"  # Phường Hải Châu, Đà Nẵng
POLICE = "Công an thành phố Hà Nội (Phòng An ninh chính trị nội bộ)"


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
    _letters(case, users["hn.officer"])
    return case


def _letters(case: Case, officer: User) -> None:
    police = ExternalBody.objects.filter(name=POLICE).first() or verification.body_register(
        actor=officer, name=POLICE, kind=AddresseeKind.POLICE, province_code="01"
    )
    father = case.person.relatives.get(full_name="Lê Văn Hòa")
    basis = "Hướng dẫn số 06-HD/BTCTW (ví dụ; đối chiếu văn bản hiện hành)"
    purpose = "thẩm tra lý lịch người vào Đảng"
    questions = (
        "Lịch sử chính trị; việc chấp hành chủ trương, đường lối của Đảng, chính sách, pháp "
        "luật của Nhà nước."
    )
    verification.request_create(
        actor=officer,
        case=case,
        data=verification.RequestInput(
            basis,
            purpose,
            questions,
            addressee_unit=OrgUnit.objects.get(code=HAI_CHAU),
            include_subject=False,
            relatives=[father],
        ),
    )
    # the paper letter to the police was sent six weeks ago: the case must be older than that
    sent = timezone.localdate() - dt.timedelta(days=42)
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - dt.timedelta(days=60))
    case.refresh_from_db()
    verification.request_create(
        actor=officer,
        case=case,
        data=verification.RequestInput(
            basis, purpose, questions, addressee_body=police, sent_on=sent
        ),
    )
    tracking.remind_and_escalate()


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
    seed_default_reply_limits()
    users = _users("hn.xa.clerk", "hn.officer", "hn.approver")
    created = 0
    for unit, name, case_type, build in DEMO_CASES:
        if Case.objects.filter(person=_person(unit, name), case_type=case_type).exists():
            continue
        build(users)
        created += 1
    return created

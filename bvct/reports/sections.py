"""The sections of the periodic report and their metrics (what each figure counts, and where).

Labels are Vietnamese text, not interface strings: the report is a party document.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from bvct.inspections.models import Finding, Inspection, RemediationItem
from bvct.people.models import Person
from bvct.registers.models import Entry
from bvct.reports.figures import Counter, Metric, Scope, Section, per_unit, q_moment, q_period
from bvct.travel.models import TravelApplication
from bvct.verification.models import VerificationRequest
from bvct.vetting.models import Case, CaseConclusion, CaseType, ConclusionOutcome

CASE_UNIT = "person__org_unit_id"
VR = VerificationRequest.Status
OPEN_REQUEST = [VR.SENT, VR.RECEIVED]


def _cases(scope: Scope) -> QuerySet[Case]:
    return Case.objects.filter(person__classification__lte=scope.clearance)


def _opened(case_type: str) -> Metric:
    labels = {
        CaseType.ADMISSION: "Hồ sơ thẩm tra lý lịch người vào Đảng được mở",
        CaseType.APPRAISAL: "Hồ sơ thẩm định tiêu chuẩn chính trị được mở",
        CaseType.HISTORY: "Hồ sơ kết luận lịch sử chính trị được mở",
    }
    return Metric(
        f"opened_{case_type}",
        labels[CaseType(case_type)],
        lambda s: per_unit(
            _cases(s).filter(q_moment("opened_at", s), case_type=case_type),
            CASE_UNIT,
            s,
        ),
    )


OUTCOME_LABELS = {
    ConclusionOutcome.ADMIT: "Kết luận: kết nạp vào Đảng",
    ConclusionOutcome.REFUSE: "Kết luận: không kết nạp",
    ConclusionOutcome.MEETS: "Kết luận: đủ tiêu chuẩn chính trị",
    ConclusionOutcome.NEEDS_APPROVAL: "Kết luận: đủ tiêu chuẩn khi cấp có thẩm quyền đồng ý",
    ConclusionOutcome.DOES_NOT_MEET: "Kết luận: không đủ tiêu chuẩn chính trị",
    ConclusionOutcome.CONFIRMED: "Kết luận: xác định có vấn đề lịch sử chính trị",
    ConclusionOutcome.NOT_CONFIRMED: "Kết luận: không xác định được vấn đề lịch sử chính trị",
    ConclusionOutcome.CLEARED: "Kết luận: không có vấn đề lịch sử chính trị",
}


def _concluded(outcome: str) -> Metric:
    return Metric(
        f"outcome_{outcome}",
        OUTCOME_LABELS[ConclusionOutcome(outcome)],
        lambda s: per_unit(
            CaseConclusion.objects.filter(
                q_period("issued_on", s),
                outcome=outcome,
                is_current=True,
                case__person__classification__lte=s.clearance,
            ),
            "case__person__org_unit_id",
            s,
        ),
    )


def _closed(s: Scope) -> dict[int, int]:
    return per_unit(_cases(s).filter(q_moment("closed_at", s)), CASE_UNIT, s)


def _open_at_end(s: Scope) -> dict[int, int]:
    _start, end = s.moments
    rows = (
        _cases(s)
        .filter(opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    )
    return per_unit(rows, CASE_UNIT, s)


def _overdue_now(s: Scope) -> dict[int, int]:
    from bvct.vetting.selectors import _overdue_q  # noqa: PLC0415

    rows = _cases(s).filter(closed_at__isnull=True).filter(_overdue_q(s.today))
    return per_unit(rows, CASE_UNIT, s)


CASES = Section(
    "cases",
    "Thẩm tra, thẩm định, kết luận",
    (
        *(_opened(t) for t in CaseType.values),
        *(_concluded(o) for o in ConclusionOutcome.values),
        Metric("closed", "Hồ sơ kết thúc trong kỳ", _closed),
        Metric("open_end", "Hồ sơ đang giải quyết cuối kỳ", _open_at_end),
        Metric("overdue_now", "Hồ sơ đang quá hạn (hiện tại)", _overdue_now),
    ),
)


def _requests(s: Scope) -> QuerySet[VerificationRequest]:
    return VerificationRequest.objects.filter(classification__lte=s.clearance)


def _sent(s: Scope) -> dict[int, int]:
    return per_unit(_requests(s).filter(q_period("sent_on", s)), "requesting_unit_id", s)


def _answered(s: Scope) -> dict[int, int]:
    rows = _requests(s).filter(q_period("replied_on", s), status=VR.ANSWERED)
    return per_unit(rows, "requesting_unit_id", s)


def _on_time(s: Scope) -> dict[int, int]:
    rows = _requests(s).filter(
        q_period("replied_on", s), status=VR.ANSWERED, replied_on__lte=F("due_on")
    )
    return per_unit(rows, "requesting_unit_id", s)


def _request_overdue(s: Scope) -> dict[int, int]:
    rows = _requests(s).filter(status__in=OPEN_REQUEST, due_on__lt=s.today)
    return per_unit(rows, "requesting_unit_id", s)


def _received(s: Scope) -> dict[int, int]:
    rows = _requests(s).filter(q_period("received_on", s), addressee_unit__isnull=False)
    return per_unit(rows, "addressee_unit_id", s)


def _replied(s: Scope) -> dict[int, int]:
    rows = _requests(s).filter(
        q_period("replied_on", s), status=VR.ANSWERED, addressee_unit__isnull=False
    )
    return per_unit(rows, "addressee_unit_id", s)


REQUESTS = Section(
    "requests",
    "Đề nghị thẩm tra, xác minh",
    (
        Metric("sent", "Văn bản đề nghị đã gửi", _sent),
        Metric("answered", "Đã được trả lời trong kỳ", _answered),
        Metric("answered_on_time", "Trong đó trả lời đúng hạn", _on_time),
        Metric("overdue", "Đang quá hạn trả lời (hiện tại)", _request_overdue),
        Metric("received", "Đề nghị của nơi khác đã nhận", _received),
        Metric("replied", "Đã trả lời nơi khác trong kỳ", _replied),
    ),
)

IS = Inspection.Status
HELD = [IS.IN_PROGRESS, IS.NOTIFIED, IS.CLOSED]


def _inspections_held(s: Scope) -> dict[int, int]:
    rows = Inspection.objects.filter(q_period("starts_on", s), status__in=HELD)
    return per_unit(rows, "unit_id", s)


def _findings(grade: str) -> Metric:
    labels = {
        "good": "Ưu điểm được ghi nhận",
        "shortcoming": "Hạn chế, thiếu sót",
        "violation": "Vi phạm",
    }
    return Metric(
        f"findings_{grade}",
        f"Phát hiện qua kiểm tra: {labels[grade].lower()}",
        lambda s: per_unit(
            Finding.objects.filter(q_moment("recorded_at", s), grade=grade),
            "inspection__unit_id",
            s,
        ),
    )


def _remediation_done(s: Scope) -> dict[int, int]:
    rows = RemediationItem.objects.filter(status="done", due_on__lte=s.end)
    return per_unit(rows, "inspection__unit_id", s)


def _remediation_overdue(s: Scope) -> dict[int, int]:
    rows = RemediationItem.objects.filter(status="open", due_on__lt=s.today)
    return per_unit(rows, "inspection__unit_id", s)


INSPECTIONS = Section(
    "inspections",
    "Kiểm tra công tác bảo vệ chính trị nội bộ",
    (
        Metric("held", "Cuộc kiểm tra đã tiến hành", _inspections_held),
        *(_findings(g) for g in Finding.Grade.values),
        Metric("remediation_done", "Nội dung khắc phục đã hoàn thành", _remediation_done),
        Metric(
            "remediation_overdue", "Nội dung khắc phục quá hạn (hiện tại)", _remediation_overdue
        ),
    ),
)

TS = TravelApplication.Status


def _trips(s: Scope) -> QuerySet[TravelApplication]:
    return TravelApplication.objects.filter(person__classification__lte=s.clearance)


def _applied(s: Scope) -> dict[int, int]:
    return per_unit(_trips(s).filter(q_moment("submitted_at", s)), "person__org_unit_id", s)


def _trip_status(status: str) -> Counter:
    def count(s: Scope) -> dict[int, int]:
        rows = _trips(s).filter(q_moment("submitted_at", s), status=status)
        return per_unit(rows, "person__org_unit_id", s)

    return count


def _reports_overdue(s: Scope) -> dict[int, int]:
    rows = _trips(s).filter(status=TS.APPROVED, report__isnull=True, report_due_on__lt=s.today)
    return per_unit(rows, "person__org_unit_id", s)


TRAVEL = Section(
    "travel",
    "Đi nước ngoài",
    (
        Metric("applied", "Đơn xin đi nước ngoài", _applied),
        Metric("approved", "Trong đó được đồng ý", _trip_status(TS.APPROVED)),
        Metric("refused", "Trong đó không đồng ý", _trip_status(TS.REFUSED)),
        Metric("return_overdue", "Báo cáo sau chuyến đi quá hạn (hiện tại)", _reports_overdue),
    ),
)


def _entries(kind: str) -> Counter:
    def count(s: Scope) -> dict[int, int]:
        rows = Entry.objects.filter(
            q_period("registered_on", s), register__kind=kind, level__lte=s.clearance
        ).exclude(status=Entry.Status.CANCELLED)
        return per_unit(rows, "register__org_unit_id", s)

    return count


REGISTERS = Section(
    "registers",
    "Sổ đăng ký tài liệu mật (chỉ số lượng)",
    (
        Metric("out", "Tài liệu mật đi đã đăng ký", _entries("out")),
        Metric("in", "Tài liệu mật đến đã đăng ký", _entries("in")),
        Metric("copy", "Lượt sao, chụp", _entries("copy")),
        Metric("handover", "Lượt chuyển giao", _entries("handover")),
    ),
)


def _people(s: Scope) -> dict[int, int]:
    rows = Person.objects.filter(merged_into__isnull=True, classification__lte=s.clearance)
    return per_unit(rows, "org_unit_id", s)


PEOPLE = Section(
    "people",
    "Hồ sơ trong sổ quản lý (hiện tại)",
    (Metric("people", "Người có hồ sơ", _people),),
)

ALL_SECTIONS = [CASES, REQUESTS, INSPECTIONS, TRAVEL, REGISTERS, PEOPLE]

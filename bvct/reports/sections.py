"""The sections of the periodic report and their metrics (what each figure counts, and where).

Labels are Vietnamese text, not interface strings: the report is a party document.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from bvct.inspections.models import Finding, Inspection, RemediationItem
from bvct.people.models import Person, UnitHeadcount
from bvct.registers.models import Entry
from bvct.reports.figures import (
    Batch,
    Grouped,
    Metric,
    Scope,
    Section,
    per_unit,
    q_moment,
    q_period,
)
from bvct.travel.models import TravelApplication
from bvct.verification.models import VerificationRequest
from bvct.vetting.models import Case, CaseConclusion, CaseType, ConclusionOutcome

VR = VerificationRequest.Status
OPEN_REQUEST = [VR.SENT, VR.RECEIVED]


def _hidden_people(scope: Scope) -> QuerySet[Person, Any]:
    """People above the reader's clearance: few, found through their index, so the report
    excludes their records without joining the 5.6 million people."""
    return Person.objects.filter(classification__gt=scope.clearance).values("pk")


# Cases count at the unit holding the file (the unit whose work it is), conclusions at the unit
# that issued them.
CASE_ROWS = Batch(
    lambda s: Case.objects.exclude(person_id__in=_hidden_people(s)), "holding_unit_id"
)
CONCLUSION_ROWS = Batch(
    lambda s: CaseConclusion.objects.filter(
        is_current=True, issued_on__range=(s.start, s.end)
    ).exclude(case__person_id__in=_hidden_people(s)),
    "issuing_unit_id",
)
OPENED_LABELS = {
    CaseType.ADMISSION: "Hồ sơ thẩm tra lý lịch người vào Đảng được mở",
    CaseType.APPRAISAL: "Hồ sơ thẩm định tiêu chuẩn chính trị được mở",
    CaseType.HISTORY: "Hồ sơ kết luận lịch sử chính trị được mở",
}
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


def _opened(case_type: str) -> Metric:
    return Metric(
        f"opened_{case_type}",
        OPENED_LABELS[CaseType(case_type)],
        batch=CASE_ROWS,
        when=lambda s: q_moment("opened_at", s) & Q(case_type=case_type),
    )


def _concluded(outcome: str) -> Metric:
    return Metric(
        f"outcome_{outcome}",
        OUTCOME_LABELS[ConclusionOutcome(outcome)],
        batch=CONCLUSION_ROWS,
        when=lambda _s: Q(outcome=outcome),
    )


def _open_at_end(s: Scope) -> Q:
    _start, end = s.moments
    return Q(opened_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))


def _overdue_now(s: Scope) -> Q:
    from bvct.vetting.selectors import _overdue_q  # noqa: PLC0415

    return Q(closed_at__isnull=True) & _overdue_q(s.today)


CASES = Section(
    "cases",
    "Thẩm tra, thẩm định, kết luận",
    (
        *(_opened(t) for t in CaseType.values),
        *(_concluded(o) for o in ConclusionOutcome.values),
        Metric(
            "closed",
            "Hồ sơ kết thúc trong kỳ",
            batch=CASE_ROWS,
            when=lambda s: q_moment("closed_at", s),
        ),
        Metric("open_end", "Hồ sơ đang giải quyết cuối kỳ", batch=CASE_ROWS, when=_open_at_end),
        Metric("overdue_now", "Hồ sơ đang quá hạn (hiện tại)", batch=CASE_ROWS, when=_overdue_now),
    ),
)

SENT_ROWS = Batch(
    lambda s: VerificationRequest.objects.filter(classification__lte=s.clearance),
    "requesting_unit_id",
)
RECEIVED_ROWS = Batch(
    lambda s: VerificationRequest.objects.filter(
        classification__lte=s.clearance, addressee_unit__isnull=False
    ),
    "addressee_unit_id",
)
ANSWERED = Q(status=VR.ANSWERED)

REQUESTS = Section(
    "requests",
    "Đề nghị thẩm tra, xác minh",
    (
        Metric(
            "sent", "Văn bản đề nghị đã gửi", batch=SENT_ROWS, when=lambda s: q_period("sent_on", s)
        ),
        Metric(
            "answered",
            "Đã được trả lời trong kỳ",
            batch=SENT_ROWS,
            when=lambda s: q_period("replied_on", s) & ANSWERED,
        ),
        Metric(
            "answered_on_time",
            "Trong đó trả lời đúng hạn",
            batch=SENT_ROWS,
            when=lambda s: q_period("replied_on", s) & ANSWERED & Q(replied_on__lte=F("due_on")),
        ),
        Metric(
            "overdue",
            "Đang quá hạn trả lời (hiện tại)",
            batch=SENT_ROWS,
            when=lambda s: Q(status__in=OPEN_REQUEST, due_on__lt=s.today),
        ),
        Metric(
            "received",
            "Đề nghị của nơi khác đã nhận",
            batch=RECEIVED_ROWS,
            when=lambda s: q_period("received_on", s),
        ),
        Metric(
            "replied",
            "Đã trả lời nơi khác trong kỳ",
            batch=RECEIVED_ROWS,
            when=lambda s: q_period("replied_on", s) & ANSWERED,
        ),
    ),
)

IS = Inspection.Status
HELD = [IS.IN_PROGRESS, IS.NOTIFIED, IS.CLOSED]


def _inspections_held(s: Scope) -> Grouped:
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


def _remediation_done(s: Scope) -> Grouped:
    rows = RemediationItem.objects.filter(status="done", due_on__lte=s.end)
    return per_unit(rows, "inspection__unit_id", s)


def _remediation_overdue(s: Scope) -> Grouped:
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
TRIP_ROWS = Batch(
    lambda s: TravelApplication.objects.exclude(person_id__in=_hidden_people(s)),
    "person__org_unit_id",
)

TRAVEL = Section(
    "travel",
    "Đi nước ngoài",
    (
        Metric(
            "applied",
            "Đơn xin đi nước ngoài",
            batch=TRIP_ROWS,
            when=lambda s: q_moment("submitted_at", s),
        ),
        Metric(
            "approved",
            "Trong đó được đồng ý",
            batch=TRIP_ROWS,
            when=lambda s: q_moment("submitted_at", s) & Q(status=TS.APPROVED),
        ),
        Metric(
            "refused",
            "Trong đó không đồng ý",
            batch=TRIP_ROWS,
            when=lambda s: q_moment("submitted_at", s) & Q(status=TS.REFUSED),
        ),
        Metric(
            "return_overdue",
            "Báo cáo sau chuyến đi quá hạn (hiện tại)",
            batch=TRIP_ROWS,
            when=lambda s: Q(status=TS.APPROVED, report__isnull=True, report_due_on__lt=s.today),
        ),
    ),
)


ENTRY_ROWS = Batch(
    lambda s: Entry.objects.filter(
        registered_on__range=(s.start, s.end), level__lte=s.clearance
    ).exclude(status=Entry.Status.CANCELLED),
    "register__org_unit_id",
)


def _entries(kind: str, key: str, label: str) -> Metric:
    return Metric(key, label, batch=ENTRY_ROWS, when=lambda _s: Q(register__kind=kind))


REGISTERS = Section(
    "registers",
    "Sổ đăng ký tài liệu mật (chỉ số lượng)",
    (
        _entries("out", "out", "Tài liệu mật đi đã đăng ký"),
        _entries("in", "in", "Tài liệu mật đến đã đăng ký"),
        _entries("copy", "copy", "Lượt sao, chụp"),
        _entries("handover", "handover", "Lượt chuyển giao"),
    ),
)


def _people(s: Scope) -> Grouped:
    """Live dossiers per unit from the headcount the database keeps (`people.UnitHeadcount`):
    at most a row per unit and level instead of every dossier."""
    rows = UnitHeadcount.objects.filter(classification__lte=s.clearance)
    return per_unit(rows, "org_unit_id", s, value="live")


PEOPLE = Section(
    "people",
    "Hồ sơ trong sổ quản lý (hiện tại)",
    (Metric("people", "Người có hồ sơ", _people),),
)

ALL_SECTIONS = [CASES, REQUESTS, INSPECTIONS, TRAVEL, REGISTERS, PEOPLE]

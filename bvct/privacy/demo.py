"""Demo: three large-export requests (waiting, approved and downloadable, refused) and three
data-subject requests (one filed by `member` from the portal, one overdue from paper, one
completed). The demo has only 40 people, fewer than the approval threshold, so the export
requests are written as rows (what `export_request_create` would freeze) and decided through
the services; the data-subject requests go through the services, dated back."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bvct.accounts.models import User
from bvct.people.models import Person
from bvct.privacy import services
from bvct.privacy.models import ExportRequest, SubjectRequest


def load_demo_privacy() -> int:
    if ExportRequest.objects.exists() or SubjectRequest.objects.exists():
        return 0
    names = ["hn.xa.clerk", "hn.xa.approver", "hn.officer", "hn.approver", "member"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    now = timezone.now()
    clerk, officer = users["hn.xa.clerk"], users["hn.officer"]

    def ask(user: User, purpose: str, count: int) -> ExportRequest:
        assert user.org_unit is not None  # noqa: S101 (demo users have a unit)
        return ExportRequest.objects.create(
            requested_by=user,
            org_unit=user.org_unit,
            clearance=user.clearance,
            full_cccd=user.has_role("officer"),
            filters={"unit": "", "query": ""},
            count=count,
            purpose=purpose,
            requested_at=now - dt.timedelta(hours=2),
        )

    ask(clerk, "Rà soát danh sách đảng viên toàn phường trước đại hội chi bộ (ví dụ).", 620)
    approved = ask(officer, "Đối chiếu số CCCD với Công an thành phố (ví dụ).", 2400)
    services.export_request_decide(
        actor=users["hn.approver"], request=approved, approve=True, reason="Đúng mục đích."
    )
    refused = ask(clerk, "Gửi danh sách cho đơn vị ngoài (ví dụ).", 900)
    services.export_request_decide(
        actor=users["hn.xa.approver"],
        request=refused,
        approve=False,
        reason="Không có văn bản đề nghị của đơn vị nhận.",
    )
    _subject_requests(users)
    return 6


def _subject_requests(users: dict[str, User]) -> None:
    today = timezone.localdate()
    services.subject_request_file(
        actor=users["member"], kind_code="correction", details="Sửa quê quán trong hồ sơ."
    )
    person = (
        Person.objects.filter(org_unit__code="DEMO-HK-DLHG-LH")
        .exclude(account=users["member"])
        .order_by("pk")
        .first()
    )
    if person is None:
        return
    late = services.subject_request_register(
        actor=users["hn.xa.clerk"],
        person=person,
        kind_code="access",
        details="Xin bản sao các thông tin đang lưu về bản thân (đơn giấy).",
        received_on=today - dt.timedelta(days=30),
    )
    services.subject_request_acknowledge(actor=users["hn.xa.clerk"], request=late)
    done = services.subject_request_register(
        actor=users["hn.xa.clerk"],
        person=person,
        kind_code="withdraw_consent",
        details="Rút lại sự đồng ý cho đăng ảnh trên bản tin (đơn giấy).",
        received_on=today - dt.timedelta(days=10),
    )
    services.subject_request_acknowledge(actor=users["hn.xa.clerk"], request=done)
    services.subject_request_close(
        actor=users["hn.xa.approver"],
        request=done,
        complete=True,
        outcome="Đã gỡ ảnh và ghi nhận việc rút lại sự đồng ý.",
    )

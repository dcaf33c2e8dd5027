"""Large exports need a second person's approval (issue 11 item 7)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.intake import exports
from bvct.people.tests.factories import make_person
from bvct.privacy import selectors, services
from bvct.privacy.models import ExportRequest
from conftest import Tree

ALL = exports.ExportFilters()


@pytest.fixture(autouse=True)
def _small_threshold(settings: Any) -> None:
    settings.EXPORT_APPROVAL_THRESHOLD = 2
    settings.EXPORT_MAX_DOWNLOADS = 2
    settings.EXPORT_DOWNLOAD_HOURS = 48


@pytest.fixture
def clerk(tree: Tree) -> User:
    for _ in range(3):
        make_person(org_unit=tree.commune_a1)
    make_person(org_unit=tree.grassroots_a1)
    make_person(org_unit=tree.commune_a2)  # outside the clerk's jurisdiction
    return make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))


@pytest.fixture
def approver(tree: Tree) -> User:
    return make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,))


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def _rows(out: io.BytesIO) -> int:
    out.seek(0)
    sheet = load_workbook(out, read_only=True).worksheets[0]
    return sum(1 for _ in sheet.iter_rows(min_row=2))


def test_an_export_above_the_threshold_is_refused_until_approved(
    tree: Tree, clerk: User, approver: User
) -> None:
    # given 4 people in the clerk's jurisdiction, more than the threshold of 2
    out = io.BytesIO()
    with pytest.raises(exports.ExportNeedsApprovalError, match="có 4 người, nhiều hơn 2"):
        exports.people_export(actor=clerk, filters=ALL, out=out)
    assert out.getvalue() == b""
    assert _actions() == []
    # when the clerk asks, with a purpose, and an approver of the province approves
    request = services.export_request_create(
        actor=clerk, filters=ALL, purpose="Rà soát đảng viên cả xã"
    )
    assert (request.status, request.count, request.org_unit) == ("pending", 4, tree.commune_a1)
    services.export_request_decide(
        actor=approver, request=request, approve=True, reason="Đúng mục đích rà soát"
    )
    # a person recorded after the request is not in the frozen export
    make_person(org_unit=tree.commune_a1)
    count = services.export_request_download(actor=clerk, request=request, out=out)
    # then the requester gets exactly the frozen people of their scope, and every step is audited
    assert (count, _rows(out)) == (4, 4)
    assert _actions() == [
        "privacy.export.request",
        "privacy.export.approve",
        "privacy.export.download",
    ]
    event = AuditEvent.objects.get(action="privacy.export.download")
    assert (event.data["count"], event.data["cccd"]) == (4, "masked")


def test_the_requester_never_approves_and_no_one_else_downloads(
    tree: Tree, clerk: User, approver: User
) -> None:
    # given a request by an officer who is also an approver of the same commune
    both = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER, RoleCode.APPROVER))
    request = services.export_request_create(actor=both, filters=ALL, purpose="Rà soát cả xã")
    before = _actions()
    # when they try to approve their own request: refused, nothing changed
    with pytest.raises(AccessDenied, match="khác người đề nghị"):
        services.export_request_decide(actor=both, request=request, approve=True, reason="Tự duyệt")
    request.refresh_from_db()
    assert (request.status, request.decided_by, _actions()) == ("pending", None, before)
    # an approver of a sibling commune cannot see it, nor decide it
    sibling = make_user(org_unit=tree.commune_a2, roles=(RoleCode.APPROVER,))
    assert not selectors.export_requests_awaiting(sibling).exists()
    with pytest.raises(AccessDenied):
        services.export_request_decide(actor=sibling, request=request, approve=True, reason="x")
    # the provincial approver approves; a colleague of the requester may not download it
    services.export_request_decide(actor=approver, request=request, approve=True, reason="Đồng ý")
    with pytest.raises(AccessDenied, match="Chỉ người đề nghị"):
        services.export_request_download(actor=clerk, request=request, out=io.BytesIO())
    request.refresh_from_db()
    assert request.downloads == 0


def test_downloads_are_limited_in_number_and_in_time(
    tree: Tree, clerk: User, approver: User
) -> None:
    start = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        first = services.export_request_create(actor=clerk, filters=ALL, purpose="Rà soát cả xã")
        services.export_request_decide(actor=approver, request=first, approve=True, reason="Được")
        for _ in range(2):
            services.export_request_download(actor=clerk, request=first, out=io.BytesIO())
        # the third download is refused (at most 2)
        with pytest.raises(DomainError, match="không còn tải được"):
            services.export_request_download(actor=clerk, request=first, out=io.BytesIO())
        second = services.export_request_create(actor=clerk, filters=ALL, purpose="Rà soát lại")
        services.export_request_decide(actor=approver, request=second, approve=True, reason="Ok")
    # 49 hours later the unused approval has expired
    with (
        time_machine.travel(start + dt.timedelta(hours=49), tick=False),
        pytest.raises(DomainError, match="không còn tải được"),
    ):
        services.export_request_download(actor=clerk, request=second, out=io.BytesIO())
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.downloads, second.downloads) == (2, 0)


def test_a_refusal_needs_a_reason_and_leaves_nothing_to_download(
    tree: Tree, clerk: User, approver: User
) -> None:
    request = services.export_request_create(actor=clerk, filters=ALL, purpose="Rà soát cả xã")
    with pytest.raises(DomainError, match="Lý do"):
        services.export_request_decide(actor=approver, request=request, approve=False, reason=" ")
    services.export_request_decide(
        actor=approver, request=request, approve=False, reason="Không rõ mục đích"
    )
    with pytest.raises(DomainError, match="chưa được duyệt"):
        services.export_request_download(actor=clerk, request=request, out=io.BytesIO())
    assert ExportRequest.objects.get().status == "refused"


def test_a_small_export_needs_no_request_and_is_audited(tree: Tree, clerk: User) -> None:
    small = exports.ExportFilters(unit_code="G-A1")
    with pytest.raises(DomainError, match="không cần duyệt"):
        services.export_request_create(actor=clerk, filters=small, purpose="Danh sách chi bộ")
    assert exports.people_export(actor=clerk, filters=small, out=io.BytesIO()) == 1
    assert _actions() == ["intake.people.export"]


def test_the_pages_walk_the_request_and_the_approver_sees_it_on_the_home_page(
    client: Client, tree: Tree, clerk: User, approver: User
) -> None:
    # the export page sends a large export to the request form, filters kept
    client.force_login(clerk)
    response = client.get(reverse("intake:people-export"), {"unit": "X-A1", "q": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:export-new") + "?unit=X-A1&q="
    response = client.post(
        reverse("privacy:export-new") + "?unit=X-A1",
        {"unit": "X-A1", "q": "", "purpose": "Rà soát đảng viên"},
    )
    request = ExportRequest.objects.get()
    assert response["Location"] == reverse("privacy:export-detail", kwargs={"pk": request.pk})
    # the approver sees it waiting, on the home page and in the list, and approves it
    client.force_login(approver)
    home = client.get(reverse("core:home")).content.decode()
    assert "Yêu cầu xuất lớn chờ bạn duyệt" in home
    assert f"#{request.pk}" in client.get(reverse("privacy:export-list")).content.decode()
    client.post(
        reverse("privacy:export-decide", kwargs={"pk": request.pk}),
        {"decision": "approve", "reason": "Đúng mục đích"},
    )
    # the requester downloads the file
    client.force_login(clerk)
    response = client.get(reverse("privacy:export-download", kwargs={"pk": request.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="danh-sach-nguoi-duyet-'
    )
    data = io.BytesIO(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert _rows(data) == 4


def test_an_import_problem_report_download_is_audited(
    client: Client, tree: Tree, clerk: User
) -> None:
    from bvct.intake.tests.factories import make_job  # noqa: PLC0415

    job = make_job(org_unit=tree.commune_a1, created_by=clerk)
    client.force_login(clerk)
    response = client.get(reverse("intake:job-report", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="bao-cao-nhap-{job.pk}'
    )
    event = AuditEvent.objects.get(action="intake.import.report_export")
    assert (event.target_id, event.data["problems"]) == (str(job.pk), 0)

"""Import pages, the report and template downloads, and the people export."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.intake.columns import HEADERS
from bvct.intake.models import ImportJob, ImportRowError
from bvct.intake.tests.factories import make_job, person_row, write_csv
from bvct.people.models import Person
from bvct.people.tests.factories import make_person
from conftest import Tree

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def sheet_rows(content: bytes, sheet: int = 0) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook.worksheets[sheet].iter_rows(values_only=True))
    workbook.close()
    return rows


def csv_upload(rows: list[list[str]], name: str = "nguoi.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    buffer.write(",".join(HEADERS) + "\n")
    for row in rows:
        buffer.write(",".join(row) + "\n")
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


# --- job list ---------------------------------------------------------------------------------


def test_job_list_shows_the_jobs_of_the_subtree_only(
    tree: Tree, clerk: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    # given jobs in the clerk's unit, below it, and in another province
    mine = make_job(org_unit=tree.commune_a1, created_by=clerk, file_name="xa.csv", rows_created=7)
    below = make_job(org_unit=tree.branch_a1, created_by=clerk, file_name="chi-bo.xlsx")
    make_job(org_unit=tree.commune_b1, created_by=clerk, file_name="tinh-khac.csv")
    client = client_for(clerk)
    # when (session, user, roles, the user's unit, count, page of jobs with units and users)
    # +1: the second-factor check (the device that verified the session)
    with django_assert_num_queries(7):
        response = client.get(reverse("intake:job-list"))
    # then
    assert response.status_code == 200
    assert [job.pk for job in response.context["page"].object_list] == [below.pk, mine.pk]
    html = response.content.decode()
    assert html.count('data-testid="job-row"') == 2
    assert "tinh-khac.csv" not in html
    assert "2 lần nhập" in html


def test_job_list_when_empty(clerk: User) -> None:
    response = client_for(clerk).get(reverse("intake:job-list"))
    assert 'data-testid="job-empty"' in response.content.decode()


# --- upload -----------------------------------------------------------------------------------


def test_upload_page_offers_the_users_unit_and_the_template(clerk: User) -> None:
    response = client_for(clerk).get(reverse("intake:job-create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="unit_code" value="X-A1"' in html
    assert reverse("intake:template") in html
    assert 'name="is_dry_run"' in html


def test_upload_runs_the_import_in_the_background_and_shows_the_job(
    tree: Tree, clerk: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # given
    upload = csv_upload([person_row(full_name="Nguyễn Văn An"), person_row(full_name="")])
    # when (the task backend of the tests runs the task at once)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(clerk).post(
            reverse("intake:job-create"), {"file": upload, "unit_code": "g-a1"}
        )
    # then
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:job-detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.org_unit, job.rows_created, job.rows_invalid) == (
        "done",
        tree.grassroots_a1,
        1,
        1,
    )
    assert list(Person.objects.values_list("full_name", "org_unit__code")) == [
        ("Nguyễn Văn An", "G-A1")
    ]
    assert not default_storage.exists(job.upload.name)  # the personal data file is gone


def test_dry_run_upload_creates_nobody(
    tree: Tree, clerk: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    upload = csv_upload([person_row()])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(clerk).post(
            reverse("intake:job-create"), {"file": upload, "unit_code": "X-A1", "is_dry_run": "on"}
        )
    job = ImportJob.objects.get()
    assert (job.is_dry_run, job.status, job.rows_valid, Person.objects.count()) == (
        True,
        "done",
        1,
        0,
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"unit_code": "X-B1"},
            "unit_code",
            "Mã đơn vị: không có tổ chức “X-B1” trong phạm vi quản lý của bạn.",
        ),
        ({"unit_code": "X-A1", "name": "nguoi.xls"}, "file", "Tệp: hãy chọn tệp .csv hoặc .xlsx."),
    ],
)
def test_upload_refusals_change_nothing(
    tree: Tree, clerk: User, data: dict[str, str], field: str, message: str
) -> None:
    upload = csv_upload([person_row()], name=data.pop("name", "nguoi.csv"))
    response = client_for(clerk).post(reverse("intake:job-create"), {"file": upload, **data})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert (ImportJob.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        0,
    )


@pytest.mark.parametrize("role", [RoleCode.MEMBER, RoleCode.AUDITOR, RoleCode.ADMIN])
def test_roles_without_import_rights_are_refused_and_nothing_changes(tree: Tree, role: str) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(role,), clearance=3)
    client = client_for(user)
    upload = csv_upload([person_row()])
    responses = [
        client.get(reverse("intake:job-create")),
        client.post(reverse("intake:job-create"), {"file": upload, "unit_code": "X-A1"}),
        client.get(reverse("intake:people-export")),
        client.get(reverse("intake:template")),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert (ImportJob.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        0,
    )


# --- job page ---------------------------------------------------------------------------------


def test_job_page_lists_the_problems_and_links_the_report(tree: Tree, clerk: User) -> None:
    # given a finished job with two problems
    job = make_job(
        org_unit=tree.commune_a1,
        created_by=clerk,
        rows_processed=3,
        rows_created=1,
        rows_invalid=1,
        rows_duplicate=1,
    )
    ImportRowError.objects.create(
        job=job, row=3, column="Ngày sinh", message="Sai ngày.", value="31/02/1990"
    )
    ImportRowError.objects.create(
        job=job, row=4, column="", kind="duplicate", message="Có thể trùng người."
    )
    # when
    response = client_for(clerk).get(reverse("intake:job-detail", args=[job.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="problem-row"') == 2
    assert "31/02/1990" in html
    assert reverse("intake:job-report", args=[job.pk]) in html
    assert 'hx-trigger="every 2s"' not in html  # finished: no polling
    assert 'data-testid="rows-created">1<' in html


def test_running_job_polls_and_htmx_gets_only_the_panel(tree: Tree, clerk: User) -> None:
    # given a job in progress (last progress just now)
    job = make_job(
        org_unit=tree.commune_a1,
        created_by=clerk,
        status="running",
        rows_estimated=4000,
        last_committed_row=1001,
        rows_processed=1000,
        heartbeat_at=timezone.now(),
    )
    client = client_for(clerk)
    url = reverse("intake:job-detail", args=[job.pk])
    # when
    page = client.get(url).content.decode()
    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    # then
    assert 'hx-trigger="every 2s"' in page
    assert 'value="25"' in page
    assert panel.lstrip().startswith('<div id="job-panel"')
    assert "<html" not in panel
    assert 'value="25"' in panel


def test_stalled_job_offers_to_continue_and_continuing_finishes_it(
    tree: Tree, clerk: User, tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # given a job whose run died after row 2 (row 2 is committed, row 3 is not)
    path = write_csv(
        tmp_path / "nguoi.csv",
        [person_row(full_name="Nguyễn Văn An"), person_row(full_name="Trần Văn Bình")],
    )
    job = make_job(
        org_unit=tree.commune_a1,
        created_by=clerk,
        status="running",
        source_path=str(path),
        last_committed_row=2,
        rows_processed=1,
        rows_created=1,
        heartbeat_at=timezone.now() - timedelta(minutes=10),
    )
    client = client_for(clerk)
    assert (
        'data-testid="resume-button"'
        in client.get(reverse("intake:job-detail", args=[job.pk])).content.decode()
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:job-resume", args=[job.pk]))
    # then only row 3 was imported now
    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.status, job.rows_processed, job.rows_created) == ("done", 2, 2)
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Trần Văn Bình"]
    assert list(
        AuditEvent.objects.filter(target_id=str(job.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    ) == [
        "intake.people.import_resume",
        "intake.people.import_batch",
        "intake.people.import_finish",
    ]


def test_a_running_job_cannot_be_resumed(tree: Tree, clerk: User) -> None:
    job = make_job(
        org_unit=tree.commune_a1, created_by=clerk, status="running", heartbeat_at=timezone.now()
    )
    response = client_for(clerk).post(reverse("intake:job-resume", args=[job.pk]), follow=True)
    assert "Lần nhập này đã xong hoặc vẫn đang chạy: không có gì để tiếp tục." in (
        response.content.decode()
    )
    assert AuditEvent.objects.count() == 0


def test_job_of_another_province_is_not_found(tree: Tree, clerk: User) -> None:
    job = make_job(org_unit=tree.commune_b1, created_by=clerk)
    client = client_for(clerk)
    assert client.get(reverse("intake:job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("intake:job-report", args=[job.pk])).status_code == 404
    assert client.post(reverse("intake:job-resume", args=[job.pk])).status_code == 404
    assert AuditEvent.objects.count() == 0


# --- downloads --------------------------------------------------------------------------------


def test_report_downloads_every_problem_as_xlsx(tree: Tree, clerk: User) -> None:
    job = make_job(org_unit=tree.commune_a1, created_by=clerk)
    ImportRowError.objects.create(
        job=job, row=9, column="Số CCCD", message="Trùng dòng 2.", value="001090012345"
    )
    ImportRowError.objects.create(
        job=job, row=3, column="Ngày sinh", message="Sai ngày.", value="31/02/1990"
    )
    ImportRowError.objects.create(job=job, row=5, kind="duplicate", message="Có thể trùng.")
    response = client_for(clerk).get(reverse("intake:job-report", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert f'filename="bao-cao-nhap-{job.pk}.xlsx"' in response["Content-Disposition"]
    assert sheet_rows(b"".join(response.streaming_content)) == [  # type: ignore[attr-defined]
        ("Dòng", "Cột", "Loại", "Nội dung", "Giá trị trong tệp"),
        (3, "Ngày sinh", "Lỗi", "Sai ngày.", "31/02/1990"),
        (5, None, "Có thể trùng", "Có thể trùng.", None),
        (9, "Số CCCD", "Lỗi", "Trùng dòng 2.", "001090012345"),
    ]


def test_template_has_the_headers_an_example_and_an_explanation_sheet(clerk: User) -> None:
    response = client_for(clerk).get(reverse("intake:template"))
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    people, guide = sheet_rows(content, 0), sheet_rows(content, 1)
    assert people[0] == HEADERS
    assert people[1][:4] == ("Nguyễn Thị Hồng Nhung", "17/05/1990", "Nữ", "001190012345")
    assert len(people) == 2
    assert guide[0] == ("Cột", "Bắt buộc", "Cách ghi")
    assert [row[:2] for row in guide[1:11]] == [
        (header, "Có" if header in {"Họ và tên", "Ngày sinh", "Giới tính"} else "Không")
        for header in HEADERS
    ]
    assert guide[4][2] == (
        "Số căn cước công dân: 12 chữ số, khớp với năm sinh và giới tính. Nhập dạng văn bản để "
        "Excel giữ số 0 ở đầu."
    )


def test_the_template_imports_cleanly(tree: Tree, clerk: User, tmp_path: Path) -> None:
    # the example row of the template is itself a valid row (with the unit code changed)
    from bvct.intake.tests.factories import run_import  # noqa: PLC0415

    content = b"".join(client_for(clerk).get(reverse("intake:template")).streaming_content)  # type: ignore[attr-defined]
    example = list(sheet_rows(content)[1])
    example[7] = "X-A1"
    job = run_import(
        actor=clerk, unit=tree.commune_a1, path=write_csv(tmp_path / "t.csv", [example])
    )
    assert (job.rows_created, job.rows_reported) == (1, 0)


# --- export -----------------------------------------------------------------------------------


@pytest.fixture
def people(tree: Tree) -> list[Person]:
    return [
        make_person(
            org_unit=tree.commune_a1,
            full_name="Nguyễn Văn An",
            cccd="001090012345",
            birth_date=dt.date(1990, 5, 17),
            party_card_number="10000001",
            hometown_text="Phường Hoàn Kiếm, Thành phố Hà Nội",
        ),
        make_person(
            org_unit=tree.branch_a1,
            full_name="Trần Thị Bình",
            sex="female",
            birth_date=dt.date(1985, 5, 1),
            birth_precision="month",
        ),
        make_person(org_unit=tree.commune_a2, full_name="Lê Văn Cường"),  # sibling commune
        make_person(org_unit=tree.commune_a1, full_name="Phạm Văn Mật", classification=2),
    ]


def test_export_holds_the_clerks_scope_with_masked_cccd_and_is_audited(
    tree: Tree, clerk: User, people: list[Person]
) -> None:
    # when
    response = client_for(clerk).get(reverse("intake:people-export"))
    # then: the clerk's subtree, within clearance 0, CCCD masked, the template's columns
    rows = sheet_rows(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    an, binh = people[0], people[1]
    assert rows == [
        ("Mã hồ sơ", *HEADERS, "Tên tổ chức"),
        (
            an.pk,
            "Nguyễn Văn An",
            "17/05/1990",
            "Nam",
            "001******345",
            "10000001",
            "Phường Hoàn Kiếm, Thành phố Hà Nội",
            None,
            "X-A1",
            None,
            None,
            "Xã A1",
        ),
        (
            binh.pk,
            "Trần Thị Bình",
            "05/1985",
            "Nữ",
            None,
            None,
            None,
            None,
            "B-A1",
            None,
            None,
            "Chi bộ A1",
        ),
    ]
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.data) == (
        "intake.people.export",
        clerk,
        {"count": 2, "filters": {"unit": "", "query": ""}, "cccd": "masked"},
    )


def test_officers_export_full_cccd_and_filters_narrow_the_list(
    tree: Tree, officer: User, people: list[Person]
) -> None:
    response = client_for(officer).get(
        reverse("intake:people-export"), {"unit": "X-A1", "q": "nguyen  AN"}
    )
    rows = sheet_rows(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    # every word must be in the name (diacritics and case ignored)
    assert [(row[1], row[4]) for row in rows[1:]] == [("Nguyễn Văn An", "001090012345")]
    assert AuditEvent.objects.get().data == {
        "count": 1,
        "filters": {"unit": "X-A1", "query": "nguyen  AN"},
        "cccd": "full",
    }


def test_export_of_a_unit_outside_the_scope_is_refused(
    tree: Tree, clerk: User, people: list[Person]
) -> None:
    response = client_for(clerk).get(reverse("intake:people-export"), {"unit": "X-A2"}, follow=True)
    assert "Đơn vị: không có tổ chức “X-A2” trong phạm vi quản lý của bạn." in (
        response.content.decode()
    )
    assert AuditEvent.objects.count() == 0

"""Upload hardening (issue 11 item 9): the malicious files are built here and refused with a
clear Vietnamese message before any library opens them; names are harmless metadata; downloads
carry a safe Content-Disposition."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core import uploads
from bvct.core.downloads import content_disposition
from bvct.core.errors import DomainError
from bvct.intake import services
from bvct.intake.models import ImportJob
from bvct.intake.tests.factories import person_row, write_xlsx
from bvct.vetting import documents
from bvct.vetting.tests.factories import make_case
from conftest import Tree

CONTENT_TYPES = b'<?xml version="1.0"?><Types/>'


def ooxml(members: dict[str, bytes], prefix: str = "xl/") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr(f"{prefix}workbook.xml", b"<workbook/>")
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A 40 KB file that declares 40 MB of sheet XML (ratio ~1000)."""
    return ooxml({"xl/worksheets/sheet1.xml": b"0" * (40 * 1024 * 1024)})


MALICIOUS: list[tuple[str, bytes, str]] = [
    ("bom.xlsx", zip_bomb(), "zip bomb"),
    ("slip.xlsx", ooxml({"../../etc/cron.d/x": b"x"}), "zip-slip"),
    ("abs.xlsx", ooxml({"/etc/passwd": b"x"}), "zip-slip"),
    ("back.xlsx", ooxml({"xl\\..\\..\\evil.xml": b"x"}), "zip-slip"),
    ("drive.xlsx", ooxml({"C:/evil.xml": b"x"}), "zip-slip"),
    ("csv.xlsx", b"ho_ten,ngay_sinh\nAn,1990\n", "không phải tệp XLSX"),
    ("word.xlsx", ooxml({}, prefix="word/"), "không phải tệp XLSX"),
    ("exe.csv", b"MZ\x90\x00\x03\x00\x00\x00", "không phải tệp CSV"),
    ("zip.csv", ooxml({}), "không phải tệp CSV"),
    ("sheet.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "không nhận loại tệp này"),
]


@pytest.mark.parametrize(("name", "data", "message"), MALICIOUS)
def test_malicious_sheets_are_refused_before_openpyxl(name: str, data: bytes, message: str) -> None:
    with pytest.raises(DomainError, match=message) as caught:
        uploads.validate_sheet(name, io.BytesIO(data))
    assert f"“{name}”" in caught.value.message


def test_too_many_members_and_oversized_files_are_refused(settings: Any) -> None:
    settings.ZIP_MAX_MEMBERS = 5
    many = ooxml({f"xl/media/{n}.png": b"x" for n in range(6)})
    with pytest.raises(DomainError, match="quá nhiều"):
        uploads.validate_sheet("nhieu.xlsx", io.BytesIO(many))
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(DomainError, match="lớn hơn"):
        uploads.validate_sheet("to.csv", io.BytesIO(b"ho_ten\n" + b"An\n" * 10))


def test_a_zip_bomb_docx_case_document_is_refused_and_nothing_is_kept(tree: Tree) -> None:
    case = make_case(org_unit=tree.commune_a1)
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    bomb = ooxml({"word/document.xml": b"0" * (40 * 1024 * 1024)}, prefix="word/")
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="zip bomb"):
        documents.document_upload(case=case, actor=clerk, title="", name="bien-ban.docx", data=bomb)
    assert (case.documents.count(), AuditEvent.objects.count()) == (0, before)


def test_an_import_upload_of_a_zip_bomb_shows_the_reason_and_creates_no_job(
    client: Client, tree: Tree
) -> None:
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    client.force_login(clerk)
    upload = SimpleUploadedFile("nguoi.xlsx", zip_bomb())
    response = client.post(reverse("intake:job-create"), {"file": upload, "unit_code": "X-A1"})
    assert response.status_code == 200
    assert "zip bomb" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_path_traversal_name_is_only_metadata(tree: Tree, tmp_path: Path) -> None:
    # given a good sheet uploaded as "../../etc/passwd.xlsx"
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    data = write_xlsx(tmp_path / "x.xlsx", [person_row()]).read_bytes()
    upload = SimpleUploadedFile("../../etc/passwd\r\n.xlsx", data)
    job = services.import_job_create(
        actor=clerk, org_unit=tree.commune_a1, file_name="../../etc/passwd\r\n.xlsx", upload=upload
    )
    # then the name kept is the sanitised basename, and the file is stored under a random name
    assert job.file_name == "passwd.xlsx"
    assert "passwd" not in job.upload.name
    assert job.upload.name.startswith("intake/")
    assert ".." not in job.upload.name


def test_content_disposition_is_safe_for_any_name() -> None:
    header = content_disposition('..\\..\\bien "ban"\r\nSet-Cookie: x=1.docx')
    assert "\r" not in header
    assert "\n" not in header
    assert header == (
        'attachment; filename="bien _ban_Set-Cookie_ x=1.docx"; '
        "filename*=UTF-8''bien%20%22ban%22Set-Cookie%3A%20x%3D1.docx"
    )
    assert content_disposition("Biên bản đợt 1.pdf") == (
        'attachment; filename="Bien ban dot 1.pdf"; '
        "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20%C4%91%E1%BB%A3t%201.pdf"
    )


def test_a_case_document_named_with_crlf_downloads_with_a_clean_header(
    client: Client, tree: Tree
) -> None:
    case = make_case(org_unit=tree.commune_a1)
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    document = documents.document_upload(
        case=case, actor=clerk, title="", name="a\r\nX-Evil: 1.pdf", data=b"%PDF-1.4 x"
    )
    assert document.original_name == "aX-Evil: 1.pdf"
    client.force_login(clerk)
    response = client.get(reverse("cases:document-download", kwargs={"pk": document.pk}))
    assert response.status_code == 200
    assert "X-Evil" not in response.headers or response.headers.get("X-Evil") is None
    assert response["Content-Disposition"] == (
        "attachment; filename=\"aX-Evil_ 1.pdf\"; filename*=UTF-8''aX-Evil%3A%201.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("no-store")

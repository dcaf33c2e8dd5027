"""Case documents: upload validation, storage outside public paths, checksum, audit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from docx import Document
from openpyxl import Workbook

from bvct.access import policy
from bvct.audit.models import AuditEvent
from bvct.core import uploads
from bvct.core.errors import AccessDenied, DomainError
from bvct.vetting import documents, storage, workflow
from bvct.vetting.models import CaseDocument, ChecklistMark, WorkingSession
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 8 + b"\xff\xd9"


def _docx() -> bytes:
    buf = io.BytesIO()
    doc = Document()
    doc.add_paragraph("Biên bản")
    doc.save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "maker", "content_type"),
    [
        ("đơn.pdf", lambda: PDF, "application/pdf"),
        ("ảnh.png", lambda: PNG, "image/png"),
        ("ảnh.JPG", lambda: JPEG, "image/jpeg"),
        ("biên bản.docx", _docx, uploads.DOCX.content_type),
        ("bảng.xlsx", _xlsx, uploads.XLSX.content_type),
    ],
)
def test_allowed_uploads_are_stored_outside_public_paths(
    actors: Actors, name: str, maker: object, content_type: str
) -> None:
    case = make_case(person=actors.subject)
    data = maker()  # type: ignore[operator]
    doc = documents.document_upload(
        case=case, actor=actors.clerk, title="", name=f"C:\\tmp\\{name}", data=data
    )
    assert doc.content_type == content_type
    assert doc.original_name == name
    path = Path(settings.CASE_FILES_DIR) / doc.storage_name
    assert path.read_bytes() == data
    for public in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        assert not path.resolve().is_relative_to(Path(public).resolve())
    assert storage.read_file(doc) == data
    event = AuditEvent.objects.get(action="vetting.document.upload")
    assert event.data["document"] == doc.pk


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("x.pdf", b"MZ\x90\x00" + b"\x00" * 20, "PDF"),
        ("x.exe", b"MZ\x90\x00", "x.exe"),
        ("x.docx", b"PK\x03\x04" + b"\x00" * 30, "DOCX"),
        ("x.pdf", b"", "x.pdf"),
    ],
)
def test_refused_uploads_save_nothing(
    actors: Actors, name: str, data: bytes, fragment: str
) -> None:
    case = make_case(person=actors.subject)
    with pytest.raises(DomainError, match=fragment):
        documents.document_upload(case=case, actor=actors.clerk, title="t", name=name, data=data)
    assert not CaseDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="vetting.document.upload").exists()


def test_too_big_is_refused(actors: Actors, settings: pytest.FixtureRequest) -> None:
    settings.CASE_FILE_MAX_BYTES = 10  # type: ignore[attr-defined]
    case = make_case(person=actors.subject)
    with pytest.raises(DomainError, match="MB"):
        documents.document_upload(case=case, actor=actors.clerk, title="t", name="a.pdf", data=PDF)
    assert documents.read_limited(io.BytesIO(PDF)) == PDF[:11]
    assert not CaseDocument.objects.exists()


def test_tampered_file_fails_checksum(actors: Actors) -> None:
    case = make_case(person=actors.subject)
    doc = documents.document_upload(
        case=case, actor=actors.clerk, title="t", name="a.pdf", data=PDF
    )
    (Path(settings.CASE_FILES_DIR) / doc.storage_name).write_bytes(PDF + b"x")
    with pytest.raises(DomainError):
        documents.document_read(document=doc, actor=actors.clerk)
    assert not AuditEvent.objects.filter(action="vetting.document.read").exists()


def test_upload_with_checklist_code_marks_it(actors: Actors) -> None:
    case = make_case(person=actors.subject)
    code = workflow.spec_for(case.case_type).checklist[0].code
    documents.document_upload(
        case=case, actor=actors.clerk, title="t", name="a.pdf", data=PDF, checklist_code=code
    )
    assert ChecklistMark.objects.filter(case=case, code=code).exists()
    event = AuditEvent.objects.get(action="vetting.document.upload")
    assert event.data["checklist_code"] == code
    assert event.data["checklist_marked"] is True


def test_closed_case_and_outsider_refused(actors: Actors) -> None:
    case = make_case(person=actors.subject)
    with pytest.raises(AccessDenied):
        documents.document_upload(
            case=case, actor=actors.outsider, title="t", name="a.pdf", data=PDF
        )
    case.closed_at = timezone.now()
    case.save(update_fields=["closed_at"])
    with pytest.raises(DomainError, match="kết thúc"):
        documents.document_upload(case=case, actor=actors.clerk, title="t", name="a.pdf", data=PDF)
    assert not CaseDocument.objects.exists()


def test_member_sees_only_visible_documents(actors: Actors) -> None:
    case = make_case(person=actors.subject)
    shown = documents.document_upload(
        case=case, actor=actors.clerk, title="t", name="a.pdf", data=PDF, visible_to_subject=True
    )
    documents.document_upload(case=case, actor=actors.clerk, title="i", name="b.pdf", data=PDF)
    assert list(policy.member_documents_visible_to(actors.member)) == [shown]
    assert policy.case_documents_visible_to(actors.clerk).count() == 2
    assert not policy.case_documents_visible_to(actors.outsider).exists()


def test_session_record_is_audited(actors: Actors) -> None:
    case = make_case(person=actors.subject)
    session = documents.session_record(
        case=case,
        actor=actors.clerk,
        held_on=timezone.localdate(),
        place="Trụ sở",
        attendees="A\n\n B \n",
        minutes="Nội dung",
    )
    assert session.attendees == "A\nB"
    assert WorkingSession.objects.count() == 1
    assert AuditEvent.objects.get(action="vetting.session.record").data["session"] == session.pk

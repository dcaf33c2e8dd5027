"""Pages and API of conclusions, due process and case documents: the decision goes through the
conclude page, the subject explains and appeals from the portal, documents are uploaded and
downloaded only within reach, and every read of a document is audited."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.vetting import dueprocess, storage, workflow
from bvct.vetting.models import (
    Appeal,
    Case,
    CaseConclusion,
    CaseDocument,
    CaseNotice,
    CaseType,
    ChecklistMark,
    Explanation,
    Purpose,
    Status,
    WorkingSession,
)
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def _resolved_admission(actors: Actors) -> Case:
    case = make_case(person=actors.subject, status=Status.RESOLVED)
    for item in workflow.spec_for(CaseType.ADMISSION).checklist:
        ChecklistMark.objects.create(
            case=case, code=item.code, marked_by=actors.clerk, marked_at=timezone.now()
        )
    return case


def _admit_through_the_page(actors: Actors, case: Case) -> CaseConclusion:
    response = client_for(actors.approver).post(
        reverse("cases:case-conclude", args=[case.pk]),
        {"to": Status.ADMITTED, "outcome": "admit", "facts": "Lý lịch rõ ràng.\nChi bộ đồng ý."},
    )
    assert response.status_code == 302
    return CaseConclusion.objects.get(case=case, is_current=True)


def test_the_decision_button_opens_the_conclude_page(actors: Actors) -> None:
    # given an admission case ready for the decision
    case = _resolved_admission(actors)
    body = client_for(actors.approver).get(case.get_absolute_url()).content.decode()
    # then "decide to admit" is a link to the conclude page, not a bare transition form
    conclude = reverse("cases:case-conclude", args=[case.pk])
    assert f'href="{conclude}?to=admitted"' in body
    assert 'name="to" value="admitted"' not in body


def test_conclude_page_refuses_missing_facts_and_saves_nothing(actors: Actors) -> None:
    case = _resolved_admission(actors)
    url = reverse("cases:case-conclude", args=[case.pk])
    client = client_for(actors.approver)
    page = client.get(url, {"to": Status.ADMITTED})
    assert page.status_code == 200
    assert 'data-testid="conclude-form"' in page.content.decode()
    events = AuditEvent.objects.count()
    # when the approver signs without the facts relied on
    response = client.post(url, {"to": Status.ADMITTED, "outcome": "admit", "facts": " "})
    # then the form says what is missing, and nothing was written
    assert response.status_code == 200
    assert "facts" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert not CaseConclusion.objects.filter(case=case).exists()
    assert AuditEvent.objects.count() == events


def test_conclude_then_download_the_numbered_docx(actors: Actors) -> None:
    # given the approver decides through the page
    case = _resolved_admission(actors)
    conclusion = _admit_through_the_page(actors, case)
    case.refresh_from_db()
    assert case.status == Status.ADMITTED
    # then the conclusion page shows the number and offers the DOCX
    client = client_for(actors.officer)
    page = client.get(reverse("cases:case-conclusion", args=[case.pk])).content.decode()
    assert conclusion.reference in page
    download = reverse("cases:document-download", args=[conclusion.document_id])
    assert download in page
    # and the download is the real document, its read audited
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for r in table.rows for cell in r.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert conclusion.reference in text
    assert actors.subject.full_name in text
    assert AuditEvent.objects.filter(
        action="vetting.document.read", actor=actors.officer, data__document=conclusion.document_id
    ).exists()


def test_only_approvers_reach_the_conclude_page(actors: Actors) -> None:
    case = _resolved_admission(actors)
    url = reverse("cases:case-conclude", args=[case.pk])
    assert client_for(actors.officer).get(url).status_code == 403
    assert client_for(actors.outsider).get(url).status_code == 404


def test_notice_explanation_and_appeal_through_the_portal(actors: Actors) -> None:
    # given an appraisal under review and an officer who issues the opening notice
    case = make_case(
        person=actors.subject,
        case_type=CaseType.APPRAISAL,
        purpose=Purpose.PLANNING_TRAINING,
        status=Status.REVIEW,
        subject_matter="Thẩm định tiêu chuẩn chính trị để quy hoạch",
    )
    officer = client_for(actors.officer)
    response = officer.post(
        reverse("cases:case-notice-issue", args=[case.pk]), {"text": "Nội dung thẩm định."}
    )
    assert response.status_code == 302
    notice = CaseNotice.objects.get(case=case)
    # when the member opens their case, the notice is marked seen and the window is offered
    member = client_for(actors.member)
    page = member.get(reverse("cases:my-case-detail", args=[case.pk])).content.decode()
    assert "Nội dung thẩm định." in page
    assert 'data-testid="explanation-text"' in page
    notice.refresh_from_db()
    assert notice.seen_at is not None
    # and the member explains through htmx: the partial comes back with the explanation
    response = member.post(
        reverse("cases:my-explanation", args=[case.pk]),
        {"notice": notice.pk, "text": "Tôi xin giải trình như sau."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'data-testid="my-explanation"' in response.content.decode()
    assert Explanation.objects.get(notice=notice).on_paper is False
    # then the staff page shows it, and the approver may conclude
    staff = officer.get(case.get_absolute_url()).content.decode()
    assert "Tôi xin giải trình như sau." in staff
    client_for(actors.approver).post(
        reverse("cases:case-conclude", args=[case.pk]),
        {"to": Status.CONCLUDED, "outcome": "does_not_meet", "facts": "Sự việc đã xác minh."},
    )
    conclusion = CaseConclusion.objects.get(case=case, is_current=True)
    # and the member sees the conclusion with their own download link and lodges an appeal
    page = member.get(reverse("cases:my-case-detail", args=[case.pk])).content.decode()
    assert conclusion.reference in page
    assert reverse("cases:my-document-download", args=[conclusion.document_id]) in page
    member.post(reverse("cases:my-appeal", args=[case.pk]), {"text": "Tôi không đồng ý."})
    appeal = Appeal.objects.get(case=case)
    assert appeal.conclusion == conclusion
    staff = officer.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="appeal-row"' in staff


def test_explanation_for_another_case_notice_is_404(actors: Actors) -> None:
    mine = make_case(person=actors.subject, status=Status.VERIFYING)
    other = make_case(org_unit=actors.subject.org_unit, status=Status.VERIFYING)
    notice = dueprocess.notice_issue(case=other, actor=actors.officer, body="Khác")
    response = client_for(actors.member).post(
        reverse("cases:my-explanation", args=[mine.pk]), {"notice": notice.pk, "text": "x"}
    )
    assert response.status_code == 404
    assert not Explanation.objects.exists()


def test_member_downloads_only_documents_marked_for_them(actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    internal = storage.store_file(
        case=case,
        actor=actors.clerk,
        kind=CaseDocument.Kind.ATTACHMENT,
        title="Nội bộ",
        original_name="noi-bo.pdf",
        content_type="application/pdf",
        data=PDF,
    )
    shared = storage.store_file(
        case=case,
        actor=actors.clerk,
        kind=CaseDocument.Kind.ATTACHMENT,
        title="Gửi đương sự",
        original_name="gui.pdf",
        content_type="application/pdf",
        data=PDF,
        visible_to_subject=True,
    )
    member = client_for(actors.member)
    assert member.get(reverse("cases:my-document-download", args=[shared.pk])).content == PDF
    assert member.get(reverse("cases:my-document-download", args=[internal.pk])).status_code == 404
    page = member.get(reverse("cases:my-case-detail", args=[case.pk])).content.decode()
    assert "Gửi đương sự" in page
    assert "Nội bộ" not in page
    # staff of another province never reach either
    outsider = client_for(actors.outsider)
    assert outsider.get(reverse("cases:document-download", args=[shared.pk])).status_code == 404


def test_upload_and_session_from_the_case_page(actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    clerk = client_for(actors.clerk)
    upload = reverse("cases:document-upload", args=[case.pk])
    # a PDF naming a required document is kept and marks it received
    response = clerk.post(
        upload,
        {
            "file": SimpleUploadedFile("lý lịch.pdf", PDF, content_type="application/pdf"),
            "title": "Lý lịch 2-KNĐ",
            "checklist_code": "ly_lich_2knd",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#documents")
    document = CaseDocument.objects.get(case=case)
    assert document.original_name == "lý lịch.pdf"
    assert ChecklistMark.objects.filter(case=case, code="ly_lich_2knd").exists()
    # a renamed executable is refused with a message naming the file; nothing is kept
    response = clerk.post(
        upload,
        {"file": SimpleUploadedFile("đơn.pdf", b"MZ\x90\x00", content_type="application/pdf")},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("đơn.pdf" in m for m in messages)
    assert CaseDocument.objects.filter(case=case).count() == 1
    # a session with a date in the wrong format is refused and names the field
    response = clerk.post(
        reverse("cases:session-record", args=[case.pk]),
        {"held_on": "2026-13-45", "place": "Hội trường", "attendees": "A", "minutes": "B"},
        follow=True,
    )
    assert not WorkingSession.objects.exists()
    assert [str(m) for m in response.context["messages"]]
    clerk.post(
        reverse("cases:session-record", args=[case.pk]),
        {
            "held_on": timezone.localdate().strftime("%d/%m/%Y"),
            "place": "Hội trường",
            "attendees": "Nguyễn Văn A\nTrần Thị B",
            "minutes": "Làm việc với đương sự.",
        },
    )
    page = clerk.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="document-row"' in page
    assert "Làm việc với đương sự." in page
    # an inspector reads but may not upload
    inspector = client_for(actors.inspector)
    response = inspector.post(upload, {"file": SimpleUploadedFile("x.pdf", PDF)}, follow=True)
    assert response.status_code == 403
    assert CaseDocument.objects.filter(case=case).count() == 1


def test_documents_api_lists_uploads_and_downloads(actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    clerk = client_for(actors.clerk)
    url = reverse("api:case-document-list", args=[case.pk])
    created = clerk.post(url, {"file": SimpleUploadedFile("bien-ban.pdf", PDF), "title": "BB"})
    assert created.status_code == 201, created.content
    payload = created.json()
    assert payload["title"] == "BB"
    assert payload["size"] == len(PDF)
    bad = clerk.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 400
    assert "x.exe" in bad.json()["detail"]
    listing = clerk.get(url).json()
    assert [row["id"] for row in listing] == [payload["id"]]
    download = clerk.get(reverse("api:case-document-download", args=[payload["id"]]))
    assert download.status_code == 200
    assert download.content == PDF
    outsider = client_for(actors.outsider)
    assert outsider.get(url).status_code == 404
    assert (
        outsider.get(reverse("api:case-document-download", args=[payload["id"]])).status_code == 404
    )


def test_case_page_loads_the_criteria_evaluation_for_the_case_purpose(actors: Actors) -> None:
    case = make_case(person=actors.subject, case_type=CaseType.APPRAISAL, purpose=Purpose.KEY_POST)
    body = client_for(actors.officer).get(case.get_absolute_url()).content.decode()
    evaluation = reverse("criteria:person-evaluation", args=[actors.subject.pk])
    assert f'hx-get="{evaluation}?purpose=key_post"' in body

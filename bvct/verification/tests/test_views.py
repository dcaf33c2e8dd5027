"""Pages and API of verification requests: sending from a case, the addressee's inbox and reply,
the case page, statistics and the registry; each side sees only its own."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.people.models import Relative
from bvct.people.tests.factories import make_relative
from bvct.verification.models import ExternalBody, VerificationRequest
from bvct.verification.tests.conftest import Actors
from bvct.verification.tests.factories import make_body, send_request
from bvct.vetting.models import Status
from bvct.vetting.tests.factories import make_case
from conftest import Tree

pytestmark = pytest.mark.django_db
S = VerificationRequest.Status


def client_for(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def test_send_from_the_case_page_and_download_the_letter(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    father = make_relative(person=actors.subject, relationship=Relative.Relationship.FATHER)
    officer = client_for(actors.officer)
    page = officer.get(case.get_absolute_url()).content.decode()
    new = reverse("requests:request-new", args=[case.pk])
    assert new in page
    form = officer.get(new).content.decode()
    assert f'data-testid="verdict-{father.pk}"' in form
    # a wrong unit code is refused on the form and nothing is saved
    bad = officer.post(
        new,
        {
            "addressee_unit_code": "KHONG-CO",
            "legal_basis": "HD 06",
            "purpose": "thẩm tra",
            "questions": "Lịch sử chính trị",
            "classification": "0",
            "include_subject": "on",
        },
    )
    assert bad.status_code == 200
    assert "KHONG-CO" in bad.content.decode()
    assert not VerificationRequest.objects.exists()
    response = officer.post(
        new,
        {
            "addressee_unit_code": tree.commune_b1.code,
            "legal_basis": "HD 06",
            "purpose": "thẩm tra lý lịch",
            "questions": "Lịch sử chính trị",
            "classification": "0",
            "include_subject": "on",
            "relatives": [father.pk],
        },
    )
    request = VerificationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("requests:request-detail", args=[request.pk])
    assert request.status == S.SENT
    letter = officer.get(reverse("requests:letter", args=[request.pk]))
    assert letter.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(letter.content)).paragraphs)
    assert father.full_name in text
    assert AuditEvent.objects.filter(action="vetting.document.read").exists()
    page = officer.get(case.get_absolute_url()).content.decode()
    assert request.reference in page


def test_the_addressee_answers_from_its_inbox(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    request = send_request(actor=actors.officer, case=case, addressee_unit=tree.commune_b1)
    answerer = client_for(actors.outsider)
    inbox = answerer.get(reverse("requests:incoming")).content.decode()
    assert f'data-request="{request.pk}"' in inbox
    # the requester does not find it in its incoming list, but in its outgoing one
    officer = client_for(actors.officer)
    assert (
        f'data-request="{request.pk}"'
        not in officer.get(reverse("requests:incoming")).content.decode()
    )
    assert (
        f'data-request="{request.pk}"' in officer.get(reverse("requests:outgoing")).content.decode()
    )
    detail = reverse("requests:request-detail", args=[request.pk])
    assert 'data-testid="reply-form"' in answerer.get(detail).content.decode()
    assert 'data-testid="reply-form"' not in officer.get(detail).content.decode()
    answerer.post(reverse("requests:request-receive", args=[request.pk]))
    answerer.post(
        reverse("requests:request-assign", args=[request.pk]), {"assignee": actors.outsider.pk}
    )
    missing = answerer.post(
        reverse("requests:request-reply", args=[request.pk]), {"outcome": "issue_found"}
    )
    assert missing.status_code == 200
    assert "text" in missing.context["reply_form"].errors
    done = answerer.post(
        reverse("requests:request-reply", args=[request.pk]),
        {"outcome": "certified", "text": "Xác nhận."},
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.assignee) == (S.ANSWERED, actors.outsider)
    # the case page of the requester shows the answer; both sides read the certification letter
    assert (
        request.get_reply_outcome_display() in officer.get(case.get_absolute_url()).content.decode()
    )
    for client in (officer, answerer):
        assert client.get(reverse("requests:reply-document", args=[request.pk])).status_code == 200


def test_a_third_unit_gets_404_everywhere(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    request = send_request(actor=actors.officer, case=case, addressee_unit=tree.commune_b1)
    stranger = client_for(
        make_user(org_unit=tree.commune_a2, roles=(RoleCode.OFFICER,), clearance=3)
    )
    for name in ("requests:request-detail", "requests:letter", "api:request-detail"):
        assert stranger.get(reverse(name, args=[request.pk])).status_code == 404
    assert stranger.post(reverse("requests:request-receive", args=[request.pk])).status_code == 404
    assert stranger.get(reverse("api:request-list"), {"state": "all"}).json() == []


def test_an_external_reply_is_recorded_by_the_requester_with_its_scan(
    tree: Tree, actors: Actors
) -> None:
    police = make_body(registered_by=actors.officer)
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    request = send_request(actor=actors.officer, case=case, addressee_body=police)
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    officer = client_for(actors.officer)
    url = reverse("requests:request-reply", args=[request.pk])
    no_reference = officer.post(url, {"outcome": "certified"})
    assert "reference" in no_reference.context["reply_form"].errors
    officer.post(
        url,
        {
            "outcome": "certified",
            "reference": "Số 55/PA03 ngày 02/12/2026",
            "file": SimpleUploadedFile("tra-loi.pdf", b"%PDF-1.4 reply"),
        },
    )
    request.refresh_from_db()
    assert request.status == S.ANSWERED
    assert officer.get(reverse("requests:reply-document", args=[request.pk])).content == (
        b"%PDF-1.4 reply"
    )


def test_api_lists_each_side(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    request = send_request(actor=actors.officer, case=case, addressee_unit=tree.commune_b1)
    outgoing = client_for(actors.officer).get(reverse("api:request-list"), {"side": "outgoing"})
    incoming = client_for(actors.outsider).get(reverse("api:request-list"), {"side": "incoming"})
    assert [row["id"] for row in outgoing.json()] == [request.pk]
    assert [row["id"] for row in incoming.json()] == [request.pk]
    assert incoming.json()[0]["overdue"] is False
    detail = client_for(actors.outsider).get(reverse("api:request-detail", args=[request.pk]))
    assert detail.json()["covers"][0]["name"] == actors.subject.full_name


def test_statistics_and_bodies_pages(tree: Tree, actors: Actors) -> None:
    officer = client_for(actors.officer)
    response = officer.post(
        reverse("requests:bodies"), {"name": "Bộ CHQS tỉnh A", "kind": "military"}
    )
    assert response.status_code == 302
    assert ExternalBody.objects.filter(name="Bộ CHQS tỉnh A").exists()
    clerk = client_for(actors.clerk)
    page = clerk.post(reverse("requests:bodies"), {"name": "Công an X", "kind": "police"})
    assert page.status_code == 200
    assert not ExternalBody.objects.filter(name="Công an X").exists()
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    send_request(actor=actors.officer, case=case, addressee_unit=tree.commune_b1)
    stats = officer.get(reverse("requests:stats")).content.decode()
    assert 'data-testid="stats-addressee"' in stats
    assert "Xã B1" in stats


def test_a_classified_letter_is_hidden_from_readers_without_clearance(
    tree: Tree, actors: Actors
) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    request = send_request(
        actor=actors.officer, case=case, addressee_unit=tree.commune_b1, classification=1
    )
    assert request.letter is not None
    assert request.letter.classification == 1
    clerk = client_for(actors.clerk)  # sees the case, has no clearance
    assert (
        clerk.get(reverse("cases:document-download", args=[request.letter.pk])).status_code == 404
    )
    assert clerk.get(reverse("requests:request-detail", args=[request.pk])).status_code == 404
    page = clerk.get(case.get_absolute_url()).content.decode()
    assert request.reference not in page
    officer = client_for(actors.officer)
    assert (
        officer.get(reverse("cases:document-download", args=[request.letter.pk])).status_code == 200
    )

"""Register pages: registering from the form, what each reader sees, downloads, no uploads."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.registers import services
from bvct.registers.models import Entry
from bvct.registers.tests.conftest import Staff
from bvct.registers.tests.factories import make_entry
from conftest import Tree

D = dt.date


def client_for(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


FORM = {
    "doc_number": "21-BC/ĐU",
    "doc_date": "01/12/2026",
    "level": "2",
    "copies": "3",
    "summary": "Báo cáo tình hình",
    "signer": "Nguyễn Văn A",
    "addressees": "Văn phòng Tỉnh ủy; 2\nLưu",
}


def test_registering_from_the_form(tree: Tree, staff: Staff) -> None:
    client = client_for(staff.registrar)
    response = client.post(reverse("registers:entry-new") + "?kind=out", FORM)
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:entry", args=[entry.pk])
    assert (entry.number, entry.level, entry.copies, entry.registered_on) == (
        1,
        2,
        3,
        D(2026, 12, 3),
    )
    assert list(entry.addressees.values_list("name", "copies")) == [
        ("Văn phòng Tỉnh ủy", 2),
        ("Lưu", 1),
    ]
    page = client.get(reverse("registers:entry", args=[entry.pk])).content.decode()
    assert "21-BC/ĐU" in page
    assert "Báo cáo tình hình" in page
    assert "03/12/2046" not in page
    assert "01/12/2046" in page  # 20 years for Tối mật from the document date


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"doc_date": "1/13/2026"}, "Ngày văn bản: ghi ngày theo dạng dd/mm/yyyy."),
        ({"addressees": "Văn phòng; hai"}, "Dòng 1"),
        ({"level": "3"}, "Trích yếu"),  # Tuyệt mật with a summary
        ({"copies": ""}, "Số bản"),
    ],
)
def test_bad_input_says_what_and_where_and_saves_nothing(
    tree: Tree, staff: Staff, change: dict[str, str], message: str
) -> None:
    response = client_for(staff.registrar).post(
        reverse("registers:entry-new") + "?kind=out", {**FORM, **change}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Entry.objects.exists()


@pytest.fixture
def secret(tree: Tree, staff: Staff) -> Entry:
    """A Tối mật outgoing entry with a long-unconfirmed receipt, past its marked period."""
    return make_entry(
        tree.commune_a1,
        registrar=staff.registrar,
        level=2,
        doc_number="77-KH/ĐU",
        summary="Kế hoạch nhân sự",
        doc_date=D(2026, 3, 2),
        marked_until=D(2026, 6, 30),
    )


@pytest.fixture
def plain(tree: Tree, staff: Staff) -> Entry:
    return make_entry(
        tree.commune_a1,
        registrar=staff.registrar,
        level=1,
        doc_number="78-KH/ĐU",
        doc_date=D(2026, 3, 3),
        registered_on=D(2026, 3, 4),
        marked_until=D(2026, 6, 30),
    )


def test_a_reader_without_clearance_sees_a_toi_mat_entry_nowhere(
    tree: Tree, staff: Staff, secret: Entry, plain: Entry
) -> None:
    client = client_for(staff.registrar_mat)
    index = client.get(reverse("registers:index")).content.decode()
    assert '<td data-testid="count">1</td>' in index  # only the Mật entry is counted
    assert "77-KH" not in index
    register = client.get(reverse("registers:register", args=[secret.register_id])).content.decode()
    assert "78-KH/ĐU" in register
    assert "77-KH" not in register
    search = client.get(reverse("registers:search"), {"q": "KH"}).content.decode()
    assert "78-KH/ĐU" in search
    assert "77-KH" not in search
    assert (
        client.get(reverse("registers:search"), {"q": "nhan su"})
        .content.decode()
        .count('data-testid="result"')
        == 0
    )
    expiry = client.get(reverse("registers:expiry")).content.decode()
    assert "78-KH/ĐU" in expiry
    assert "77-KH" not in expiry
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(reverse("registers:register-export", args=[secret.register_id])).getvalue()
        )
    )
    assert "77-KH" not in str(list(book.worksheets[0].iter_rows(values_only=True)))
    assert client.get(reverse("registers:entry", args=[secret.pk])).status_code == 404
    report = client.get(reverse("registers:report"), {"year": "2026"}).content.decode()
    assert "Tối mật" not in report.split('data-testid="stats"')[1].split("</table>")[0]
    # the cleared registrar sees both, and finds the summary without diacritics
    cleared = client_for(staff.registrar)
    assert "77-KH/ĐU" in cleared.get(reverse("registers:search"), {"q": "nhan su"}).content.decode()


def test_the_auditor_reads_metadata_but_not_summaries_and_writes_nothing(
    tree: Tree, staff: Staff, secret: Entry
) -> None:
    client = client_for(staff.auditor)
    page = client.get(reverse("registers:entry", args=[secret.pk])).content.decode()
    assert "77-KH/ĐU" in page
    assert "Kế hoạch nhân sự" not in page
    assert 'data-testid="amend-form"' not in page
    search = client.get(reverse("registers:search"), {"q": "nhan su"}).content.decode()
    assert "77-KH" not in search  # the summary is not searchable for auditors
    response = client.post(reverse("registers:entry-cancel", args=[secret.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert Entry.objects.get(pk=secret.pk).status == "active"
    assert (
        AuditEvent.objects.filter(action="registers.entry.view", actor=staff.auditor).count() == 1
    )


def test_the_provincial_registrar_reads_the_commune_but_writes_only_its_own(
    tree: Tree, staff: Staff, secret: Entry
) -> None:
    client = client_for(staff.registrar_prov)
    assert client.get(reverse("registers:entry", args=[secret.pk])).status_code == 200
    assert (
        client.post(
            reverse("registers:entry-cancel", args=[secret.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    other = client_for(staff.registrar_b)
    assert other.get(reverse("registers:entry", args=[secret.pk])).status_code == 404


def test_actions_from_the_entry_page(tree: Tree, staff: Staff, secret: Entry) -> None:
    client = client_for(staff.registrar)
    url = reverse("registers:entry", args=[secret.pk])
    addressee = secret.addressees.first()
    assert addressee is not None
    response = client.post(
        reverse("registers:entry-receipt", args=[secret.pk]),
        {"addressee": addressee.pk, "received_on": "03/12/2026", "signed_by": "Trần Thị B"},
    )
    assert response["Location"] == url
    client.post(
        reverse("registers:entry-authorise", args=[secret.pk]),
        {
            "copies": "2",
            "authorised_by": "Bí thư",
            "reference": "Phiếu 3",
            "authorised_on": "02/12/2026",
        },
    )
    authorisation = secret.authorisations.get()
    client.post(
        reverse("registers:entry-copy", args=[secret.pk]),
        {"authorisation": authorisation.pk, "copies": "3", "copy_form": "copy", "recipients": ""},
    )
    page = client.get(url).content.decode()
    assert "chỉ còn 2" in page or "only 2" in page  # the refusal names the copies left
    client.post(
        reverse("registers:entry-copy", args=[secret.pk]),
        {
            "authorisation": authorisation.pk,
            "copies": "2",
            "copy_form": "photo",
            "recipients": "Văn phòng; 2",
        },
    )
    client.post(
        reverse("registers:entry-protection", args=[secret.pk]),
        {"act": "extend", "day": "03/12/2026", "decision": "5-QĐ/ĐU", "until": "31/12/2040"},
    )
    secret.refresh_from_db()
    assert secret.protected_until == D(2040, 12, 31)
    assert services.copies_left(authorisation) == 0
    page = client.get(url).content.decode()
    assert "Trần Thị B" in page
    assert 'data-testid="copies-left">0<' in page


def test_report_page_and_downloads(tree: Tree, staff: Staff, secret: Entry) -> None:
    client = client_for(staff.registrar)
    page = client.get(reverse("registers:report"), {"year": "2026"}).content.decode()
    assert "15/12/2025" in page
    assert "20/12/2026" in page
    xlsx = client.post(reverse("registers:report"), {"year": "2026", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    docx_response = client.post(
        reverse("registers:report"), {"year": "2026", "format": "docx", "situation": "Ổn định"}
    )
    assert docx_response["Content-Disposition"].startswith(
        'attachment; filename="bao-cao-bmnn-2026-X-A1.docx"'
    )


def test_no_page_of_the_module_accepts_a_file() -> None:
    root = Path(__file__).resolve().parents[1]
    templates = "".join(p.read_text() for p in (root / "templates").rglob("*.html"))
    sources = "".join(p.read_text() for p in root.glob("*.py"))
    assert 'type="file"' not in templates
    assert "multipart" not in templates
    assert "request.FILES" not in sources
    assert "FileField" not in sources

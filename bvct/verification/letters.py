"""The letters of a verification request, in the party document format (`vetting.docx`): the
request (for admission "theo Mẫu 20-KNĐ", otherwise an official letter) and, from a party
addressee, the certification letter that answers it. Fixed wording is Vietnamese document text,
kept minimal and neutral: it names the persons, the questions and the deadline, and never
quotes regulation text."""

from __future__ import annotations

from bvct.orgs.models import OrgUnit
from bvct.people.models import Person, Relative
from bvct.vetting.docx import (
    PartyDocument,
    _parent_name,
    birth_text,
    place_of,
    render,
    signature_for,
)
from bvct.vetting.models import CaseType

OUTCOME_TEXT = {
    "certified": "Xác nhận đúng như nội dung đã kê khai.",
    "certified_notes": "Xác nhận, có ghi chú như dưới đây.",
    "issue_found": "Phát hiện vấn đề cần làm rõ, như dưới đây.",
    "cannot_verify": "Không đủ căn cứ để xác minh, như dưới đây.",
    "refused": "Không trả lời, với lý do dưới đây.",
}


def _who(person: Person, relative: Relative | None) -> str:
    if relative is None:
        return f"{person.full_name} (ngày sinh: {birth_text(person)}) — người được thẩm tra"
    born = (
        relative.birth_date.strftime("%d/%m/%Y")
        if relative.birth_date
        else (str(relative.birth_year) if relative.birth_year else "chưa ghi nhận")
    )
    relation = relative.get_relationship_display()
    where = f", {relative.address_text}" if relative.address_text else ""
    return f"{relative.full_name} (ngày sinh: {born}{where}) — {relation.lower()}"


def request_letter(request, covers: list[Relative | None]) -> bytes:  # type: ignore[no-untyped-def]
    case = request.case
    unit: OrgUnit = request.requesting_unit
    admission = case.case_type == CaseType.ADMISSION
    body: list[tuple[str, bool]] = [
        (f"Kính gửi: {request.addressee_name}.", True),
        (f"Căn cứ: {request.legal_basis}.", False),
        (
            f"{unit.name} đề nghị quý cơ quan thẩm tra, xác minh và trả lời về "
            f"{request.purpose.rstrip('.')} đối với những người sau:",
            False,
        ),
        *[(f"- {_who(case.person, relative)}", False) for relative in covers],
        ("Nội dung đề nghị xác minh:", True),
        *[(line, False) for line in request.questions.splitlines() if line.strip()],
        (f"Đề nghị trả lời trước ngày {request.due_on:%d/%m/%Y}.", False),
    ]
    return render(
        PartyDocument(
            superior=_parent_name(unit),
            issuer=unit.name,
            reference=request.reference,
            place=place_of(unit),
            day=request.sent_on,
            doc_type="CÔNG VĂN" if not admission else "GIẤY ĐỀ NGHỊ THẨM TRA LÝ LỊCH",
            summary="(theo Mẫu 20-KNĐ)" if admission else "về việc đề nghị thẩm tra, xác minh",
            body=body,
            signature=signature_for(unit),
            signer_name=request.created_by.full_name or request.created_by.get_username(),
            recipients=[request.addressee_name, "Lưu hồ sơ thẩm tra"],
        )
    )


def certification_letter(request, *, reference: str, signer: str) -> bytes:  # type: ignore[no-untyped-def]
    unit: OrgUnit = request.addressee_unit
    body: list[tuple[str, bool]] = [
        (f"Kính gửi: {request.requesting_unit.name}.", True),
        (
            f"Trả lời văn bản {request.reference} ngày {request.sent_on:%d/%m/%Y} về việc "
            "đề nghị thẩm tra, xác minh,",
            False,
        ),
        (f"{unit.name} trả lời như sau:", False),
        (OUTCOME_TEXT[request.reply_outcome], True),
        *[(line, False) for line in request.reply_text.splitlines() if line.strip()],
    ]
    return render(
        PartyDocument(
            superior=_parent_name(unit),
            issuer=unit.name,
            reference=reference,
            place=place_of(unit),
            day=request.replied_on,
            doc_type="CÔNG VĂN",
            summary="về việc trả lời đề nghị thẩm tra, xác minh",
            body=body,
            signature=signature_for(unit),
            signer_name=signer,
            recipients=[request.requesting_unit.name, "Lưu"],
        )
    )

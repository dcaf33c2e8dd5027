"""Generated case documents (DOCX) in the party document format (domain.md §6; QĐ 66-QĐ/TW
2017, HD 36-HD/VPTW 2018): A4, margins 25/25/35/15 mm, Times New Roman; a header table with the
superior and issuing bodies, "*" and the number on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" (underlined)
and the italic place-and-date line on the right; the document type and summary, "-----", the
body, the collective signature ("T/M …") and "Nơi nhận".

A party document is always written in Vietnamese, whatever the reader's interface language, so
its fixed wording lives here as Vietnamese text, not as interface strings. The criteria trace is
rendered by `bvct.criteria.explain` under the Vietnamese locale.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bvct.orgs.models import OrgUnit
from bvct.people.models import DatePrecision, Person
from bvct.vetting.models import CaseConclusion, CaseNotice, CaseType, ConclusionOutcome

FONT = "Times New Roman"
TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
K = OrgUnit.Kind

OUTCOME_TEXT: dict[str, str] = {
    ConclusionOutcome.ADMIT: "Kết nạp vào Đảng Cộng sản Việt Nam",
    ConclusionOutcome.REFUSE: "Không kết nạp vào Đảng",
    ConclusionOutcome.MEETS: "Đủ tiêu chuẩn chính trị",
    ConclusionOutcome.NEEDS_APPROVAL: "Đủ tiêu chuẩn chính trị khi được cấp có thẩm quyền đồng ý",
    ConclusionOutcome.DOES_NOT_MEET: "Không đủ tiêu chuẩn chính trị",
    ConclusionOutcome.CONFIRMED: "Xác định có vấn đề về lịch sử chính trị",
    ConclusionOutcome.NOT_CONFIRMED: "Không xác định được vấn đề về lịch sử chính trị",
    ConclusionOutcome.CLEARED: "Không có vấn đề về lịch sử chính trị",
}
SUBJECT_MATTER_TEXT: dict[str, str] = {
    CaseType.ADMISSION: "thẩm tra lý lịch người vào Đảng",
    CaseType.APPRAISAL: "thẩm định tiêu chuẩn chính trị",
    CaseType.HISTORY: "kết luận lịch sử chính trị",
}


@dataclass
class PartyDocument:
    superior: str  # the direct superior body (caps, regular)
    issuer: str  # the issuing body (caps, bold)
    reference: str  # "Số 01-KL/ĐU"
    place: str
    day: datetime.date
    doc_type: str  # "KẾT LUẬN", "QUYẾT ĐỊNH", "THÔNG BÁO"
    summary: str
    body: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold heading)
    signature: str = "T/M BAN THƯỜNG VỤ"
    signer_position: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    # tables[i]: a grid (first row the header) placed after body paragraph i
    tables: dict[int, list[list[str]]] = field(default_factory=dict)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def place_and_date(place: str, day: datetime.date) -> str:
    """ "Hà Nội, ngày 03 tháng 12 năm 2026" (day on two digits, month as is)."""
    return f"{place}, ngày {day.day:02d} tháng {day.month} năm {day.year}"


def birth_text(person: Person) -> str:
    if person.birth_date is None:
        return str(person.birth_year) if person.birth_year else "chưa ghi nhận"
    if person.birth_precision == DatePrecision.YEAR:
        return f"{person.birth_date:%Y}"
    if person.birth_precision == DatePrecision.MONTH:
        return f"{person.birth_date:%m/%Y}"
    return f"{person.birth_date:%d/%m/%Y}"


def signature_for(unit: OrgUnit) -> str:
    if unit.kind == K.BRANCH:
        return "T/M CHI BỘ"
    if unit.kind in {K.GRASSROOTS, K.SUB_COMMITTEE}:
        return "T/M ĐẢNG ỦY"
    return "T/M BAN THƯỜNG VỤ"


def place_of(unit: OrgUnit) -> str:
    """The place on the date line: the province the unit lies in, else Hà Nội (the centre)."""
    step = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    province = OrgUnit.objects.filter(path__in=paths, kind=K.PROVINCE).order_by("-depth").first()
    if province is None:
        return "Hà Nội"
    return province.short_name or province.name


def _parent_name(unit: OrgUnit) -> str:
    if unit.depth <= 1:
        return ""
    parent = OrgUnit.objects.filter(path=unit.path[: -OrgUnit.steplen]).first()
    return parent.name if parent is not None else ""


# --- writing ------------------------------------------------------------------------------------


def _run(paragraph, text: str, *, size: int = 14, bold=False, italic=False, underline=False):  # type: ignore[no-untyped-def]
    run = paragraph.add_run(nfc(text))
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    run.underline = underline
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _centered(cell_or_doc, text: str, **style: object):  # type: ignore[no-untyped-def]
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, **style)  # type: ignore[arg-type]
    return paragraph


def _grid(document, rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = grid.rows[r].cells[c]
            cell.paragraphs[0].alignment = (
                WD_ALIGN_PARAGRAPH.LEFT if c == 0 else WD_ALIGN_PARAGRAPH.CENTER
            )
            _run(cell.paragraphs[0], text, size=12, bold=r == 0)


def render(doc: PartyDocument) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin, section.right_margin = Mm(35), Mm(15)

    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.superior:
        _run(left.paragraphs[0], doc.superior.upper())
        _centered(left, doc.issuer.upper(), bold=True)
    else:
        _run(left.paragraphs[0], doc.issuer.upper(), bold=True)
    _centered(left, "*")
    _centered(left, doc.reference)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], TITLE, size=15, bold=True, underline=True)
    _centered(right, "")
    _centered(right, place_and_date(doc.place, doc.day), italic=True)

    document.add_paragraph()
    _centered(document, doc.doc_type.upper(), size=16, bold=True)
    _centered(document, doc.summary, bold=True)
    _centered(document, "-----")
    for index, (text, heading) in enumerate(doc.body):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Mm(10) if not heading else None
        _run(paragraph, text, bold=heading)
        if index in doc.tables:
            _grid(document, doc.tables[index])

    sign = document.add_table(rows=1, cols=2)
    to_cell, sign_cell = sign.rows[0].cells
    _run(to_cell.paragraphs[0], "Nơi nhận:", size=12, bold=True, underline=True)
    for recipient in doc.recipients:
        to_cell.add_paragraph()
        _run(to_cell.paragraphs[-1], f"- {recipient},", size=12)
    sign_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(sign_cell.paragraphs[0], doc.signature, bold=True)
    if doc.signer_position:
        _centered(sign_cell, doc.signer_position.upper(), bold=True)
    _centered(sign_cell, "")
    _centered(sign_cell, "")
    _centered(sign_cell, doc.signer_name, bold=True)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the case documents ---------------------------------------------------------------------------


def _trace_lines(conclusion: CaseConclusion) -> list[tuple[str, bool]]:
    from bvct.criteria.explain import explain_for_subject  # noqa: PLC0415 (import-light)

    evaluation = conclusion.evaluation
    if evaluation is None:
        return [
            (
                "Không có bộ tiêu chí nào có hiệu lực vào ngày kết luận; kết luận không dựa "
                "trên đánh giá theo bộ tiêu chí.",
                False,
            )
        ]
    version = evaluation.version
    with translation.override("vi"):
        # the subject receives the letter: only evidence the subject may see is named in it
        explained = explain_for_subject(evaluation.trace)
        lines: list[tuple[str, bool]] = [
            (
                f"Bộ tiêu chí “{version.ruleset.code}” phiên bản {version.number}, hiệu lực từ "
                f"ngày {version.effective_from:%d/%m/%Y}"
                + (f" đến ngày {version.effective_to:%d/%m/%Y}" if version.effective_to else "")
                + f"; kết quả đánh giá: {explained.outcome_label}.",
                False,
            )
        ]
        lines.extend(
            (f"- {rule.code} ({rule.label}): {rule.result_label}. {rule.sentence}", False)
            for rule in explained.rules
        )
    return lines


def conclusion_document(conclusion: CaseConclusion) -> PartyDocument:
    case = conclusion.case
    person = case.person
    unit = conclusion.issuing_unit
    is_decision = case.case_type == CaseType.ADMISSION
    doc_type = "QUYẾT ĐỊNH" if is_decision else "KẾT LUẬN"
    summary = {
        CaseType.ADMISSION: f"về việc kết nạp đảng viên đối với {person.full_name}",
        CaseType.APPRAISAL: f"về tiêu chuẩn chính trị của {person.full_name}",
        CaseType.HISTORY: f"về lịch sử chính trị của {person.full_name}",
    }[CaseType(case.case_type)]
    body: list[tuple[str, bool]] = [
        ("1. Người được thẩm tra", True),
        (f"Họ và tên: {person.full_name}; ngày sinh: {birth_text(person)}.", False),
        ("2. Nội dung thẩm tra", True),
        (case.subject_matter or f"Nội dung {SUBJECT_MATTER_TEXT[case.case_type]}.", False),
        ("3. Các sự việc làm căn cứ", True),
        *[(line, False) for line in conclusion.facts.splitlines() if line.strip()],
        ("4. Giải trình của người được thẩm tra", True),
    ]
    explanations = list(case.explanations.order_by("submitted_at", "pk"))
    if explanations:
        body += [
            (
                f"Ngày {e.submitted_at:%d/%m/%Y}"
                + (" (bản giấy)" if e.on_paper else "")
                + f": {e.text}",
                False,
            )
            for e in explanations
        ]
    else:
        body.append(("Không nhận được giải trình.", False))
    body.append(("5. Tiêu chí áp dụng", True))
    body += _trace_lines(conclusion)
    body.append(("6. Kết luận", True))
    body.append((f"{OUTCOME_TEXT.get(conclusion.outcome, conclusion.outcome)}.", False))
    signer = conclusion.signed_by
    return PartyDocument(
        superior=_parent_name(unit),
        issuer=unit.name,
        reference=conclusion.reference,
        place=place_of(unit),
        day=conclusion.issued_on,
        doc_type=doc_type,
        summary=summary,
        body=body,
        signature=signature_for(unit),
        signer_position="",
        signer_name=signer.full_name or signer.get_username(),
        recipients=[person.full_name, case.holding_unit.name, "Lưu hồ sơ thẩm tra"],
    )


def render_conclusion(conclusion: CaseConclusion) -> bytes:
    return render(conclusion_document(conclusion))


def notice_document(notice: CaseNotice, *, reference: str, issuing_unit: OrgUnit) -> PartyDocument:
    case = notice.case
    person = case.person
    body: list[tuple[str, bool]] = [
        (f"Kính gửi: {person.full_name} (ngày sinh: {birth_text(person)}).", True),
        (
            f"{issuing_unit.name} thông báo việc {SUBJECT_MATTER_TEXT[case.case_type]} "
            "đối với đồng chí với các nội dung sau:",
            False,
        ),
        *[(line, False) for line in notice.body.splitlines() if line.strip()],
    ]
    if notice.explanation_due_on is not None:
        body.append(
            (
                "Đồng chí có quyền giải trình bằng văn bản (trên cổng thông tin đảng viên hoặc "
                f"bằng bản giấy) đến hết ngày {notice.explanation_due_on:%d/%m/%Y}.",
                False,
            )
        )
    issuer = notice.issued_by
    return PartyDocument(
        superior=_parent_name(issuing_unit),
        issuer=issuing_unit.name,
        reference=reference,
        place=place_of(issuing_unit),
        day=notice.issued_on,
        doc_type="THÔNG BÁO",
        summary=f"về việc {SUBJECT_MATTER_TEXT[case.case_type]}",
        body=body,
        signature=signature_for(issuing_unit),
        signer_name=issuer.full_name or issuer.get_username(),
        recipients=[person.full_name, "Lưu hồ sơ thẩm tra"],
    )


def render_notice(notice: CaseNotice, *, reference: str, issuing_unit: OrgUnit) -> bytes:
    return render(notice_document(notice, reference=reference, issuing_unit=issuing_unit))

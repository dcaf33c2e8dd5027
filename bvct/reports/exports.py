"""The report as XLSX (one sheet per section, values only, Vietnamese headers) and as DOCX in
the party report format, both from the plain figures (`Rollup.as_data()` or a snapshot), so a
submitted report exports exactly what was frozen."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook

from bvct.intake.reports import header_row, safe
from bvct.orgs.models import OrgUnit
from bvct.vetting.docx import PartyDocument, place_of, render, signature_for
from bvct.vetting.numbering import issuer_symbol

SHEETS = {
    "cases": "Thẩm tra - kết luận",
    "requests": "Đề nghị xác minh",
    "inspections": "Kiểm tra",
    "travel": "Đi nước ngoài",
    "registers": "Tài liệu mật",
    "people": "Hồ sơ",
}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
TIMELINESS_HEADERS = [
    "Loại hồ sơ",
    "Bước",
    "Số lượt",
    "Trung vị (ngày LV)",
    "P90",
    "Tối đa",
    "Đang quá hạn",
]


def _num(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}".replace(".", ",")


def day_text(iso: str) -> str:
    """An ISO date of the frozen figures as dd/mm/yyyy."""
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def xlsx(data: dict[str, Any], *, reference: str = "") -> bytes:
    workbook = Workbook(write_only=True)
    node = data["node"]
    children = data["children"]
    for section in data["sections"]:
        sheet = workbook.create_sheet(SHEETS.get(section["key"], section["key"][:31]))
        sheet.append([f"{section['title']} — {safe(node['name'])}, {data['label']}"])
        sheet.append(
            [
                f"Từ {day_text(data['start'])} đến {day_text(data['end'])}"
                + (f" · {reference}" if reference else "")
            ]
        )
        header_row(
            sheet,
            [
                "Nội dung",
                "Tổng số",
                f"Cấp mình ({safe(node['code'])})",
                *[safe(c["name"]) for c in children],
            ],
        )
        for row in section["rows"]:
            sheet.append([row["label"], row["total"], row["own"], *row["by_child"]])
    sheet = workbook.create_sheet("Thời hạn")
    header_row(sheet, TIMELINESS_HEADERS)
    for row in data["case_timeliness"]:
        sheet.append(
            [
                row["type_label"],
                row["stage_label"],
                row["count"],
                row["median"],
                row["p90"],
                row["max"],
                row["open_overdue"],
            ]
        )
    reply = data["reply_timeliness"]
    sheet.append(
        [
            "Trả lời đề nghị xác minh",
            "Từ ngày gửi đến ngày trả lời",
            reply["count"],
            reply["median"],
            reply["p90"],
            reply["max"],
            reply["open_overdue"],
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def docx(
    data: dict[str, Any], *, reference: str = "", day: dt.date | None = None, signer_name: str = ""
) -> bytes:
    node = OrgUnit.objects.get(pk=data["node"]["pk"])
    parent = (
        OrgUnit.objects.filter(path=node.path[: -OrgUnit.steplen]).first()
        if node.depth > 1
        else None
    )
    span = f"từ ngày {day_text(data['start'])} đến ngày {day_text(data['end'])}"
    body: list[tuple[str, bool]] = [
        (f"Kỳ báo cáo: {data['label']}, {span}.", False),
        ("Số liệu tổng hợp từ hồ sơ trên hệ thống, gồm cấp mình và các đơn vị trực thuộc.", False),
    ]
    tables: dict[int, list[list[str]]] = {}
    for i, section in enumerate(data["sections"]):
        body.append((f"{ROMAN[i]}. {section['title'].upper()}", True))
        tables[len(body) - 1] = [
            ["Nội dung", "Cấp mình", "Đơn vị trực thuộc", "Tổng số"],
            *[
                [row["label"], str(row["own"]), str(row["total"] - row["own"]), str(row["total"])]
                for row in section["rows"]
            ],
        ]
    body.append((f"{ROMAN[len(data['sections'])]}. THỜI HẠN GIẢI QUYẾT", True))
    reply = data["reply_timeliness"]
    tables[len(body) - 1] = [
        TIMELINESS_HEADERS,
        *[
            [
                r["type_label"],
                r["stage_label"],
                str(r["count"]),
                _num(r["median"]),
                _num(r["p90"]),
                _num(r["max"]),
                str(r["open_overdue"]),
            ]
            for r in data["case_timeliness"]
        ],
        [
            "Trả lời đề nghị xác minh",
            "Gửi → trả lời",
            str(reply["count"]),
            _num(reply["median"]),
            _num(reply["p90"]),
            _num(reply["max"]),
            str(reply["open_overdue"]),
        ],
    ]
    document = PartyDocument(
        superior=parent.name if parent is not None else "",
        issuer=node.name,
        reference=reference or f"Số      -BC/{issuer_symbol(node)}",
        place=place_of(node),
        day=day or dt.date.today(),  # noqa: DTZ011 (the caller passes the local day)
        doc_type="BÁO CÁO",
        summary=f"Kết quả công tác bảo vệ chính trị nội bộ {data['label']}",
        body=body,
        signature=signature_for(node),
        signer_name=signer_name,
        recipients=[parent.name if parent is not None else "Lưu", "Lưu văn phòng"],
        tables=tables,
    )
    return render(document)

"""XLSX files: the import template, a job's problem report, and the people export writer.

Everything that can be long (reports, exports) is written with openpyxl's write-only workbook,
which streams rows to a temporary file: memory stays flat whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bvct.intake.columns import COLUMNS
from bvct.intake.models import ImportJob

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_FORMAT = "@"
_BOLD = Font(bold=True)


def write_template(out: IO[bytes]) -> None:
    """The people template: the header row and one example row, and a sheet explaining each
    column. Identity numbers and dates are text cells, so Excel keeps leading zeros."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 (a new workbook always has a sheet)
    sheet.title = _("People")
    sheet.append([column.header for column in COLUMNS])
    sheet.append([column.example for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = _BOLD
        example = sheet.cell(row=2, column=index)
        example.number_format = TEXT_FORMAT
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.example) + 4)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Instructions"))
    guide.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in guide[1]:
        cell.font = _BOLD
    for column in COLUMNS:
        guide.append([column.header, _("Yes") if column.required else _("No"), str(column.help)])
    guide.append([])
    guide.append(
        [_("Row 1 holds the headers; do not rename them (case and diacritics do not matter).")]
    )
    guide.append([_("One person per row. Delete the example row before importing.")])
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 12
    guide.column_dimensions["C"].width = 100
    for row in guide.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(out)


def header_row(sheet: WriteOnlyWorksheet, labels: Iterable[str]) -> None:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = _BOLD
        cells.append(cell)
    sheet.append(cells)


def write_problem_report(job: ImportJob, out: IO[bytes]) -> int:
    """Every problem of the job (row, column, kind, message, value), in row order. Returns how
    many were written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Problems"))
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["C"].width = 18
    sheet.column_dimensions["D"].width = 90
    sheet.column_dimensions["E"].width = 30
    header_row(sheet, [_("Row"), _("Column"), _("Kind"), _("Message"), _("Value in the file")])
    count = 0
    problems = job.problems.order_by("row", "id").values_list(
        "row", "column", "kind", "message", "value"
    )
    kinds = dict(job.problems.model.Kind.choices)
    for row, column, kind, message, value in problems.iterator(chunk_size=2000):
        sheet.append([row, column, str(kinds[kind]), safe(message), _as_text(sheet, safe(value))])
        count += 1
    workbook.save(out)
    return count


def safe(text: str) -> str:
    """Text without the control characters XML (and so XLSX) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _as_text(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = TEXT_FORMAT
    return cell

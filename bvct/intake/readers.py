"""Streaming readers: one row at a time from CSV or XLSX, whatever the file's size.

CSV goes through the `csv` module over a text wrapper of the binary file (UTF-8, with or without
BOM; comma or semicolon, guessed from the header line). XLSX goes through openpyxl in read-only
mode, which parses the sheet's XML as it goes. Neither ever holds more than one row in memory.

Row numbers are those a spreadsheet shows: the header is row 1, the first data row is row 2 (for
CSV, the record number, so a quoted field spanning lines still counts as one row).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import io
import itertools
import re
from collections.abc import Generator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bvct.core.errors import DomainError
from bvct.intake.parsing import CellValue

CSV = "csv"
XLSX = "xlsx"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97-2003
_CHUNK = 1 << 20
_ROW_TAG = re.compile(rb'<row r="(\d+)"')
csv.field_size_limit(1 << 20)


@dataclass(frozen=True)
class SheetRow:
    number: int
    values: list[CellValue]
    formats: list[str] | None  # number format of each XLSX cell holding a date or number


class FileFormatError(DomainError):
    """The file cannot be read as a CSV or XLSX sheet."""


def detect_format(binary: IO[bytes]) -> str:
    """XLSX (a zip) or CSV, from the first bytes; the old binary .xls is refused."""
    head = binary.read(8)
    binary.seek(0)
    if head.startswith(_ZIP_MAGIC):
        return XLSX
    if head.startswith(_OLE_MAGIC):
        raise FileFormatError(
            _("This is an old Excel 97-2003 (.xls) file: save it as .xlsx or CSV (UTF-8).")
        )
    return CSV


def count_rows(binary: IO[bytes], file_format: str) -> int | None:
    """Data rows the file holds, for the progress bar (an estimate for CSV with quoted line
    breaks; None when an XLSX sheet does not declare its size). Reads in chunks."""
    if file_format == XLSX:
        workbook = load_workbook(binary, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            max_row = sheet.max_row or _last_row_number(workbook, sheet)
        finally:
            workbook.close()
            binary.seek(0)
        return max(max_row - 1, 0) if max_row else None
    lines, last = 0, b"\n"
    while chunk := binary.read(_CHUNK):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    binary.seek(0)
    return max(lines + (last != b"\n") - 1, 0)


def _last_row_number(workbook: Any, sheet: Any) -> int | None:
    """The number of the sheet's last row, for sheets that do not declare their size (openpyxl's
    write-only mode, some exporters): the last `<row r="…">` of the sheet's XML, read in chunks."""
    last: int | None = None
    tail = b""
    with workbook._archive.open(sheet._worksheet_path) as xml:
        while chunk := xml.read(_CHUNK):
            for match in _ROW_TAG.finditer(tail + chunk):
                last = int(match.group(1))
            tail = chunk[-64:]
    return last


def iter_rows(binary: IO[bytes], file_format: str) -> Generator[SheetRow]:
    """Every row of the first sheet, the header row included (row 1)."""
    if file_format == XLSX:
        return _xlsx_rows(binary)
    return _csv_rows(binary)


def _csv_rows(binary: IO[bytes]) -> Generator[SheetRow]:
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            yield SheetRow(number, list(record), None)
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            _("The CSV file is not in UTF-8: save it again as “CSV UTF-8” (%(detail)s).")
            % {"detail": exc.reason}
        ) from exc
    except csv.Error as exc:
        raise FileFormatError(
            _("The CSV file is malformed: %(detail)s.") % {"detail": exc}
        ) from exc
    finally:
        with contextlib.suppress(ValueError):  # the caller may have closed the file already
            text.detach()


def _xlsx_rows(binary: IO[bytes]) -> Generator[SheetRow]:
    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileFormatError(
            _("The file cannot be read as an Excel workbook (.xlsx): %(detail)s.") % {"detail": exc}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers declare a wrong size; read what is there
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = [_plain(cell.value) for cell in cells]
            formats = [
                cell.number_format
                if isinstance(cell.value, int | float | dt.datetime | dt.date)
                else ""
                for cell in cells
            ]
            yield SheetRow(number, values, formats)
    finally:
        workbook.close()


def _plain(value: object) -> CellValue:
    """The cell's value as one of the types the parsers read (rich text and the rare decimal,
    formula or duration become text or float)."""
    if value is None or isinstance(value, str | int | float | dt.datetime | dt.date | dt.time):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)

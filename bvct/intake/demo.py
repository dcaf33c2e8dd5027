"""The demo sheet: `write_demo_sheet(path, rows=10_000)` writes synthetic people for the demo units
under Phường Hoàn Kiếm (where the demo clerk `hn.xa.clerk` works), as a clerk would receive them:
mostly good rows in every date form the importer accepts (text dates, Excel date cells, month and
year only, year only), and about 2 % bad rows of five kinds, one kind after the other:

* a date that does not exist ("31/02/…"),
* a CCCD with a wrong province code or the wrong number of digits,
* an organisation code that does not exist,
* a missing full name,
* the CCCD of an earlier row repeated.

Deterministic (same rows every time) and streamed with a write-only workbook. Every value is
made up; the CCCDs are well-formed but fictitious.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bvct.intake.columns import HEADERS
from bvct.people.addresses import commune_choices, province_name
from bvct.people.identity import century_sex_digit

DEMO_UNIT_CODES = (
    "DEMO-HK-DLHG-LH",
    "DEMO-HK-DLHG-KS",
    "DEMO-HK-DLHG-VP",
    "DEMO-HK-DLHG-KD",
    "DEMO-HK-TDP5",
    "",  # no code: the unit chosen for the import
)
BAD_EVERY = 50  # one row in 50 is bad: 2 %
BAD_KINDS = ("bad_date", "bad_cccd", "unknown_unit", "missing_name", "duplicate_cccd")
SURNAMES: tuple[str, ...] = (
    *("Nguyễn",) * 8,
    *("Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng"),
    *("Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"),
)
MIDDLE = {
    "male": ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Xuân", "Ngọc Bảo"),
    "female": ("Thị", "Thị", "Thị", "Thị Thu", "Thị Hồng", "Ngọc", "Thu", "Thanh", "Minh", "Kim"),
}
_MALE_GIVEN = (
    "Hùng Dũng Tuấn Nam Long Hải Huy Minh Quân Cường Sơn Thắng Tùng Trung Đức Thành Việt "
    "Hoàng Khánh Anh Hiếu Phong Bình Hưng Thịnh Vinh Tâm Toàn Hòa Lâm Tiến Phúc"
)
_FEMALE_GIVEN = (
    "Hương Linh Trang Hà Hoa Thảo Phương Thủy Lan Hằng Hạnh Nga Mai Ngọc Anh Huyền Nhung "
    "Dung Yến Loan Thu Vân Hồng Liên Oanh Tâm Thúy Hiền Quỳnh Nhi Vy Giang"
)
GIVEN = {"male": _MALE_GIVEN.split(" "), "female": _FEMALE_GIVEN.split(" ")}
HOME_PROVINCES = ("01", "31", "33", "37", "38", "40", "48")  # Hà Nội, Hải Phòng, Hưng Yên, …
CCCD_PROVINCES = ("001", "031", "033", "034", "036", "037", "038", "040", "042", "048")
SEX_LABEL = {"male": "Nam", "female": "Nữ"}
DATE_FORMAT = "dd/mm/yyyy"


@dataclass
class _State:
    rng: random.Random
    serial: int = 0
    last_identity: tuple[object, object, object] | None = None  # birth, sex, CCCD of a row


def write_demo_sheet(path: Path, rows: int = 10_000, *, seed: int = 2025) -> Path:
    """Write the demo sheet (XLSX) to `path` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Người")
    sheet.append(list(HEADERS))
    state = _State(random.Random(seed))  # noqa: S311 (synthetic demo data, reproducible)
    addresses = _addresses()
    for index in range(rows):
        sheet.append(_cells(sheet, _row(index, state, addresses)))
    workbook.save(path)
    return path


def _addresses() -> list[str]:
    labels = []
    for code in HOME_PROVINCES:
        for _, commune in commune_choices(code)[:12]:
            labels.append(f"{commune}, {province_name(code)}")
    return labels


def _row(index: int, state: _State, addresses: list[str]) -> list[object]:
    rng = state.rng
    sex = "male" if rng.random() < 0.5 else "female"  # noqa: PLR2004
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    born = dt.date(int(rng.triangular(1950, 2004, 1980)), rng.randint(1, 12), rng.randint(1, 28))
    cccd = _cccd(state, born.year, sex)
    card, admitted, official = "", "", ""
    if rng.random() < 0.8:  # noqa: PLR2004
        card = f"{(index * 7_919_993 + 31_000_017) % 10**8:08d}"
        join = dt.date(min(born.year + rng.randint(20, 40), 2024), rng.randint(1, 12), 15)
        admitted = join.strftime("%d/%m/%Y")
        official = join.replace(year=join.year + 1).strftime("%d/%m/%Y")
    row: list[object] = [
        name,
        _birth_cell(index, born),
        SEX_LABEL[sex],
        cccd,
        card,
        rng.choice(addresses),
        rng.choice(addresses),
        rng.choice(DEMO_UNIT_CODES),
        admitted,
        official,
    ]
    if index % BAD_EVERY == BAD_EVERY - 1:
        _spoil(row, BAD_KINDS[(index // BAD_EVERY) % len(BAD_KINDS)], state)
    elif cccd:
        state.last_identity = (row[1], row[2], cccd)
    return row


def _birth_cell(index: int, born: dt.date) -> object:
    """Every form the importer reads: text dd/mm/yyyy, a date cell, mm/yyyy, a year number."""
    form = index % 20
    if form < 12:  # noqa: PLR2004
        return born.strftime("%d/%m/%Y")
    if form < 18:  # noqa: PLR2004
        return dt.datetime(born.year, born.month, born.day)  # noqa: DTZ001 (an Excel date cell)
    if form == 18:  # noqa: PLR2004
        return born.strftime("%m/%Y")
    return born.year


def _cccd(state: _State, year: int, sex: str) -> str:
    if state.rng.random() < 0.05:  # noqa: PLR2004 (some people have no CCCD on file)
        return ""
    state.serial += 1
    digit = century_sex_digit(birth_year=year, sex=sex)
    province = CCCD_PROVINCES[state.serial % len(CCCD_PROVINCES)]
    tail = (state.serial * 382_919 + 570_001) % 10**6
    return f"{province}{digit}{year % 100:02d}{tail:06d}"


def _spoil(row: list[object], kind: str, state: _State) -> None:
    if kind == "bad_date":
        row[1] = "31/02/1987"
    elif kind == "bad_cccd":
        row[3] = "000" + str(row[3])[3:] if row[3] else "12345678"
    elif kind == "unknown_unit":
        row[7] = "DEMO-KHONG-CO"
    elif kind == "missing_name":
        row[0] = ""
    elif kind == "duplicate_cccd" and state.last_identity is not None:
        row[1], row[2], row[3] = state.last_identity  # another person with the same CCCD


def _cells(sheet: WriteOnlyWorksheet, values: list[object]) -> Iterator[object]:
    for value in values:
        if isinstance(value, dt.datetime):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            yield cell
        elif isinstance(value, str) and value.isdigit():
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "@"  # identity numbers stay text
            yield cell
        else:
            yield value

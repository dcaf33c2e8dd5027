"""The columns of the people import template and how a file's header row is matched to them.

Headers are matched on their folded form (`bvct.core.text.fold`: no case, no diacritics, single
spaces), so "HỌ VÀ TÊN", "ho va ten" and " Họ  và tên " all name the same column. Columns the
template does not know are ignored; a missing required column stops the import before any row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bvct.core.text import fold

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.utils.functional import Promise

NAME = "full_name"
BIRTH = "birth_date"
SEX = "sex"
CCCD = "cccd"
CARD = "party_card_number"
HOMETOWN = "hometown"
RESIDENCE = "residence"
UNIT = "unit_code"
ADMISSION = "admission_date"
OFFICIAL = "official_date"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # exactly as in the template (Vietnamese, NFC)
    help: Promise  # shown on the template's second sheet
    example: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        NAME,
        "Họ và tên",
        gettext_lazy("Full name as written, surname first. Required."),
        "Nguyễn Thị Hồng Nhung",
        required=True,
    ),
    Column(
        BIRTH,
        "Ngày sinh",
        gettext_lazy(
            "Date of birth: dd/mm/yyyy, or mm/yyyy or yyyy when only the month or the year is "
            "known. A date cell of Excel is accepted. Required."
        ),
        "17/05/1990",
        required=True,
    ),
    Column(SEX, "Giới tính", gettext_lazy("“Nam” or “Nữ”. Required."), "Nữ", required=True),
    Column(
        CCCD,
        "Số CCCD",
        gettext_lazy(
            "Citizen ID: 12 digits, consistent with the year of birth and the sex. Type it as text "
            "so that Excel keeps the leading zero."
        ),
        "001190012345",
    ),
    Column(
        CARD,
        "Số thẻ đảng viên",
        gettext_lazy("Party card number, if the person is a party member."),
        "12345678",
    ),
    Column(
        HOMETOWN,
        "Quê quán",
        gettext_lazy("Hometown as declared, e.g. “Phường Hoàn Kiếm, Thành phố Hà Nội”."),
        "Xã Hồng Phong, Tỉnh Hưng Yên",
    ),
    Column(
        RESIDENCE,
        "Nơi thường trú",
        gettext_lazy("Permanent residence as declared."),
        "Phường Hoàn Kiếm, Thành phố Hà Nội",
    ),
    Column(
        UNIT,
        "Mã tổ chức",
        gettext_lazy(
            "Code of the party organisation that manages the person; it must be in your "
            "jurisdiction. Empty: the unit chosen for the import."
        ),
        "X00070",
    ),
    Column(
        ADMISSION,
        "Ngày vào Đảng",
        gettext_lazy("Date of admission to the Party, full date dd/mm/yyyy."),
        "03/02/2015",
    ),
    Column(
        OFFICIAL,
        "Ngày chính thức",
        gettext_lazy("Date of full membership, full date dd/mm/yyyy, after the date of admission."),
        "03/02/2016",
    ),
)
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
_BY_FOLDED: dict[str, Column] = {fold(column.header): column for column in COLUMNS}


@dataclass(frozen=True)
class HeaderProblem:
    column: str
    message: str


@dataclass(frozen=True)
class HeaderMatch:
    positions: dict[str, int]  # column key -> index in the row
    problems: tuple[HeaderProblem, ...]


def match_headers(cells: Sequence[object]) -> HeaderMatch:
    """Map the file's header cells to template columns (see the module docstring)."""
    positions: dict[str, int] = {}
    problems: list[HeaderProblem] = []
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell)
        column = _BY_FOLDED.get(fold(text.replace("\ufeff", "")))
        if column is None:
            continue
        if column.key in positions:
            problems.append(
                HeaderProblem(
                    column.header,
                    _("Column “%(column)s” appears twice in the header row.")
                    % {"column": column.header},
                )
            )
            continue
        positions[column.key] = index
    problems.extend(
        HeaderProblem(
            column.header,
            _("Required column “%(column)s” is missing from the header row (row 1).")
            % {"column": column.header},
        )
        for column in COLUMNS
        if column.required and column.key not in positions
    )
    return HeaderMatch(positions, tuple(problems))

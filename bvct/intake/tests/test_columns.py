from __future__ import annotations

import unicodedata

from django.utils import translation

from bvct.intake import columns as col
from bvct.intake.columns import HEADERS, HeaderProblem, match_headers


def test_template_headers_match_exactly_in_order() -> None:
    # when
    match = match_headers(list(HEADERS))
    # then
    assert match.problems == ()
    assert match.positions == {column.key: index for index, column in enumerate(col.COLUMNS)}


def test_headers_match_ignoring_case_diacritics_and_spaces() -> None:
    # given the headers typed sloppily, in another order, with a BOM and NFD text
    cells = [
        "\ufeff  ho VA   ten ",
        unicodedata.normalize("NFD", "NGÀY SINH"),
        "gioi tinh",
        "SỐ  cccd",
        "Ma to chuc",
    ]
    # when
    match = match_headers(cells)
    # then
    assert match.problems == ()
    assert match.positions == {
        col.NAME: 0,
        col.BIRTH: 1,
        col.SEX: 2,
        col.CCCD: 3,
        col.UNIT: 4,
    }


def test_unknown_columns_are_ignored() -> None:
    match = match_headers(["STT", "Họ và tên", "Ghi chú", "Ngày sinh", None, "Giới tính"])
    assert match.problems == ()
    assert match.positions == {col.NAME: 1, col.BIRTH: 3, col.SEX: 5}


def test_missing_required_and_repeated_columns_are_reported() -> None:
    # given no "Giới tính" and "Họ và tên" twice
    with translation.override("vi"):
        match = match_headers(["Họ và tên", "Ngày sinh", "ho va ten"])
    # then
    assert match.problems == (
        HeaderProblem("Họ và tên", "Cột “Họ và tên” xuất hiện hai lần ở dòng tiêu đề."),
        HeaderProblem("Giới tính", "Thiếu cột bắt buộc “Giới tính” ở dòng tiêu đề (dòng 1)."),
    )

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.utils import translation

from bvct.intake.parsing import (
    CellError,
    ParsedDate,
    clean_text,
    parse_date,
    parse_digits,
    parse_sex,
)
from bvct.people.models import DatePrecision, Sex

TODAY = dt.date(2026, 6, 30)
DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("17/05/1990", ParsedDate(dt.date(1990, 5, 17), DAY)),
        ("7/5/1990", ParsedDate(dt.date(1990, 5, 7), DAY)),
        ("17-05-1990", ParsedDate(dt.date(1990, 5, 17), DAY)),
        ("17.05.1990", ParsedDate(dt.date(1990, 5, 17), DAY)),
        (" 17/05/1990 00:00:00 ", ParsedDate(dt.date(1990, 5, 17), DAY)),
        ("1990-05-17", ParsedDate(dt.date(1990, 5, 17), DAY)),
        ("05/1990", ParsedDate(dt.date(1990, 5, 1), MONTH)),
        ("5/1990", ParsedDate(dt.date(1990, 5, 1), MONTH)),
        ("1990", ParsedDate(dt.date(1990, 1, 1), YEAR)),
        ("\u200b1990\u200b", ParsedDate(dt.date(1990, 1, 1), YEAR)),
        ("32874", ParsedDate(dt.date(1990, 1, 1), DAY)),  # an Excel serial typed as text
        (32874, ParsedDate(dt.date(1990, 1, 1), DAY)),  # an Excel serial number cell
        (32874.75, ParsedDate(dt.date(1990, 1, 1), DAY)),  # with a time of day
        (1990, ParsedDate(dt.date(1990, 1, 1), YEAR)),  # a year typed as a number
        (1990.0, ParsedDate(dt.date(1990, 1, 1), YEAR)),
        (dt.date(1990, 5, 17), ParsedDate(dt.date(1990, 5, 17), DAY)),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_dates_in_every_accepted_form(value: object, expected: ParsedDate | None) -> None:
    assert parse_date(value, today=TODAY) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number_format", "precision"),
    [
        ("dd/mm/yyyy", DAY),
        ("d-mmm-yy", DAY),
        ("General", DAY),
        ("mm/yyyy", MONTH),
        ('"tháng "mm" năm "yyyy', MONTH),
        ("yyyy", YEAR),
        ("[$-42A]yyyy", YEAR),
    ],
)
def test_excel_date_cells_take_their_precision_from_the_number_format(
    number_format: str, precision: str
) -> None:
    # given a date cell as openpyxl reads it (a datetime) and as a serial number
    cell = dt.datetime(1990, 5, 1)  # noqa: DTZ001 (Excel cells have no time zone)
    # then both the datetime and the serial number take the format's precision
    assert parse_date(cell, number_format=number_format, today=TODAY) == ParsedDate(
        dt.date(1990, 5, 1), precision
    )
    assert parse_date(32994, number_format=number_format, today=TODAY) == ParsedDate(
        dt.date(1990, 5, 1), precision
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/1990", "“31/02/1990” không phải là ngày có thật (không có ngày 31 tháng 2)."),
        ("13/1990", "“13/1990”: không có tháng 13."),
        ("1899", "“1899”: năm phải từ 1900 trở về sau."),
        ("01/01/2027", "“01/01/2027” là ngày trong tương lai."),
        ("2030", "“2030” là ngày trong tương lai."),
        (
            "mười bảy tháng năm",
            "“mười bảy tháng năm” không phải là ngày: hãy ghi dd/mm/yyyy, mm/yyyy hoặc yyyy.",
        ),
        ("17/05/90", "“17/05/90” không phải là ngày: hãy ghi dd/mm/yyyy, mm/yyyy hoặc yyyy."),
        (-5, "“-5” không phải là ngày."),
        (True, "“True” không phải là ngày."),
    ],
)
def test_bad_dates_are_refused_with_a_vietnamese_reason(value: object, message: str) -> None:
    with translation.override("vi"), pytest.raises(CellError) as caught:
        parse_date(value, today=TODAY)  # type: ignore[arg-type]
    assert caught.value.message == message


def test_text_is_nfc_without_invisible_characters_or_stray_spaces() -> None:
    # given NFD text with a zero-width space, a BOM, a soft hyphen and runs of spaces
    raw = unicodedata.normalize("NFD", "  Phường\u200b  Hoàn\ufeff Ki\u00adếm ,\tHà Nội  ")
    # when
    cleaned = clean_text(raw)
    # then
    assert cleaned == "Phường Hoàn Kiếm , Hà Nội"
    assert cleaned == unicodedata.normalize("NFC", cleaned)


@pytest.mark.parametrize(
    ("value", "sex"),
    [("Nam", Sex.MALE), ("NỮ", Sex.FEMALE), ("nu", Sex.FEMALE), (" nam ", Sex.MALE), ("", None)],
)
def test_sex(value: str, sex: str | None) -> None:
    assert parse_sex(value) == sex


def test_unknown_sex_is_refused() -> None:
    with translation.override("vi"), pytest.raises(CellError) as caught:
        parse_sex("khác")
    assert caught.value.message == "“khác” không phải là giới tính: hãy ghi “Nam” hoặc “Nữ”."


@pytest.mark.parametrize(
    ("value", "digits"),
    [
        ("001 090 012 345", "001090012345"),
        ("'001090012345", "001090012345"),
        ("001.090.012.345", "001090012345"),
        (1090012345, "001090012345"),  # a number cell lost the leading zeros
        (1090012345.0, "001090012345"),
        (None, ""),
    ],
)
def test_identity_numbers_are_cleaned_and_zero_padded_from_number_cells(
    value: object, digits: str
) -> None:
    assert parse_digits(value, pad_to=12) == digits  # type: ignore[arg-type]

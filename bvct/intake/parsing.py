"""Cell values to Python values: dates with their precision, sex, identity numbers, free text.

Each parser takes what a reader yields (text from CSV; text, numbers or datetimes from XLSX, with
the cell's number format) and returns the clean value, or raises `CellError` with a Vietnamese
message saying what is wrong with the value. Empty cells parse to None / "".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from bvct.core.text import fold, nfc
from bvct.people.models import DatePrecision, Sex

# zero-width space/joiners, word joiner, BOM, soft hyphen: pasted from Word and web pages
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_DAY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?: 0?0:00(?::00)?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0?0:00(?::00)?)?$")
_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_FIRST_YEAR = 1900
_YEAR_DIGITS = 4
_MAX_SERIAL = 2_958_465  # 31/12/9999
_SEPARATORS = re.compile(r"[\s.\-'\u00a0]")
_SEXES = {
    "nam": Sex.MALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "nu": Sex.FEMALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
}

# Per-process caches of values that repeat across rows (names, dates, addresses). Small enough to
# keep memory flat (a few MB at most), large enough to hold what a sheet repeats most.
CACHE_SIZE = 8192

CellValue = str | int | float | dt.datetime | dt.date | dt.time | bool | None


class CellError(Exception):
    """The value of one cell is unusable; `message` says why (Vietnamese, user-facing)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedDate:
    value: dt.date
    precision: str  # DatePrecision

    @property
    def year(self) -> int:
        return self.value.year


def clean_text(value: CellValue) -> str:
    """NFC, invisible characters removed, whitespace collapsed and trimmed."""
    if value is None:
        return ""
    return _clean_str(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=CACHE_SIZE)  # addresses and codes repeat
def _clean_str(text: str) -> str:
    return nfc(_INVISIBLE.sub("", text))


def parse_date(
    value: CellValue, *, number_format: str = "General", today: dt.date
) -> ParsedDate | None:
    """dd/mm/yyyy, mm/yyyy, yyyy, an Excel serial number or an Excel date cell.

    A date cell's precision follows its number format ("mm/yyyy" → month, "yyyy" → year); a
    whole number between 1000 and 9999 is a year, a larger one an Excel serial (a full date).
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return _checked(day, _format_precision(number_format), today=today, shown=_show(day))
    if isinstance(value, bool | dt.time):
        raise CellError(_("“%(value)s” is not a date.") % {"value": value})
    if isinstance(value, int | float):
        return _from_number(value, number_format=number_format, today=today)
    text = clean_text(value)
    if not text:
        return None
    return _from_text(text, today=today)


def _from_number(value: float, *, number_format: str, today: dt.date) -> ParsedDate:
    shown = f"{value:g}"
    if value == int(value) and len(str(int(value))) == _YEAR_DIGITS:
        return _ymd(int(value), 1, 1, DatePrecision.YEAR, today=today, shown=shown)
    if not 1 <= value <= _MAX_SERIAL:
        raise CellError(_("“%(value)s” is not a date.") % {"value": shown})
    converted = from_excel(value)
    if not isinstance(converted, dt.datetime):
        raise CellError(_("“%(value)s” is not a date.") % {"value": shown})
    return _checked(converted.date(), _format_precision(number_format), today=today, shown=shown)


@lru_cache(maxsize=CACHE_SIZE)  # dates repeat (birthdays of a few decades)
def _from_text(text: str, *, today: dt.date) -> ParsedDate:
    if match := _DAY.match(text):
        day, month, year = (int(part) for part in match.groups())
        return _ymd(year, month, day, DatePrecision.DAY, today=today, shown=text)
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
        return _ymd(year, month, day, DatePrecision.DAY, today=today, shown=text)
    if match := _MONTH.match(text):
        month, year = (int(part) for part in match.groups())
        return _ymd(year, month, 1, DatePrecision.MONTH, today=today, shown=text)
    if _YEAR.match(text):
        return _ymd(int(text), 1, 1, DatePrecision.YEAR, today=today, shown=text)
    if _SERIAL.match(text):
        return _from_number(float(text), number_format="General", today=today)
    raise CellError(
        _("“%(value)s” is not a date: write dd/mm/yyyy, mm/yyyy or yyyy.") % {"value": text}
    )


def _ymd(
    year: int, month: int, day: int, precision: str, *, today: dt.date, shown: str
) -> ParsedDate:
    if not 1 <= month <= 12:  # noqa: PLR2004
        raise CellError(
            _("“%(value)s”: month %(month)d does not exist.") % {"value": shown, "month": month}
        )
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a real date (day %(day)d of month %(month)d).")
            % {"value": shown, "day": day, "month": month}
        ) from None
    return _checked(value, precision, today=today, shown=shown)


def _checked(value: dt.date, precision: str, *, today: dt.date, shown: str) -> ParsedDate:
    if value.year < _FIRST_YEAR:
        raise CellError(
            _("“%(value)s”: the year must be %(first)d or later.")
            % {"value": shown, "first": _FIRST_YEAR}
        )
    if value > today:
        raise CellError(_("“%(value)s” is in the future.") % {"value": shown})
    return ParsedDate(value, precision)


def _format_precision(number_format: str) -> str:
    """Precision an Excel number format shows: day, month (m and y only) or year (y only)."""
    letters = _FORMAT_LITERALS.sub("", number_format or "").lower()
    if "d" in letters or "y" not in letters:
        return DatePrecision.DAY
    return DatePrecision.MONTH if "m" in letters else DatePrecision.YEAR


def _show(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def parse_sex(value: CellValue) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    sex = _SEXES.get(fold(text))
    if sex is None:
        raise CellError(_("“%(value)s” is not a sex: write “Nam” or “Nữ”.") % {"value": text})
    return sex


def parse_digits(value: CellValue, *, pad_to: int = 0) -> str:
    """An identity number: spaces, dots, dashes and Excel's leading apostrophe removed.

    A number cell has lost its leading zeros; `pad_to` puts them back (every CCCD starts with 0).
    """
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value == int(value):
        value = int(value)
    if isinstance(value, int):
        return str(value).zfill(pad_to)
    text = value if isinstance(value, str) else str(value)
    return _SEPARATORS.sub("", _INVISIBLE.sub("", text))  # not cached: numbers are unique

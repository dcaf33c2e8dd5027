"""One data row of the people template → a clean `PersonDraft`, or the problems that stop it.

Only per-row rules live here (each cell on its own, and cells of the same row against each other).
Rules across rows (a CCCD twice in the file, a person already in the registry) need the database
and live in `bvct.intake.batches`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from bvct.intake import columns as col
from bvct.intake.addresses import resolve_address
from bvct.intake.parsing import (
    CACHE_SIZE,
    CellError,
    CellValue,
    ParsedDate,
    _clean_str,
    _from_text,
    clean_text,
    parse_date,
    parse_digits,
    parse_sex,
)
from bvct.intake.readers import SheetRow
from bvct.people.identity import CCCD_LENGTH, validate_cccd
from bvct.people.models import Person
from bvct.people.names import NameParts, split_name

NAME_MAX = Person._meta.get_field("full_name").max_length or 200
TEXT_MAX = Person._meta.get_field("hometown_text").max_length or 255
CARD_MAX = Person._meta.get_field("party_card_number").max_length or 20
PART_MAX = {
    "surname": Person._meta.get_field("surname").max_length or 50,
    "middle_name": Person._meta.get_field("middle_name").max_length or 100,
    "given_name": Person._meta.get_field("given_name").max_length or 50,
}
_DIGIT = re.compile(r"\d")
ADULT_AGE = 16  # the youngest age at which anyone is admitted (Điều lệ Đảng: 18; leave slack)


@dataclass(frozen=True)
class RowIssue:
    row: int
    column: str  # the template header, or "" for the row as a whole
    message: str
    value: str = ""


@dataclass
class PersonDraft:
    """A valid row, ready to become a Person (the unit is resolved later, per batch)."""

    row: int
    full_name: str
    surname: str
    middle_name: str
    given_name: str
    name_key: str
    birth: ParsedDate | None
    sex: str
    cccd: str | None
    party_card_number: str | None
    hometown_text: str
    hometown_province_code: str
    hometown_commune_code: str
    residence_text: str
    residence_province_code: str
    residence_commune_code: str
    unit_code: str
    admission_date: dt.date | None
    official_date: dt.date | None


@dataclass
class _Cells:
    row: SheetRow
    positions: dict[str, int]
    issues: list[RowIssue] = field(default_factory=list)

    def raw(self, key: str) -> CellValue:
        index = self.positions.get(key)
        if index is None or index >= len(self.row.values):
            return None
        return self.row.values[index]

    def number_format(self, key: str) -> str:
        index = self.positions.get(key)
        formats = self.row.formats
        if index is None or formats is None or index >= len(formats):
            return "General"
        return formats[index] or "General"

    def fail(self, key: str, message: str, value: CellValue = None) -> None:
        shown = "" if value is None else clean_text(value)[:200]
        self.issues.append(RowIssue(self.row.number, col.BY_KEY[key].header, message, shown))


def clear_caches() -> None:
    """Forget the values cached by earlier imports (each job starts from the same memory)."""
    for cached in (_checked_name, resolve_address, _clean_str, _from_text):
        cached.cache_clear()


def is_blank(row: SheetRow) -> bool:
    return all(
        value is None or (isinstance(value, str) and not value.strip()) for value in row.values
    )


def validate_row(
    row: SheetRow, positions: dict[str, int], *, today: dt.date
) -> tuple[PersonDraft | None, list[RowIssue]]:
    """Parse and check every cell; the draft is None when any problem was found."""
    cells = _Cells(row, positions)
    name = _name(cells)
    birth = _date(cells, col.BIRTH, today=today, required=True)
    sex = _sex(cells)
    cccd = _cccd(cells, birth=birth, sex=sex)
    card = _card(cells)
    hometown = _text(cells, col.HOMETOWN)
    residence = _text(cells, col.RESIDENCE)
    unit_code = clean_text(cells.raw(col.UNIT))
    admission = _date(cells, col.ADMISSION, today=today, full_date=True)
    official = _date(cells, col.OFFICIAL, today=today, full_date=True)
    _party_dates(cells, birth=birth, admission=admission, official=official)
    if cells.issues or name is None or sex is None:
        return None, cells.issues
    home_province, home_commune = resolve_address(hometown)
    live_province, live_commune = resolve_address(residence)
    draft = PersonDraft(
        row=row.number,
        full_name=name.full_name,
        surname=name.surname,
        middle_name=name.middle_name,
        given_name=name.given_name,
        name_key=name.name_key,
        birth=birth,
        sex=sex,
        cccd=cccd or None,
        party_card_number=card or None,
        hometown_text=hometown,
        hometown_province_code=home_province,
        hometown_commune_code=home_commune,
        residence_text=residence,
        residence_province_code=live_province,
        residence_commune_code=live_commune,
        unit_code=unit_code,
        admission_date=admission.value if admission else None,
        official_date=official.value if official else None,
    )
    return draft, []


def _name(cells: _Cells) -> NameParts | None:
    raw = cells.raw(col.NAME)
    parts, problem = _checked_name("" if raw is None else str(raw))
    if problem == "missing":
        cells.fail(col.NAME, _("The full name is missing."))
    elif problem == "long":
        message = _("The full name is longer than %(max)d characters.") % {"max": NAME_MAX}
        cells.fail(col.NAME, message, raw)
    elif problem == "digits":
        cells.fail(col.NAME, _("The full name contains digits."), raw)
    elif problem == "part":
        cells.fail(col.NAME, _("A part of the name is too long."), raw)
    return None if problem else parts


@lru_cache(maxsize=CACHE_SIZE)
def _checked_name(raw: str) -> tuple[NameParts, str]:
    """The name's parts and what is wrong with it ("" when nothing). Names repeat a lot (a few
    hundred thousand distinct ones among millions of people): each is split, folded and checked
    once. Bounded."""
    parts = split_name(raw)
    if not parts.full_name:
        return parts, "missing"
    if len(parts.full_name) > NAME_MAX:
        return parts, "long"
    if _DIGIT.search(parts.full_name):
        return parts, "digits"
    if any(len(getattr(parts, part)) > limit for part, limit in PART_MAX.items()):
        return parts, "part"
    return parts, ""


def _date(
    cells: _Cells, key: str, *, today: dt.date, required: bool = False, full_date: bool = False
) -> ParsedDate | None:
    raw = cells.raw(key)
    try:
        parsed = parse_date(raw, number_format=cells.number_format(key), today=today)
    except CellError as exc:
        cells.fail(key, exc.message, raw)
        return None
    if parsed is None and required:
        cells.fail(key, _("The date of birth is missing (at least the year)."))
    if parsed is not None and full_date and parsed.precision != "day":
        cells.fail(key, _("Write the full date (dd/mm/yyyy)."), raw)
        return None
    return parsed


def _sex(cells: _Cells) -> str | None:
    raw = cells.raw(col.SEX)
    try:
        sex = parse_sex(raw)
    except CellError as exc:
        cells.fail(col.SEX, exc.message, raw)
        return None
    if sex is None:
        cells.fail(col.SEX, _("The sex is missing: write “Nam” or “Nữ”."))
    return sex


def _cccd(cells: _Cells, *, birth: ParsedDate | None, sex: str | None) -> str:
    raw = cells.raw(col.CCCD)
    cccd = parse_digits(raw, pad_to=CCCD_LENGTH)
    if not cccd:
        return ""
    problems = validate_cccd(cccd, birth_year=birth.year if birth else None, sex=sex)
    for problem in problems:
        cells.fail(col.CCCD, problem, raw)
    return "" if problems else cccd


def _card(cells: _Cells) -> str:
    raw = cells.raw(col.CARD)
    card = parse_digits(raw)
    if card and not (card.isascii() and card.isdigit()):
        cells.fail(col.CARD, _("The party card number may contain only digits."), raw)
        return ""
    if len(card) > CARD_MAX:
        cells.fail(
            col.CARD,
            _("The party card number is longer than %(max)d digits.") % {"max": CARD_MAX},
            raw,
        )
        return ""
    return card


def _text(cells: _Cells, key: str) -> str:
    raw = cells.raw(key)
    text = clean_text(raw)
    if len(text) > TEXT_MAX:
        cells.fail(key, _("The text is longer than %(max)d characters.") % {"max": TEXT_MAX}, raw)
        return ""
    return text


def _party_dates(
    cells: _Cells,
    *,
    birth: ParsedDate | None,
    admission: ParsedDate | None,
    official: ParsedDate | None,
) -> None:
    if official is not None and admission is None and not _failed(cells, col.ADMISSION):
        cells.fail(
            col.ADMISSION,
            _("The date of admission is missing although the date of full membership is given."),
        )
    if admission is not None and official is not None and official.value <= admission.value:
        cells.fail(
            col.OFFICIAL,
            _(
                "The date of full membership (%(official)s) must be after the date of admission "
                "(%(admission)s)."
            )
            % {"official": _show(official.value), "admission": _show(admission.value)},
            cells.raw(col.OFFICIAL),
        )
    if birth is not None and admission is not None and admission.year - birth.year < ADULT_AGE:
        cells.fail(
            col.ADMISSION,
            _(
                "The date of admission (%(admission)s) is less than %(age)d years after the year "
                "of birth (%(year)d)."
            )
            % {"admission": _show(admission.value), "age": ADULT_AGE, "year": birth.year},
            cells.raw(col.ADMISSION),
        )


def _failed(cells: _Cells, key: str) -> bool:
    header = col.BY_KEY[key].header
    return any(issue.column == header for issue in cells.issues)


def _show(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")

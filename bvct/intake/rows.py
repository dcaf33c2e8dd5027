"""One data row of the people template → a clean `PersonDraft`, or the problems that stop it.

Only per-row rules live here (each cell on its own, and cells of the same row against each other).
Rules across rows (a CCCD twice in the file, a person already in the registry) need the database
and live in `bvct.intake.batches`.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from bvct.core.text import fold, nfc
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
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # as bvct.people.names
ADULT_AGE = 16  # the youngest age at which anyone is admitted (Điều lệ Đảng: 18; leave slack)


@dataclass(frozen=True)
class RowIssue:
    row: int
    column: str  # the template header, or "" for the row as a whole
    message: str
    value: str = ""


@dataclass(slots=True)
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


# --- the fast path ------------------------------------------------------------------------------

WORD_CACHE_SIZE = 65_536  # distinct name syllables: a few thousand in Vietnamese, more with typos
VALUE_CACHE_SIZE = 65_536  # distinct dates (a century of days is 36,525), addresses, unit codes
_NOT_FOUND = object()
_BAD = object()  # a cell the fast path leaves to `validate_row` (which reports it)


class RowChecker:
    """`validate_row` for the rows of one job: the same drafts and the same problems, faster.

    Most rows of a national file are plain: text cells, single spaces between the words of the
    name, dates as dd/mm/yyyy, numbers as digits. For those the checker reads each cell once and
    takes every derived value from a cache sized for national data — name syllables (cleaned and
    folded word by word, so a few thousand entries serve millions of full names), dates, sexes,
    addresses with their 2025 units, unit codes — without building the per-row helper objects
    of `validate_row`. Any row the fast path is not certain about (an unusual cell, a problem of
    any kind) goes through `validate_row` itself, so problems and their messages are exactly
    those of the full checks. Caches are bounded (emptied when full): memory stays flat.
    """

    def __init__(self, positions: dict[str, int], *, today: dt.date) -> None:
        self.positions = positions
        self.today = today
        keys = (col.NAME, col.BIRTH, col.SEX, col.CCCD, col.CARD, col.HOMETOWN, col.RESIDENCE)
        self._indexes = [
            positions.get(key) for key in (*keys, col.UNIT, col.ADMISSION, col.OFFICIAL)
        ]
        present = [index for index in self._indexes if index is not None]
        # every column present: one C call picks the ten cells of a full-length CSV row
        self._pick = (
            operator.itemgetter(*self._indexes) if len(present) == len(self._indexes) else None
        )
        self._width = max(present) + 1
        self._cccds: dict[str, bool] = {}
        # values are the parsed cell or _BAD (typed Any: mypy has no sentinel types)
        self._words: dict[str, Any] = {}
        self._dates: dict[str, Any] = {}
        self._sexes: dict[str, Any] = {}
        self._places: dict[str, Any] = {}
        self._codes: dict[str, str] = {}

    def check(self, row: SheetRow) -> tuple[PersonDraft | None, list[RowIssue]]:
        draft = self._fast(row)
        if draft is not None:
            return draft, []
        return validate_row(row, self.positions, today=self.today)

    def _fast(self, row: SheetRow) -> PersonDraft | None:  # noqa: PLR0911, PLR0912 (one pass)
        values = row.values
        size = len(values)
        cells: Sequence[str] | None
        if self._pick is not None and row.formats is None and size >= self._width:
            cells = self._pick(values)  # a CSV row: text only
        else:
            cells = self._cells(values)
        if cells is None:
            return None

        raw_name, raw_birth, raw_sex, cccd, card, home, live, raw_unit, raw_adm, raw_off = cells
        name = self._name(raw_name)
        if name is None:
            return None
        birth = self._date(raw_birth)
        if birth is None or birth is _BAD:
            return None
        sex = self._sexes.get(raw_sex, _NOT_FOUND)
        if sex is _NOT_FOUND:
            sex = self._remember(self._sexes, raw_sex, _sex_or_bad(raw_sex))
        if sex is _BAD:
            return None
        if cccd and not self._plain_cccd(cccd, birth.value.year, sex):
            return None
        if card and not (len(card) <= CARD_MAX and card.isascii() and card.isdigit()):
            return None
        hometown, residence = self._place(home), self._place(live)
        if hometown is _BAD or residence is _BAD:
            return None
        admission, official = self._date(raw_adm), self._date(raw_off)
        if admission is _BAD or official is _BAD:
            return None
        if admission is not None and (
            admission.precision != "day" or admission.value.year - birth.value.year < ADULT_AGE
        ):
            return None
        if official is not None and (
            official.precision != "day" or admission is None or official.value <= admission.value
        ):
            return None
        unit_code = self._codes.get(raw_unit)
        if unit_code is None:
            unit_code = self._remember(self._codes, raw_unit, clean_text(raw_unit))
        full_name, surname, middle, given, name_key = name
        home_text, home_province, home_commune = hometown
        live_text, live_province, live_commune = residence
        return PersonDraft(
            row.number,
            full_name,
            surname,
            middle,
            given,
            name_key,
            birth,
            sex,
            cccd or None,
            card or None,
            home_text,
            home_province,
            home_commune,
            live_text,
            live_province,
            live_commune,
            unit_code,
            admission.value if admission is not None else None,
            official.value if official is not None else None,
        )

    def _cells(self, values: list[CellValue]) -> list[str] | None:
        cells: list[str] = []
        size = len(values)
        for index in self._indexes:
            # a missing column or an empty XLSX cell reads as "" (as every parser reads None)
            value = "" if index is None or index >= size else values[index]
            if value is None:
                value = ""
            elif not isinstance(value, str):
                return None
            cells.append(value)
        return cells

    def _plain_cccd(self, cccd: str, birth_year: int, sex: str) -> bool:
        """A 12-digit CCCD that `validate_cccd` accepts for this birth year and sex (which
        depends only on its first six digits: cached)."""
        if len(cccd) != CCCD_LENGTH or not (cccd.isascii() and cccd.isdigit()):
            return False
        key = f"{cccd[:6]}{sex}{birth_year}"
        valid = self._cccds.get(key)
        if valid is None:
            valid = not validate_cccd(cccd, birth_year=birth_year, sex=sex)
            self._remember(self._cccds, key, valid)
        return valid

    @staticmethod
    def _remember(cache: dict[str, Any], key: str, value: Any) -> Any:
        if len(cache) >= VALUE_CACHE_SIZE:
            cache.clear()
        cache[key] = value
        return value

    def _name(self, raw: str) -> tuple[str, str, str, str, str] | None:
        """(full name, surname, middle name, given name, folded key) as `split_name` gives them,
        from the name's words; None when the name needs the full checks."""
        words = raw.split(" ")
        cache = self._words
        cleaned: list[str] = []
        folded: list[str] = []
        for word in words:
            known = cache.get(word)
            if known is None:
                if len(cache) >= WORD_CACHE_SIZE:
                    cache.clear()
                known = cache[word] = _plain_word(word)
            if known is _BAD:
                return None
            clean, fold_word = known
            cleaned.append(clean)
            folded.append(fold_word)
        full_name = " ".join(cleaned)
        if len(full_name) > NAME_MAX:
            return None
        if len(cleaned) == 1:
            surname, middle, given = "", "", cleaned[0]
        else:
            surname, middle, given = cleaned[0], " ".join(cleaned[1:-1]), cleaned[-1]
        if (
            len(surname) > PART_MAX["surname"]
            or len(middle) > PART_MAX["middle_name"]
            or len(given) > PART_MAX["given_name"]
        ):
            return None
        return full_name, surname, middle, given, " ".join(folded)

    def _date(self, raw: str) -> Any:
        found = self._dates.get(raw, _NOT_FOUND)
        if found is not _NOT_FOUND:
            return found
        try:
            parsed: Any = parse_date(raw, today=self.today)
        except CellError:
            parsed = _BAD
        return self._remember(self._dates, raw, parsed)

    def _place(self, raw: str) -> Any:
        found = self._places.get(raw)
        if found is not None:
            return found
        text = clean_text(raw)
        place: Any = _BAD if len(text) > TEXT_MAX else (text, *resolve_address(text))
        return self._remember(self._places, raw, place)


def _plain_word(word: str) -> Any:
    """One word of a name, cleaned as `clean_name` cleans it and folded as `fold` folds it, or
    _BAD when it is empty or holds anything unusual (whitespace, invisible characters, digits,
    a leading combining mark): such names take the full checks."""
    if (
        not word
        or word.split() != [word]
        or _INVISIBLE.search(word)
        or _DIGIT.search(word)
        or unicodedata.combining(word[0])
    ):
        return _BAD
    clean = nfc(word)
    if clean.islower() or clean.isupper():
        clean = clean.capitalize()
    folded = fold(clean)
    if not folded or " " in folded or " " in clean:
        return _BAD
    return clean, folded


def _sex_or_bad(raw: str) -> Any:
    try:
        sex = parse_sex(raw)
    except CellError:
        return _BAD
    return _BAD if sex is None else sex

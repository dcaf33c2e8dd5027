"""The sections of a lý lịch (form 2-KNĐ) and their validation: plain data, no framework.

Content is stored as one JSON object: {section key: row} for single sections (personal details),
{section key: [row, …]} for list sections. Each row holds every field of its section, normalised:
text NFC and trimmed ("" when empty), months "YYYY-MM", dates "YYYY-MM-DD", years int (None when
empty), booleans true/false. Input may use the display forms (mm/yyyy, dd/mm/yyyy).

Errors are Vietnamese and name the section, the row (1-based, as the user sees it) and the field.
By design there is no field for religion, ethnicity, opinions or online activity: unknown fields
are refused, so such data cannot be smuggled into the JSON either.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from bvct.core.text import nfc
from bvct.people.models import Relative, Sex

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

MIN_YEAR = 1850
MAX_YEAR = 2200
MAX_ROWS = 100
TEXT_MAX_LENGTH = 255

_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_VN = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_VN = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_TRUE = frozenset({"1", "true", "on", "yes", "có"})
_FALSE = frozenset({"", "0", "false", "off", "no", "không"})


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    YEAR = "year"
    MONTH = "month"
    DATE = "date"
    BOOL = "bool"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: StrPromise
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[tuple[str, StrPromise], ...] = ()
    max_length: int = TEXT_MAX_LENGTH

    def empty(self) -> Any:
        if self.kind is Kind.BOOL:
            return False
        return "" if self.kind in {Kind.TEXT, Kind.CHOICE} else None

    def choice_label(self, value: str) -> str:
        return str(dict(self.choices).get(value, value))


@dataclass(frozen=True)
class SectionSpec:
    key: str
    label: StrPromise
    fields: tuple[FieldSpec, ...]
    is_list: bool = True
    identity: tuple[str, ...] = ()  # fields that say which row is "the same" across versions

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def empty_row(self) -> dict[str, Any]:
        return {f.name: f.empty() for f in self.fields}


@dataclass(frozen=True)
class SchemaError:
    section: str
    row: int | None
    field: str | None
    message: str
    problem: str = ""

    def at_row(self, row: int) -> SchemaError:
        """The same error about another row number (a form shows rows the user removed)."""
        if self.row is None or not self.problem:
            return self
        return _error(self.section, row, self.field, self.problem)


MARITAL_CHOICES = (
    ("single", pgettext_lazy("2-KND", "Single")),
    ("married", pgettext_lazy("2-KND", "Married")),
    ("divorced", pgettext_lazy("2-KND", "Divorced")),
    ("widowed", pgettext_lazy("2-KND", "Widowed")),
)
TRAINING_CHOICES = (
    ("political_theory", pgettext_lazy("2-KND", "Political theory")),
    ("education", pgettext_lazy("2-KND", "Education (vocational, university, postgraduate)")),
    ("expertise", pgettext_lazy("2-KND", "Professional expertise")),
    ("foreign_language", pgettext_lazy("2-KND", "Foreign language")),
    ("other", pgettext_lazy("2-KND", "Other")),
)
AWARD_CHOICES = (
    ("award", pgettext_lazy("2-KND", "Award")),
    ("discipline", pgettext_lazy("2-KND", "Discipline")),
)
_Rel = Relative.Relationship
RELATIONSHIP_CHOICES = (
    (_Rel.FATHER.value, pgettext_lazy("2-KND", "Father")),
    (_Rel.MOTHER.value, pgettext_lazy("2-KND", "Mother")),
    (_Rel.PARENT_IN_LAW.value, pgettext_lazy("2-KND", "Parent-in-law")),
    (_Rel.CARER.value, pgettext_lazy("2-KND", "Person who raised them")),
    (_Rel.SPOUSE.value, pgettext_lazy("2-KND", "Spouse")),
    (_Rel.CHILD.value, pgettext_lazy("2-KND", "Child")),
    (_Rel.SIBLING.value, pgettext_lazy("2-KND", "Sibling")),
    (_Rel.OTHER.value, pgettext_lazy("2-KND", "Other")),
)
SEX_CHOICES = (
    (Sex.MALE.value, pgettext_lazy("2-KND", "Male")),
    (Sex.FEMALE.value, pgettext_lazy("2-KND", "Female")),
)

F = FieldSpec
PERSONAL = SectionSpec(
    "personal",
    pgettext_lazy("2-KND", "Personal details"),
    (
        F("full_name", pgettext_lazy("2-KND", "Full name in use"), required=True, max_length=200),
        F("birth_name", pgettext_lazy("2-KND", "Name at birth"), max_length=200),
        F("other_names", pgettext_lazy("2-KND", "Other names or aliases"), max_length=200),
        F("sex", pgettext_lazy("2-KND", "Sex"), Kind.CHOICE, required=True, choices=SEX_CHOICES),
        F("birth_date", pgettext_lazy("2-KND", "Date of birth"), Kind.DATE, required=True),
        F("birthplace", pgettext_lazy("2-KND", "Place of birth"), required=True),
        F("hometown", pgettext_lazy("2-KND", "Hometown"), required=True),
        F("residence", pgettext_lazy("2-KND", "Permanent residence"), required=True),
        F("current_address", pgettext_lazy("2-KND", "Current address")),
        F("occupation", pgettext_lazy("2-KND", "Current occupation"), required=True),
        F(
            "general_education",
            pgettext_lazy("2-KND", "General education (e.g. 12/12)"),
            max_length=20,
        ),
        F(
            "marital_status",
            pgettext_lazy("2-KND", "Marital status"),
            Kind.CHOICE,
            required=True,
            choices=MARITAL_CHOICES,
        ),
        F("youth_union_date", pgettext_lazy("2-KND", "Joined the Youth Union"), Kind.MONTH),
    ),
    is_list=False,
)
FAMILY = SectionSpec(
    "family",
    pgettext_lazy("2-KND", "Family"),
    (
        F(
            "relationship",
            pgettext_lazy("2-KND", "Relationship"),
            Kind.CHOICE,
            required=True,
            choices=RELATIONSHIP_CHOICES,
        ),
        F("full_name", pgettext_lazy("2-KND", "Full name"), required=True, max_length=200),
        F("birth_year", pgettext_lazy("2-KND", "Year of birth"), Kind.YEAR),
        F("address", pgettext_lazy("2-KND", "Address")),
        F("occupation", pgettext_lazy("2-KND", "Occupation")),
        F("is_deceased", pgettext_lazy("2-KND", "Deceased"), Kind.BOOL),
        F("is_abroad", pgettext_lazy("2-KND", "Lives abroad"), Kind.BOOL),
    ),
    identity=("relationship", "full_name"),
)
TIMELINE = SectionSpec(
    "timeline",
    pgettext_lazy("2-KND", "Work and study timeline"),
    (
        F("from_month", pgettext_lazy("2-KND", "From (month/year)"), Kind.MONTH, required=True),
        F("to_month", pgettext_lazy("2-KND", "To (month/year, empty = to date)"), Kind.MONTH),
        F("activity", pgettext_lazy("2-KND", "What (study, work, position)"), required=True),
        F("place", pgettext_lazy("2-KND", "Where (school, unit, place)"), required=True),
    ),
    identity=("from_month",),
)
TRAINING = SectionSpec(
    "training",
    pgettext_lazy("2-KND", "Training"),
    (
        F(
            "kind",
            pgettext_lazy("2-KND", "Kind of training"),
            Kind.CHOICE,
            required=True,
            choices=TRAINING_CHOICES,
        ),
        F("name", pgettext_lazy("2-KND", "Course, field or language"), required=True),
        F("institution", pgettext_lazy("2-KND", "Institution")),
        F("from_month", pgettext_lazy("2-KND", "From (month/year)"), Kind.MONTH),
        F("to_month", pgettext_lazy("2-KND", "To (month/year)"), Kind.MONTH),
        F("mode", pgettext_lazy("2-KND", "Mode of study")),
        F("qualification", pgettext_lazy("2-KND", "Degree or certificate")),
    ),
    identity=("kind", "name"),
)
AWARDS = SectionSpec(
    "awards",
    pgettext_lazy("2-KND", "Awards and discipline"),
    (
        F(
            "kind",
            pgettext_lazy("2-KND", "Award or discipline"),
            Kind.CHOICE,
            required=True,
            choices=AWARD_CHOICES,
        ),
        F("month", pgettext_lazy("2-KND", "Month/year"), Kind.MONTH, required=True),
        F(
            "form",
            pgettext_lazy("2-KND", "Form (e.g. certificate of merit, reprimand)"),
            required=True,
        ),
        F("reason", pgettext_lazy("2-KND", "Reason")),
        F("decided_by", pgettext_lazy("2-KND", "Decided by")),
    ),
    identity=("kind", "month"),
)
RELATIVES_ABROAD = SectionSpec(
    "relatives_abroad",
    pgettext_lazy("2-KND", "Relatives abroad"),
    (
        F(
            "relationship",
            pgettext_lazy("2-KND", "Relationship"),
            Kind.CHOICE,
            required=True,
            choices=RELATIONSHIP_CHOICES,
        ),
        F("full_name", pgettext_lazy("2-KND", "Full name"), required=True, max_length=200),
        F("country", pgettext_lazy("2-KND", "Country"), max_length=100),
        F("address", pgettext_lazy("2-KND", "Address abroad")),
        F("occupation", pgettext_lazy("2-KND", "Occupation")),
        F("since_year", pgettext_lazy("2-KND", "Abroad since (year)"), Kind.YEAR),
    ),
    identity=("relationship", "full_name"),
)
FOREIGN_CONTACTS = SectionSpec(
    "foreign_contacts",
    pgettext_lazy("2-KND", "Foreign contacts"),
    (
        F("counterpart", pgettext_lazy("2-KND", "Organisation or person"), required=True),
        F("country", pgettext_lazy("2-KND", "Country"), max_length=100),
        F("nature", pgettext_lazy("2-KND", "Nature of the contact")),
        F("from_month", pgettext_lazy("2-KND", "From (month/year)"), Kind.MONTH),
        F("to_month", pgettext_lazy("2-KND", "To (month/year)"), Kind.MONTH),
    ),
    identity=("counterpart",),
)
del F

SECTIONS: tuple[SectionSpec, ...] = (
    PERSONAL,
    FAMILY,
    TIMELINE,
    TRAINING,
    AWARDS,
    RELATIVES_ABROAD,
    FOREIGN_CONTACTS,
)
SECTION_BY_KEY: dict[str, SectionSpec] = {s.key: s for s in SECTIONS}


def empty_content() -> dict[str, Any]:
    return {s.key: (s.empty_row() if not s.is_list else []) for s in SECTIONS}


# --- parsing values ---------------------------------------------------------------------------


class _Invalid(Exception):  # noqa: N818 (internal signal, never escapes this module)
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _valid_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Invalid(
            _("the year must be between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return year


def _parse_month(text: str) -> str:
    if match := _MONTH_ISO.match(text):
        year, month = int(match[1]), int(match[2])
    elif match := _MONTH_VN.match(text):
        month, year = int(match[1]), int(match[2])
    else:
        raise _Invalid(_("enter a month and year as mm/yyyy."))
    if not 1 <= month <= 12:  # noqa: PLR2004
        raise _Invalid(_("enter a month and year as mm/yyyy."))
    return f"{_valid_year(year):04d}-{month:02d}"


def _parse_date(text: str) -> str:
    if match := _DATE_ISO.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _DATE_VN.match(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        raise _Invalid(_("enter a date as dd/mm/yyyy."))
    try:
        value = dt.date(_valid_year(year), month, day)
    except ValueError:
        raise _Invalid(_("enter a date as dd/mm/yyyy.")) from None
    return value.isoformat()


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE:
        return True
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in _FALSE):
        return False
    raise _Invalid(_("answer yes or no."))


def _parse_year(raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _valid_year(raw)
    if isinstance(raw, str) and _YEAR.match(raw.strip()):
        return _valid_year(int(raw.strip()))
    raise _Invalid(_("enter a four-digit year."))


def _clean_value(spec: FieldSpec, raw: Any, *, require: bool = True) -> Any:
    """The normalised value of one field, or _Invalid with the problem in Vietnamese."""
    if spec.kind is Kind.BOOL:
        return _parse_bool(raw)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if spec.required and require:
            raise _Invalid(_("this field is required."))
        return spec.empty()
    if spec.kind is Kind.YEAR:
        return _parse_year(raw)
    if not isinstance(raw, str):
        raise _Invalid(_("enter text."))
    text = nfc(raw)
    if spec.kind is Kind.MONTH:
        return _parse_month(text)
    if spec.kind is Kind.DATE:
        return _parse_date(text)
    if spec.kind is Kind.CHOICE and text not in dict(spec.choices):
        raise _Invalid(_("choose one of the listed options."))
    if len(text) > spec.max_length:
        raise _Invalid(_("is too long (at most %(max)d characters).") % {"max": spec.max_length})
    return text


# --- messages ---------------------------------------------------------------------------------


def where(section: str, row: int | None = None, field: str | None = None) -> str:
    """ "Gia đình, dòng 2, «Năm sinh»" — the place a message is about, in the user's words."""
    spec = SECTION_BY_KEY.get(section)
    text = str(spec.label) if spec is not None else section
    if row is not None:
        text = _("%(section)s, row %(row)d") % {"section": text, "row": row}
    if field is not None and spec is not None:
        label = next((str(f.label) for f in spec.fields if f.name == field), field)
        text = _("%(place)s, “%(field)s”") % {"place": text, "field": label}
    elif field is not None:
        text = _("%(place)s, “%(field)s”") % {"place": text, "field": field}
    return text


def _error(section: str, row: int | None, field: str | None, problem: str) -> SchemaError:
    message = _("%(place)s: %(problem)s") % {
        "place": where(section, row, field),
        "problem": problem,
    }
    return SchemaError(section, row, field, message, problem)


# --- validation -------------------------------------------------------------------------------


def _clean_row(
    spec: SectionSpec, raw: Any, row: int | None, *, require: bool = True
) -> tuple[dict[str, Any], list[SchemaError]]:
    if not isinstance(raw, Mapping):
        return spec.empty_row(), [_error(spec.key, row, None, _("expected the fields of a row."))]
    errors: list[SchemaError] = []
    known = {f.name for f in spec.fields}
    errors.extend(
        _error(spec.key, row, None, _("“%(field)s” is not a field of this form.") % {"field": k})
        for k in sorted(str(k) for k in raw if k not in known)
    )
    cleaned: dict[str, Any] = {}
    for field in spec.fields:
        try:
            cleaned[field.name] = _clean_value(field, raw.get(field.name), require=require)
        except _Invalid as exc:
            cleaned[field.name] = field.empty()
            errors.append(_error(spec.key, row, field.name, exc.problem))
    return cleaned, errors


def validate_section(key: str, data: Any, *, require: bool = True) -> tuple[Any, list[SchemaError]]:
    """(normalised data, errors) for one section; the data is only meaningful without errors.

    `require=False` leaves required fields to the linter (a whole version at submission, whose
    personal details may still be the empty ones it started with)."""
    spec = SECTION_BY_KEY.get(key)
    if spec is None:
        return None, [
            SchemaError(key, None, None, _("Unknown section “%(section)s”.") % {"section": key})
        ]
    if not spec.is_list:
        return _clean_row(spec, data, None, require=require)
    if not isinstance(data, list):
        return [], [_error(key, None, None, _("expected a list of rows."))]
    if len(data) > MAX_ROWS:
        return [], [_error(key, None, None, _("at most %(max)d rows.") % {"max": MAX_ROWS})]
    rows: list[dict[str, Any]] = []
    errors: list[SchemaError] = []
    for index, raw in enumerate(data, start=1):
        row, row_errors = _clean_row(spec, raw, index, require=require)
        rows.append(row)
        errors.extend(row_errors)
    return rows, errors


def validate_content(
    content: Any, *, require: bool = True
) -> tuple[dict[str, Any], list[SchemaError]]:
    """Every section of a whole lý lịch; missing sections are empty, unknown ones refused."""
    if not isinstance(content, Mapping):
        return empty_content(), [SchemaError("", None, None, _("The content must be an object."))]
    cleaned = empty_content()
    errors = [
        SchemaError(key, None, None, _("Unknown section “%(section)s”.") % {"section": key})
        for key in sorted(str(k) for k in content if k not in SECTION_BY_KEY)
    ]
    for spec in SECTIONS:
        if spec.key in content:
            data, section_errors = validate_section(spec.key, content[spec.key], require=require)
            cleaned[spec.key] = data
            errors.extend(section_errors)
    return cleaned, errors


# --- display ----------------------------------------------------------------------------------


def display_value(field: FieldSpec, value: Any) -> str:
    """How a stored value is shown: dd/mm/yyyy, mm/yyyy, choice labels, Có/Không."""
    if field.kind is Kind.BOOL:
        return _("Yes") if value else _("No")
    if value is None or value == "":
        return ""
    if field.kind is Kind.MONTH:
        year, month = str(value).split("-")
        return f"{month}/{year}"
    if field.kind is Kind.DATE:
        year, month, day = str(value).split("-")
        return f"{day}/{month}/{year}"
    if field.kind is Kind.CHOICE:
        return field.choice_label(str(value))
    return str(value)


def input_value(field: FieldSpec, value: Any) -> Any:
    """The value put back in a form input (months and dates in their display form)."""
    if field.kind in {Kind.MONTH, Kind.DATE}:
        return display_value(field, value)
    return "" if value is None else value

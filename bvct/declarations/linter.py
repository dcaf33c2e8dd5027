"""The form linter: the omissions that most often send a lý lịch back, found before it is sent.

Pure functions over a declaration's content (as stored, see `schema`). Each rule returns
`Finding`s with a severity: errors block submission, warnings are shown and recorded with the
submitted version. `today` is always passed in, so the rules are deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bvct.core.text import fold
from bvct.declarations.schema import PERSONAL, SECTIONS, Kind, where

MONTHS_PER_YEAR = 12


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    section: str
    row: int | None
    message: str

    @property
    def is_blocking(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "severity": self.severity.value}


@dataclass(frozen=True)
class LinterConfig:
    max_gap_months: int = 3


Rule = Callable[[Mapping[str, Any], dt.date, LinterConfig], list[Finding]]


# --- helpers ----------------------------------------------------------------------------------


def month_index(value: str) -> int:
    year, month = value.split("-")
    return int(year) * MONTHS_PER_YEAR + int(month) - 1


def month_text(index: int) -> str:
    return f"{index % MONTHS_PER_YEAR + 1:02d}/{index // MONTHS_PER_YEAR}"


def _today_index(today: dt.date) -> int:
    return today.year * MONTHS_PER_YEAR + today.month - 1


def _rows(content: Mapping[str, Any], section: str) -> list[tuple[int, Mapping[str, Any]]]:
    rows = content.get(section)
    if not isinstance(rows, list):
        return []
    return [(n, row) for n, row in enumerate(rows, start=1) if isinstance(row, Mapping)]


@dataclass(frozen=True)
class _Period:
    row: int
    start: int
    end: int  # inclusive month index; "to date" is the current month
    is_open: bool


def _periods(content: Mapping[str, Any], today: dt.date) -> list[_Period]:
    """Timeline rows with a start, in time order (rows whose end precedes the start are left to
    the date-order rule)."""
    periods = []
    for n, row in _rows(content, "timeline"):
        start, end = row.get("from_month"), row.get("to_month")
        if not start:
            continue
        end_index = month_index(end) if end else _today_index(today)
        if end_index >= month_index(start):
            periods.append(_Period(n, month_index(start), end_index, not end))
    return sorted(periods, key=lambda p: (p.start, p.row))


def _finding(rule: str, severity: Severity, section: str, row: int | None, problem: str) -> Finding:
    message = _("%(place)s: %(problem)s") % {"place": where(section, row), "problem": problem}
    return Finding(rule, severity, section, row, message)


# --- rules: the work and study timeline --------------------------------------------------------


def check_timeline_gaps(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    """More than `max_gap_months` months between the end of one period and the next start."""
    findings = []
    covered: int | None = None
    for period in _periods(content, today):
        if covered is not None and (gap := period.start - covered - 1) > config.max_gap_months:
            problem = ngettext(
                "%(months)d month unaccounted for (%(start)s to %(end)s), more than %(limit)d. "
                "Declare what you did in that time.",
                "%(months)d months unaccounted for (%(start)s to %(end)s), more than %(limit)d. "
                "Declare what you did in that time.",
                gap,
            ) % {
                "months": gap,
                "start": month_text(covered + 1),
                "end": month_text(period.start - 1),
                "limit": config.max_gap_months,
            }
            findings.append(
                _finding("timeline_gap", Severity.WARNING, "timeline", period.row, problem)
            )
        covered = period.end if covered is None else max(covered, period.end)
    return findings


def check_timeline_overlaps(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    """A period that starts before an earlier one ended (sharing the changeover month is fine)."""
    findings = []
    latest: _Period | None = None
    for period in _periods(content, today):
        if latest is not None and period.start < latest.end:
            problem = _(
                "overlaps row %(other)d (%(start)s to %(end)s). If both were at the same time, "
                "say so in the description."
            ) % {
                "other": latest.row,
                "start": month_text(period.start),
                "end": month_text(min(period.end, latest.end)),
            }
            findings.append(
                _finding("timeline_overlap", Severity.WARNING, "timeline", period.row, problem)
            )
        if latest is None or period.end > latest.end:
            latest = period
    return findings


def check_timeline_order(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    """Rows listed out of time order (the form is read top to bottom as a life story)."""
    findings = []
    previous: str | None = None
    for n, row in _rows(content, "timeline"):
        start = row.get("from_month")
        if not start:
            continue
        if previous is not None and start < previous:
            problem = _("starts before the row above it. List the periods in time order.")
            findings.append(_finding("timeline_order", Severity.WARNING, "timeline", n, problem))
        previous = start if previous is None else max(previous, start)
    return findings


def check_timeline_reaches_present(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    periods = _periods(content, today)
    if not _rows(content, "timeline"):
        problem = _("no period is declared. The timeline runs from school age to the present.")
        return [_finding("timeline_present", Severity.ERROR, "timeline", None, problem)]
    if not periods or any(p.is_open for p in periods):
        return []
    last = max(periods, key=lambda p: (p.end, p.row))
    if last.end >= _today_index(today):
        return []
    problem = _(
        "the last period ends in %(end)s. The timeline must run to the present: leave “To” empty "
        "on the current period."
    ) % {"end": month_text(last.end)}
    return [_finding("timeline_present", Severity.ERROR, "timeline", last.row, problem)]


# --- rules: dates anywhere ---------------------------------------------------------------------


def check_date_order(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    """“To” before “From” in any row that has both."""
    findings = []
    for section in ("timeline", "training", "foreign_contacts"):
        for n, row in _rows(content, section):
            start, end = row.get("from_month"), row.get("to_month")
            if start and end and end < start:
                problem = _("“To” (%(end)s) is before “From” (%(start)s).") % {
                    "end": month_text(month_index(end)),
                    "start": month_text(month_index(start)),
                }
                findings.append(_finding("date_order", Severity.ERROR, section, n, problem))
    return findings


def _dated_values(content: Mapping[str, Any]) -> Iterator[tuple[str, int | None, str, Any, Kind]]:
    for spec in SECTIONS:
        dated = [f for f in spec.fields if f.kind in {Kind.MONTH, Kind.DATE, Kind.YEAR}]
        rows: list[tuple[int | None, Mapping[str, Any]]]
        if not spec.is_list:
            row = content.get(spec.key)
            rows = [(None, row)] if isinstance(row, Mapping) else []
        else:
            rows = list(_rows(content, spec.key))
        for n, values in rows:
            for field in dated:
                if values.get(field.name):
                    yield spec.key, n, str(field.label), values[field.name], field.kind


def check_future_dates(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    findings = []
    for section, row, label, value, kind in _dated_values(content):
        if kind is Kind.YEAR:
            is_future, shown = int(value) > today.year, str(value)
        elif kind is Kind.MONTH:
            is_future = month_index(value) > _today_index(today)
            shown = month_text(month_index(value))
        else:
            is_future = dt.date.fromisoformat(value) > today
            shown = dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        if is_future:
            problem = _("“%(field)s” (%(value)s) is in the future.") % {
                "field": label,
                "value": shown,
            }
            findings.append(_finding("future_date", Severity.ERROR, section, row, problem))
    return findings


# --- rules: personal details and family --------------------------------------------------------


def check_personal_details(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    values = content.get("personal")
    values = values if isinstance(values, Mapping) else {}
    return [
        _finding(
            "personal_missing",
            Severity.ERROR,
            "personal",
            None,
            _("“%(field)s” is missing.") % {"field": field.label},
        )
        for field in PERSONAL.fields
        if field.required and not values.get(field.name)
    ]


def check_relatives_complete(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    """Every relative has a year of birth; every living relative an address."""
    findings = []
    for n, row in _rows(content, "family"):
        if not row.get("birth_year"):
            problem = _("the year of birth of %(name)s is missing.") % {
                "name": row.get("full_name")
            }
            findings.append(_finding("relative_incomplete", Severity.ERROR, "family", n, problem))
        if not row.get("is_deceased") and not row.get("address"):
            problem = _("the address of %(name)s is missing.") % {"name": row.get("full_name")}
            findings.append(_finding("relative_incomplete", Severity.ERROR, "family", n, problem))
    return findings


def check_spouse(content: Mapping[str, Any], today: dt.date, config: LinterConfig) -> list[Finding]:
    personal = content.get("personal")
    is_married = isinstance(personal, Mapping) and personal.get("marital_status") == "married"
    spouses = [
        (n, row) for n, row in _rows(content, "family") if row.get("relationship") == "spouse"
    ]
    if is_married and not spouses:
        problem = _("the personal details say married, but no spouse is declared.")
        return [_finding("spouse_missing", Severity.ERROR, "family", None, problem)]
    return [
        _finding(
            "spouse_incomplete",
            Severity.WARNING,
            "family",
            n,
            _("the occupation of the spouse is missing."),
        )
        for n, row in spouses
        if not row.get("is_deceased") and not row.get("occupation")
    ]


def check_parents(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    declared = {row.get("relationship") for _n, row in _rows(content, "family")}
    findings = []
    if "father" not in declared:
        problem = _("the father is not declared (declare him even if deceased).")
        findings.append(_finding("parent_missing", Severity.ERROR, "family", None, problem))
    if "mother" not in declared:
        problem = _("the mother is not declared (declare her even if deceased).")
        findings.append(_finding("parent_missing", Severity.ERROR, "family", None, problem))
    return findings


def check_relatives_abroad(
    content: Mapping[str, Any], today: dt.date, config: LinterConfig
) -> list[Finding]:
    """Relatives abroad need a country; a relative marked abroad in Family must be listed."""
    findings = []
    listed = set()
    for n, row in _rows(content, "relatives_abroad"):
        listed.add(fold(str(row.get("full_name") or "")))
        if not row.get("country"):
            problem = _("the country where %(name)s lives is missing.") % {
                "name": row.get("full_name")
            }
            findings.append(
                _finding("abroad_country", Severity.ERROR, "relatives_abroad", n, problem)
            )
    for n, row in _rows(content, "family"):
        if row.get("is_abroad") and fold(str(row.get("full_name") or "")) not in listed:
            problem = _(
                "%(name)s lives abroad but is not listed under Relatives abroad (with the country)."
            ) % {"name": row.get("full_name")}
            findings.append(_finding("abroad_country", Severity.ERROR, "family", n, problem))
    return findings


RULES: tuple[Rule, ...] = (
    check_personal_details,
    check_parents,
    check_spouse,
    check_relatives_complete,
    check_relatives_abroad,
    check_timeline_reaches_present,
    check_timeline_gaps,
    check_timeline_overlaps,
    check_timeline_order,
    check_date_order,
    check_future_dates,
)


def lint(
    content: Mapping[str, Any], *, today: dt.date, config: LinterConfig | None = None
) -> list[Finding]:
    """All findings, errors first, each group in the order of the form's sections and rows."""
    config = config or LinterConfig()
    findings = [finding for rule in RULES for finding in rule(content, today, config)]
    order = {spec.key: i for i, spec in enumerate(SECTIONS)}
    return sorted(
        findings,
        key=lambda f: (
            f.severity is not Severity.ERROR,
            order.get(f.section, len(order)),
            f.row or 0,
        ),
    )


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_blocking]

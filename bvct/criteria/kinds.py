"""The static registry of rule kinds: a frozen params dataclass and a pure evaluator for each.

A rule *applies* when its condition holds; it then yields the outcome the rule declares (e.g.
"needs more verification"); a rule that does not apply yields "meets". Evaluators never touch the
database: they read `Facts` and return a `Finding` with the facts they used (as JSON-ready
references, so the trace can link to the evidence) and a note key rendered by `explain.py`.

The database stores only the kind's name and its params; adding a kind means adding it here.
"""

from __future__ import annotations

import dataclasses
import datetime
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bvct.criteria.facts import SELF, Facts, IssueFact
from bvct.people.models import RecordedIssue, Relative

FactRef = dict[str, Any]

FAMILIES = tuple(RecordedIssue.Family.values)
STATUSES = tuple(RecordedIssue.Status.values)
WHOSE = (SELF, *Relative.Relationship.values)
MEMBERSHIP_SINCE = ("admission", "official")


class ParamError(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True, slots=True)
class Finding:
    applies: bool
    used: tuple[FactRef, ...]
    note: str
    args: Mapping[str, Any] = field(default_factory=dict)


# --- params -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueRecordedParams:
    families: tuple[str, ...] = field(metadata={"choices": FAMILIES})
    statuses: tuple[str, ...] = field(metadata={"choices": STATUSES})
    whose: tuple[str, ...] = field(metadata={"choices": WHOSE})


@dataclass(frozen=True)
class NoParams:
    pass


@dataclass(frozen=True)
class AgeParams:
    min_age: int | None = field(default=None, metadata={"min": 0})
    max_age: int | None = field(default=None, metadata={"min": 0})

    def check(self) -> None:
        if self.min_age is None and self.max_age is None:
            raise ParamError("min_age", _("give min_age, max_age or both."))
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ParamError("max_age", _("must not be less than min_age."))


@dataclass(frozen=True)
class MembershipParams:
    min_years: int = field(metadata={"min": 0})
    since: str = field(default="official", metadata={"choices": MEMBERSHIP_SINCE})


def _convert(name: str, hint: Any, value: Any, meta: Mapping[str, Any]) -> Any:
    if hint == (int | None) and value is None:
        return None
    if hint in {int, int | None}:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamError(name, _("must be a whole number."))
        if "min" in meta and value < meta["min"]:
            raise ParamError(name, _("must be at least %(min)s.") % {"min": meta["min"]})
        return value
    choices: tuple[str, ...] = meta.get("choices", ())
    if hint is str:
        if not isinstance(value, str) or (choices and value not in choices):
            raise ParamError(
                name, _("must be one of: %(choices)s.") % {"choices": ", ".join(choices)}
            )
        return value
    # tuple[str, ...]: a non-empty list of choices
    if not isinstance(value, list) or not value:
        raise ParamError(name, _("must be a non-empty list."))
    for item in value:
        if not isinstance(item, str) or item not in choices:
            raise ParamError(
                name,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": item, "choices": ", ".join(choices)},
            )
    return tuple(value)


def parse_params(params_cls: type[Any], data: Any) -> Any:
    """A params instance from JSON/YAML data, or ParamError naming the parameter at fault."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParamError("", _("parameters must be a mapping of names to values."))
    known = {f.name: f for f in dataclasses.fields(params_cls)}
    for key in data:
        if key not in known:
            raise ParamError(str(key), _("unknown parameter for this kind."))
    hints = typing.get_type_hints(params_cls)
    values: dict[str, Any] = {}
    for name, spec in known.items():
        if name not in data:
            has_default = spec.default is not dataclasses.MISSING
            if not has_default:
                raise ParamError(name, _("this parameter is required."))
            continue
        values[name] = _convert(name, hints[name], data[name], spec.metadata)
    instance = params_cls(**values)
    check = getattr(instance, "check", None)
    if check is not None:
        check()
    return instance


def params_to_data(params: Any) -> dict[str, Any]:
    return {
        k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(params).items()
    }


# --- evaluators -------------------------------------------------------------------------------


def issue_ref(issue: IssueFact) -> FactRef:
    return {
        "type": "issue",
        "id": issue.id,
        "family": issue.family,
        "status": issue.status,
        "whose": issue.whose,
        "relative_id": issue.relative_id,
        "source": issue.source,
        "classification": issue.classification,
        "conclusion_reference": issue.conclusion_reference,
        "concluded_on": issue.concluded_on.isoformat() if issue.concluded_on else None,
    }


def evaluate_issue_recorded(params: IssueRecordedParams, facts: Facts) -> Finding:
    matches = [
        issue
        for issue in facts.issues
        if issue.family in params.families
        and issue.status in params.statuses
        and issue.whose in params.whose
    ]
    if not matches:
        return Finding(applies=False, used=(), note="issue_none")
    return Finding(
        applies=True,
        used=tuple(issue_ref(i) for i in matches),
        note="issue_found",
        args={"count": len(matches)},
    )


def evaluate_verification_open(params: NoParams, facts: Facts) -> Finding:
    if not facts.open_verifications:
        return Finding(applies=False, used=(), note="verification_none")
    used = tuple(
        {
            "type": "verification_request",
            "id": v.id,
            "opened_on": v.opened_on.isoformat(),
            "classification": v.classification,
        }
        for v in facts.open_verifications
    )
    return Finding(applies=True, used=used, note="verification_open", args={"count": len(used)})


def full_years(start: datetime.date, end: datetime.date) -> int:
    """Completed years from start to end (a birthday on 29/02 completes on 01/03)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def evaluate_age(params: AgeParams, facts: Facts) -> Finding:
    if facts.birth_date is None:
        used: tuple[FactRef, ...] = (
            {"type": "person_field", "field": "birth_date", "value": None},
        )
        return Finding(applies=True, used=used, note="age_unknown")
    used = ({"type": "person_field", "field": "birth_date", "value": facts.birth_date.isoformat()},)
    age = full_years(facts.birth_date, facts.as_of)
    too_young = params.min_age is not None and age < params.min_age
    too_old = params.max_age is not None and age > params.max_age
    note = "age_too_young" if too_young else "age_too_old" if too_old else "age_ok"
    return Finding(applies=too_young or too_old, used=used, note=note, args={"age": age})


def evaluate_membership(params: MembershipParams, facts: Facts) -> Finding:
    name = "admission_date" if params.since == "admission" else "official_date"
    since: datetime.date | None = getattr(facts, name)
    used: tuple[FactRef, ...] = (
        {"type": "person_field", "field": name, "value": since.isoformat() if since else None},
    )
    if since is None or since > facts.as_of:
        return Finding(applies=True, used=used, note="membership_none")
    years = full_years(since, facts.as_of)
    if years < params.min_years:
        return Finding(applies=True, used=used, note="membership_short", args={"years": years})
    return Finding(applies=False, used=used, note="membership_ok", args={"years": years})


def evaluate_declaration_missing(params: NoParams, facts: Facts) -> Finding:
    latest = facts.latest_declaration
    if latest is None:
        return Finding(applies=True, used=(), note="declaration_missing")
    used = ({"type": "declaration", "id": latest.id, "number": latest.number},)
    return Finding(
        applies=False, used=used, note="declaration_present", args={"number": latest.number}
    )


def applies_issue_recorded(params: IssueRecordedParams, facts: Facts) -> bool:
    if not facts.issues:
        return False
    return any(
        i.family in params.families and i.status in params.statuses and i.whose in params.whose
        for i in facts.issues
    )


def applies_verification_open(params: NoParams, facts: Facts) -> bool:
    return bool(facts.open_verifications)


def applies_age(params: AgeParams, facts: Facts) -> bool:
    if facts.birth_date is None:
        return True
    age = full_years(facts.birth_date, facts.as_of)
    return (params.min_age is not None and age < params.min_age) or (
        params.max_age is not None and age > params.max_age
    )


def applies_membership(params: MembershipParams, facts: Facts) -> bool:
    since = facts.admission_date if params.since == "admission" else facts.official_date
    return since is None or since > facts.as_of or full_years(since, facts.as_of) < params.min_years


def applies_declaration_missing(params: NoParams, facts: Facts) -> bool:
    return facts.latest_declaration is None


@dataclass(frozen=True)
class Kind:
    """`evaluate` explains (trace); `applies` is the same condition without the explanation, for
    batch re-screening. Tests check that they always agree."""

    label: Any  # lazy translation
    params: type[Any]
    evaluate: Callable[[Any, Facts], Finding]
    applies: Callable[[Any, Facts], bool]


KINDS: dict[str, Kind] = {
    "issue_recorded": Kind(
        gettext_lazy("A recorded issue of the given families, statuses and persons"),
        IssueRecordedParams,
        evaluate_issue_recorded,
        applies_issue_recorded,
    ),
    "verification_open": Kind(
        gettext_lazy("An open verification request"),
        NoParams,
        evaluate_verification_open,
        applies_verification_open,
    ),
    "age_out_of_range": Kind(
        gettext_lazy("Age on the evaluation date outside a range (or unknown)"),
        AgeParams,
        evaluate_age,
        applies_age,
    ),
    "membership_too_short": Kind(
        gettext_lazy("Party membership shorter than a number of years (or none)"),
        MembershipParams,
        evaluate_membership,
        applies_membership,
    ),
    "declaration_missing": Kind(
        gettext_lazy("No submitted self-declared history (lý lịch)"),
        NoParams,
        evaluate_declaration_missing,
        applies_declaration_missing,
    ),
}

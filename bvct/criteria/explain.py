"""Traces rendered for people: the officer explanation and the subject-facing version.

The stored trace holds codes and references only; sentences are produced here, in the reader's
language, at display time. Evidence a reader may not see is withheld and counted, and the page says
so: officers see what `policy.can_view_evaluation_fact` allows; the subject sees their own data
(date fields, their submitted declaration, unclassified issues they declared themselves) and
nothing else.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bvct.criteria.facts import SELF
from bvct.criteria.models import Combining, Outcome, Purpose
from bvct.people.models import Person, RecordedIssue, Relative

OFFICER = "officer"
SUBJECT = "subject"


@dataclass(frozen=True)
class FactView:
    text: str
    url: str | None = None


@dataclass
class RuleView:
    code: str
    label: str
    result: str
    result_label: str
    outcome_if_applies_label: str
    applies: bool
    decisive: bool
    sentence: str
    facts: list[FactView] = field(default_factory=list)
    withheld: int = 0


@dataclass
class Explanation:
    audience: str
    outcome: str
    outcome_label: str
    summary: str
    version_text: str
    rules: list[RuleView]

    @property
    def withheld(self) -> int:
        return sum(rule.withheld for rule in self.rules)


def _date(value: str | None) -> str:
    return datetime.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def _sentence(note: str, args: dict[str, Any]) -> str:
    count = int(args.get("count", 0))
    sentences: dict[str, Callable[[], str]] = {
        "issue_none": lambda: _("No recorded issue matches."),
        "issue_found": lambda: (
            ngettext("%(count)s recorded issue matches.", "%(count)s recorded issues match.", count)
            % {"count": count}
        ),
        "verification_none": lambda: _("No open verification request."),
        "verification_open": lambda: (
            ngettext(
                "%(count)s open verification request.",
                "%(count)s open verification requests.",
                count,
            )
            % {"count": count}
        ),
        "age_unknown": lambda: _("The date of birth is not recorded."),
        "age_too_young": lambda: _("Age %(age)s: below the minimum.") % args,
        "age_too_old": lambda: _("Age %(age)s: above the maximum.") % args,
        "age_ok": lambda: _("Age %(age)s: within the range.") % args,
        "membership_none": lambda: _("Not a party member on that date."),
        "membership_short": lambda: (
            _("%(years)s full years of membership: fewer than required.") % args
        ),
        "membership_ok": lambda: _("%(years)s full years of membership.") % args,
        "declaration_missing": lambda: _("No self-declared history (lý lịch) has been submitted."),
        "declaration_present": lambda: (
            _("Self-declared history version %(number)s submitted.") % args
        ),
    }
    return sentences[note]() if note in sentences else note


def _whose(code: str) -> str:
    if code == SELF:
        return _("the person")
    return str(Relative.Relationship(code).label) if code in Relative.Relationship.values else code


FIELD_LABELS = {
    "birth_date": gettext_lazy("Date of birth"),
    "admission_date": gettext_lazy("Date of admission to the Party"),
    "official_date": gettext_lazy("Date of full membership"),
}


def fact_view(fact: dict[str, Any], person_id: int) -> FactView:
    kind = fact.get("type")
    if kind == "issue":
        text = _("Recorded issue #%(id)s: %(family)s, %(status)s, concerning %(whose)s") % {
            "id": fact["id"],
            "family": RecordedIssue.Family(fact["family"]).label,
            "status": RecordedIssue.Status(fact["status"]).label,
            "whose": _whose(fact["whose"]),
        }
        text += "; " + _("source: %(source)s") % {
            "source": RecordedIssue.Source(fact["source"]).label
        }
        if fact.get("conclusion_reference"):
            text += "; " + _("concluded by %(ref)s on %(date)s") % {
                "ref": fact["conclusion_reference"],
                "date": _date(fact.get("concluded_on")),
            }
        url = reverse("people:person-detail", kwargs={"pk": person_id}) + f"#issue-{fact['id']}"
        return FactView(text, url)
    if kind == "declaration":
        return FactView(
            _("Self-declared history, version %(number)s") % {"number": fact["number"]},
            reverse("declarations:declaration-detail", kwargs={"pk": fact["id"]}),
        )
    if kind == "verification_request":
        return FactView(
            _("Verification request #%(id)s opened on %(date)s")
            % {"id": fact["id"], "date": _date(fact.get("opened_on"))}
        )
    label = str(FIELD_LABELS.get(str(fact.get("field")), fact.get("field")))
    value = _date(fact.get("value")) or _("not recorded")
    return FactView(f"{label}: {value}")


def subject_may_see(fact: dict[str, Any]) -> bool:
    if fact.get("type") in {"person_field", "declaration"}:
        return True
    return (
        fact.get("type") == "issue"
        and fact.get("classification") == 0
        and fact.get("source") == RecordedIssue.Source.DECLARATION
        and fact.get("whose") == SELF
    )


def explain(
    trace: dict[str, Any],
    *,
    audience: str,
    may_see: Callable[[dict[str, Any]], bool],
) -> Explanation:
    """`may_see(fact)` decides each piece of evidence (officers: the policy; subject: see above)."""
    rules = []
    for rule in trace["rules"]:
        visible = [f for f in rule["facts"] if may_see(f)]
        rules.append(
            RuleView(
                code=rule["code"],
                label=rule["label"],
                result=rule["result"],
                result_label=str(Outcome(rule["result"]).label),
                outcome_if_applies_label=str(Outcome(rule["outcome_if_applies"]).label),
                applies=rule["applies"],
                decisive=rule["decisive"],
                sentence=_sentence(rule["note"], rule["args"]),
                facts=[fact_view(f, trace["person_id"]) for f in visible],
                withheld=len(rule["facts"]) - len(visible),
            )
        )
    version = trace["version"]
    outcome = trace["outcome"]
    summary = _("For %(purpose)s on %(date)s: %(outcome)s.") % {
        "purpose": Purpose(trace["purpose"]).label,
        "date": _date(trace["as_of"]),
        "outcome": Outcome(outcome).label,
    }
    version_text = _(
        "Rule set “%(code)s” version %(number)s, in force from %(start)s%(end)s; %(policy)s."
    ) % {
        "code": version["ruleset"],
        "number": version["number"],
        "start": _date(version["effective_from"]),
        "end": (" " + _("to %(date)s") % {"date": _date(version["effective_to"])})
        if version["effective_to"]
        else "",
        "policy": Combining(version["combining"]).label,
    }
    return Explanation(audience, outcome, str(Outcome(outcome).label), summary, version_text, rules)


def explain_for_officer(trace: dict[str, Any], *, actor: Any, person: Person) -> Explanation:
    from bvct.access import policy  # noqa: PLC0415 (keeps this module import-light)

    return explain(
        trace,
        audience=OFFICER,
        may_see=lambda fact: policy.can_view_evaluation_fact(actor, person, fact),
    )


def explain_for_subject(trace: dict[str, Any]) -> Explanation:
    return explain(trace, audience=SUBJECT, may_see=subject_may_see)

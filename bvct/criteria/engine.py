"""Evaluation: rules of one version over one person's facts → outcome + trace.

Pure functions over compiled versions (`compile_version`) and `Facts`, so batch re-screening and
impact previews evaluate hundreds of thousands of people without a query per person.

Combining policies (declared per version):
* most_severe: the most severe result of any rule (SEVERITY in models); "meets" when none applies.
* first_match: rules in (priority, position) order; the first that applies decides; else "meets".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bvct.criteria.facts import Facts
from bvct.criteria.kinds import KINDS, Finding, parse_params
from bvct.criteria.models import SEVERITY, Combining, Outcome, RuleSetVersion

TRACE_SCHEMA = 1
MEETS: str = Outcome.MEETS.value


@dataclass(frozen=True, slots=True)
class CompiledRule:
    code: str
    label: str
    kind: str
    params: Any
    raw_params: dict[str, Any]
    outcome: str
    priority: int
    position: int


@dataclass(frozen=True, slots=True)
class CompiledVersion:
    id: int | None
    ruleset_code: str
    number: int
    effective_from: datetime.date
    effective_to: datetime.date | None
    combining: str
    rules: tuple[CompiledRule, ...]  # in evaluation order (priority, position for first_match)
    checks: tuple[tuple[Callable[[Any, Facts], bool], Any, str, int], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        checks = tuple(
            (KINDS[r.kind].applies, r.params, r.outcome, SEVERITY[r.outcome]) for r in self.rules
        )
        object.__setattr__(self, "checks", checks)


@dataclass(frozen=True, slots=True)
class Result:
    outcome: str
    trace: dict[str, Any]


def compile_version(version: RuleSetVersion) -> CompiledVersion:
    rules = [
        CompiledRule(
            code=rule.code,
            label=rule.label,
            kind=rule.kind,
            params=parse_params(KINDS[rule.kind].params, rule.params),
            raw_params=rule.params,
            outcome=rule.outcome,
            priority=rule.priority,
            position=rule.position,
        )
        for rule in version.rules.all()
    ]
    if version.combining == Combining.FIRST_MATCH:
        rules.sort(key=lambda r: (r.priority, r.position))
    else:
        rules.sort(key=lambda r: r.position)
    return CompiledVersion(
        id=version.pk,
        ruleset_code=version.ruleset.code,
        number=version.number,
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        combining=version.combining,
        rules=tuple(rules),
    )


def combine(policy: str, results: Sequence[str]) -> tuple[str, tuple[int, ...]]:
    """The combined outcome and the indexes of the deciding results ("meets" → none)."""
    if policy == Combining.FIRST_MATCH:
        for index, outcome in enumerate(results):
            if outcome != Outcome.MEETS:
                return outcome, (index,)
        return MEETS, ()
    worst = max(results, key=SEVERITY.__getitem__, default=MEETS)
    if worst == MEETS:
        return MEETS, ()
    return worst, tuple(i for i, outcome in enumerate(results) if outcome == worst)


def _findings(version: CompiledVersion, facts: Facts) -> list[Finding]:
    return [KINDS[rule.kind].evaluate(rule.params, facts) for rule in version.rules]


def outcome_only(version: CompiledVersion, facts: Facts) -> str:
    """The outcome without building the trace (batch re-screening)."""
    first_match = version.combining == Combining.FIRST_MATCH
    worst, worst_rank = MEETS, 0
    for applies, params, outcome, rank in version.checks:
        if applies(params, facts):
            if first_match:
                return outcome
            if rank > worst_rank:
                worst, worst_rank = outcome, rank
    return worst


def evaluate(version: CompiledVersion, facts: Facts, purpose: str) -> Result:
    findings = _findings(version, facts)
    results = [
        rule.outcome if finding.applies else MEETS
        for rule, finding in zip(version.rules, findings, strict=True)
    ]
    outcome, deciding = combine(version.combining, results)
    rules = [
        {
            "code": rule.code,
            "label": rule.label,
            "kind": rule.kind,
            "params": rule.raw_params,
            "outcome_if_applies": rule.outcome,
            "applies": finding.applies,
            "result": result,
            "decisive": index in deciding,
            "note": finding.note,
            "args": dict(finding.args),
            "facts": list(finding.used),
        }
        for index, (rule, finding, result) in enumerate(
            zip(version.rules, findings, results, strict=True)
        )
    ]
    trace = {
        "schema": TRACE_SCHEMA,
        "person_id": facts.person_id,
        "purpose": purpose,
        "as_of": facts.as_of.isoformat(),
        "version": {
            "id": version.id,
            "ruleset": version.ruleset_code,
            "number": version.number,
            "effective_from": version.effective_from.isoformat(),
            "effective_to": version.effective_to.isoformat() if version.effective_to else None,
            "combining": version.combining,
        },
        "outcome": outcome,
        "rules": rules,
    }
    return Result(outcome, trace)


def outcome_counts(version: CompiledVersion, facts: Iterable[Facts]) -> dict[str, int]:
    counts = dict.fromkeys(Outcome.values, 0)
    for one in facts:
        counts[outcome_only(version, one)] += 1
    return counts

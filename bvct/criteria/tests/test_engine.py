"""Combining policies, the trace, and the most-severe property."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from bvct.criteria.engine import CompiledRule, CompiledVersion, combine, evaluate, outcome_only
from bvct.criteria.facts import DeclarationFact, Facts, IssueFact
from bvct.criteria.kinds import IssueRecordedParams, NoParams
from bvct.criteria.models import SEVERITY, Combining, Outcome

D = datetime.date
OUTCOMES = list(Outcome.values)


def _rule(  # noqa: PLR0917 (mirrors CompiledRule)
    code: str, kind: str, params: object, outcome: str, priority: int, position: int
) -> CompiledRule:
    return CompiledRule(code, f"Quy tắc {code}", kind, params, {}, outcome, priority, position)


UNRESOLVED = IssueRecordedParams(
    ("political_history",), ("declared", "under_verification"), ("self", "father")
)
UNTRUTHFUL = IssueRecordedParams(("truthfulness",), ("concluded",), ("self",))


def _version(combining: str) -> CompiledVersion:
    rules: tuple[CompiledRule, ...] = (
        _rule("R1", "issue_recorded", UNRESOLVED, Outcome.NEEDS_VERIFICATION, 20, 1),
        _rule("R2", "issue_recorded", UNTRUTHFUL, Outcome.DOES_NOT_MEET, 10, 2),
        _rule("R3", "declaration_missing", NoParams(), Outcome.NEEDS_VERIFICATION, 30, 3),
    )
    if combining == Combining.FIRST_MATCH:
        rules = tuple(sorted(rules, key=lambda r: (r.priority, r.position)))
    return CompiledVersion(4, "thu", 2, D(2024, 1, 1), None, combining, rules)


def _facts() -> Facts:
    unresolved = IssueFact(
        11, "political_history", "under_verification", "father", 5, "declaration", 1, "", None
    )
    untruthful = IssueFact(
        12,
        "truthfulness",
        "concluded",
        "self",
        None,
        "verification_reply",
        2,
        "12-KL/TU",
        D(2024, 3, 2),
    )
    return Facts(
        7,
        D(2025, 1, 15),
        D(1990, 1, 1),
        None,
        None,
        0,
        (unresolved, untruthful),
        DeclarationFact(3, 1),
    )


def test_most_severe_policy_picks_the_worst_result() -> None:
    assert combine(Combining.MOST_SEVERE, ["meets", "needs_approval", "needs_verification"]) == (
        "needs_verification",
        (2,),
    )
    assert combine(Combining.MOST_SEVERE, []) == ("meets", ())


def test_first_match_policy_takes_the_first_rule_that_applies() -> None:
    assert combine(Combining.FIRST_MATCH, ["meets", "needs_approval", "does_not_meet"]) == (
        "needs_approval",
        (1,),
    )


def test_trace_content_is_exact() -> None:
    # when
    result = evaluate(_version(Combining.MOST_SEVERE), _facts(), "admission")
    # then
    assert result.outcome == "does_not_meet"
    assert result.trace == {
        "schema": 1,
        "person_id": 7,
        "purpose": "admission",
        "as_of": "2025-01-15",
        "version": {
            "id": 4,
            "ruleset": "thu",
            "number": 2,
            "effective_from": "2024-01-01",
            "effective_to": None,
            "combining": "most_severe",
        },
        "outcome": "does_not_meet",
        "rules": [
            {
                "code": "R1",
                "label": "Quy tắc R1",
                "kind": "issue_recorded",
                "params": {},
                "outcome_if_applies": "needs_verification",
                "applies": True,
                "result": "needs_verification",
                "decisive": False,
                "note": "issue_found",
                "args": {"count": 1},
                "facts": [
                    {
                        "type": "issue",
                        "id": 11,
                        "family": "political_history",
                        "status": "under_verification",
                        "whose": "father",
                        "relative_id": 5,
                        "source": "declaration",
                        "classification": 1,
                        "conclusion_reference": "",
                        "concluded_on": None,
                    }
                ],
            },
            {
                "code": "R2",
                "label": "Quy tắc R2",
                "kind": "issue_recorded",
                "params": {},
                "outcome_if_applies": "does_not_meet",
                "applies": True,
                "result": "does_not_meet",
                "decisive": True,
                "note": "issue_found",
                "args": {"count": 1},
                "facts": [
                    {
                        "type": "issue",
                        "id": 12,
                        "family": "truthfulness",
                        "status": "concluded",
                        "whose": "self",
                        "relative_id": None,
                        "source": "verification_reply",
                        "classification": 2,
                        "conclusion_reference": "12-KL/TU",
                        "concluded_on": "2024-03-02",
                    }
                ],
            },
            {
                "code": "R3",
                "label": "Quy tắc R3",
                "kind": "declaration_missing",
                "params": {},
                "outcome_if_applies": "needs_verification",
                "applies": False,
                "result": "meets",
                "decisive": False,
                "note": "declaration_present",
                "args": {"number": 1},
                "facts": [{"type": "declaration", "id": 3, "number": 1}],
            },
        ],
    }


def test_first_match_trace_orders_rules_by_priority() -> None:
    result = evaluate(_version(Combining.FIRST_MATCH), _facts(), "admission")
    assert result.outcome == "does_not_meet"
    assert [(r["code"], r["decisive"]) for r in result.trace["rules"]] == [
        ("R2", True),
        ("R1", False),
        ("R3", False),
    ]


def test_outcome_only_agrees_with_the_full_evaluation() -> None:
    for combining in Combining.values:
        version = _version(combining)
        assert outcome_only(version, _facts()) == evaluate(version, _facts(), "x").outcome


@given(st.lists(st.sampled_from(OUTCOMES), max_size=12))
def test_most_severe_never_milder_than_any_single_rule(results: list[str]) -> None:
    combined, deciding = combine(Combining.MOST_SEVERE, results)
    assert all(SEVERITY[combined] >= SEVERITY[r] for r in results)
    assert combined in [*results, Outcome.MEETS]
    assert all(results[i] == combined for i in deciding)


@given(
    st.lists(
        st.tuples(st.booleans(), st.sampled_from([o for o in OUTCOMES if o != "meets"])),
        max_size=10,
    )
)
def test_most_severe_over_real_rules_never_milder(spec: list[tuple[bool, str]]) -> None:
    # given rules that apply (declaration missing) or not (age within range) with any outcome
    from bvct.criteria.kinds import AgeParams  # noqa: PLC0415

    rules = tuple(
        _rule(f"R{i}", "declaration_missing", NoParams(), outcome, i, i)
        if applies
        else _rule(f"R{i}", "age_out_of_range", AgeParams(0, 200), outcome, i, i)
        for i, (applies, outcome) in enumerate(spec)
    )
    version = CompiledVersion(1, "p", 1, D(2020, 1, 1), None, Combining.MOST_SEVERE, rules)
    facts = Facts(1, D(2025, 1, 1), D(1990, 1, 1), None, None, 0)
    # when
    result = evaluate(version, facts, "admission")
    # then
    for rule in result.trace["rules"]:
        assert SEVERITY[result.outcome] >= SEVERITY[rule["result"]]

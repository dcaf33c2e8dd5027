"""Evaluators on their own: pure functions over Facts, one block per kind."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from bvct.criteria.facts import DeclarationFact, Facts, IssueFact, VerificationFact
from bvct.criteria.kinds import (
    FAMILIES,
    KINDS,
    MEMBERSHIP_SINCE,
    STATUSES,
    WHOSE,
    AgeParams,
    IssueRecordedParams,
    MembershipParams,
    NoParams,
    ParamError,
    full_years,
    parse_params,
)

D = datetime.date
AS_OF = D(2025, 7, 1)


def facts(**kw: object) -> Facts:
    base: dict[str, object] = {
        "person_id": 7,
        "as_of": AS_OF,
        "birth_date": D(1990, 7, 1),
        "admission_date": None,
        "official_date": None,
        "classification": 0,
    }
    return Facts(**(base | kw))  # type: ignore[arg-type]


def issue(
    pk: int = 1, family: str = "political_history", status: str = "declared", whose: str = "self"
) -> IssueFact:
    return IssueFact(
        pk, family, status, whose, None if whose == "self" else 9, "declaration", 1, "", None
    )


# issue_recorded


def test_issue_recorded_applies_to_matching_issues_only() -> None:
    # given a concluded relative issue and an unresolved own issue
    params = IssueRecordedParams(("political_history",), ("concluded",), ("father",))
    one = issue(1, status="concluded", whose="father")
    two = issue(2, status="declared", whose="self")
    # when
    finding = KINDS["issue_recorded"].evaluate(params, facts(issues=(one, two)))
    # then
    assert finding.applies is True
    assert [f["id"] for f in finding.used] == [1]
    assert finding.note == "issue_found"
    assert finding.args == {"count": 1}


def test_issue_recorded_does_not_apply_without_match() -> None:
    params = IssueRecordedParams(("truthfulness",), ("concluded",), ("self",))
    finding = KINDS["issue_recorded"].evaluate(params, facts(issues=(issue(),)))
    assert (finding.applies, finding.used, finding.note) == (False, (), "issue_none")


# verification_open


def test_verification_open_applies_when_requests_are_open() -> None:
    request = VerificationFact(3, D(2025, 6, 1), 2)
    finding = KINDS["verification_open"].evaluate(NoParams(), facts(open_verifications=(request,)))
    assert finding.applies is True
    assert finding.used == (
        {"type": "verification_request", "id": 3, "opened_on": "2025-06-01", "classification": 2},
    )


def test_verification_open_does_not_apply_without_requests() -> None:
    finding = KINDS["verification_open"].evaluate(NoParams(), facts())
    assert (finding.applies, finding.note) == (False, "verification_none")


# age_out_of_range


@pytest.mark.parametrize(
    ("birth", "applies", "note"),
    [
        (D(2007, 7, 2), True, "age_too_young"),  # 17 the day before the 18th birthday
        (D(2007, 7, 1), False, "age_ok"),  # 18 on the birthday itself
        (D(1965, 7, 1), True, "age_too_old"),  # 60
        (D(1965, 7, 2), False, "age_ok"),  # still 59
        (None, True, "age_unknown"),
    ],
)
def test_age_out_of_range(birth: D | None, applies: bool, note: str) -> None:
    finding = KINDS["age_out_of_range"].evaluate(AgeParams(18, 59), facts(birth_date=birth))
    assert (finding.applies, finding.note) == (applies, note)


def test_full_years_on_29_february() -> None:
    assert full_years(D(2004, 2, 29), D(2025, 2, 28)) == 20
    assert full_years(D(2004, 2, 29), D(2025, 3, 1)) == 21


# membership_too_short


def test_membership_too_short_counts_full_years_from_the_chosen_date() -> None:
    params = MembershipParams(min_years=3, since="official")
    short = KINDS["membership_too_short"].evaluate(params, facts(official_date=D(2022, 7, 2)))
    enough = KINDS["membership_too_short"].evaluate(params, facts(official_date=D(2022, 7, 1)))
    assert (short.applies, short.note, short.args) == (True, "membership_short", {"years": 2})
    assert (enough.applies, enough.note, enough.args) == (False, "membership_ok", {"years": 3})


def test_membership_too_short_applies_to_non_members_and_future_dates() -> None:
    params = MembershipParams(min_years=0, since="admission")
    none = KINDS["membership_too_short"].evaluate(params, facts())
    future = KINDS["membership_too_short"].evaluate(params, facts(admission_date=D(2026, 1, 1)))
    assert (none.applies, none.note) == (True, "membership_none")
    assert (future.applies, future.note) == (True, "membership_none")


# declaration_missing


def test_declaration_missing() -> None:
    missing = KINDS["declaration_missing"].evaluate(NoParams(), facts())
    present = KINDS["declaration_missing"].evaluate(
        NoParams(), facts(latest_declaration=DeclarationFact(5, 2))
    )
    assert (missing.applies, missing.used) == (True, ())
    assert (present.applies, present.used) == (
        False,
        ({"type": "declaration", "id": 5, "number": 2},),
    )


# params


def test_params_are_parsed_into_frozen_dataclasses() -> None:
    params = parse_params(
        IssueRecordedParams,
        {"families": ["truthfulness"], "statuses": ["concluded"], "whose": ["self"]},
    )
    assert params == IssueRecordedParams(("truthfulness",), ("concluded",), ("self",))


@pytest.mark.parametrize(
    ("cls", "data", "field", "message"),
    [
        (
            IssueRecordedParams,
            {"families": [], "statuses": ["declared"], "whose": ["self"]},
            "families",
            "must be a non-empty list.",
        ),
        (
            IssueRecordedParams,
            {"families": ["x"], "statuses": ["declared"], "whose": ["self"]},
            "families",
            "“x” is not one of: political_history, current_political, truthfulness.",
        ),
        (
            IssueRecordedParams,
            {"statuses": ["declared"], "whose": ["self"]},
            "families",
            "this parameter is required.",
        ),
        (AgeParams, {}, "min_age", "give min_age, max_age or both."),
        (AgeParams, {"min_age": 30, "max_age": 20}, "max_age", "must not be less than min_age."),
        (AgeParams, {"min_age": "18"}, "min_age", "must be a whole number."),
        (MembershipParams, {"min_years": -1}, "min_years", "must be at least 0."),
        (NoParams, {"x": 1}, "x", "unknown parameter for this kind."),
    ],
)
def test_params_errors_name_the_parameter(
    cls: type, data: dict[str, object], field: str, message: str
) -> None:
    with translation.override("en"), pytest.raises(ParamError) as raised:
        parse_params(cls, data)
    assert (raised.value.field, raised.value.message) == (field, message)


# the fast path used by re-screening agrees with the explaining evaluator


_dates = st.one_of(st.none(), st.dates(D(1940, 1, 1), D(2030, 12, 31)))
_issues = st.lists(
    st.builds(
        IssueFact,
        id=st.integers(1, 99),
        family=st.sampled_from(FAMILIES),
        status=st.sampled_from(STATUSES),
        whose=st.sampled_from(WHOSE),
        relative_id=st.none(),
        source=st.just("declaration"),
        classification=st.integers(0, 3),
        conclusion_reference=st.just(""),
        concluded_on=st.none(),
    ),
    max_size=4,
)
_facts = st.builds(
    Facts,
    person_id=st.just(1),
    as_of=st.dates(D(2000, 1, 1), D(2030, 12, 31)),
    birth_date=_dates,
    admission_date=_dates,
    official_date=_dates,
    classification=st.just(0),
    issues=_issues.map(tuple),
    latest_declaration=st.one_of(st.none(), st.just(DeclarationFact(1, 1))),
    open_verifications=st.one_of(st.just(()), st.just((VerificationFact(1, D(2024, 1, 1), 1),))),
)
_params = {
    "issue_recorded": st.builds(
        IssueRecordedParams,
        st.lists(st.sampled_from(FAMILIES), min_size=1, unique=True).map(tuple),
        st.lists(st.sampled_from(STATUSES), min_size=1, unique=True).map(tuple),
        st.lists(st.sampled_from(WHOSE), min_size=1, unique=True).map(tuple),
    ),
    "verification_open": st.just(NoParams()),
    "age_out_of_range": st.builds(AgeParams, st.integers(0, 40), st.integers(41, 90)),
    "membership_too_short": st.builds(
        MembershipParams, st.integers(0, 10), st.sampled_from(MEMBERSHIP_SINCE)
    ),
    "declaration_missing": st.just(NoParams()),
}


@given(st.sampled_from(sorted(KINDS)).flatmap(lambda k: st.tuples(st.just(k), _params[k])), _facts)
def test_fast_path_agrees_with_evaluator(kind_params: tuple[str, object], facts: Facts) -> None:
    kind, params = kind_params
    assert KINDS[kind].applies(params, facts) == KINDS[kind].evaluate(params, facts).applies

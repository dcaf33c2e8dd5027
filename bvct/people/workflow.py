"""Status of a recorded issue: declared → under verification → concluded (domain.md §8, fact 5)."""

from __future__ import annotations

from bvct.people.models import RecordedIssue

Status = RecordedIssue.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DECLARED: frozenset({Status.UNDER_VERIFICATION}),
    Status.UNDER_VERIFICATION: frozenset({Status.CONCLUDED}),
    Status.CONCLUDED: frozenset(),
}


def allowed_next(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())

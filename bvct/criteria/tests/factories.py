"""Test builders for rule sets: rows written directly (no audit); use the services in tests about
writes."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Max
from django.utils import timezone

from bvct.accounts.models import User
from bvct.criteria.models import Combining, Criterion, RuleSet, RuleSetVersion

Status = RuleSetVersion.Status


def rule(
    code: str, kind: str, outcome: str, params: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"code": code, "kind": kind, "outcome": outcome, "params": params or {}, **extra}


def make_version(
    *,
    author: User,
    code: str = "thu-nghiem",
    purposes: Sequence[str] = ("admission",),
    effective_from: datetime.date = datetime.date(2022, 1, 1),
    effective_to: datetime.date | None = None,
    combining: str = Combining.MOST_SEVERE,
    rules: Sequence[dict[str, Any]] = (),
    status: str = Status.DRAFT,
    approver: User | None = None,
) -> RuleSetVersion:
    ruleset, _ = RuleSet.objects.get_or_create(code=code, defaults={"name": f"Bộ {code}"})
    number = (ruleset.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    published = status != Status.DRAFT
    version = RuleSetVersion.objects.create(
        ruleset=ruleset,
        number=number,
        purposes=list(purposes),
        effective_from=effective_from,
        effective_to=effective_to,
        combining=combining,
        status=status,
        author=author,
        approver=(approver or author) if published else None,
        published_at=timezone.now() if published else None,
    )
    for position, given in enumerate(rules, start=1):
        spec = dict(given)
        Criterion.objects.create(
            version=version,
            position=position,
            code=spec.pop("code"),
            label=spec.pop("label", "Quy tắc thử"),
            priority=spec.pop("priority", position * 10),
            **spec,
        )
    return version

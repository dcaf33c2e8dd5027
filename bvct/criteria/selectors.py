"""Reads: rule sets visible to the actor, the version in force, evaluations, diffs, impact previews.

Version selection: among PUBLISHED and RETIRED versions serving the purpose, the one whose range
contains the date, both ends inclusive (`RuleSetVersion.in_force_on`). Drafts never count.
Publishing refuses overlaps, so at most one version is in force per purpose and date.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from bvct.access import policy
from bvct.accounts.models import User
from bvct.criteria import engine
from bvct.criteria.facts import PERSON_FIELDS, Facts, facts_for_rows, load_person_facts
from bvct.criteria.models import Evaluation, Outcome, RuleSet, RuleSetVersion
from bvct.criteria.yaml_io import version_to_data, version_to_yaml
from bvct.people.models import Person

BATCH_SIZE = 5000


def rulesets_for_actor(actor: User) -> QuerySet[RuleSet]:
    return policy.rulesets_visible_to(actor).prefetch_related("versions")


def versions_for_actor(actor: User) -> QuerySet[RuleSetVersion]:
    return policy.ruleset_versions_visible_to(actor).select_related("ruleset", "author", "approver")


def version_with_rules(version: RuleSetVersion) -> RuleSetVersion:
    return (
        RuleSetVersion.objects.select_related("ruleset", "author", "approver")
        .prefetch_related("rules", "citations")
        .get(pk=version.pk)
    )


def version_in_force(purpose: str, day: datetime.date) -> RuleSetVersion | None:
    candidates = (
        RuleSetVersion.objects.exclude(status=RuleSetVersion.Status.DRAFT)
        .filter(effective_from__lte=day)
        .select_related("ruleset")
        .prefetch_related("rules")
        .order_by("-effective_from", "pk")
    )
    for version in candidates:
        if purpose in version.purposes and version.in_force_on(day):
            return version
    return None


def previous_version(version: RuleSetVersion) -> RuleSetVersion | None:
    return (
        RuleSetVersion.objects.filter(ruleset_id=version.ruleset_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class LiveEvaluation:
    purpose: str
    as_of: datetime.date
    version: RuleSetVersion | None
    result: engine.Result | None


def evaluation_preview(*, person: Person, purpose: str, as_of: datetime.date) -> LiveEvaluation:
    """Evaluate without storing (the caller has checked `can_evaluate_person`)."""
    version = version_in_force(purpose, as_of)
    if version is None:
        return LiveEvaluation(purpose, as_of, None, None)
    result = engine.evaluate(
        engine.compile_version(version), load_person_facts(person, as_of), purpose
    )
    return LiveEvaluation(purpose, as_of, version, result)


def evaluations_for_person(person: Person) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(person=person).select_related("version__ruleset")


# --- diff -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class VersionDiff:
    old: RuleSetVersion
    new: RuleSetVersion
    header: list[Change]
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[tuple[str, list[Change]]]
    citations_changed: bool

    @property
    def is_empty(self) -> bool:
        return not (
            self.header or self.added or self.removed or self.changed or self.citations_changed
        )


def version_diff(old: RuleSetVersion, new: RuleSetVersion) -> VersionDiff:
    a, b = version_to_data(version_with_rules(old)), version_to_data(version_with_rules(new))
    header = [
        Change(key, a[key], b[key])
        for key in (
            "name",
            "description",
            "purposes",
            "effective_from",
            "effective_to",
            "combining",
        )
        if a[key] != b[key]
    ]
    old_rules = {r["code"]: r for r in a["rules"]}
    new_rules = {r["code"]: r for r in b["rules"]}
    changed = []
    for code, rule in new_rules.items():
        if code in old_rules and old_rules[code] != rule:
            changes = [
                Change(k, old_rules[code][k], rule[k])
                for k in rule
                if old_rules[code][k] != rule[k]
            ]
            changed.append((code, changes))
    return VersionDiff(
        old=old,
        new=new,
        header=header,
        added=[r for code, r in new_rules.items() if code not in old_rules],
        removed=[r for code, r in old_rules.items() if code not in new_rules],
        changed=changed,
        citations_changed=a["citations"] != b["citations"],
    )


# --- impact preview ---------------------------------------------------------------------------


def impact_digest(version: RuleSetVersion, effective_from: datetime.date) -> str:
    """What the approver saw: the version's content and the chosen date. Publishing checks it."""
    text = version_to_yaml(version_with_rules(version)) + effective_from.isoformat()
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass
class Sample:
    person_id: int
    old_outcome: str | None
    new_outcome: str
    person: Person | None = None
    old_trace: dict[str, Any] | None = None
    new_trace: dict[str, Any] = field(default_factory=dict)
    old_explanation: Any = None  # filled by the view (explain.explain_for_officer)
    new_explanation: Any = None


@dataclass
class PurposeImpact:
    purpose: str
    current: RuleSetVersion | None
    total: int = 0
    old_counts: Counter[str | None] = field(default_factory=Counter)
    new_counts: Counter[str] = field(default_factory=Counter)
    transitions: Counter[tuple[str | None, str]] = field(default_factory=Counter)
    samples: list[Sample] = field(default_factory=list)

    @property
    def changed_total(self) -> int:
        return sum(n for (old, new), n in self.transitions.items() if old != new)

    def changes(self) -> list[tuple[str | None, str, int]]:
        return sorted(
            ((old, new, n) for (old, new), n in self.transitions.items() if old != new),
            key=lambda item: (-item[2], str(item[0]), item[1]),
        )

    def outcome_rows(self) -> list[tuple[str, int, int]]:
        return [(o, self.old_counts[o], self.new_counts[o]) for o in Outcome.values]


@dataclass
class Impact:
    version: RuleSetVersion
    effective_from: datetime.date
    digest: str
    purposes: list[PurposeImpact]


def iter_fact_batches(
    people: QuerySet[Person], as_of: datetime.date, batch_size: int = BATCH_SIZE
) -> Iterator[list[Facts]]:
    """Facts for every person of the queryset, in keyset batches: 3 queries a batch."""
    last = 0
    while True:
        rows = list(
            people.filter(pk__gt=last).order_by("pk").values_list(*PERSON_FIELDS)[:batch_size]
        )
        if not rows:
            return
        last = rows[-1][0]
        yield facts_for_rows(rows, as_of, sorted_batch=True)


def impact_preview(
    *,
    actor: User,
    version: RuleSetVersion,
    effective_from: datetime.date,
    sample_size: int = 10,
) -> Impact:
    """Everyone the approver may see, under the version in force on `effective_from` (per purpose)
    and under `version`, with facts as of that date."""
    new = engine.compile_version(version_with_rules(version))
    impacts: list[tuple[PurposeImpact, engine.CompiledVersion | None]] = []
    for purpose in version.purposes:
        current = version_in_force(purpose, effective_from)
        if current is not None and current.pk == version.pk:
            current = None
        compiled = engine.compile_version(current) if current is not None else None
        impacts.append((PurposeImpact(purpose, current), compiled))
    people = policy.people_visible_to(actor).filter(merged_into__isnull=True)
    sample_facts: dict[int, Facts] = {}
    for batch in iter_fact_batches(people, effective_from):
        for facts in batch:
            for impact, old in impacts:
                before = engine.outcome_only(old, facts) if old is not None else None
                after = engine.outcome_only(new, facts)
                impact.total += 1
                impact.old_counts[before] += 1
                impact.new_counts[after] += 1
                impact.transitions[(before, after)] += 1
                if before != after and len(impact.samples) < sample_size:
                    sample_facts[facts.person_id] = facts
                    impact.samples.append(Sample(facts.person_id, before, after))
    _fill_samples(impacts, new, sample_facts)
    return Impact(
        version, effective_from, impact_digest(version, effective_from), [i for i, _ in impacts]
    )


def _fill_samples(
    impacts: list[tuple[PurposeImpact, engine.CompiledVersion | None]],
    new: engine.CompiledVersion,
    sample_facts: dict[int, Facts],
) -> None:
    people = Person.objects.in_bulk(list(sample_facts))
    for impact, old in impacts:
        for sample in impact.samples:
            facts = sample_facts[sample.person_id]
            sample.person = people[sample.person_id]
            sample.old_trace = (
                engine.evaluate(old, facts, impact.purpose).trace if old is not None else None
            )
            sample.new_trace = engine.evaluate(new, facts, impact.purpose).trace

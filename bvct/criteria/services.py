"""Writes: import a rule-set version from YAML, publish it, store evaluations.

Each service checks the actor, validates, writes and records one audit event in one transaction;
refusals raise DomainError before anything is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.criteria import engine, selectors
from bvct.criteria.facts import Facts
from bvct.criteria.models import (
    Citation,
    Criterion,
    Evaluation,
    Purpose,
    RuleSet,
    RuleSetVersion,
)
from bvct.criteria.yaml_io import RuleSetSpec, parse_ruleset_yaml, version_to_yaml
from bvct.people.models import Person

Status = RuleSetVersion.Status


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@transaction.atomic
def version_export(*, actor: User, version: RuleSetVersion) -> bytes:
    """The version as YAML for download (rule sets are national data); the export is audited."""
    if not policy.can_view_rulesets(actor):
        raise AccessDenied(_("You may not read rule sets."))
    data = version_to_yaml(version).encode("utf-8")
    audit_record(
        actor=actor,
        action="criteria.version.export",
        target=version,
        data={"ruleset": version.ruleset.code, "number": version.number},
    )
    return data


@transaction.atomic
def ruleset_import(*, actor: User, text: str) -> RuleSetVersion:
    """A new DRAFT version (number = last + 1) of the rule set named in the YAML."""
    if not policy.can_draft_rulesets(actor):
        raise AccessDenied(_("Only administrators import rule sets."))
    spec = parse_ruleset_yaml(text)
    ruleset, _created = RuleSet.objects.select_for_update().get_or_create(
        code=spec.code, defaults={"name": spec.name}
    )
    if ruleset.name != spec.name:
        ruleset.name = spec.name
        ruleset.save(update_fields=["name", "updated_at"])
    version = _create_version(ruleset, spec, actor)
    audit_record(
        actor=actor,
        action="criteria.version.import",
        target=version,
        data={"ruleset": ruleset.code, "number": version.number, "rules": len(spec.rules)},
    )
    return version


def _create_version(ruleset: RuleSet, spec: RuleSetSpec, actor: User) -> RuleSetVersion:
    last = ruleset.versions.aggregate(n=Max("number"))["n"] or 0
    version = RuleSetVersion(
        ruleset=ruleset,
        number=last + 1,
        description=spec.description,
        purposes=list(spec.purposes),
        effective_from=spec.effective_from,
        effective_to=spec.effective_to,
        combining=spec.combining,
        is_example=spec.is_example,
        author=actor,
    )
    version.full_clean()
    version.save()
    Citation.objects.bulk_create(
        Citation(version=version, position=i, **vars(c)) for i, c in enumerate(spec.citations, 1)
    )
    Criterion.objects.bulk_create(
        Criterion(version=version, position=i, **vars(r)) for i, r in enumerate(spec.rules, 1)
    )
    return version


def _check_dates(version: RuleSetVersion, effective_from: datetime.date) -> None:
    if version.effective_to is not None and version.effective_to < effective_from:
        raise DomainError(
            _("In force from: must not be after the version's end date %(end)s.")
            % {"end": _fmt(version.effective_to)},
            field="effective_from",
        )
    latest = (
        RuleSetVersion.objects.filter(ruleset_id=version.ruleset_id)
        .exclude(status=Status.DRAFT)
        .order_by("-effective_from")
        .first()
    )
    if latest is not None and effective_from <= latest.effective_from:
        raise DomainError(
            _(
                "In force from: must be after %(date)s, when the published version %(number)s "
                "of this rule set took effect."
            )
            % {"date": _fmt(latest.effective_from), "number": latest.number},
            field="effective_from",
        )


def _check_overlaps(version: RuleSetVersion, start: datetime.date) -> None:
    """No other rule set may be in force for one of these purposes during the new range."""
    end = version.effective_to
    others = (
        RuleSetVersion.objects.exclude(status=Status.DRAFT)
        .exclude(ruleset_id=version.ruleset_id)
        .select_related("ruleset")
    )
    for other in others:
        shared = set(other.purposes) & set(version.purposes)
        overlaps = (end is None or other.effective_from <= end) and (
            other.effective_to is None or start <= other.effective_to
        )
        if shared and overlaps:
            raise DomainError(
                _(
                    "In force from: rule set “%(code)s” version %(number)s is already in force "
                    "for %(purpose)s during this period; end it first."
                )
                % {
                    "code": other.ruleset.code,
                    "number": other.number,
                    "purpose": Purpose(sorted(shared)[0]).label,
                },
                field="effective_from",
            )


@transaction.atomic
def version_publish(
    *,
    actor: User,
    version: RuleSetVersion,
    effective_from: datetime.date,
    impact_digest: str,
) -> RuleSetVersion:
    """Publish a draft from `effective_from`, after its impact was previewed (same digest).

    The previous published version of the same rule set ends the day before and is retired
    (superseded); it keeps answering for the dates in its range."""
    version = RuleSetVersion.objects.select_for_update().get(pk=version.pk)
    if not policy.can_publish_ruleset(actor, version):
        raise AccessDenied(
            _("Only an approver other than the author publishes a draft rule-set version.")
        )
    if impact_digest != selectors.impact_digest(version, effective_from):
        raise DomainError(
            _("Preview the impact of this version with this date before publishing it."),
            field="impact_digest",
        )
    _check_dates(version, effective_from)
    _check_overlaps(version, effective_from)
    _supersede(version, effective_from)
    version.effective_from = effective_from
    version.status = Status.PUBLISHED
    version.approver = actor
    version.published_at = timezone.now()
    version.full_clean()
    version.save(
        update_fields=["effective_from", "status", "approver", "published_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="criteria.version.publish",
        target=version,
        data={
            "ruleset": version.ruleset.code,
            "number": version.number,
            "effective_from": effective_from.isoformat(),
            "impact_digest": impact_digest,
        },
    )
    return version


def _supersede(version: RuleSetVersion, start: datetime.date) -> None:
    for old in RuleSetVersion.objects.filter(
        ruleset_id=version.ruleset_id, status=Status.PUBLISHED
    ).select_for_update():
        if old.effective_to is None or old.effective_to >= start:
            old.effective_to = start - datetime.timedelta(days=1)
        old.status = Status.RETIRED
        old.save(update_fields=["effective_to", "status", "updated_at"])


@transaction.atomic
def evaluation_create(
    *, actor: User, person: Person, purpose: str, as_of: datetime.date
) -> Evaluation:
    """Evaluate and store the result with the version that produced it and the trace."""
    if not policy.can_evaluate_person(actor, person):
        raise AccessDenied(_("You may not evaluate this person."))
    if purpose not in Purpose.values:
        raise DomainError(_("Purpose: unknown purpose “%(p)s”.") % {"p": purpose}, field="purpose")
    live = selectors.evaluation_preview(person=person, purpose=purpose, as_of=as_of)
    if live.version is None or live.result is None:
        raise DomainError(
            _("Date: no published rule set is in force for %(purpose)s on %(date)s.")
            % {"purpose": Purpose(purpose).label, "date": _fmt(as_of)},
            field="as_of",
        )
    evaluation = Evaluation.objects.create(
        person=person,
        purpose=purpose,
        as_of=as_of,
        version=live.version,
        outcome=live.result.outcome,
        trace=live.result.trace,
        evaluated_by=actor,
    )
    audit_record(
        actor=actor,
        action="criteria.evaluation.create",
        target=evaluation,
        org_unit=person.org_unit,
        data={"person": person.pk, "purpose": purpose, "version": live.version.pk},
    )
    return evaluation


def evaluations_store_batch(
    *,
    version: RuleSetVersion,
    compiled: engine.CompiledVersion,
    purpose: str,
    batch: Iterable[Facts],
) -> int:
    """Store evaluations for a re-screening batch (called by `rescreen_run`, inside its
    transaction); returns how many were stored."""
    rows = [
        Evaluation(
            person_id=facts.person_id,
            purpose=purpose,
            as_of=facts.as_of,
            version=version,
            outcome=(result := engine.evaluate(compiled, facts, purpose)).outcome,
            trace=result.trace,
        )
        for facts in batch
    ]
    Evaluation.objects.bulk_create(rows, batch_size=1000)
    return len(rows)

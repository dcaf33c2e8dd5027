"""Batch re-screening: every person (of a subtree) for a purpose, streamed in keyset batches.

Facts are loaded in bulk (4 queries per batch of `BATCH_SIZE` people, whatever the batch holds);
memory is one batch. Without `store` nothing is written; with it, each batch's evaluations are
stored (with the version and trace) and one audit event records the run.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from bvct.audit.services import audit_record
from bvct.core.errors import DomainError
from bvct.criteria import engine, selectors, services
from bvct.criteria.models import Purpose, RuleSetVersion
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person


@dataclass
class RescreenResult:
    purpose: str
    as_of: datetime.date
    version: RuleSetVersion
    counts: Counter[str] = field(default_factory=Counter)
    stored: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def rescreen_run(
    *,
    purpose: str,
    as_of: datetime.date,
    node: OrgUnit | None = None,
    store: bool = False,
    batch_size: int = selectors.BATCH_SIZE,
    progress: Callable[[RescreenResult], None] | None = None,
) -> RescreenResult:
    if purpose not in Purpose.values:
        raise DomainError(
            _("Purpose: “%(p)s” is not one of: %(choices)s.")
            % {"p": purpose, "choices": ", ".join(Purpose.values)},
            field="purpose",
        )
    version = selectors.version_in_force(purpose, as_of)
    if version is None:
        raise DomainError(
            _("Date: no published rule set is in force for %(purpose)s on %(date)s.")
            % {"purpose": Purpose(purpose).label, "date": as_of.strftime("%d/%m/%Y")},
            field="as_of",
        )
    compiled = engine.compile_version(version)
    people = Person.objects.filter(merged_into__isnull=True)
    if node is not None:
        people = people.filter(OrgUnit.subtree_filter(node.path, prefix="org_unit__"))
    result = RescreenResult(purpose, as_of, version)
    for batch in selectors.iter_fact_batches(people, as_of, batch_size):
        if store:
            with transaction.atomic():
                result.stored += services.evaluations_store_batch(
                    version=version, compiled=compiled, purpose=purpose, batch=batch
                )
        for facts in batch:
            result.counts[engine.outcome_only(compiled, facts)] += 1
        if progress is not None:
            progress(result)
    if store:
        audit_record(
            actor=None,
            action="criteria.rescreen.store",
            target=version,
            org_unit=node,
            data={"purpose": purpose, "as_of": as_of.isoformat(), "stored": result.stored},
        )
    return result

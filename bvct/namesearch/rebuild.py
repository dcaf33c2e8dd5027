"""Rebuild the name-search index from `people.Person`, in batches, resumable.

Each batch (people in primary-key order after the last one done) is indexed and its progress
recorded in one transaction, so a run stopped at any point — even `kill -9` — resumes after the
last committed batch and never indexes a batch twice. The index stays usable throughout: entries
are upserted in place, never dropped first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bvct.namesearch.index import PERSON_ROW_FIELDS, PersonRow, index_rows
from bvct.namesearch.models import IndexRebuild
from bvct.namesearch.plan import clear_counts
from bvct.people.models import Person


@dataclass(frozen=True)
class RebuildResult:
    rebuild_id: int
    resumed: bool
    people_indexed: int
    last_person_id: int


def rebuild_index(
    *,
    batch_size: int = 5000,
    restart: bool = False,
    progress: Callable[[IndexRebuild], None] | None = None,
) -> RebuildResult:
    """Index every person, resuming the latest unfinished run unless `restart`."""
    run = None if restart else IndexRebuild.objects.filter(finished_at__isnull=True).last()
    resumed = run is not None
    if run is None:
        IndexRebuild.objects.filter(finished_at__isnull=True).update(finished_at=timezone.now())
        run = IndexRebuild.objects.create()
    while _index_next_batch(run, batch_size):
        if progress is not None:
            progress(run)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    clear_counts()  # this process's planner counts describe the old index
    return RebuildResult(run.pk, resumed, run.people_indexed, run.last_person_id)


@transaction.atomic
def _index_next_batch(run: IndexRebuild, batch_size: int) -> bool:
    batch = [
        PersonRow(*values)
        for values in Person.objects.filter(pk__gt=run.last_person_id)
        .order_by("pk")
        .values_list(*PERSON_ROW_FIELDS)[:batch_size]
    ]
    if not batch:
        return False
    index_rows(batch)
    run.last_person_id = batch[-1].pk
    run.people_indexed += len(batch)
    run.save(update_fields=["last_person_id", "people_indexed"])
    return True

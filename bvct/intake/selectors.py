"""Reads for import jobs, always scoped through `bvct.access.policy`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from bvct.access import policy
from bvct.accounts.models import User
from bvct.intake.models import ImportJob, ImportRowError


def import_job_list_for_actor(*, actor: User) -> QuerySet[ImportJob]:
    """Jobs of the actor's subtree, newest first, with unit and user loaded."""
    return (
        policy.import_jobs_visible_to(actor)
        .select_related("org_unit", "created_by")
        .order_by("-created_at", "-pk")
    )


def import_job_get_for_actor(*, actor: User, pk: int) -> ImportJob:
    """A job the actor may follow; 404 when missing or outside their jurisdiction alike."""
    return get_object_or_404(import_job_list_for_actor(actor=actor), pk=pk)


def import_job_problems(*, job: ImportJob) -> QuerySet[ImportRowError]:
    return job.problems.order_by("row", "id")

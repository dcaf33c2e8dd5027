"""Background work: run (or continue) an import job. Idempotent: a finished job is left alone,
and a job run twice never commits a batch twice (see `bvct.intake.batches`)."""

from __future__ import annotations

from django_tasks import task

from bvct.intake import services


@task()
def import_job_run_task(job_id: int) -> None:
    services.import_job_run(job_id=job_id)

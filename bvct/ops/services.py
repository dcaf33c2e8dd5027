"""Writes for operators: the periodic tick, backups and restores, each audited (`ops.tick`,
`ops.backup`, `ops.restore`; system actor: they run from the command line)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from bvct.audit.services import audit_record
from bvct.ops.backup import Manifest, backup_create, restore_apply
from bvct.ops.jobs import JOBS, Job, JobResult

logger = logging.getLogger("bvct.ops.tick")
logger_ops = logging.getLogger("bvct.ops.backup")


@dataclass
class TickReport:
    day: dt.date
    results: dict[str, JobResult] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def tick_run(*, today: dt.date | None = None, jobs: tuple[Job, ...] | None = None) -> TickReport:
    """Run every periodic job once for `today` (default: the local date). A failing job is
    logged with its traceback and the others still run; the run ends with one `ops.tick` audit
    event (system actor) holding the counts of each job and the names of the failed ones."""
    report = TickReport(day=today or timezone.localdate())
    for job in JOBS if jobs is None else jobs:
        try:
            result = job.run(report.day)
        except Exception:
            logger.exception("tick: job %s failed", job.name)
            report.failed.append(job.name)
            continue
        report.results[job.name] = result
        logger.info("tick: %s: %s", job.name, result.line)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="ops.tick",
            data={
                "on": f"{report.day:%Y-%m-%d}",
                "counts": {name: r.counts for name, r in report.results.items()},
                "failed": report.failed,
            },
        )
    return report


def backup_run(*, path: Path | None = None) -> tuple[Path, Manifest]:
    """`bvct backup`: write the backup and its manifest, then record `ops.backup` (the head in
    the manifest is the chain as backed up, before this event)."""
    target, manifest = backup_create(path)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="ops.backup",
            data={
                "file": target.name,
                "sha256": manifest.sha256,
                "head_seq": manifest.audit_head.seq,
            },
        )
    logger_ops.info(
        "backup: %s (%d bytes, head #%d)", target, manifest.size, manifest.audit_head.seq
    )
    return target, manifest


def restore_run(*, dump: Path, manifest: Manifest) -> list[str]:
    """`bvct restore`: replace the database by `dump`, compare it with the manifest, and record
    `ops.restore` in the restored chain (right after the head the backup ends with)."""
    problems = restore_apply(dump, manifest)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="ops.restore",
            data={
                "file": dump.name,
                "backup_created_at": manifest.created_at,
                "head_seq": manifest.audit_head.seq,
                "matches": not problems,
            },
        )
    if problems:
        logger_ops.error("restore: %s differs from its manifest: %s", dump, "; ".join(problems))
    else:
        logger_ops.info("restore: %s restored, head #%d matches", dump, manifest.audit_head.seq)
    return problems

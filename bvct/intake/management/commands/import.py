# ruff: noqa: N999 (the module name is the command: `bvct import`)
"""`bvct import people FILE [--dry-run] [--bulk] [--unit CODE] [--as USERNAME] [--report OUT.xlsx]`

Imports people from a CSV or XLSX file with the template's headers, as the named user (whose
jurisdiction and roles apply). Run it again after a crash (even `kill -9`): it continues the
unfinished job for the same file, user, unit and mode from its last committed batch.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.accounts.models import User
from bvct.core.errors import DomainError
from bvct.intake import services
from bvct.intake.batches import BatchHook
from bvct.intake.models import ImportJob
from bvct.intake.reports import write_problem_report
from bvct.intake.worker import CheckerProcess
from bvct.orgs.models import OrgUnit

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Import people from a CSV or XLSX file with the template's headers."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["people"], help="what the file holds")
        parser.add_argument("file", type=Path, help="CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--unit", help="unit code for rows without one (default: the user's)")
        parser.add_argument("--as", dest="username", required=True, help="importing user")
        parser.add_argument("--report", type=Path, help="write the problem report (XLSX) here")
        parser.add_argument("--batch-size", type=int, default=services.DEFAULT_BATCH_SIZE)
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="large first load (PostgreSQL): drop the secondary indexes of the people and "
            "search tables during the load, rebuild them before the job ends",
        )
        # tests only: stop inside batch K (after its writes, before its commit) until killed
        parser.add_argument("--pause-in-batch", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--pause-file", type=Path, help=argparse.SUPPRESS)

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["username"])
        source: Path = options["file"].resolve()
        if not source.is_file():
            raise CommandError(f"no such file: {source}")
        unit = self._unit(options["unit"], actor)
        job = self._job(actor, source, unit, options)
        started = time.monotonic()
        try:
            job = services.import_job_run(
                job_id=job.pk, hook=self._hook(options), on_progress=self._progress
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self._summary(job, time.monotonic() - started)
        if CheckerProcess.peak_rss_bytes:
            peak = CheckerProcess.peak_rss_bytes / 2**20
            self.stdout.write(f"row-checking process peak RSS: {peak:.1f} MB")
        if options["report"]:
            with options["report"].open("wb") as out:
                write_problem_report(job, out)
            self.stdout.write(f"report: {options['report']}")
        if job.status != ImportJob.Status.DONE:
            raise CommandError(job.failure or "the import did not finish")

    def _actor(self, username: str) -> User:
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {username!r}")
        return actor

    def _unit(self, code: str | None, actor: User) -> OrgUnit:
        if code is None:
            if actor.org_unit is None:
                raise CommandError(f"user {actor.username!r} belongs to no unit: give --unit")
            return actor.org_unit
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"no unit with code {code!r}")
        return unit

    def _job(self, actor: User, source: Path, unit: OrgUnit, options: dict[str, Any]) -> ImportJob:
        dry_run = options["dry_run"]
        job = services.import_job_resumable(
            actor=actor, source=source, org_unit=unit, is_dry_run=dry_run
        )
        if job is not None:
            self.stdout.write(
                f"continuing import #{job.pk} after row {job.last_committed_row} "
                f"({job.rows_processed} rows already read)"
            )
            return job
        try:
            job = services.import_job_create(
                actor=actor,
                org_unit=unit,
                file_name=source.name,
                source_path=source,
                is_dry_run=dry_run,
                batch_size=options["batch_size"],
                is_bulk=options["bulk"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        mode = "dry run" if dry_run else "import"
        size = f"about {job.rows_estimated} rows" if job.rows_estimated else "size not declared"
        self.stdout.write(f"{mode} #{job.pk}: {source.name}, {size}")
        return job

    def _hook(self, options: dict[str, Any]) -> BatchHook | None:
        pause_in, pause_file = options["pause_in_batch"], options["pause_file"]
        if pause_in is None:
            return None

        def pause(index: int) -> None:
            if index == pause_in:
                if pause_file is not None:
                    pause_file.write_text(str(index))
                while True:
                    time.sleep(1)

        return pause

    def _progress(self, job: ImportJob) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{job.rows_processed} rows read, {job.rows_created} created")

    def _summary(self, job: ImportJob, seconds: float) -> None:
        self.stdout.write(
            f"#{job.pk} {job.get_status_display()}: {job.rows_processed} rows read, "
            f"{job.rows_created} people created, {job.rows_invalid} rows with errors, "
            f"{job.rows_duplicate} possible duplicates ({seconds:.1f} s)"
        )
        if job.failure:
            self.stdout.write(job.failure)
        for problem in job.problems.order_by("row", "id")[:SHOWN_PROBLEMS]:
            column = f", {problem.column}" if problem.column else ""
            self.stdout.write(f"  row {problem.row}{column}: {problem.message}")
        if job.rows_reported > SHOWN_PROBLEMS:
            self.stdout.write("  … (the full list is in the report: --report OUT.xlsx)")

"""Import jobs: create (from an upload or a server file), run or resume, and finish.

`import_job_run` streams the file and hands each batch of `batch_size` rows to
`batches.batch_commit`, which writes it in one transaction with the job's progress. A run that
stops for any reason (an exception, `kill -9`, a lost worker) leaves the job at its last
committed batch; running the job again continues from there and ends with every good row exactly
once. Audit: "intake.people.import_start" when the job is created, one
"intake.people.import_batch" per committed batch (not in a dry run), "intake.people.import_resume"
when a stopped job is taken up again, and "intake.people.import_finish" at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import connection, reset_queries, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core import uploads
from bvct.core.errors import AccessDenied, DomainError
from bvct.intake import bulk
from bvct.intake.batches import (
    BatchHook,
    CheckedBatch,
    UnitResolver,
    batch_check,
    batch_commit,
    read_batches,
)
from bvct.intake.columns import HeaderProblem, match_headers
from bvct.intake.models import ImportedRow, ImportJob, ImportRowError
from bvct.intake.readers import FileFormatError, count_rows, detect_format, iter_rows
from bvct.intake.rows import RowChecker, clear_caches
from bvct.intake.worker import CheckerProcess
from bvct.namesearch.models import SearchEntry, SearchName
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person

DEFAULT_BATCH_SIZE = 1000
MAX_BATCH_SIZE = 10_000
PARALLEL_MIN_ROWS = 20_000  # rows from which a second process checks them
ANALYZE_FIRST_AT = 20_000  # people created in a run before the second ANALYZE (then doubling)
STALE_AFTER = timedelta(minutes=2)  # no progress for this long: the run is presumed dead
_HASH_CHUNK = 1 << 20

ProgressCallback = Callable[[ImportJob], None]


@dataclass(frozen=True)
class FileFacts:
    file_format: str
    sha256: str
    size: int
    rows: int | None


def file_facts(binary: IO[bytes]) -> FileFacts:
    """Format, checksum, size and (estimated) data rows, reading the file in chunks."""
    file_format = detect_format(binary)
    digest, size = hashlib.sha256(), 0
    while chunk := binary.read(_HASH_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    binary.seek(0)
    try:
        rows = count_rows(binary, file_format)
    except Exception as exc:  # any unreadable workbook is the file's problem
        raise FileFormatError(
            _("The file cannot be read as an Excel workbook (.xlsx): %(detail)s.") % {"detail": exc}
        ) from exc
    return FileFacts(file_format, digest.hexdigest(), size, rows)


def _check_target(actor: User, org_unit: OrgUnit) -> None:
    if not policy.can_create_person_in(actor, org_unit):
        raise AccessDenied(
            _("You may not import people into “%(unit)s”.")
            % {"unit": f"{org_unit.code} — {org_unit.name}"}
        )
    if org_unit.valid_to is not None:
        raise DomainError(
            _("The organisation “%(unit)s” has ended: import into the unit that succeeded it.")
            % {"unit": f"{org_unit.code} — {org_unit.name}"},
            field="org_unit",
        )


@transaction.atomic
def import_job_create(
    *,
    actor: User,
    org_unit: OrgUnit,
    file_name: str,
    upload: File[bytes] | None = None,
    source_path: Path | None = None,
    is_dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    is_bulk: bool = False,
    start: bool = False,
) -> ImportJob:
    """A new job for an uploaded file (stored) or a file on the server (CLI). `start` enqueues
    the background run once the transaction commits. `is_bulk`: a large first load
    (`bvct.intake.bulk`; PostgreSQL only, ignored elsewhere and in a dry run)."""
    _check_target(actor, org_unit)
    if (upload is None) == (source_path is None):
        raise ValueError("give exactly one of upload and source_path")
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise DomainError(_("Rows per batch must be between 1 and 10,000."), field="batch_size")
    if upload is not None:
        binary = upload.file or upload
        clean = uploads.validate_sheet(file_name, binary)
        facts = file_facts(binary)
    else:
        with Path(source_path or "").open("rb") as binary:
            clean = uploads.validate_sheet(file_name, binary, uploaded=False)
            facts = file_facts(binary)
    job = ImportJob(
        org_unit=org_unit,
        created_by=actor,
        file_name=clean,
        source_path=str(source_path) if source_path else "",
        file_format=facts.file_format,
        file_sha256=facts.sha256,
        file_size=facts.size,
        rows_estimated=facts.rows,
        is_dry_run=is_dry_run,
        batch_size=batch_size,
        is_bulk=is_bulk,
    )
    if upload is not None:
        # stored under a generated name: the uploaded name is metadata only
        stored = f"{secrets.token_hex(16)}.{facts.file_format}"
        job.upload.save(stored, upload, save=False)
    job.full_clean()
    job.save()
    _audit(job, "intake.people.import_start")
    if start:
        from bvct.intake.tasks import import_job_run_task  # noqa: PLC0415 (tasks imports us)

        transaction.on_commit(lambda: import_job_run_task.enqueue(job.pk))
    return job


def import_job_resumable(
    *, actor: User, source: Path, org_unit: OrgUnit, is_dry_run: bool
) -> ImportJob | None:
    """The job to continue when the CLI is run again on the same file: same user, unit, mode and
    contents, not finished. None when there is none."""
    with source.open("rb") as binary:
        sha256 = file_facts(binary).sha256
    return (
        ImportJob.objects.filter(
            created_by=actor,
            org_unit=org_unit,
            is_dry_run=is_dry_run,
            file_sha256=sha256,
            status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING],
        )
        .order_by("-pk")
        .first()
    )


def is_stalled(job: ImportJob) -> bool:
    """Not finished and without progress for STALE_AFTER: its run has died."""
    if job.is_finished:
        return False
    last = job.heartbeat_at or job.started_at or job.created_at
    return last is not None and timezone.now() - last > STALE_AFTER


@transaction.atomic
def import_job_resume(*, actor: User, job: ImportJob) -> ImportJob:
    """Run a stalled job again (in the background) from its last committed row."""
    if not policy.can_create_person_in(actor, job.org_unit):
        raise AccessDenied(_("You may not import people into this unit."))
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not is_stalled(locked):
        raise DomainError(_("This import is finished or still running: nothing to resume."))
    locked.heartbeat_at = timezone.now()
    locked.save(update_fields=["heartbeat_at", "updated_at"])
    _audit(locked, "intake.people.import_resume", by=actor)
    from bvct.intake.tasks import import_job_run_task  # noqa: PLC0415 (tasks imports us)

    transaction.on_commit(lambda: import_job_run_task.enqueue(locked.pk))
    return locked


def import_job_run(
    *,
    job_id: int,
    hook: BatchHook | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportJob:
    """Run (or continue) the job to its end. Messages are stored in Vietnamese whatever the
    language of the caller. `hook(batch_index)` runs inside each batch's transaction (tests)."""
    with translation.override(settings.LANGUAGE_CODE):
        job = _claim(job_id)
        if job is None:
            return ImportJob.objects.get(pk=job_id)
        try:
            _run(job, hook=hook, on_progress=on_progress)
        except FileFormatError as exc:
            _fail(job, exc.message)
        return ImportJob.objects.get(pk=job_id)


@transaction.atomic
def _claim(job_id: int) -> ImportJob | None:
    job = (
        ImportJob.objects.select_for_update()
        .select_related("org_unit", "created_by")
        .get(pk=job_id)
    )
    if job.is_finished:
        return None
    now = timezone.now()
    if job.started_at is None:
        job.started_at = now
        job.people_watermark = Person.objects.aggregate(top=Max("pk"))["top"] or 0
    job.status = ImportJob.Status.RUNNING
    job.heartbeat_at = now
    job.save(
        update_fields=["status", "started_at", "people_watermark", "heartbeat_at", "updated_at"]
    )
    return job


def _run(job: ImportJob, *, hook: BatchHook | None, on_progress: ProgressCallback | None) -> None:
    is_bulk = bulk.applies(job)
    if is_bulk:
        bulk.acquire(job)
    try:
        _run_batches(job, hook=hook, on_progress=on_progress, is_bulk=is_bulk)
    finally:
        if is_bulk:
            bulk.release()


def _run_batches(
    job: ImportJob,
    *,
    hook: BatchHook | None,
    on_progress: ProgressCallback | None,
    is_bulk: bool,
) -> None:
    with (
        _open_source(job) as binary,
        contextlib.closing(iter_rows(binary, job.file_format)) as rows,
    ):
        header = next(rows, None)
        match = match_headers(header.values if header else [])
        if match.problems:
            _fail_on_header(job, match.problems)
            return
        clear_caches()
        units = UnitResolver(actor=job.created_by, default_unit=job.org_unit)
        today = timezone.localdate()
        parallel = _checker_process(job, match.positions, today)
        if parallel is not None:
            rows.close()  # the child reads the file itself
            checked_batches: Generator[CheckedBatch] = parallel.batches()
        else:
            checker = RowChecker(match.positions, today=today)
            checked_batches = (
                batch_check(batch, checker=checker)
                for batch in read_batches(
                    rows, after_row=job.last_committed_row, size=job.batch_size
                )
            )
        dropped = False
        created, analyze_at = 0, 1
        # closed on any exit, so that a checking child is stopped at once
        with contextlib.closing(checked_batches):
            for checked in checked_batches:
                if is_bulk and not dropped:  # only a run that has rows to write drops them
                    bulk.drop(job)
                    dropped = True
                result = batch_commit(job=job, checked=checked, units=units, hook=hook)
                created += result.created
                if created >= analyze_at:
                    _analyze()
                    analyze_at = max(2 * created, ANALYZE_FIRST_AT)
                reset_queries()  # DEBUG's query log would otherwise keep the last 9,000 queries
                if on_progress is not None:
                    job.refresh_from_db()
                    on_progress(job)
    _finish(job)


def _analyze() -> None:
    """PostgreSQL: fresh statistics for the tables an import fills, after the first batch of a
    run that created people and then each time this run has doubled what it created (about ten
    times in a national load, a fraction of a second each). The batch lookups are index
    descents only with statistics that know the table's size: with those of an empty table (a
    first load; autovacuum lags behind a load) the planner walked a whole index of live people
    per lookup (`merged_into_id IS NULL`) instead of descending the CCCD key — a cost growing
    with the file."""
    if connection.vendor != "postgresql":
        return
    tables = (Person, ImportedRow, SearchEntry, SearchName)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(model._meta.db_table for model in tables)}")


def _checker_process(
    job: ImportJob, positions: dict[str, int], today: dt.date
) -> CheckerProcess | None:
    """A second process to check the rows (`bvct.intake.worker`) for a file of at least
    PARALLEL_MIN_ROWS rows on disk; else None (checked in this process: a small file is not
    worth starting a process)."""
    if (job.rows_estimated or 0) < PARALLEL_MIN_ROWS:
        return None
    if job.upload:
        try:
            path = job.upload.path
        except NotImplementedError:  # a storage without local files
            return None
    else:
        path = job.source_path
    return CheckerProcess(
        path=path,
        file_format=job.file_format,
        positions=positions,
        after_row=job.last_committed_row,
        batch_size=job.batch_size,
        today=today,
        language=settings.LANGUAGE_CODE,
    )


@contextmanager
def _open_source(job: ImportJob) -> Iterator[IO[bytes]]:
    if job.upload:
        with job.upload.storage.open(job.upload.name, "rb") as stored:
            yield getattr(stored, "file", stored)
    else:
        try:
            binary = Path(job.source_path).open("rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise FileFormatError(
                _("The file %(path)s cannot be opened: %(detail)s.")
                % {"path": job.source_path, "detail": exc.strerror}
            ) from exc
        with binary:
            yield binary


def _fail_on_header(job: ImportJob, problems: tuple[HeaderProblem, ...]) -> None:
    bulk.restore(job)
    with transaction.atomic():
        ImportRowError.objects.bulk_create(
            ImportRowError(job=job, row=1, column=p.column, message=p.message) for p in problems
        )
        _end(job, ImportJob.Status.FAILED, _("The header row does not match the template."))


def _fail(job: ImportJob, message: str) -> None:
    bulk.restore(job)  # a bulk job ends with its indexes, whatever the outcome
    with transaction.atomic():
        _end(job, ImportJob.Status.FAILED, message)


def _finish(job: ImportJob) -> None:
    bulk.restore(job)
    with transaction.atomic():
        _end(job, ImportJob.Status.DONE, "")


def _end(job: ImportJob, status: str, failure: str) -> None:
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.is_finished:
        return
    locked.status = status
    locked.failure = failure[:500]
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "failure", "finished_at", "updated_at"])
    if locked.is_dry_run:
        ImportedRow.delete_of(locked)  # a dry run keeps only its report
    if locked.upload and status == ImportJob.Status.DONE:
        transaction.on_commit(lambda: locked.upload.storage.delete(locked.upload.name))
    _audit(locked, "intake.people.import_finish")


def _audit(job: ImportJob, action: str, *, by: User | None = None) -> None:
    audit_record(
        actor=by or job.created_by,
        action=action,
        target=job,
        org_unit=job.org_unit,
        data={
            "job": job.pk,
            "status": job.status,
            "dry_run": job.is_dry_run,
            "format": job.file_format,
            "rows_estimated": job.rows_estimated,
            "read": job.rows_processed,
            "created": job.rows_created,
            "invalid": job.rows_invalid,
            "duplicate": job.rows_duplicate,
            "last_committed_row": job.last_committed_row,
        },
    )

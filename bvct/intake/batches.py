"""One batch of an import: validate its rows, then write them in ONE transaction.

The transaction holds: the new people (bulk insert), their name-search entries, the
`ImportedRow` numbers of the checked rows, the problems found, the job's progress and counters,
and one audit event. It first locks the job row and checks that the progress is still where this
run left it, so two runs of the same job can never both commit a batch (the loser stops with
`ConcurrentRunError`).
On PostgreSQL the batch commits without waiting for the disk flush (`_batch_settings`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import DomainError
from bvct.intake import columns as col
from bvct.intake.duplicates import (
    Finding,
    find_in_batch,
    find_in_earlier_batches,
    find_in_registry,
)
from bvct.intake.inserts import insert_new_values, insert_rows
from bvct.intake.models import ImportedRow, ImportJob, ImportRowError
from bvct.intake.readers import SheetRow
from bvct.intake.rows import PersonDraft, RowChecker, RowIssue, is_blank
from bvct.namesearch.index import PersonRow, index_new_rows
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person

BatchHook = Callable[[int], None]


class ConcurrentRunError(DomainError):
    """Another run of the same job committed first; this one stops without writing."""


@dataclass(frozen=True)
class Batch:
    index: int  # 1-based
    after_row: int  # the job's last committed row when the batch was read
    last_row: int  # last sheet row the batch consumed (blank rows included)
    rows: list[SheetRow]


@dataclass
class UnitResolver:
    """Organisation codes → unit id, or the reason the actor may not put people there. Caches
    per code (bounded by the size of the tree, not of the file)."""

    actor: User
    default_unit: OrgUnit
    cache: dict[str, tuple[int | None, str]] = field(default_factory=dict)

    def load(self, codes: set[str]) -> None:
        """Look up the codes not seen yet, in one query (a code typed in lower case is also
        looked up in upper case, as official codes are written)."""
        missing = codes - self.cache.keys() - {""}
        if not missing:
            return
        units = {
            unit.code: unit
            for unit in OrgUnit.objects.filter(code__in=missing | {c.upper() for c in missing})
        }
        for code in missing:
            unit = units.get(code) or units.get(code.upper())
            if unit is None:
                problem = _("No organisation has the code “%(code)s”.") % {"code": code}
                self.cache[code] = (None, problem)
            else:
                self.cache[code] = self._check(unit)

    def get(self, code: str) -> tuple[int | None, str]:
        if not code:
            return self.default_unit.pk, ""
        return self.cache[code]

    def _check(self, unit: OrgUnit) -> tuple[int | None, str]:
        label = f"{unit.code} — {unit.name}"
        if not policy.can_create_person_in(self.actor, unit):
            return None, _("The organisation “%(unit)s” is outside your jurisdiction.") % {
                "unit": label
            }
        if unit.valid_to is not None:
            return None, _(
                "The organisation “%(unit)s” ended on %(date)s: use the unit that succeeded it."
            ) % {"unit": label, "date": date_format(unit.valid_to, "d/m/Y")}
        return unit.pk, ""


@dataclass
class BatchResult:
    processed: int = 0
    created: int = 0
    invalid: int = 0
    duplicate: int = 0


@dataclass
class _Sorted:
    problems: list[ImportRowError] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)
    duplicate_rows: set[int] = field(default_factory=set)

    def add(self, job: ImportJob, issue: RowIssue, kind: str) -> None:
        self.problems.append(
            ImportRowError(
                job=job,
                row=issue.row,
                column=issue.column,
                kind=kind,
                message=issue.message,
                value=issue.value,
            )
        )
        (self.error_rows if kind == ImportRowError.Kind.ERROR else self.duplicate_rows).add(
            issue.row
        )


@dataclass(frozen=True)
class CheckedBatch:
    """A batch with the outcome of the per-row checks (which need no database)."""

    batch: Batch
    drafts: list[PersonDraft]
    issues: list[RowIssue]
    read: int  # rows read (the batch's rows need not travel with it)


def read_batches(rows: Iterator[SheetRow], *, after_row: int, size: int) -> Iterator[Batch]:
    """Batches of `size` non-blank rows after `after_row`; trailing blank rows end the last."""
    index, start, pending, last = 0, after_row, [], after_row
    for row in rows:
        if row.number <= after_row:
            continue
        last = row.number
        if not is_blank(row):
            pending.append(row)
        if len(pending) == size:
            index += 1
            yield Batch(index, start, last, pending)
            start, pending = last, []
    if pending or last > start:
        yield Batch(index + 1, start, last, pending)


def batch_check(batch: Batch, *, checker: RowChecker) -> CheckedBatch:
    drafts: list[PersonDraft] = []
    issues: list[RowIssue] = []
    check = checker.check
    for row in batch.rows:
        draft, row_issues = check(row)
        if row_issues:
            issues.extend(row_issues)
        if draft is not None:
            drafts.append(draft)
    return CheckedBatch(batch, drafts, issues, len(batch.rows))


def batch_commit(
    *,
    job: ImportJob,
    checked: CheckedBatch,
    units: UnitResolver,
    hook: BatchHook | None = None,
) -> BatchResult:
    """Write one checked batch (see the module docstring)."""
    batch, drafts = checked.batch, checked.drafts
    found = _Sorted()
    for issue in checked.issues:
        found.add(job, issue, ImportRowError.Kind.ERROR)
    with transaction.atomic():
        _batch_settings()
        _lock_progress(job, batch)
        unit_ids = _resolve_units(job, drafts, units, found)
        repeats = _add_findings(
            job, found, [*find_in_batch(drafts), *find_in_earlier_batches(job, drafts)]
        )
        clean = [d for d in drafts if d.row not in found.error_rows]
        _add_findings(
            job,
            found,
            find_in_registry(actor=units.actor, drafts=clean, watermark=job.people_watermark),
        )
        people = _create_people(job, units.actor, drafts, unit_ids, found)
        _record_rows(job, drafts, repeats)
        ImportRowError.objects.bulk_create(found.problems)
        if hook is not None:
            hook(batch.index)
        result = BatchResult(
            processed=checked.read,
            created=len(people),
            invalid=len(found.error_rows),
            duplicate=len(found.duplicate_rows - found.error_rows),
        )
        _save_progress(job, batch, result)
        if not job.is_dry_run:
            _audit_batch(job, batch, result)
    return result


def _batch_settings() -> None:
    """PostgreSQL, for this batch's transaction only:

    * its commit does not wait for its WAL to reach the disk. Safe for the import's guarantees:
      the batch and the job's progress are one transaction, so a server crash that loses the
      last commits loses whole batches together with their progress, and the next run writes
      them again (no duplicate, no partial batch). What it saves is one disk flush per batch;
      the job's final commit (`_finish`) stays synchronous;
    * no sequential or bitmap scans: every lookup of a batch (thousands of numbers in the row
      keys and the registry, names, ids) is selective and has its index, but while a job fills
      a table its statistics lag, and the planner then chose to read the whole row-key table
      on every batch — a cost growing with the file (quadratic over a national load)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")
            cursor.execute("SET LOCAL enable_seqscan TO off")
            cursor.execute("SET LOCAL enable_bitmapscan TO off")


def _lock_progress(job: ImportJob, batch: Batch) -> None:
    current = (
        ImportJob.objects.select_for_update()
        .filter(pk=job.pk)
        .values_list("last_committed_row", flat=True)
        .get()
    )
    if current != batch.after_row:
        raise ConcurrentRunError(
            _("Another run of import #%(id)d has already committed rows up to %(row)d.")
            % {"id": job.pk, "row": current}
        )


def _resolve_units(
    job: ImportJob, drafts: Sequence[PersonDraft], units: UnitResolver, found: _Sorted
) -> dict[int, int]:
    units.load({d.unit_code for d in drafts})
    resolved: dict[int, int] = {}
    header = col.BY_KEY[col.UNIT].header
    for draft in drafts:
        unit_id, problem = units.get(draft.unit_code)
        if unit_id is None:
            issue = RowIssue(draft.row, header, problem, draft.unit_code)
            found.add(job, issue, ImportRowError.Kind.ERROR)
        else:
            resolved[draft.row] = unit_id
    return resolved


def _add_findings(
    job: ImportJob, found: _Sorted, findings: Sequence[Finding]
) -> set[tuple[int, str]]:
    """Record findings; return (row, column) of the numbers repeated from an earlier row."""
    repeats = set()
    for finding in findings:
        found.add(job, finding.issue, finding.kind)
        if finding.kind == ImportRowError.Kind.ERROR:
            repeats.add((finding.issue.row, finding.issue.column))
    return repeats


_CLASSIFICATION = Person._meta.get_field("classification").get_default()


def _create_people(
    job: ImportJob,
    actor: User,
    drafts: Sequence[PersonDraft],
    unit_ids: dict[int, int],
    found: _Sorted,
) -> dict[int, int]:
    """Insert the rows that have no problem at all; index their names. Row → person id."""
    if job.is_dry_run:
        return {}
    blocked = found.error_rows | found.duplicate_rows
    ready = [d for d in drafts if d.row not in blocked]
    actor_id = actor.pk
    ids = insert_new_values(
        Person,
        _PERSON_FIELDS,
        [
            (
                d.full_name,
                d.surname,
                d.middle_name,
                d.given_name,
                d.name_key,
                d.birth.value if d.birth else None,
                d.birth.precision if d.birth else "year",
                d.birth.value.year if d.birth else None,
                d.sex,
                d.cccd,
                d.party_card_number,
                d.hometown_text,
                d.hometown_province_code,
                d.hometown_commune_code,
                d.residence_text,
                d.residence_province_code,
                d.residence_commune_code,
                unit_ids[d.row],
                d.admission_date,
                d.official_date,
                actor_id,
            )
            for d in ready
        ],
    )
    index_new_rows(
        [
            PersonRow(
                pk,
                d.full_name,
                unit_ids[d.row],
                _CLASSIFICATION,
                d.birth.value.year if d.birth else None,
                d.hometown_province_code,
                d.cccd,
                d.party_card_number,
                None,
            )
            for pk, d in zip(ids, ready, strict=True)
        ]
    )
    return {draft.row: pk for draft, pk in zip(ready, ids, strict=True)}


_PERSON_FIELDS = (
    "full_name",
    "surname",
    "middle_name",
    "given_name",
    "name_key",
    "birth_date",
    "birth_precision",
    "birth_year",
    "sex",
    "cccd",
    "party_card_number",
    "hometown_text",
    "hometown_province_code",
    "hometown_commune_code",
    "residence_text",
    "residence_province_code",
    "residence_commune_code",
    "org_unit_id",
    "admission_date",
    "official_date",
    "created_by_id",
)


def _record_rows(
    job: ImportJob, drafts: Sequence[PersonDraft], repeats: set[tuple[int, str]]
) -> None:
    """The numbers of the checked rows, unless they repeat an earlier row's (so the first
    occurrence is the one later rows are compared with); rows left with none are not stored."""
    cccd_header, card_header = col.BY_KEY[col.CCCD].header, col.BY_KEY[col.CARD].header
    keys = []
    for d in drafts:
        cccd = "" if (d.row, cccd_header) in repeats else (d.cccd or "")
        card = "" if (d.row, card_header) in repeats else (d.party_card_number or "")
        if cccd or card:
            keys.append((job.pk, d.row, cccd, card))
    insert_rows(ImportedRow, ["job_id", "row", "cccd", "party_card_number"], keys)


def _save_progress(job: ImportJob, batch: Batch, result: BatchResult) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        last_committed_row=batch.last_row,
        rows_processed=F("rows_processed") + result.processed,
        rows_created=F("rows_created") + result.created,
        rows_invalid=F("rows_invalid") + result.invalid,
        rows_duplicate=F("rows_duplicate") + result.duplicate,
        heartbeat_at=timezone.now(),
    )
    job.last_committed_row = batch.last_row


def _audit_batch(job: ImportJob, batch: Batch, result: BatchResult) -> None:
    audit_record(
        actor=job.created_by,
        action="intake.people.import_batch",
        target=job,
        org_unit=job.org_unit,
        data={
            "job": job.pk,
            "batch": batch.index,
            "rows": [batch.after_row + 1, batch.last_row],
            "read": result.processed,
            "created": result.created,
            "invalid": result.invalid,
            "duplicate": result.duplicate,
        },
    )

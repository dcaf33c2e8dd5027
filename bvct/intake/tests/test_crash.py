"""Crash safety: a failure inside batch k loses batch k only, and running the job again ends with
every good row exactly once (in process here; with a real `kill -9` in test_kill.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.intake import services
from bvct.intake.batches import (
    Batch,
    ConcurrentRunError,
    UnitResolver,
    batch_check,
    batch_commit,
)
from bvct.intake.columns import HEADERS, match_headers
from bvct.intake.models import ImportedRow, ImportJob, ImportRowError
from bvct.intake.readers import SheetRow
from bvct.intake.rows import RowChecker
from bvct.intake.tests.factories import make_job, many_rows, person_row, report, write_csv
from bvct.people.models import Person
from conftest import Tree

BATCH = 5


class PowerCut(Exception):  # noqa: N818 (a simulated event, not an error class)
    pass


def sheet() -> tuple[list[list[str]], set[str]]:
    """23 data rows (rows 2-24): 20 good ones and 3 bad ones; the good rows' CCCDs."""
    good = list(many_rows(20))
    rows = [
        *good[:7],
        person_row(full_name=""),
        *good[7:14],
        person_row(birth_date="x"),
        *good[14:],
        person_row(full_name="Trùng Văn Số", cccd=good[0][3]),
    ]
    return rows, {row[3] for row in good}


def batch_events(job: ImportJob) -> int:
    return AuditEvent.objects.filter(
        action="intake.people.import_batch", target_id=str(job.pk)
    ).count()


@pytest.mark.django_db(transaction=True)
def test_crash_inside_batch_k_then_rerun_imports_every_good_row_exactly_once(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    # given a job of 23 data rows in batches of 5, and a failure inside batch 3 after its writes
    rows, good_cccds = sheet()
    path = write_csv(tmp_path / "nguoi.csv", rows)
    job = services.import_job_create(
        actor=clerk,
        org_unit=tree.commune_a1,
        file_name="nguoi.csv",
        source_path=path,
        batch_size=BATCH,
    )

    def power_cut(index: int) -> None:
        if index == 3:
            raise PowerCut

    # when
    with pytest.raises(PowerCut):
        services.import_job_run(job_id=job.pk, hook=power_cut)
    # then batches 1 and 2 (rows 2-11) are committed whole, batch 3 not at all
    job.refresh_from_db()
    assert (job.status, job.last_committed_row, job.rows_processed) == ("running", 11, 10)
    assert Person.objects.count() == 9  # row 9 has no name
    assert sorted(ImportedRow.objects.values_list("row", flat=True)) == [
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        10,
        11,
    ]
    assert list(ImportRowError.objects.values_list("row", flat=True)) == [9]
    assert batch_events(job) == 2
    # when the job runs again
    job = services.import_job_run(job_id=job.pk)
    # then every good row is there exactly once, and the report has each problem once
    assert (job.status, job.rows_processed, job.rows_created, job.rows_invalid) == (
        "done",
        23,
        20,
        3,
    )
    cccds = [str(cccd) for cccd in Person.objects.values_list("cccd", flat=True)]
    assert sorted(cccds) == sorted(good_cccds)
    assert [(row, column, kind) for row, column, kind, _ in report(job)] == [
        (9, "Họ và tên", "error"),
        (17, "Ngày sinh", "error"),
        (24, "Số CCCD", "error"),
    ]
    assert batch_events(job) == 5


def test_a_second_run_cannot_commit_a_batch_already_committed(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    # given a job whose first batch (rows 2-3) is committed
    path = write_csv(tmp_path / "nguoi.csv", list(many_rows(4)))
    job = services.import_job_create(
        actor=clerk,
        org_unit=tree.commune_a1,
        file_name="nguoi.csv",
        source_path=path,
        batch_size=2,
    )
    stale = Batch(1, 1, 3, [SheetRow(n, list(r), None) for n, r in enumerate(many_rows(2), 2)])
    units = UnitResolver(actor=clerk, default_unit=tree.commune_a1)
    positions = match_headers(list(HEADERS)).positions
    today = dt.date(2026, 1, 1)
    checked = batch_check(stale, checker=RowChecker(positions, today=today))
    batch_commit(job=job, checked=checked, units=units)
    before = (Person.objects.count(), ImportedRow.objects.count(), AuditEvent.objects.count())
    # when another run, which read the job before that commit, commits the same batch
    with pytest.raises(ConcurrentRunError, match="đã ghi xong đến dòng 3"):
        batch_commit(job=job, checked=checked, units=units)
    # then nothing more is written
    after = (Person.objects.count(), ImportedRow.objects.count(), AuditEvent.objects.count())
    assert before == after == (2, 2, 2)


def test_the_database_refuses_a_number_twice_in_a_job(tree: Tree, clerk: User) -> None:
    # given the CCCD and party card of row 2 of a job
    job = make_job(org_unit=tree.commune_a1, created_by=clerk)
    ImportedRow.objects.create(job=job, row=2, cccd="001090012345", party_card_number="123")
    # when the same CCCD or party card is recorded again on another row: refused
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportedRow.objects.create(job=job, row=3, cccd="001090012345")
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportedRow.objects.create(job=job, row=3, party_card_number="123")
    # then only the first key exists; another job may hold the same numbers
    other = make_job(org_unit=tree.commune_a1, created_by=clerk)
    ImportedRow.objects.create(job=other, row=2, cccd="001090012345", party_card_number="123")
    assert ImportedRow.objects.count() == 2
    # and deleting a job's rows leaves the other job's
    ImportedRow.objects.create(job=job, row=4, party_card_number="456")
    ImportedRow.delete_of(job)
    assert list(ImportedRow.objects.values_list("job_id", flat=True)) == [other.pk]

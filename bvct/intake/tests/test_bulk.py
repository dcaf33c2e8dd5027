"""Bulk load (`--bulk`, `bvct.intake.bulk`) and the row-checking child process
(`bvct.intake.worker`): both must give exactly what the normal path gives, and a bulk job must
end — finished, failed or resumed after a crash — with every index and foreign key back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from bvct.accounts.models import User
from bvct.intake import bulk, services
from bvct.intake.models import ImportedRow, ImportJob
from bvct.intake.tests.factories import many_rows, person_row, report, run_import, write_csv
from bvct.intake.worker import CheckerProcess
from bvct.namesearch.models import SearchEntry
from bvct.people.models import Person
from conftest import Tree

POSTGRES = connection.vendor == "postgresql"


class PowerCut(Exception):  # noqa: N818 (a simulated event, not an error class)
    pass


def sheet(tree: Tree) -> list[list[str]]:
    """60 good rows and five rows with a problem (five kinds), spread over the batches."""
    good = list(many_rows(60))
    return [
        *good[:20],
        person_row(full_name=""),  # error
        person_row(full_name="Trùng Văn Số", cccd=good[3][3]),  # CCCD of an earlier row
        *good[20:40],
        person_row(birth_date="31/02/1990"),  # not a real date
        person_row(unit_code="KHONG-CO"),  # no such unit
        person_row(unit_code=tree.commune_b1.code),  # outside the clerk's jurisdiction
        *good[40:],
    ]


def outcome(job: ImportJob) -> dict[str, Any]:
    """What an import leaves, without ids: the job's counters, its report, the people and their
    search entries."""
    people = list(
        Person.objects.order_by("cccd").values_list(
            "full_name", "name_key", "birth_date", "birth_precision", "sex", "cccd", "org_unit"
        )
    )
    entries = list(
        SearchEntry.objects.order_by("cccd").values_list(
            "name__key", "path", "given", "surname", "birth_year", "cccd"
        )
    )
    counters = (job.status, job.rows_processed, job.rows_created, job.rows_invalid)
    return {"job": counters, "report": report(job), "people": people, "entries": entries}


def schema() -> set[str]:
    """Names of the indexes and constraints of the tables a bulk load touches (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) UNION "
            "SELECT conname FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [list(TABLES), list(TABLES)],
        )
        return {name for (name,) in cursor.fetchall()}


TABLES = (Person._meta.db_table, SearchEntry._meta.db_table, ImportedRow._meta.db_table)


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_gives_what_a_normal_load_gives(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    # given a sheet with good rows and problems, imported the normal way
    path = write_csv(tmp_path / "nguoi.csv", sheet(tree))
    normal = outcome(run_import(actor=clerk, unit=tree.commune_a1, path=path, batch_size=7))
    Person.objects.all().delete()  # search entries go with them
    before = schema() if POSTGRES else set()
    # when the same sheet is imported again in bulk mode
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path, batch_size=7, is_bulk=True)
    # then people, search entries, counters and report are the same
    assert outcome(job) == normal
    assert normal["job"] == ("done", 65, 60, 5)
    # and on PostgreSQL the load dropped indexes and foreign keys, and put every one back
    if POSTGRES:
        dropped = {item["name"] for item in job.bulk_dropped}
        assert {"person_unit_name_idx", "nsentry_name_scope"} <= dropped
        assert not {"person_unique_cccd", "people_person_pkey"} & dropped  # unique ones stay
        assert any(item["kind"] == bulk.FOREIGN_KEY for item in job.bulk_dropped)
        assert schema() == before
        assert bulk.missing(job) == []
    else:  # SQLite has no bulk mode: the normal path ran
        assert job.bulk_dropped == []


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_stopped_by_a_crash_resumes_and_puts_the_indexes_back(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    # given a bulk job that dies inside its third batch, after that batch's writes
    path = write_csv(tmp_path / "nguoi.csv", sheet(tree))
    before = schema() if POSTGRES else set()
    job = services.import_job_create(
        actor=clerk,
        org_unit=tree.commune_a1,
        file_name=path.name,
        source_path=path,
        batch_size=7,
        is_bulk=True,
    )
    missing_during: list[str] = []

    def power_cut(index: int) -> None:
        if index == 3:
            current = ImportJob.objects.get(pk=job.pk)
            missing_during.extend(item["name"] for item in bulk.missing(current))
            raise PowerCut

    with pytest.raises(PowerCut):
        services.import_job_run(job_id=job.pk, hook=power_cut)
    job.refresh_from_db()
    # then two batches are committed, and (PostgreSQL) the indexes are still dropped
    assert (job.status, job.last_committed_row, job.rows_created) == ("running", 15, 14)
    if POSTGRES:
        assert missing_during
        assert {item["name"] for item in bulk.missing(job)} == set(missing_during)
    # when the job runs again
    job = services.import_job_run(job_id=job.pk)
    # then it ends with every good row once and every index and foreign key back
    assert (job.status, job.rows_processed, job.rows_created, job.rows_invalid) == (
        "done",
        65,
        60,
        5,
    )
    assert Person.objects.count() == SearchEntry.objects.count() == 60
    if POSTGRES:
        assert schema() == before
        assert bulk.missing(job) == []


@pytest.mark.django_db(transaction=True)
def test_a_failed_bulk_load_puts_the_indexes_back(tree: Tree, clerk: User, tmp_path: Path) -> None:
    # given a bulk job whose file becomes unreadable after its first batch (bad UTF-8 further on)
    path = tmp_path / "nguoi.csv"
    write_csv(path, list(many_rows(400)))  # more than the reader decodes at once
    with path.open("ab") as out:
        out.write(b"\xff\xfe broken,1990,Nam,,,,,,,\n")
    before = schema() if POSTGRES else set()
    # when it runs
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path, batch_size=50, is_bulk=True)
    # then it failed, kept what it committed, and left no index or foreign key missing
    assert job.status == "failed"
    assert "UTF-8" in job.failure
    assert Person.objects.count() > 0
    if POSTGRES:
        assert schema() == before


@pytest.mark.django_db(transaction=True)
def test_rows_checked_in_a_child_process_give_what_the_in_process_checks_give(
    tree: Tree, clerk: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a sheet imported with the checks in this process
    path = write_csv(tmp_path / "nguoi.csv", sheet(tree))
    monkeypatch.setattr(services, "PARALLEL_MIN_ROWS", 10**9)
    in_process = outcome(run_import(actor=clerk, unit=tree.commune_a1, path=path, batch_size=7))
    Person.objects.all().delete()
    # when the same sheet is imported with the checks in a child process (from its first row)
    monkeypatch.setattr(services, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(CheckerProcess, "peak_rss_bytes", 0)
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path, batch_size=7)
    # then the outcome is the same, and a child process did check the rows
    assert outcome(job) == in_process
    assert CheckerProcess.peak_rss_bytes > 0

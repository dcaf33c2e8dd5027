"""Builders for import tests: sheets on disk (CSV and XLSX) and jobs run to the end."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bvct.accounts.models import User
from bvct.intake import services
from bvct.intake.batches import BatchHook
from bvct.intake.columns import HEADERS
from bvct.intake.models import ImportJob
from bvct.orgs.models import OrgUnit


def person_row(**values: Any) -> list[Any]:
    """A row in template order; keys are the column keys of `bvct.intake.columns`."""
    defaults = {
        "full_name": "Nguyễn Văn An",
        "birth_date": "17/05/1990",
        "sex": "Nam",
        "cccd": "",
        "party_card_number": "",
        "hometown": "",
        "residence": "",
        "unit_code": "",
        "admission_date": "",
        "official_date": "",
    }
    defaults.update(values)
    return list(defaults.values())


def write_csv(path: Path, rows: Iterable[Sequence[Any]], headers: Sequence[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path,
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str] = HEADERS,
    formats: dict[tuple[int, int], str] | None = None,
) -> Path:
    """An XLSX sheet; `formats` maps (data row, column), both from 0, to a number format."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    for (row_index, column), number_format in (formats or {}).items():
        sheet.cell(row=row_index + 2, column=column + 1).number_format = number_format
    workbook.save(path)
    return path


def many_rows(count: int, *, first_serial: int = 0) -> Iterable[list[str]]:
    """`count` valid rows with unique CCCDs; names repeat from a pool of 1,009, as real names do
    (the same name and date of birth come back only 2 million rows later)."""
    for index in range(count):
        serial = first_serial + index
        year = 1950 + serial % 50
        born = dt.date(year, 1 + serial % 12, 1 + serial % 28)
        yield person_row(
            full_name=f"Nguyễn Văn Số {_words(serial % 1009)}",
            birth_date=born.strftime("%d/%m/%Y"),
            cccd=f"001{0}{year % 100:02d}{serial:06d}",
        )


def _words(number: int) -> str:
    digits = ["Không", "Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín"]
    return " ".join(digits[int(d)] for d in str(number))


def run_import(
    *,
    actor: User,
    unit: OrgUnit,
    path: Path,
    dry_run: bool = False,
    batch_size: int = services.DEFAULT_BATCH_SIZE,
    hook: BatchHook | None = None,
    is_bulk: bool = False,
) -> ImportJob:
    job = services.import_job_create(
        actor=actor,
        org_unit=unit,
        file_name=path.name,
        source_path=path,
        is_dry_run=dry_run,
        batch_size=batch_size,
        is_bulk=is_bulk,
    )
    return services.import_job_run(job_id=job.pk, hook=hook)


def report(job: ImportJob) -> list[tuple[int, str, str, str]]:
    return list(job.problems.order_by("row", "id").values_list("row", "column", "kind", "message"))


def make_job(*, org_unit: OrgUnit, created_by: User, **fields: Any) -> ImportJob:
    """A finished import job at `org_unit` (no file behind it: for pages and permissions)."""
    fields.setdefault("status", ImportJob.Status.DONE)
    fields.setdefault("file_name", "nguoi.csv")
    fields.setdefault("source_path", "/nonexistent/nguoi.csv")
    fields.setdefault("file_format", ImportJob.FileFormat.CSV)
    fields.setdefault("file_sha256", "0" * 64)
    fields.setdefault("file_size", 0)
    return ImportJob.objects.create(org_unit=org_unit, created_by=created_by, **fields)

"""Memory stays flat: importing 50,000 rows peaks at about what 5,000 rows do (the file is
streamed, batches are released, and nothing kept per row grows with the file)."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from bvct.accounts.models import User
from bvct.intake import services
from bvct.intake.tests.factories import many_rows, write_csv, write_xlsx
from bvct.people.models import Person
from conftest import Tree

SMALL, LARGE = 5_000, 50_000


def peak_bytes(*, clerk: User, tree: Tree, path: Path) -> int:
    job = services.import_job_create(
        actor=clerk, org_unit=tree.commune_a1, file_name=path.name, source_path=path
    )
    gc.collect()
    tracemalloc.start()
    try:
        job = services.import_job_run(job_id=job.pk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert job.status == "done"
    return peak


def test_peak_memory_of_50000_rows_is_about_that_of_5000(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    # given two files, ten times apart, of distinct good rows
    small = write_csv(tmp_path / "small.csv", many_rows(SMALL))
    large = write_csv(tmp_path / "large.csv", many_rows(LARGE, first_serial=SMALL))
    # when each is imported under tracemalloc
    small_peak = peak_bytes(clerk=clerk, tree=tree, path=small)
    large_peak = peak_bytes(clerk=clerk, tree=tree, path=large)
    # then both were imported and the larger one needed about the same memory
    assert Person.objects.count() == SMALL + LARGE
    assert large_peak < small_peak * 1.25, (small_peak, large_peak)


@pytest.mark.parametrize("rows", [2_000])
def test_xlsx_is_streamed_too(tree: Tree, clerk: User, tmp_path: Path, rows: int) -> None:
    # an XLSX of 2,000 rows imports with a peak far below the size of its rows in memory
    path = write_xlsx(tmp_path / "nguoi.xlsx", many_rows(rows))
    peak = peak_bytes(clerk=clerk, tree=tree, path=path)
    assert Person.objects.count() == rows
    assert peak < 40 * 1024 * 1024, peak

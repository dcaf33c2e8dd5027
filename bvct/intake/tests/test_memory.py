"""Memory stays flat: importing 50,000 rows peaks at about what 5,000 rows do (the file is
streamed, batches are released, the caches are bounded, and nothing kept per row grows with the
file) — in this process and in the child that checks the rows of a large file (forked while
tracemalloc traces, it reports its own peak)."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from bvct.accounts.models import User
from bvct.intake import rows, services
from bvct.intake.tests.factories import many_rows, write_csv, write_xlsx
from bvct.intake.worker import CheckerProcess
from bvct.people.models import Person
from conftest import Tree

SMALL, LARGE = 5_000, 50_000


def peak_bytes(*, clerk: User, tree: Tree, path: Path) -> int:
    """The larger of the two processes' peaks (the child's is 0 when none ran)."""
    job = services.import_job_create(
        actor=clerk, org_unit=tree.commune_a1, file_name=path.name, source_path=path
    )
    gc.collect()
    CheckerProcess.traced_peak_bytes = 0
    tracemalloc.start()
    try:
        job = services.import_job_run(job_id=job.pk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert job.status == "done"
    return max(peak, CheckerProcess.traced_peak_bytes)


@pytest.mark.parametrize("child", [False, True], ids=["in-process", "child-process"])
def test_peak_memory_of_50000_rows_is_about_that_of_5000(
    tree: Tree, clerk: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: bool
) -> None:
    # given two files, ten times apart, of distinct good rows, checked here or in a child
    monkeypatch.setattr(services, "PARALLEL_MIN_ROWS", 0 if child else 10**9)
    # caches a hundredth of their national size: both files fill them, so what is compared is
    # everything else (with national sizes the 5,000-row file would not fill them)
    monkeypatch.setattr(rows, "WORD_CACHE_SIZE", rows.WORD_CACHE_SIZE // 100)
    monkeypatch.setattr(rows, "VALUE_CACHE_SIZE", rows.VALUE_CACHE_SIZE // 100)
    small = write_csv(tmp_path / "small.csv", many_rows(SMALL))
    large = write_csv(tmp_path / "large.csv", many_rows(LARGE, first_serial=SMALL))
    # when each is imported under tracemalloc
    small_peak = peak_bytes(clerk=clerk, tree=tree, path=small)
    large_peak = peak_bytes(clerk=clerk, tree=tree, path=large)
    # then both were imported and the larger one needed about the same memory
    assert Person.objects.count() == SMALL + LARGE
    assert large_peak < small_peak * 1.25, (small_peak, large_peak)
    assert (CheckerProcess.traced_peak_bytes > 0) == child


@pytest.mark.parametrize("rows", [2_000])
def test_xlsx_is_streamed_too(tree: Tree, clerk: User, tmp_path: Path, rows: int) -> None:
    # an XLSX of 2,000 rows imports with a peak far below the size of its rows in memory
    path = write_xlsx(tmp_path / "nguoi.xlsx", many_rows(rows))
    peak = peak_bytes(clerk=clerk, tree=tree, path=path)
    assert Person.objects.count() == rows
    assert peak < 40 * 1024 * 1024, peak

"""The rows of a large file are checked in a second process while this one writes to the database.

The per-row checks are pure Python and the GIL lets only one thread run them, so a thread could
not overlap them with the database's work. A spawned process reads the file itself, checks each
batch (`RowChecker`, exactly the checks of the in-process path) and sends it through a queue two
batches deep; the parent writes batch k (duplicate lookups, inserts, commit: mostly waiting on
PostgreSQL) while the child checks batch k+1, so the Python core and the database core work at
the same time. Memory stays flat: at most the queue's batches and one batch on each side.

Drafts travel as plain tuples (pickling dataclasses costs more than checking the row). The child
is forked (a spawned one would import Django and the caller's main module again), so it shares
the parent's database socket: it never touches the database, and it ends with `os._exit`
(multiprocessing's fork start), which closes nothing. It stops when the parent disappears (even
`kill -9`: it is re-parented), and the parent stops it when it stops early. Nothing is written
by the child, so resumability is the parent's, unchanged.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue as queues
import resource
import tracemalloc
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bvct.intake.batches import CheckedBatch
    from bvct.intake.rows import PersonDraft

QUEUE_DEPTH = 2
_POLL_SECONDS = 1.0
_ERROR, _END = "error", "end"


class CheckerProcess:
    """The child process and what the last one reported at the end: its peak resident memory,
    and its tracemalloc peak when the parent was tracing (the tests' memory bound)."""

    peak_rss_bytes: int = 0
    traced_peak_bytes: int = 0

    def __init__(
        self,
        *,
        path: str,
        file_format: str,
        positions: dict[str, int],
        after_row: int,
        batch_size: int,
        today: dt.date,
        language: str,
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._queue: Any = context.Queue(maxsize=QUEUE_DEPTH)
        self._process = context.Process(
            target=_child,
            args=(path, file_format, positions, after_row, batch_size, today, language),
            kwargs={"out": self._queue, "parent": os.getpid()},
            name="bvct-import-checker",
            daemon=True,
        )

    def batches(self) -> Generator[CheckedBatch]:
        """The checked batches, in order; raises the child's FileFormatError."""
        from bvct.intake.readers import FileFormatError  # noqa: PLC0415 (see the docstring)

        self._process.start()
        try:
            while True:
                try:
                    item = self._queue.get(timeout=_POLL_SECONDS)
                except queues.Empty:
                    if not self._process.is_alive():
                        raise RuntimeError("the row-checking process stopped") from None
                    continue
                kind = item[0]
                if kind == _END:
                    CheckerProcess.peak_rss_bytes, CheckerProcess.traced_peak_bytes = item[1:]
                    return
                if kind == _ERROR:
                    raise FileFormatError(item[1])
                yield decode(item[1])
        finally:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._queue.close()


def _child(  # noqa: PLR0917 (the job's arguments, sent once)
    path: str,
    file_format: str,
    positions: dict[str, int],
    after_row: int,
    batch_size: int,
    today: dt.date,
    language: str,
    *,
    out: Any,
    parent: int,
) -> None:
    from django.utils import translation  # noqa: PLC0415

    from bvct.intake.batches import batch_check, read_batches  # noqa: PLC0415
    from bvct.intake.readers import FileFormatError, iter_rows  # noqa: PLC0415
    from bvct.intake.rows import RowChecker  # noqa: PLC0415

    def send(item: tuple[Any, ...]) -> None:
        while True:
            try:
                out.put(item, timeout=_POLL_SECONDS)
            except queues.Full:
                if os.getppid() != parent:  # the parent is gone
                    os._exit(0)
            else:
                return

    with translation.override(language), open(path, "rb") as binary:
        rows = iter_rows(binary, file_format)
        try:
            next(rows)  # the header, matched by the parent
            checker = RowChecker(positions, today=today)
            for batch in read_batches(rows, after_row=after_row, size=batch_size):
                send(("batch", encode(batch_check(batch, checker=checker))))
        except FileFormatError as exc:
            send((_ERROR, exc.message))
            return
        finally:
            rows.close()
    traced = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
    send((_END, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, traced))


def encode(checked: CheckedBatch) -> tuple[Any, ...]:
    batch = checked.batch
    drafts = [_draft_tuple(d) for d in checked.drafts]
    return (batch.index, batch.after_row, batch.last_row, checked.read, drafts, checked.issues)


def decode(data: tuple[Any, ...]) -> CheckedBatch:
    from bvct.intake.batches import Batch, CheckedBatch  # noqa: PLC0415
    from bvct.intake.parsing import ParsedDate  # noqa: PLC0415
    from bvct.intake.rows import PersonDraft  # noqa: PLC0415

    index, after_row, last_row, read, drafts, issues = data
    day = dt.date.fromordinal
    return CheckedBatch(
        Batch(index, after_row, last_row, []),
        [
            PersonDraft(
                t[0],
                t[1],
                t[2],
                t[3],
                t[4],
                t[5],
                ParsedDate(day(t[6]), t[7]) if t[6] else None,
                t[8],
                t[9],
                t[10],
                t[11],
                t[12],
                t[13],
                t[14],
                t[15],
                t[16],
                t[17],
                day(t[18]) if t[18] else None,
                day(t[19]) if t[19] else None,
            )
            for t in drafts
        ],
        issues,
        read,
    )


def _draft_tuple(d: PersonDraft) -> tuple[Any, ...]:
    birth = d.birth
    return (
        d.row,
        d.full_name,
        d.surname,
        d.middle_name,
        d.given_name,
        d.name_key,
        birth.value.toordinal() if birth else 0,
        birth.precision if birth else "",
        d.sex,
        d.cccd,
        d.party_card_number,
        d.hometown_text,
        d.hometown_province_code,
        d.hometown_commune_code,
        d.residence_text,
        d.residence_province_code,
        d.residence_commune_code,
        d.unit_code,
        d.admission_date.toordinal() if d.admission_date else 0,
        d.official_date.toordinal() if d.official_date else 0,
    )

"""`bvct namesearch rebuild [--batch-size N] [--restart]`: (re)build the name-search index.
`bvct namesearch recount [--check]`: recompute the per-name counts from the entries (a repair),
or only report how many rows differ."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.namesearch.index import name_count_drift, recount_names
from bvct.namesearch.models import IndexRebuild
from bvct.namesearch.rebuild import rebuild_index


class Command(BaseCommand):
    help = "Name-search index operations. `rebuild`: index every person, in batches; a run "
    help += "stopped half-way resumes where it stopped (unless --restart). `recount`: recompute "
    help += "the per-name counts from the entries (triggers keep them exact; a repair)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = subcommands.add_parser("rebuild", help="Index every person (resumable).")
        rebuild.add_argument("--batch-size", type=int, default=5000)
        rebuild.add_argument(
            "--restart", action="store_true", help="Start from the first person again."
        )
        recount = subcommands.add_parser(
            "recount", help="Recompute the per-name counts from the entries."
        )
        recount.add_argument(
            "--check", action="store_true", help="Only count the rows that differ; exit 1 if any."
        )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["subcommand"] == "recount" and options["check"]:
            drift = name_count_drift()
            self.stdout.write(f"Name counts: {drift} rows differ from the entries.")
            if drift:
                raise CommandError("the name counts differ from the entries: run recount")
            return
        if options["subcommand"] == "recount":
            rows = recount_names()
            elapsed = time.perf_counter() - started
            self.stdout.write(f"Name counts recomputed in {elapsed:.1f}s: {rows} rows.")
            return

        def progress(run: IndexRebuild) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{run.people_indexed} people (up to id {run.last_person_id})")

        result = rebuild_index(
            batch_size=options["batch_size"], restart=options["restart"], progress=progress
        )
        elapsed = time.perf_counter() - started
        how = "resumed" if result.resumed else "started"
        self.stdout.write(
            f"Index rebuild {result.rebuild_id} ({how}) finished in {elapsed:.1f}s: "
            f"{result.people_indexed} people indexed."
        )

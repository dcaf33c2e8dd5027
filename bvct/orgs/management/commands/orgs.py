"""`bvct orgs load`: seed or refresh the official 2025 organisation tree (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from typing_extensions import override

from bvct.orgs.loader import load_official_units


class Command(BaseCommand):
    help = "Organisation tree operations. `load`: seed Trung ương, central organisations, "
    help += "the 34 provinces and the 3,321 commune committees (idempotent)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("load", help="Create or update the official units.")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        # `subcommand` is required, and `load` is the only one.
        started = time.perf_counter()
        stats = load_official_units()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Organisation tree loaded in {elapsed:.2f}s: {stats.created} created, "
            f"{stats.updated} updated, {stats.unchanged} unchanged ({stats.total} official units)."
        )

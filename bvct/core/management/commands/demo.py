"""`bvct demo`: load the demo (idempotent) and print its logins. Refused in production mode."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from typing_extensions import override

from bvct.core.demo import DemoRefusedError, DemoResult, demo_load


class Command(BaseCommand):
    help = "Load the demo tree, organisations and users (idempotent) and print the demo logins."

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_load()
        except DemoRefusedError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(format_logins(result))


def format_logins(result: DemoResult) -> str:
    headers = ("username", "name", "unit", "roles", "second step")
    rows = [
        (
            x.username,
            x.full_name,
            x.unit,
            ", ".join(x.roles),
            f"bvct otp code {x.username}" if x.two_factor else "-",
        )
        for x in result.logins
    ]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: tuple[str, ...]) -> str:
        cells = tuple(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    created = (
        f"(this run created {result.units_created} demo units, {result.users_created} users, "
        f"{result.people_created} people, {result.cases_created} cases and published "
        f"{result.rulesets_published} example rule sets)"
    )
    sheet = (
        f"Sample import sheet with some bad rows: {result.import_sheet}"
        if result.import_sheet
        else ""
    )
    return "\n".join(
        [
            "",
            "BVCT demo logins — DEMO ONLY, never use these accounts or this password in production",
            "",
            line(headers),
            rule,
            *(line(row) for row in rows),
            "",
            f"Password for every demo login: {result.password}",
            "Officers, approvers, registrars, auditors and admin then need a code from an "
            "authenticator app: the demo gave them one; in another terminal, "
            "`bvct otp code USERNAME` prints its current code (demo only).",
            created,
            sheet,
            "",
        ]
    )

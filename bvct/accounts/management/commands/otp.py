"""`bvct otp code USERNAME`: the current code of a demo user's demo authenticator.

Demo only: refused in production and when BVCT_DEBUG is off, and only for the devices that
`bvct demo` created (named "demo"); an authenticator a user added stays on their phone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.accounts.services import demo_code
from bvct.core.errors import DomainError


class Command(BaseCommand):
    help = "Two-step login in the demo: `code USERNAME` prints a demo user's current code."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        code = subcommands.add_parser("code", help="Print the demo user's current code.")
        code.add_argument("username")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(demo_code(username=options["username"]))
        except DomainError as exc:
            raise CommandError(exc.message) from exc

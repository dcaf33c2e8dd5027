"""`bvct tick [--date DD/MM/YYYY]`: run the periodic jobs once (`bvct.ops.jobs`): escalate
overdue case steps to the superior unit; remind the addressees of verification letters due soon
and escalate the overdue ones; remind return reports of trips abroad; remove expired sessions
and old background-task results.

Run it daily (systemd timer or cron: `deploy/`). Idempotent: a step is escalated once per due
date, a reminder sent once per due date, so a second run the same day changes nothing. Each run
is one `ops.tick` audit event and one log line per job; a failed job makes the exit status 1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.ops.services import tick_run


class Command(BaseCommand):
    help = "Run the periodic jobs once: escalations, reminders, clean-ups (idempotent)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Pretend today is this day (DD/MM/YYYY).")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.datetime.strptime(options["date"], "%d/%m/%Y").date()  # noqa: DTZ007
            except ValueError as exc:
                raise CommandError("--date: use DD/MM/YYYY") from exc
        report = tick_run(today=today)
        for result in report.results.values():
            self.stdout.write(result.line)
        if not report.ok:
            raise CommandError("tick: failed job(s): " + ", ".join(report.failed))

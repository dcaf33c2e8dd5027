"""`bvct tick [--date DD/MM/YYYY]`: escalate every overdue step to the superior unit; remind the
addressees of verification letters due soon and escalate the overdue ones.

Run it daily (cron or a systemd timer). Idempotent: a step is escalated once per due date, so a
second run the same day escalates nothing; a step extended and overdue again escalates again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.travel.services import remind_reports
from bvct.verification.tracking import remind_and_escalate
from bvct.vetting.clocks import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue case steps and verification letters; send reminders (idempotent)."

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
        steps = escalate_overdue(today=today)
        self.stdout.write(f"escalated {len(steps)} overdue step(s)")
        letters = remind_and_escalate(today=today)
        self.stdout.write(
            f"reminded {len(letters.reminded)} and escalated {len(letters.escalated)} "
            "verification request(s)"
        )
        trips = remind_reports(today=today)
        self.stdout.write(f"reminded {len(trips)} return report(s) of trips abroad")

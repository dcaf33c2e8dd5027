"""`bvct worker [db_worker options]`: the background worker (django-tasks database backend).

Runs `db_worker` on every queue, without the autoreloader, without the start-up delay; any
option of `db_worker` may follow (`--batch` runs what is queued and exits, `--max-tasks N`).
Stops after the running task on SIGTERM (systemd: `deploy/bvct-worker.service`).
"""

from __future__ import annotations

import signal
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from typing_extensions import override


class Command(BaseCommand):
    help = "Run the background worker (django-tasks database backend)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--max-tasks", type=int, help="exit after this many tasks")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--queue-name", default="*", help="queues (comma-separated, * = all)")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        extra: dict[str, Any] = {}
        if options["max_tasks"]:
            extra["max_tasks"] = options["max_tasks"]
        # db_worker installs its own SIGINT/SIGTERM handlers; put the caller's back afterwards
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._run(options, extra)
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)

    def _run(self, options: dict[str, Any], extra: dict[str, Any]) -> None:
        call_command(
            "db_worker",
            queue_name=options["queue_name"],
            interval=options["interval"],
            batch=options["batch"],
            reload=False,
            startup_delay=False,
            verbosity=options["verbosity"],
            stdout=self.stdout,
            **extra,
        )

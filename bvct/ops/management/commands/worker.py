"""`bvct worker [db_worker options]`: the background worker (django-tasks database backend).

Runs `db_worker` on every queue, without the autoreloader, without the start-up delay; any
option of `db_worker` may follow (`--batch` runs what is queued and exits, `--max-tasks N`).
Stops after the running task on SIGTERM (systemd: `deploy/bvct-worker.service`).
"""

from __future__ import annotations

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

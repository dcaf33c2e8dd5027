"""`bvct serve [--bind HOST:PORT] [--workers N]`: the production web server (gunicorn).

Defaults from the environment: `BVCT_BIND` (127.0.0.1:8000), `BVCT_WORKERS` (2 × cores + 1),
`BVCT_WORKER_TIMEOUT` (60 s). Stops gracefully on SIGTERM (systemd: `deploy/bvct-web.service`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from typing_extensions import override

from bvct.ops.server import Server, check_static_files, gunicorn_options


class Command(BaseCommand):
    help = "Serve BVCT with gunicorn (production)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="HOST:PORT or unix:PATH (default: BVCT_BIND)")
        parser.add_argument(
            "--workers", type=int, help="worker processes (default: BVCT_WORKERS or 2 × cores + 1)"
        )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        check_static_files()
        logging.captureWarnings(capture=True)  # a warning is a log line too (JSON in production)
        Server(gunicorn_options(bind=options["bind"], workers=options["workers"])).run()

"""`bvct restore PATH --yes`: replace the configured database by a backup of `bvct backup`.

Checks the dump against its manifest (SHA-256, kind of database) first; without `--yes` it only
says what would be replaced. Afterwards it compares the row count of every table and the
audit-chain head with the manifest, and exits with status 1 if they differ. Stop the web
server, the worker and the tick timer first (PostgreSQL refuses while other sessions are open).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from typing_extensions import override

from bvct.ops.backup import BackupError, restore_check
from bvct.ops.services import restore_run


class Command(BaseCommand):
    help = "Restore the database from a `bvct backup` dump (replaces every row)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the dump written by `bvct backup`")
        parser.add_argument(
            "--yes", action="store_true", help="really replace the configured database"
        )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        dump: Path = options["path"]
        try:
            manifest = restore_check(dump)
            head = manifest.audit_head
            if not options["yes"]:
                raise CommandError(
                    f"this replaces every row of the {connection.vendor} database "
                    f"{connection.settings_dict['NAME']} with the backup of {manifest.created_at} "
                    f"(audit head #{head.seq}); run again with --yes to go ahead"
                )
            problems = restore_run(dump=dump, manifest=manifest)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            for problem in problems:
                self.stderr.write(f"MISMATCH: {problem}")
            raise CommandError(f"restored {dump}, but it differs from its manifest")
        self.stdout.write(
            f"restored {dump}: {len(manifest.tables)} tables match, audit head #{head.seq} "
            f"{head.hash}; recorded as #{head.seq + 1}"
        )

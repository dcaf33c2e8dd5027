"""`bvct backup [PATH]`: a consistent backup of the configured database and its manifest.

SQLite through the online backup API, PostgreSQL through `pg_dump -Fc` in one snapshot; the
manifest beside it (`PATH.manifest.json`) holds the row counts and the audit-chain head.
Default PATH: `var/backups/bvct-<UTC time>.sqlite3` (or `.dump`). See docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.ops.backup import BackupError, manifest_path
from bvct.ops.services import backup_run


class Command(BaseCommand):
    help = "Back up the database (SQLite backup API or pg_dump) with a manifest."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="where to write the dump")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target, manifest = backup_run(path=options["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        head = manifest.audit_head
        self.stdout.write(
            f"backup {target} ({manifest.size} bytes, {len(manifest.tables)} tables, "
            f"audit head #{head.seq} {head.hash})"
        )
        self.stdout.write(f"manifest {manifest_path(target)}")

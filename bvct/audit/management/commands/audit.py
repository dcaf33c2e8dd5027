"""`bvct audit verify [--against FILE]` and `bvct audit checkpoint [--out FILE]`.

verify      walks the hash chain; prints "OK: N events, head #S <hash>" (exit 0) or
            "TAMPERED: first bad sequence #S: <reason>" (exit 1). With --against, also checks a
            signed checkpoint: its signature and key, and that the chain still holds its head
            (detects truncation and wholesale rewrites). Every run is recorded (audit event
            "audit.chain.verify"), which is what the auditors' home page looks at: run it daily.
checkpoint  signs the chain head into a new file (default
            var/audit-checkpoints/checkpoint-<seq>.json) and prints its path and the head. Keep
            the file away from the database's machine.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.audit import services
from bvct.audit.checkpoint import CheckpointFileError, SigningKeyError, checkpoint_read


class Command(BaseCommand):
    help = "Audit log operations: `verify [--against FILE]`, `checkpoint [--out FILE]`."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser("verify", help="Verify the hash chain (exit 1: tampered).")
        verify.add_argument(
            "--against", type=Path, metavar="FILE", help="Also verify against a signed checkpoint."
        )
        checkpoint = subcommands.add_parser("checkpoint", help="Export a signed chain head.")
        checkpoint.add_argument(
            "--out", type=Path, metavar="FILE", help="Where to write it (must not exist)."
        )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "verify":
                self._verify(options["against"])
            else:
                self._checkpoint(options["out"])
        except (SigningKeyError, CheckpointFileError) as exc:
            raise CommandError(str(exc)) from exc

    def _verify(self, against: Path | None) -> None:
        checkpoint = checkpoint_read(against) if against is not None else None
        result, _record = services.chain_verify(actor=None, checkpoint=checkpoint)
        self.stdout.write(result.line())
        if not result.ok:
            sys.exit(1)

    def _checkpoint(self, out: Path | None) -> None:
        try:
            path, checkpoint = services.checkpoint_create(actor=None, out=out)
        except services.ChainTamperedError as exc:
            self.stdout.write(exc.message)
            sys.exit(1)
        self.stdout.write(f"{path}\nhead #{checkpoint.seq} {checkpoint.hash}")

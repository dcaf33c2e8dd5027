"""`bvct keys generate | status | rotate`: the field-encryption keys (docs/encryption.md).

generate  prints a new random 256-bit key as `<id>:<base64>`, to add in front of BVCT_KEYS
          (then set BVCT_ACTIVE_KEY to its id), or with --blind-index a key for
          BVCT_BLIND_INDEX_KEY. Nothing is stored.
status    the configured KEK ids (the active one marked) and how many dossier data keys are
          wrapped under each KEK id; a KEK id in use but not configured is named (those dossiers
          cannot be opened).
rotate    re-wraps every data key not under the active KEK, in batches that are each their own
          transaction (audited as people.keys.rotate): safe to stop (even kill -9) and run again,
          it resumes with what is left. Prints one progress line per batch.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.core import crypto
from bvct.people import dossier_keys


class Command(BaseCommand):
    help = "Field-encryption keys: `generate [--id ID | --blind-index]`, `status`, `rotate`."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        generate = subcommands.add_parser("generate", help="Print a new random key.")
        generate.add_argument("--id", default="", help="Key id (default: k<next number>).")
        generate.add_argument(
            "--blind-index", action="store_true", help="A key for BVCT_BLIND_INDEX_KEY instead."
        )
        subcommands.add_parser("status", help="Data keys per key-encryption key.")
        rotate = subcommands.add_parser("rotate", help="Re-wrap data keys under the active KEK.")
        rotate.add_argument("--batch-size", type=int, default=dossier_keys.ROTATE_BATCH)

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['subcommand']}")(options)
        except crypto.SealError as exc:
            raise CommandError(str(exc)) from exc

    def _generate(self, options: dict[str, Any]) -> None:
        encoded = crypto.b64encode(crypto.new_key())
        if options["blind_index"]:
            self.stdout.write(encoded)
            return
        key_id = options["id"].strip().lower() or self._next_id()
        if not re.fullmatch(r"[a-z0-9_-]{1,20}", key_id):
            msg = "--id: 1 to 20 characters a-z 0-9 - _"
            raise CommandError(msg)
        self.stdout.write(f"{key_id}:{encoded}")

    def _next_id(self) -> str:
        try:
            ids = list(crypto.keyring().keks)
        except Exception:  # no usable keyring yet: start at k1
            ids = []
        numbers = [int(m.group(1)) for i in ids if (m := re.fullmatch(r"k(\d+)", i))]
        return f"k{max(numbers, default=0) + 1}"

    def _status(self, options: dict[str, Any]) -> None:
        ring = crypto.keyring()
        counts = dossier_keys.key_status()
        self.stdout.write(f"keys from: {ring.source}")
        for key_id in sorted(set(ring.keks) | set(counts)):
            mark = " (active)" if key_id == ring.active else ""
            state = "" if key_id in ring.keks else "  NOT CONFIGURED: these dossiers cannot be read"
            self.stdout.write(f"{key_id}{mark}: {counts.get(key_id, 0)} data keys{state}")
        left = sum(n for key_id, n in counts.items() if key_id != ring.active)
        self.stdout.write(f"to rotate: {left}")

    def _rotate(self, options: dict[str, Any]) -> None:
        size = options["batch_size"]
        if size < 1:
            msg = "--batch-size must be at least 1"
            raise CommandError(msg)
        ring = crypto.keyring()

        def progress(batch: int, done: int, left: int) -> None:
            self.stdout.write(f"batch {batch}: {done} re-wrapped under {ring.active}, {left} left")

        result = dossier_keys.rotate(actor=None, batch_size=size, progress=progress)
        self.stdout.write(
            f"done: {result.rewrapped} data keys re-wrapped in {result.batches} batches; "
            f"all {sum(dossier_keys.key_status().values())} under {ring.active}"
        )

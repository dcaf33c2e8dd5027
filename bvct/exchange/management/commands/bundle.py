"""`bvct bundle export --to SITE [--out FILE]` and `bvct bundle import FILE`.

export   packs every item waiting for SITE into one signed, encrypted bundle, kept under
         var/exchange/ and copied to --out; prints the path, the item count and the size.
import   verifies a bundle (recipient, sender's pinned key, signature, freshness, replay) and
         applies all of its items in one transaction, or none; writes our receipt bundle and
         prints its path. A receipt bundle marks our items delivered or rejected.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.core.errors import DomainError
from bvct.exchange import services
from bvct.exchange.management.commands.site import actor_for
from bvct.exchange.models import Bundle, Peer


class Command(BaseCommand):
    help = "Exchange bundles with a pinned site: export, import."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="Pack the pending items for a site.")
        export.add_argument("--to", required=True, metavar="SITE")
        export.add_argument("--out", type=Path, metavar="FILE")
        imp = sub.add_parser("import", help="Import a bundle or a receipt.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--receipt-out", type=Path, metavar="FILE")
        for p in (export, imp):
            p.add_argument("--as", dest="username", metavar="USERNAME")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "export":
                self._export(options)
            else:
                self._import(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _export(self, options: dict[str, Any]) -> None:
        peer = Peer.objects.filter(site_id=options["to"].strip().upper()).first()
        if peer is None:
            raise CommandError(f"--to: no pinned site {options['to']!r}")
        bundle = services.bundle_export(actor=actor_for(options["username"]), peer=peer)
        path = services.exchange_dir() / bundle.file_name
        if options["out"] is not None:
            shutil.copyfile(path, options["out"])
            path = options["out"]
        self.stdout.write(f"{path}\n{bundle.item_count} items, {bundle.size} bytes")

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        bundle = services.bundle_import(actor=actor_for(options["username"]), data=data)
        if bundle.kind == Bundle.Kind.RECEIPT:
            self.stdout.write(f"receipt recorded for bundle {bundle.receipt_for}")
            return
        receipt = bundle.receipt
        out = services.exchange_dir() / receipt.file_name
        if options["receipt_out"] is not None:
            shutil.copyfile(out, options["receipt_out"])
            out = options["receipt_out"]
        self.stdout.write(
            f"{bundle.get_status_display()}: {bundle.item_count} items\nreceipt {out}"
        )
        for entry in bundle.items:
            if entry["outcome"] == services.OUTCOME_REJECTED:
                self.stdout.write(f"  rejected {entry['id']}: {entry['reason']}")

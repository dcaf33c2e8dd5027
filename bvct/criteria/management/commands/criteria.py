"""`bvct criteria rescreen --purpose P [--node CODE] [--date YYYY-MM-DD] [--store]`,
`bvct criteria import FILE --as USERNAME`, `bvct criteria export CODE [--number N] [--out FILE]`."""

from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from typing_extensions import override

from bvct.accounts.models import User
from bvct.core.errors import DomainError
from bvct.criteria import services
from bvct.criteria.models import Purpose, RuleSetVersion
from bvct.criteria.rescreen import RescreenResult, rescreen_run
from bvct.criteria.yaml_io import version_to_yaml
from bvct.orgs.models import OrgUnit


class Command(BaseCommand):
    help = "Rule sets: batch re-screening, YAML import and export."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rescreen = sub.add_parser("rescreen", help="re-evaluate everyone for a purpose")
        rescreen.add_argument("--purpose", required=True, choices=Purpose.values)
        rescreen.add_argument("--node", help="org unit code: only its subtree")
        rescreen.add_argument("--date", type=datetime.date.fromisoformat, help="default: today")
        rescreen.add_argument("--store", action="store_true", help="store the evaluations")
        rescreen.add_argument("--batch-size", type=int, default=5000)
        imp = sub.add_parser("import", help="import a YAML rule set as a new draft version")
        imp.add_argument("file", type=Path)
        imp.add_argument("--as", dest="username", required=True, help="administrator username")
        exp = sub.add_parser("export", help="print a rule-set version as YAML")
        exp.add_argument("code")
        exp.add_argument("--number", type=int, help="default: the latest version")
        exp.add_argument("--out", type=Path)

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _rescreen(self, options: dict[str, Any]) -> None:
        node = None
        if options["node"]:
            node = OrgUnit.objects.filter(code=options["node"]).first()
            if node is None:
                raise CommandError(f"--node: no org unit with code {options['node']!r}")
        started = time.perf_counter()

        def progress(result: RescreenResult) -> None:
            rate = result.total / max(time.perf_counter() - started, 1e-9)
            self.stderr.write(f"\r{result.total} evaluated ({rate:,.0f}/s)", ending="")

        result = rescreen_run(
            purpose=options["purpose"],
            as_of=options["date"] or timezone.localdate(),
            node=node,
            store=options["store"],
            batch_size=options["batch_size"],
            progress=progress if sys.stderr.isatty() else None,
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{result.version.ruleset.code} v{result.version.number}, "
            f"{result.purpose}, {result.as_of.isoformat()}: {result.total} people, {elapsed:.1f} s"
        )
        for outcome, count in sorted(result.counts.items()):
            self.stdout.write(f"  {outcome}: {count}")
        if options["store"]:
            self.stdout.write(f"  stored: {result.stored}")

    def _import(self, options: dict[str, Any]) -> None:
        actor = User.objects.filter(username=options["username"]).first()
        if actor is None:
            raise CommandError(f"--as: no user {options['username']!r}")
        version = services.ruleset_import(actor=actor, text=options["file"].read_text("utf-8"))
        self.stdout.write(f"{version.ruleset.code} v{version.number}: draft imported")

    def _export(self, options: dict[str, Any]) -> None:
        versions = RuleSetVersion.objects.filter(ruleset__code=options["code"])
        if options["number"]:
            versions = versions.filter(number=options["number"])
        version = versions.order_by("-number").first()
        if version is None:
            raise CommandError(f"no version of rule set {options['code']!r}")
        text = version_to_yaml(version)
        if options["out"]:
            options["out"].write_text(text, "utf-8")
        else:
            self.stdout.write(text, ending="")

"""`bvct site init|identity|pin|demo`: this site's identity and the peers it trusts.

init      --id HN --name "…" --serves T01 [T02 …]   names the site, the subtrees it serves, and
          generates its Ed25519 (signing) and X25519 (encryption) keys under var/site-keys/.
identity  [--out FILE]   prints (and writes) the public identity and its fingerprint, to hand
          to a peer and read over the phone.
pin FILE  --fingerprint "…"   pins a peer's identity; refuses a fingerprint that does not match.
demo      adds the demo officer of Đà Nẵng (`dn.officer`) to a second demo site (docs/exchange.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from typing_extensions import override

from bvct.accounts.models import Role, RoleCode, User
from bvct.core.errors import DomainError
from bvct.exchange import services
from bvct.orgs.models import OrgUnit


def actor_for(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--as: no user {username!r}")
    return user


class Command(BaseCommand):
    help = "This site's exchange identity: init, identity, pin, demo."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        init = sub.add_parser("init", help="Set up this site and generate its keys.")
        init.add_argument("--id", required=True, dest="site_id")
        init.add_argument("--name", default="")
        init.add_argument("--serves", nargs="+", required=True, metavar="CODE")
        identity = sub.add_parser("identity", help="Print this site's public identity.")
        identity.add_argument("--out", type=Path, metavar="FILE")
        pin = sub.add_parser("pin", help="Pin a peer's identity file.")
        pin.add_argument("file", type=Path)
        pin.add_argument("--fingerprint", required=True)
        sub.add_parser("demo", help="Add the Đà Nẵng demo officer to a second demo site.")
        for p in (init, pin):
            p.add_argument("--as", dest="username", metavar="USERNAME")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['subcommand']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _init(self, options: dict[str, Any]) -> None:
        site = services.site_init(
            actor=actor_for(options["username"]),
            site_id=options["site_id"],
            name=options["name"],
            serves=options["serves"],
        )
        self.stdout.write(f"site {site.site_id}\nfingerprint {services.fingerprint()}")

    def _identity(self, options: dict[str, Any]) -> None:
        data = services.identity()
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if options["out"] is not None:
            options["out"].write_text(text, encoding="utf-8")
        self.stdout.write(
            f"site {data['site_id']} ({data['name']}) serves {' '.join(data['serves'])}\n"
            f"fingerprint {data['fingerprint']}"
        )

    def _pin(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        peer = services.peer_pin(
            actor=actor_for(options["username"]), data=data, fingerprint=options["fingerprint"]
        )
        self.stdout.write(f"pinned {peer.site_id} ({peer.name})")

    def _demo(self, options: dict[str, Any]) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("the demo refuses to run in production mode")
        from bvct.core.demo import DEMO_PASSWORD  # noqa: PLC0415

        unit = OrgUnit.objects.filter(name="Đảng bộ thành phố Đà Nẵng").first()
        if unit is None:
            raise CommandError("load the official tree first: bvct orgs load")
        user, created = User.objects.get_or_create(
            username="dn.officer", defaults={"full_name": "Cán bộ Đà Nẵng", "org_unit": unit}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.clearance = 1
            user.save()
            user.roles.set([Role.objects.get_or_create(code=RoleCode.OFFICER)[0]])
        self.stdout.write(f"dn.officer at {unit.name} ({unit.code}); password: the demo password")

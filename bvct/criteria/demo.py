"""Shipped EXAMPLE rule sets (bvct/criteria/rulesets/*.yaml), for `bvct demo`.

They are examples, marked so in Vietnamese in their names, descriptions and a banner on every page
that shows them, built only from structural facts, with citations marked unconfirmed. They must be
replaced by the official criteria. Imported as the demo administrator and published by the Hà Nội
demo approver through the same services (and the same impact digest) as in the UI.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from bvct.accounts.models import User
from bvct.criteria import selectors, services
from bvct.criteria.models import RuleSet
from bvct.criteria.yaml_io import parse_ruleset_yaml

RULESETS_DIR = Path(__file__).resolve().parent / "rulesets"
AUTHOR = "admin"
APPROVER = "hn.approver"


def example_files() -> list[Path]:
    return sorted(RULESETS_DIR.glob("*.yaml"))


@transaction.atomic
def load_demo_rulesets(*, author: str = AUTHOR, approver: str = APPROVER) -> int:
    """Import and publish the examples that are missing (idempotent); returns how many were
    published. Needs the demo users (`bvct demo` creates them first); without them, does nothing."""
    users = {u.username: u for u in User.objects.filter(username__in=[author, approver])}
    if author not in users or approver not in users:
        return 0
    published = 0
    for path in example_files():
        text = path.read_text("utf-8")
        if RuleSet.objects.filter(code=parse_ruleset_yaml(text).code).exists():
            continue
        version = services.ruleset_import(actor=users[author], text=text)
        services.version_publish(
            actor=users[approver],
            version=version,
            effective_from=version.effective_from,
            impact_digest=selectors.impact_digest(version, version.effective_from),
        )
        published += 1
    return published

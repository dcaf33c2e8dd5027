"""Organisation-tree benchmark: official load, subtree counts and unit search at ~60,000 nodes.

    # SQLite (its own file)
    BVCT_SQLITE_PATH=var/bench/orgs.sqlite3 .venv/bin/python bench/orgs_bench.py
    # PostgreSQL (its own database: createdb -h 127.0.0.1 -U postgres bvct_bench_orgs)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_bench_orgs \
        .venv/bin/python bench/orgs_bench.py

Steps: migrate; time `load_official_units()` on an empty tree (cold) and again (warm, nothing to
do); add synthetic grassroots organisations and chi bộ under every commune until the tree has
`--nodes` nodes; then time, as a national officer and as a Hà Nội officer, the subtree count and
`unit_search` for four query kinds (name with diacritics, without, one typo, code), `--queries`
random targets each, and print p50/p95 in milliseconds. A benchmark, not a test: it never runs
in `make test`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bvct.access.policy import org_units_visible_to  # noqa: E402
from bvct.accounts.models import Role, User  # noqa: E402
from bvct.core.text import fold  # noqa: E402
from bvct.orgs.loader import UnitSpec, load_official_units, load_units  # noqa: E402
from bvct.orgs.models import OrgUnit  # noqa: E402
from bvct.orgs.selectors import unit_search  # noqa: E402

GRASSROOTS = ["Trường Tiểu học", "Trường THCS", "Trường THPT", "Công ty", "Bệnh viện", "Tổ dân phố"]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def grow(target: int, rng: random.Random) -> None:
    communes = list(OrgUnit.objects.filter(kind="commune").values_list("code", "name"))
    specs: list[UnitSpec] = []
    n = OrgUnit.objects.count()
    i = 0
    while n + len(specs) < target:
        code, name = communes[i % len(communes)]
        place = name.replace("Đảng bộ ", "")
        g = f"BENCH-{i}"
        specs.append(
            UnitSpec(g, f"Đảng bộ {rng.choice(GRASSROOTS)} {place} số {i}", "grassroots", code)
        )
        branches = range(rng.randint(2, 6))
        specs.extend(UnitSpec(f"{g}-{j}", f"Chi bộ {j + 1} {place}", "branch", g) for j in branches)
        i += 1
    root = OrgUnit.objects.get(code="TW")
    head = UnitSpec(root.code, root.name, root.kind, None)
    for start in range(0, len(specs), 20_000):
        load_units([head, *specs[start : start + 20_000]])


def officer(username: str, code: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"org_unit": OrgUnit.objects.get(code=code)}
    )
    user.roles.set([Role.objects.get_or_create(code="officer")[0]])
    return User.objects.get(pk=user.pk)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    k = rng.randrange(1, len(word) - 1)
    return word[:k] + word[k + 1 :]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=60_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(7)
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    if not OrgUnit.objects.exists():
        print(f"official load, cold: {timed(load_official_units):.0f} ms")
    print(f"official load, warm: {timed(load_official_units):.0f} ms")
    grow(args.nodes, rng)
    print(f"nodes: {OrgUnit.objects.count()}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE orgs_orgunit")
    actors = {"national": officer("bench.tw", "TW"), "Hà Nội": officer("bench.hn", "T01")}
    for label, actor in actors.items():
        counts = [timed(lambda a=actor: org_units_visible_to(a).count()) for _ in range(20)]
        print(f"[{label}] subtree count p50 {statistics.median(counts):.1f} ms")
        scope = list(org_units_visible_to(actor).values_list("name", "code"))
        kinds: dict[str, Callable[[str, str], str]] = {
            "name": lambda name, code: name.replace("Đảng bộ ", ""),
            "no diacritics": lambda name, code: fold(name.replace("Đảng bộ ", "")),
            "one typo": lambda name, code: " ".join(
                typo(w, rng) for w in fold(name.replace("Đảng bộ ", "")).split()
            ),
            "code": lambda name, code: code,
        }
        for kind, make in kinds.items():
            times = []
            for name, code in rng.sample(scope, min(args.queries, len(scope))):
                query = make(name, code)
                times.append(timed(lambda q=query, a=actor: unit_search(actor=a, query=q)))
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"[{label}] {kind:14} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()

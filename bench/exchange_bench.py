"""Exchange benchmark: one bundle of 10,000 items, exported and imported (issue 13).

    env -u DATABASE_URL BVCT_VAR_DIR=var/bench-exchange \
        .venv/bin/python bench/exchange_bench.py --items 10000

One database plays site A (serving Tỉnh A) with a peer B (serving Tỉnh B) whose keys live in
this process, like the tests' `FakePeer`. Export: A holds `--items` submitted periodic reports
addressed to Tỉnh B's node; `bundle_export` builds, signs, compresses and encrypts them into one
file (timed). Import: B seals `--items` report items addressed to A (same payloads, retargeted);
`bundle_import` decrypts, verifies, applies all of them in one transaction and writes the
signed receipt (timed). Prints times, file sizes and rows. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from bvct.accounts.models import User  # noqa: E402
from bvct.exchange import services  # noqa: E402
from bvct.exchange.models import LocalSite, Peer  # noqa: E402
from bvct.exchange.tests.factories import FakePeer  # noqa: E402
from bvct.orgs.models import OrgUnit  # noqa: E402
from bvct.orgs.tests.factories import make_child, make_root  # noqa: E402
from bvct.reports.models import PeriodicReport  # noqa: E402


def tree() -> tuple[OrgUnit, OrgUnit, OrgUnit]:
    root = OrgUnit.objects.filter(code="BENCH-TW").first()
    if root is None:
        root = make_root(code="BENCH-TW", name="Trung ương (bench)")
        make_child(root, code="BENCH-A", name="Tỉnh A (bench)", kind="province")
        make_child(root, code="BENCH-B", name="Tỉnh B (bench)", kind="province")
    return root, OrgUnit.objects.get(code="BENCH-A"), OrgUnit.objects.get(code="BENCH-B")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    n = parser.parse_args().items
    call_command("migrate", verbosity=0)
    _root, prov_a, prov_b = tree()
    if not LocalSite.objects.exists():
        services.site_init(actor=None, site_id="A", name="A", serves=["BENCH-A"])
    peer_b = FakePeer("B", [prov_b])
    peer = Peer.objects.filter(site_id="B").first() or peer_b.pin()
    if peer.signing_key != peer_b.identity()["signing_key"]:
        sys.exit("run on a fresh BVCT_VAR_DIR / database: peer B was pinned by an earlier run")
    author = User.objects.get_or_create(username="bench.approver")[0]
    now = timezone.now()
    PeriodicReport.objects.bulk_create(
        [
            PeriodicReport(
                org_unit=prov_a,
                period="month",
                year=2000 + i // 12,
                part=i % 12 + 1,
                starts_on="2026-01-01",
                ends_on="2026-01-31",
                version=1,
                reference=f"Số {i + 1:05d}-BC/A",
                data={
                    "sections": [
                        {
                            "key": "cases",
                            "rows": [{"key": "open", "label": "Đang giải quyết", "total": i % 97}],
                        }
                    ]
                },
                clearance=0,
                submitted_by=author,
                submitted_at=now,
                submitted_to=prov_b,
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    started = time.perf_counter()
    sent = services.bundle_export(actor=None, peer=peer)
    export_s = time.perf_counter() - started
    opened = peer_b.open(services.read_bundle_file(sent))
    items = []
    for item in opened.items:
        payload = dict(item["payload"], org_unit="BENCH-B", submitted_to="BENCH-A")
        items.append(
            {"id": item["id"].replace("A/", "B/", 1), "kind": "report", "payload": payload}
        )
    started = time.perf_counter()
    data = peer_b.seal(items, recipient="A")
    seal_s = time.perf_counter() - started
    started = time.perf_counter()
    received = services.bundle_import(actor=None, data=data)
    import_s = time.perf_counter() - started
    print(f"items: {n}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"export (query, build, sign, compress, encrypt, record): {export_s:.2f} s")
    print(f"  file {sent.size:,} bytes")
    print(f"seal by the peer (for the import): {seal_s:.2f} s, file {len(data):,} bytes")
    print(f"import (decrypt, verify, apply in one transaction, receipt): {import_s:.2f} s")
    print(f"  {received.item_count} items, status {received.status}")


if __name__ == "__main__":
    main()

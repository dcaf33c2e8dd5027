"""What the name-count triggers cost the index writers (PostgreSQL, a loaded bench database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_typo_bench \\
        .venv/bin/python bench/namecount_writes.py [--people 20000] [--rounds 2]

`--people` indexed people (from the 300,000th) are taken out of the index and written again in
calls of 1,000 — `index_new_rows` (the importer's COPY path), `index_rows` of new entries
(`index_people`) and `index_rows` of unchanged ones (a rebuild over a live index) — with the
entry table's triggers enabled and disabled, each in a transaction rolled back at the end, so
the database is left as it was. Prints people per second; run `VACUUM` on
`namesearch_searchnamecount` afterwards (rolled-back updates leave dead rows).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from bvct.namesearch.index import (  # noqa: E402
    PERSON_ROW_FIELDS,
    PersonRow,
    index_new_rows,
    index_rows,
)
from bvct.people.models import Person  # noqa: E402

CALL = 1000


def run(
    label: str,
    write: Callable[[Sequence[PersonRow]], None],
    rows: list[PersonRow],
    *,
    triggers: bool,
    fresh: bool,
) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            if not triggers:
                cursor.execute("ALTER TABLE namesearch_searchentry DISABLE TRIGGER USER")
            if fresh:
                cursor.execute(
                    "DELETE FROM namesearch_searchentry WHERE person_id = ANY(%s)",
                    [[row.pk for row in rows]],
                )
        started = time.perf_counter()
        for first in range(0, len(rows), CALL):
            write(rows[first : first + CALL])
        took = time.perf_counter() - started
        transaction.set_rollback(True)
    print(f"{label:40s} triggers={triggers!s:5s} {took:6.2f} s  {len(rows) / took:6.0f} people/s")  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (the COPY path)")
    people = Person.objects.order_by("pk").values_list(*PERSON_ROW_FIELDS)
    rows = [PersonRow(*values) for values in people[300_000 : 300_000 + args.people]]
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}")  # noqa: T201
    for _ in range(args.rounds):
        for triggers in (True, False):
            run("index_new_rows (COPY)", index_new_rows, rows, triggers=triggers, fresh=True)
            run("index_rows, new entries", index_rows, rows, triggers=triggers, fresh=True)
            run("index_rows, unchanged (rebuild)", index_rows, rows, triggers=triggers, fresh=False)
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}")  # noqa: T201


if __name__ == "__main__":
    main()

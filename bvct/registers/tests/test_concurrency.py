"""Numbers stay unique and gap-free with 8 registrars registering 100 entries each at once."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from bvct.accounts.models import User
from bvct.audit.services import chain_verify
from bvct.orgs.tests.factories import make_child, make_root
from bvct.registers import services
from bvct.registers.defaults import seed_default_periods
from bvct.registers.models import Entry, Register
from bvct.registers.tests.factories import make_registrar, outgoing
from tests.concurrency import own_connection, sqlite_file_copy

WRITERS, EACH = 8, 100


@pytest.mark.django_db(transaction=True)
def test_eight_writers_hundred_entries_each_unique_and_gap_free(tmp_path: Path) -> None:
    seed_default_periods()
    unit = make_child(make_child(make_root(), kind="province"), kind="commune")
    registrars = [make_registrar(unit) for _ in range(WRITERS)]
    file_settings = sqlite_file_copy(tmp_path / "registers.sqlite3")
    if file_settings is not None:
        # SQLite has one writer at a time and no queue: over 800 transactions a writer can wait
        # longer than the 5 s busy timeout of the settings. The numbering is what is under test,
        # so the writers here wait as long as it takes.
        options = dict(file_settings["OPTIONS"])
        options["init_command"] = options["init_command"].replace(
            "busy_timeout=5000", "busy_timeout=120000"
        )
        file_settings = {**file_settings, "OPTIONS": options}
    start = threading.Barrier(WRITERS)
    taken: list[int] = []
    errors: list[BaseException] = []

    def write(registrar: User) -> None:
        with own_connection(file_settings):
            try:
                start.wait()
                for i in range(EACH):
                    entry = services.entry_register(
                        actor=registrar,
                        org_unit=unit,
                        kind="out",
                        data=outgoing(
                            doc_number=f"{registrar.pk}-{i}/ĐU",
                            registered_on=None,
                            doc_date=dt.date(2026, 1, 2),
                        ),
                    )
                    taken.append(entry.number)
            except BaseException as exc:  # reported below
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(r,)) for r in registrars]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = WRITERS * EACH
    assert sorted(taken) == list(range(1, total + 1))
    with own_connection(file_settings):
        numbers = list(Entry.objects.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, total + 1))
        assert Register.objects.get(org_unit_id=unit.pk).last_number == total
        assert chain_verify(actor=None)[0].ok

"""Document numbers: continuous from 01 per (issuing unit, document type, term)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.db import transaction

from bvct.orgs.tests.factories import make_child, make_root
from bvct.vetting import numbering
from bvct.vetting.models import CommitteeTerm, DocumentSequence
from conftest import Tree
from tests.concurrency import own_connection, sqlite_file_copy

D = dt.date


def test_numbers_are_continuous_per_unit_and_type(tree: Tree) -> None:
    take = numbering.next_number
    day = D(2026, 3, 2)
    got = [take(issuing_unit=tree.commune_a1, doc_type="KL", day=day)[0] for _ in range(3)]
    assert got == [1, 2, 3]
    # another type and another unit start at 01 of their own
    assert take(issuing_unit=tree.commune_a1, doc_type="TB", day=day) == (1, "2025–2030")
    assert take(issuing_unit=tree.commune_a2, doc_type="KL", day=day)[0] == 1
    assert take(issuing_unit=tree.commune_a1, doc_type="KL", day=day)[0] == 4


def test_sequence_restarts_in_a_new_term(tree: Tree) -> None:
    # given the default terms (2020–2025 until 30/06/2025)
    first = numbering.next_number(issuing_unit=tree.commune_a1, doc_type="KL", day=D(2025, 6, 30))
    again = numbering.next_number(issuing_unit=tree.commune_a1, doc_type="KL", day=D(2025, 6, 30))
    assert (first, again) == ((1, "2020–2025"), (2, "2020–2025"))
    assert numbering.next_number(
        issuing_unit=tree.commune_a1, doc_type="KL", day=D(2025, 7, 1)
    ) == (1, "2025–2030")


def test_term_of_the_unit_or_its_nearest_ancestor(tree: Tree) -> None:
    CommitteeTerm.objects.create(org_unit=tree.prov_a, label="XVIII", starts_on=D(2025, 10, 1))
    CommitteeTerm.objects.create(org_unit=tree.commune_a1, label="I", starts_on=D(2025, 9, 1))
    assert numbering.term_for(tree.commune_a2, D(2025, 10, 1)) == "XVIII"  # the province's
    assert numbering.term_for(tree.commune_a2, D(2025, 9, 30)) == "2025–2030"  # default
    assert numbering.term_for(tree.commune_a1, D(2026, 1, 1)) == "I"  # its own wins
    assert numbering.term_for(tree.grassroots_a1, D(2026, 1, 1)) == "I"  # nearest ancestor


def test_reference_in_the_party_format(tree: Tree) -> None:
    assert numbering.reference(1, "KL", tree.commune_a1) == "Số 01-KL/ĐU"
    assert numbering.reference(12, "QĐ", tree.prov_a) == "Số 12-QĐ/TU"
    assert numbering.reference(123, "TB", tree.root) == "Số 123-TB/TW"
    assert numbering.reference(3, "KL", tree.branch_a1) == "Số 03-KL/CB"


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_have_no_gaps_and_no_repeats(tmp_path: Path) -> None:
    unit = make_child(make_child(make_root(), kind="province"), kind="commune")
    threads_n = 8
    file_settings = sqlite_file_copy(tmp_path / "numbers.sqlite3")
    start = threading.Barrier(threads_n)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def take() -> None:
        with own_connection(file_settings):
            try:
                start.wait()
                with transaction.atomic():
                    numbers.append(
                        numbering.next_number(issuing_unit=unit, doc_type="KL", day=D(2026, 3, 2))[
                            0
                        ]
                    )
            except BaseException as exc:  # reported below
                errors.append(exc)

    threads = [threading.Thread(target=take) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, threads_n + 1))
    with own_connection(file_settings):
        assert DocumentSequence.objects.get(issuing_unit_id=unit.pk).last_number == threads_n

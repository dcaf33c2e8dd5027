"""Register rules: numbering, Tuyệt mật summaries, copies, periods, amendments, locking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction

from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.registers import services
from bvct.registers.models import Entry, EntryEvent, ProtectionPeriod, Register
from bvct.registers.tests.conftest import Staff
from bvct.registers.tests.factories import incoming, make_entry
from conftest import Tree

D = dt.date


def test_numbers_run_per_register_and_year_and_cancelled_numbers_stay(
    tree: Tree, staff: Staff
) -> None:
    first = make_entry(tree.commune_a1, registrar=staff.registrar)
    second = make_entry(tree.commune_a1, registrar=staff.registrar)
    other_kind = make_entry(tree.commune_a1, registrar=staff.registrar, kind="in")
    other_unit = make_entry(tree.commune_b1, registrar=staff.registrar_b)
    assert [first.number, second.number, other_kind.number, other_unit.number] == [1, 2, 1, 1]
    services.entry_cancel(actor=staff.registrar, entry=second, reason="Ghi nhầm")
    third = make_entry(tree.commune_a1, registrar=staff.registrar)
    assert third.number == 3  # 2 is cancelled, never reused
    numbers = list(Entry.objects.filter(register=first.register).values_list("number", "status"))
    assert numbers == [(1, "active"), (2, "cancelled"), (3, "active")]
    # a new year starts again at 1, in a register of its own
    next_year = make_entry(
        tree.commune_a1,
        registrar=staff.registrar,
        registered_on=D(2025, 12, 30),
        doc_date=D(2025, 12, 1),
    )
    assert (next_year.register.year, next_year.number) == (2025, 1)


def test_a_failed_registration_takes_no_number(tree: Tree, staff: Staff) -> None:
    make_entry(tree.commune_a1, registrar=staff.registrar)
    with pytest.raises(DomainError) as error:
        # dated before the previous entry: refused after the number was taken, so rolled back
        make_entry(
            tree.commune_a1,
            registrar=staff.registrar,
            registered_on=D(2026, 3, 1),
            doc_date=D(2026, 2, 1),
        )
    assert error.value.field == "registered_on"
    assert "03/03/2026" in error.value.message
    assert make_entry(tree.commune_a1, registrar=staff.registrar).number == 2
    assert Register.objects.get(org_unit=tree.commune_a1, kind="out").last_number == 2


def test_top_secret_summary_is_refused_by_service_and_database(tree: Tree, staff: Staff) -> None:
    with pytest.raises(DomainError) as error:
        make_entry(tree.commune_a1, registrar=staff.registrar, level=3, summary="Kế hoạch")
    assert error.value.field == "summary"
    assert "Tuyệt mật" in error.value.message
    entry = make_entry(tree.commune_a1, registrar=staff.registrar, level=3, summary="")
    assert entry.summary == ""
    assert entry.summary_key == ""
    # and an amendment cannot add one
    with pytest.raises(DomainError):
        services.entry_amend(
            actor=staff.registrar, entry=entry, changes={"summary": "X"}, reason="bổ sung"
        )
    # the database refuses it too, whoever writes
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(summary="lộ nội dung")


def test_clearance_and_unit_decide_who_writes(tree: Tree, staff: Staff) -> None:
    with pytest.raises(DomainError) as error:
        make_entry(tree.commune_a1, registrar=staff.registrar_mat, level=2)
    assert error.value.field == "level"
    with pytest.raises(AccessDenied):  # a provincial registrar does not write a commune's register
        make_entry(tree.commune_a1, registrar=staff.registrar_prov)
    with pytest.raises(AccessDenied):
        make_entry(tree.commune_a1, registrar=staff.officer)
    entry = make_entry(tree.commune_a1, registrar=staff.registrar, level=2)
    with pytest.raises(AccessDenied):  # cleared to Mật: may not touch a Tối mật entry
        services.entry_cancel(actor=staff.registrar_mat, entry=entry, reason="x")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"doc_number": "  "}, "doc_number"),
        ({"copies": 0}, "copies"),
        ({"addressees": []}, "addressees"),
        ({"addressees": [("A", 2), ("B", 2)]}, "addressees"),  # 4 copies out of 3
        ({"registered_on": D(2026, 12, 4)}, "registered_on"),  # tomorrow
        ({"doc_date": D(2026, 3, 4)}, "doc_date"),  # after registration
        ({"mark": "D"}, "mark"),
        ({"level": 4}, "level"),
        ({"marked_until": D(2026, 1, 1)}, "marked_until"),
    ],
)
def test_bad_outgoing_input_names_the_field(
    tree: Tree, staff: Staff, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(DomainError) as error:
        make_entry(tree.commune_a1, registrar=staff.registrar, **fields)
    assert error.value.field == field
    assert not Entry.objects.exists()
    assert not Register.objects.filter(last_number__gt=0).exists()


def test_incoming_is_registered_after_receipt(tree: Tree, staff: Staff) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"sender": ""}, "sender"),
        ({"received_on": None}, "received_on"),
        ({"received_on": D(2026, 3, 5)}, "received_on"),  # received after the registration
    ]
    for fields, field in cases:
        with pytest.raises(DomainError) as error:
            make_entry(tree.commune_a1, registrar=staff.registrar, kind="in", **fields)
        assert error.value.field == field
    entry = make_entry(tree.commune_a1, registrar=staff.registrar, kind="in")
    assert (entry.register.kind, entry.sender, entry.received_on) == (
        "in",
        "Ban Tổ chức Tỉnh ủy",
        D(2026, 3, 4),
    )
    with pytest.raises(DomainError):  # copies and handovers come from an entry, not a form
        services.entry_register(
            actor=staff.registrar, org_unit=tree.commune_a1, kind="copy", data=incoming()
        )


@pytest.mark.parametrize(
    ("level", "doc_date", "until"),
    [
        (1, D(2026, 3, 2), D(2036, 3, 2)),
        (2, D(2026, 3, 2), D(2046, 3, 2)),
        (3, D(2026, 3, 2), D(2056, 3, 2)),
        (1, D(2024, 2, 29), D(2034, 2, 28)),  # 29 February has no anniversary in 2034
    ],
)
def test_protection_period_by_level_from_classification(
    tree: Tree, staff: Staff, level: int, doc_date: D, until: D
) -> None:
    entry = make_entry(
        tree.commune_a1, registrar=staff.registrar, level=level, doc_date=doc_date, summary=""
    )
    assert entry.protected_until == until


def test_periods_follow_their_effective_date_and_a_shorter_marked_period(
    tree: Tree, staff: Staff
) -> None:
    # given a revised period for Mật from 01/01/2026
    ProtectionPeriod.objects.create(level=1, years=5, valid_from=D(2026, 1, 1), legal_basis="ví dụ")
    before = make_entry(
        tree.commune_a1,
        registrar=staff.registrar,
        doc_date=D(2025, 12, 31),
        registered_on=D(2026, 1, 5),
    )
    after = make_entry(
        tree.commune_a1,
        registrar=staff.registrar,
        doc_date=D(2026, 1, 2),
        registered_on=D(2026, 1, 6),
    )
    marked = make_entry(
        tree.commune_a1,
        registrar=staff.registrar,
        doc_date=D(2026, 1, 2),
        registered_on=D(2026, 1, 7),
        marked_until=D(2027, 6, 30),
    )
    assert before.protected_until == D(2035, 12, 31)  # the period in force on classification
    assert after.protected_until == D(2031, 1, 2)
    assert marked.protected_until == D(2027, 6, 30)


def test_copies_never_exceed_the_authorisation(tree: Tree, staff: Staff) -> None:
    entry = make_entry(tree.commune_a1, registrar=staff.registrar, level=2)
    authorisation = services.copy_authorise(
        actor=staff.registrar,
        entry=entry,
        copies=3,
        authorised_by="Đồng chí Bí thư",
        reference="Phiếu 12",
        authorised_on=D(2026, 12, 1),
    )
    first = services.copy_record(
        actor=staff.registrar,
        authorisation=authorisation,
        copies=2,
        copy_form="copy",
        recipients=[("Văn phòng", 2)],
    )
    assert (first.register.kind, first.register.year, first.number, first.level) == (
        "copy",
        2026,
        1,
        2,
    )
    assert first.copy_of == entry
    assert first.protected_until == entry.protected_until
    with pytest.raises(DomainError) as error:
        services.copy_record(
            actor=staff.registrar,
            authorisation=authorisation,
            copies=2,
            copy_form="copy",
            recipients=[],
        )
    assert error.value.field == "copies"
    assert "1" in error.value.message
    assert "3" in error.value.message
    assert services.copies_left(authorisation) == 1
    # a cancelled copy gives its copies back
    services.entry_cancel(actor=staff.registrar, entry=first, reason="In hỏng, đã hủy")
    assert services.copies_left(authorisation) == 3
    services.copy_record(
        actor=staff.registrar,
        authorisation=authorisation,
        copies=3,
        copy_form="photo",
        recipients=[],
    )
    assert services.copies_left(authorisation) == 0


def test_handover_and_receipt(tree: Tree, staff: Staff) -> None:
    entry = make_entry(tree.commune_a1, registrar=staff.registrar, kind="in")
    handed = services.handover_record(
        actor=staff.registrar, entry=entry, recipient="Đồng chí Lan", copies=1
    )
    assert (handed.register.kind, handed.number) == ("handover", 1)
    addressee = handed.addressees.get()
    with pytest.raises(DomainError) as error:
        services.receipt_confirm(
            actor=staff.registrar, addressee=addressee, received_on=D(2026, 12, 3), signed_by=" "
        )
    assert error.value.field == "signed_by"
    services.receipt_confirm(
        actor=staff.registrar, addressee=addressee, received_on=D(2026, 12, 3), signed_by="Lan"
    )
    addressee.refresh_from_db()
    assert (addressee.received_on, addressee.received_by_name, addressee.confirmed_by) == (
        D(2026, 12, 3),
        "Lan",
        staff.registrar,
    )
    assert handed.events.get().kind == EntryEvent.Kind.RECEIPT
    with pytest.raises(DomainError):
        services.receipt_confirm(
            actor=staff.registrar, addressee=addressee, received_on=D(2026, 12, 3), signed_by="Lan"
        )


def test_amendments_are_events_and_the_registered_values_stay(tree: Tree, staff: Staff) -> None:
    entry = make_entry(tree.commune_a1, registrar=staff.registrar)
    services.entry_amend(
        actor=staff.registrar,
        entry=entry,
        changes={"doc_number": "16-BC/ĐU", "signer": "Nguyễn Văn A"},
        reason="Ghi nhầm số",
    )
    stored = Entry.objects.get(pk=entry.pk)
    assert stored.doc_number == "15-BC/ĐU"  # as registered
    event = stored.events.get()
    assert event.changes == {"doc_number": ["15-BC/ĐU", "16-BC/ĐU"]}  # the signer did not change
    assert stored.current()["doc_number"] == "16-BC/ĐU"
    assert "16-bc/đu" in stored.search_text or "16-bc/du" in stored.search_text
    with pytest.raises(DomainError):
        services.entry_amend(actor=staff.registrar, entry=entry, changes={"copies": 9}, reason="x")
    with pytest.raises(DomainError) as error:
        services.entry_amend(
            actor=staff.registrar, entry=entry, changes={"signer": "B"}, reason=" "
        )
    assert error.value.field == "reason"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"registers.entry.register", "registers.entry.amend"} <= actions


def test_lock_only_after_the_year_and_then_nothing_is_added(tree: Tree, staff: Staff) -> None:
    old = make_entry(
        tree.commune_a1,
        registrar=staff.registrar,
        registered_on=D(2025, 12, 20),
        doc_date=D(2025, 12, 19),
    )
    current = make_entry(tree.commune_a1, registrar=staff.registrar)
    with pytest.raises(DomainError):
        services.register_lock(actor=staff.registrar, register=current.register)
    with pytest.raises(AccessDenied):
        services.register_lock(actor=staff.registrar_prov, register=old.register)
    services.register_lock(actor=staff.registrar, register=old.register)
    with pytest.raises(DomainError) as error:
        make_entry(
            tree.commune_a1,
            registrar=staff.registrar,
            registered_on=D(2025, 12, 31),
            doc_date=D(2025, 12, 19),
        )
    assert "2025" in error.value.message
    with pytest.raises(DomainError):
        services.entry_amend(actor=staff.registrar, entry=old, changes={"notes": "x"}, reason="x")
    with pytest.raises(DomainError):
        services.entry_cancel(actor=staff.registrar, entry=old, reason="x")
    # protection acts come years later: still possible in a locked register
    services.protection_extend(
        actor=staff.registrar,
        entry=old,
        until=D(2045, 12, 19),
        day=D(2026, 12, 1),
        decision="5-QĐ/ĐU",
    )
    assert Entry.objects.get(pk=old.pk).protected_until == D(2045, 12, 19)


def test_protection_acts(tree: Tree, staff: Staff) -> None:
    entry = make_entry(tree.commune_a1, registrar=staff.registrar, level=2, kind="in")
    copy_auth = services.copy_authorise(
        actor=staff.registrar,
        entry=entry,
        copies=1,
        authorised_by="Bí thư",
        reference="P1",
        authorised_on=D(2026, 12, 1),
    )
    copy = services.copy_record(
        actor=staff.registrar, authorisation=copy_auth, copies=1, copy_form="copy", recipients=[]
    )
    with pytest.raises(DomainError) as error:
        services.protection_extend(
            actor=staff.registrar,
            entry=entry,
            until=D(2030, 1, 1),
            day=D(2026, 12, 1),
            decision="1",
        )
    assert error.value.field == "until"
    with pytest.raises(DomainError) as error:
        services.level_lower(
            actor=staff.registrar, entry=entry, new_level=2, day=D(2026, 12, 1), decision="2"
        )
    assert error.value.field == "new_level"
    services.level_lower(
        actor=staff.registrar, entry=entry, new_level=1, day=D(2026, 12, 1), decision="3-QĐ/ĐU"
    )
    entry.refresh_from_db()
    copy.refresh_from_db()
    assert (entry.level, entry.registered_level, entry.protected_until) == (1, 2, D(2036, 3, 2))
    assert (copy.level, copy.protected_until) == (1, D(2036, 3, 2))  # the copy follows
    with pytest.raises(DomainError) as error:
        services.destroy(
            actor=staff.registrar,
            entry=entry,
            day=D(2026, 12, 2),
            decision="4-QĐ",
            council="",
            minutes="BB1",
        )
    assert error.value.field == "council"
    with pytest.raises(DomainError) as error:
        services.destroy(
            actor=staff.registrar,
            entry=entry,
            day=D(2026, 12, 2),
            decision=" ",
            council="A, B",
            minutes="BB1",
        )
    assert error.value.field == "decision"
    services.destroy(
        actor=staff.registrar,
        entry=entry,
        day=D(2026, 12, 2),
        decision="4-QĐ/ĐU",
        council="Đ/c A (chủ tịch), Đ/c B, Đ/c C",
        minutes="BB-01",
    )
    entry.refresh_from_db()
    assert entry.status == "destroyed"
    kinds = list(entry.events.values_list("kind", flat=True))
    assert kinds == ["downgrade", "destroy"]
    with pytest.raises(DomainError):
        services.declassify(actor=staff.registrar, entry=entry, day=D(2026, 12, 2), decision="5")


def test_declassification_reaches_copies(tree: Tree, staff: Staff) -> None:
    entry = make_entry(tree.commune_a1, registrar=staff.registrar)
    handed = services.handover_record(
        actor=staff.registrar, entry=entry, recipient="Đ/c Lan", copies=1
    )
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC), tick=False):
        services.declassify(
            actor=staff.registrar, entry=entry, day=D(2026, 12, 3), decision="9-QĐ/ĐU"
        )
    handed.refresh_from_db()
    assert handed.status == "declassified"

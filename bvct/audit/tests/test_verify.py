"""Tampering with the audit table, as someone with full database access would, is detected at
the exact first bad sequence number. On PostgreSQL the attacker first bypasses the append-only
trigger (`as_attacker`); on SQLite there is no trigger to bypass."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from bvct.audit.models import AuditEvent
from bvct.audit.tests.factories import append, as_attacker, move, rehash_from
from bvct.audit.verify import VerifyResult, event_hash, verify_chain

pytestmark = pytest.mark.django_db


def hashes() -> dict[int, str]:
    return dict(AuditEvent.objects.values_list("seq", "hash"))


def test_an_intact_chain_verifies() -> None:
    # given
    append(5)
    # when
    result = verify_chain()
    # then
    assert result == VerifyResult("ok", 5, 5, hashes()[5], None, None)
    assert result.ok


def test_an_empty_chain_verifies() -> None:
    assert verify_chain().line() == "OK: 0 events, head #0 " + "0" * 64


def test_the_walk_is_chunked_and_still_sees_every_row() -> None:
    # given more rows than a chunk, and a bad row in the third chunk
    append(7)
    with as_attacker():
        AuditEvent.objects.filter(seq=6).update(action="test.forged")
    # when
    result = verify_chain(chunk_size=2)
    # then
    assert (result.code, result.first_bad_seq, result.checked) == ("hash_mismatch", 6, 5)


def test_modified_data_is_detected_at_that_row() -> None:
    # given
    append(5)
    good = hashes()
    # when an attacker changes what event #3 says
    with as_attacker():
        AuditEvent.objects.filter(seq=3).update(data={"n": 99})
    # then
    assert verify_chain() == VerifyResult("hash_mismatch", 2, 2, good[2], 3, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [("action", "test.other"), ("target_id", "7"), ("request_id", "forged"), ("ip", "10.0.0.9")],
)
def test_any_modified_column_is_detected(field: str, value: str) -> None:
    append(3)
    with as_attacker():
        AuditEvent.objects.filter(seq=2).update(**{field: value})
    assert (verify_chain().code, verify_chain().first_bad_seq) == ("hash_mismatch", 2)


def test_a_modified_row_with_its_own_hash_recomputed_breaks_the_next_link() -> None:
    # given
    append(5)
    # when the attacker rewrites #3 and recomputes its hash, but not the rest
    with as_attacker():
        AuditEvent.objects.filter(seq=3).update(data={"n": 99})
        event = AuditEvent.objects.get(seq=3)
        AuditEvent.objects.filter(seq=3).update(hash=event_hash(event))
    # then #3 is self-consistent and #4 no longer links to it
    result = verify_chain()
    assert (result.code, result.first_bad_seq, result.checked) == ("broken_link", 4, 3)


def test_a_deleted_row_is_detected_as_a_gap() -> None:
    # given
    append(5)
    # when
    with as_attacker():
        AuditEvent.objects.filter(seq=3).delete()
    # then
    result = verify_chain()
    assert (result.code, result.first_bad_seq, result.checked, result.head_seq) == (
        "seq_gap",
        3,
        2,
        2,
    )


def test_deleting_the_first_row_is_detected() -> None:
    append(3)
    with as_attacker():
        AuditEvent.objects.filter(seq=1).delete()
    assert (verify_chain().code, verify_chain().first_bad_seq) == ("seq_gap", 1)


def test_a_row_inserted_in_the_middle_is_detected_after_it() -> None:
    # given
    append(5)
    good = hashes()
    # when the attacker makes room at #3 and inserts a well-formed row linked to #2
    with as_attacker():
        for seq in (5, 4, 3):
            move(seq, seq + 1)
        forged = AuditEvent(
            seq=3,
            occurred_at=AuditEvent.objects.get(seq=2).occurred_at,
            action="test.forged",
            data={},
            prev_hash=good[2],
        )
        forged.hash = event_hash(forged) or ""
        forged.save(force_insert=True)
    # then the forged row itself is consistent, the row after it is not
    result = verify_chain()
    assert (result.code, result.first_bad_seq, result.checked) == ("broken_link", 4, 3)


def test_a_row_inserted_with_a_made_up_hash_is_detected_at_that_row() -> None:
    append(3)
    AuditEvent(
        seq=4,
        occurred_at=AuditEvent.objects.get(seq=3).occurred_at,
        action="test.forged",
        data={},
        prev_hash=hashes()[3],
        hash="f" * 64,
    ).save(force_insert=True)
    assert (verify_chain().code, verify_chain().first_bad_seq) == ("hash_mismatch", 4)


def test_a_row_inserted_before_the_first_is_detected() -> None:
    append(2)
    AuditEvent(
        seq=0,
        occurred_at=AuditEvent.objects.get(seq=1).occurred_at,
        action="test.forged",
        data={},
        prev_hash="0" * 64,
        hash="e" * 64,
    ).save(force_insert=True)
    assert (verify_chain().code, verify_chain().first_bad_seq) == ("unexpected_seq", 0)


def test_swapped_rows_are_detected_at_the_first_of_them() -> None:
    # given
    append(5)
    # when the attacker swaps #2 and #4
    with as_attacker():
        move(2, -2)
        move(4, 2)
        move(-2, 4)
    # then
    result = verify_chain()
    assert (result.code, result.first_bad_seq, result.checked) == ("broken_link", 2, 1)


def test_an_altered_prev_hash_is_detected() -> None:
    append(5)
    with as_attacker():
        AuditEvent.objects.filter(seq=4).update(prev_hash="a" * 64)
    result = verify_chain()
    assert (result.code, result.first_bad_seq, result.checked) == ("broken_link", 4, 3)


def test_a_wholesale_rewrite_passes_plain_verification() -> None:
    # (what the signed checkpoints are for: see test_checkpoint.py)
    append(4)
    with as_attacker():
        AuditEvent.objects.filter(seq=2).update(data={"n": 99})
        rehash_from(2)
    assert verify_chain().ok


def test_result_line_names_the_first_bad_sequence_and_the_reason() -> None:
    append(3)
    with as_attacker():
        AuditEvent.objects.filter(seq=2).update(data={})
    result = verify_chain()
    with translation.override("vi"):
        assert result.line() == (
            "TAMPERED: first bad sequence #2: Sự kiện #2 đã bị sửa: nội dung không còn khớp với "
            "mã băm của nó."
        )
    with translation.override("en"):
        assert result.line() == (
            "TAMPERED: first bad sequence #2: Event #2 was modified: its content no longer "
            "matches its hash."
        )


# --- the append-only trigger ------------------------------------------------------------------


def test_update_is_refused_by_the_database_or_detected() -> None:
    # given
    append(3)
    before = list(AuditEvent.objects.order_by("seq").values_list("seq", "action", "hash"))
    if connection.vendor == "postgresql":
        # when an ordinary connection updates a row, then PostgreSQL refuses
        with (
            pytest.raises(DatabaseError, match="append-only: UPDATE refused"),
            transaction.atomic(),
        ):
            AuditEvent.objects.filter(seq=2).update(action="test.changed")
        assert (
            list(AuditEvent.objects.order_by("seq").values_list("seq", "action", "hash")) == before
        )
        assert verify_chain().ok
    else:
        # SQLite has no trigger: the same update goes through, and verification names it
        AuditEvent.objects.filter(seq=2).update(action="test.changed")
        assert (verify_chain().code, verify_chain().first_bad_seq) == ("hash_mismatch", 2)


def test_delete_is_refused_by_the_database_or_detected() -> None:
    # given
    append(3)
    if connection.vendor == "postgresql":
        # when an ordinary connection deletes a row, then PostgreSQL refuses
        with (
            pytest.raises(DatabaseError, match="append-only: DELETE refused"),
            transaction.atomic(),
        ):
            AuditEvent.objects.filter(seq=2).delete()
        assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]
        assert verify_chain().ok
    else:
        # SQLite has no trigger: the same delete goes through, and verification names it
        AuditEvent.objects.filter(seq=2).delete()
        assert (verify_chain().code, verify_chain().first_bad_seq) == ("seq_gap", 2)

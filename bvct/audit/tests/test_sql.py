"""Format 2 and the verification in the database (PostgreSQL): the SQL expression gives the bytes
of the Python rules, appends write it, and every kind of tampering is named by the range scans
exactly as by the per-row rules, whatever the number of ranges, in chains mixing both formats.

On SQLite appends stay in format 1 and the walk in Python; the tests say so where they branch.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from bvct.audit.chain import (
    HASH_V1,
    HASH_V2,
    canonical_v2,
    canonical_v2_sql,
    chain_hash_v2,
    hash_v2_sql,
    inet_wire,
)
from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record
from bvct.audit.tests.factories import (
    append,
    append_format_1,
    as_attacker,
    move,
    python_verdict,
)
from bvct.audit.verify import event_hash, fetch_event, verify_chain
from bvct.core.context import RequestMeta, current_request_meta
from conftest import Tree

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def test_format_2_bytes_of_a_fixed_row_never_change() -> None:
    # given a row whose format 2 bytes must never change (stored hashes depend on them)
    canonical = canonical_v2(
        seq=1,
        occurred_at=dt.datetime(2000, 1, 1, 0, 0, 1, tzinfo=dt.UTC),
        actor_id=None,
        action="a.b",
        target_type="",
        target_id="ễ",
        org_unit_id=-2,
        request_id="r",
        ip_text="10.0.0.1/32",
        data_text='{"n": 1}',
    )
    # then
    assert canonical == (
        b"bvct/2\x00"
        + b"\x01\x00\x00\x00\x00\x00\x00\x00\x01"  # seq 1
        + b"\x01\x00\x00\x00\x00\x00\x0f\x42\x40"  # 1,000,000 µs after 2000-01-01
        + b"\x00"  # no actor
        + b"\x01\x00\x00\x00\x03a.b"
        + b"\x01\x00\x00\x00\x00"  # empty text is not NULL
        + b"\x01\x00\x00\x00\x01\xe1\xbb\x85"  # one character, three bytes
        + b"\x01\xff\xff\xff\xff\xff\xff\xff\xfe"  # -2
        + b"\x01\x00\x00\x00\x01r"
        + b"\x01\x02\x20\x00\x04\x0a\x00\x00\x01"  # IPv4 /32, 4 bytes
        + b'\x01{"n": 1}'
    )
    assert inet_wire("2001:db8::1/64") == b"\x03\x40\x00\x10" + bytes.fromhex(
        "20010db8000000000000000000000001"
    )


# --- the SQL expression equals the Python rules, on any values --------------------------------

_texts = st.text(max_size=12).map(lambda t: t.replace("\x00", ""))
_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_texts, children, max_size=3),
    max_leaves=8,
)
_ips = st.none() | st.ip_addresses().map(str) | st.sampled_from(["10.0.0.0/8", "2001:db8::/48"])
_ints = st.none() | st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)
_times = st.datetimes(
    min_value=dt.datetime(1900, 1, 1),  # noqa: DTZ001 (hypothesis: naive bounds, aware values)
    max_value=dt.datetime(2200, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=7))]),
)
_VALUES_SQL = (
    "SELECT {canonical}, {hash}, r.ip::text, r.data::text FROM (VALUES (%s::bigint, "
    "%s::timestamptz, %s::bigint, %s::text, %s::text, %s::text, %s::bigint, %s::text, %s::inet, "
    "%s::jsonb, %s::text)) AS r (seq, occurred_at, actor_id, action, target_type, target_id, "
    "org_unit_id, request_id, ip, data, prev_hash)"
)


@settings(max_examples=150, deadline=None)
@given(
    seq=st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1),
    when=_times,
    actor=_ints,
    org_unit=_ints,
    texts=st.tuples(_texts, _texts, _texts, _texts),
    ip=_ips,
    data=_json_values,
    null_text=st.booleans(),
)
def test_the_sql_expression_gives_the_python_bytes(
    *, seq, when, actor, org_unit, texts, ip, data, null_text
) -> None:
    if not ON_POSTGRESQL:
        # format 2 is computed by PostgreSQL; SQLite writes format 1 (test_chain.py)
        assert connection.vendor == "sqlite"
        return
    # given any values of the columns (a NULL text too: an attacker may drop NOT NULL)
    action, target_type, target_id, request_id = texts
    action = None if null_text else action
    params = [
        seq,
        when,
        actor,
        action,
        target_type,
        target_id,
        org_unit,
        request_id,
        ip,
        json.dumps(data),
        "ab" * 32,
    ]
    sql = _VALUES_SQL.format(canonical=canonical_v2_sql("r"), hash=hash_v2_sql("r"))
    # when PostgreSQL computes the bytes and the hash
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        sql_bytes, sql_hash, ip_text, data_text = cursor.fetchone()
    # then the Python rules give the same, from PostgreSQL's text of ip and data only
    python_bytes = canonical_v2(
        seq=seq,
        occurred_at=when,
        actor_id=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        org_unit_id=org_unit,
        request_id=request_id,
        ip_text=ip_text,
        data_text=data_text,
    )
    assert bytes(sql_bytes) == python_bytes
    assert sql_hash == chain_hash_v2("ab" * 32, python_bytes)


@settings(max_examples=40, deadline=None)
@given(data=_json_values.map(lambda v: {"v": v}), ip=_ips, text=_texts)
def test_what_an_append_writes_is_what_both_rules_recompute(data, ip, text) -> None:
    # given an event as the application writes it
    meta = RequestMeta(request_id=text, ip=ip.split("/")[0] if ip else None)
    token = current_request_meta.set(meta)
    try:
        written = audit_record(actor=None, action="test.property", data=data)
    finally:
        current_request_meta.reset(token)
    # then it is format 2 on PostgreSQL (1 on SQLite), the Python rules give the hash the
    # database wrote, and the verification agrees
    stored = fetch_event(written.seq)
    assert stored.hash_version == (HASH_V2 if ON_POSTGRESQL else HASH_V1)
    assert (written.hash_version, written.hash) == (stored.hash_version, stored.hash)
    assert event_hash(stored) == stored.hash
    assert verify_chain(start=(written.seq - 1, stored.prev_hash)).ok


# --- every tampering, named by the scans exactly as by the per-row rules -----------------------


def _set(seq: int, **values: object) -> Callable[[], None]:
    def tamper() -> None:
        AuditEvent.objects.filter(seq=seq).update(**values)

    return tamper


def _set_raw(seq: int, column: str, value: str) -> Callable[[], None]:
    """An UPDATE that no model field validates (what a psql session can store)."""

    def tamper() -> None:
        with connection.cursor() as cursor:
            sql = f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s"  # noqa: S608 (ours)
            cursor.execute(sql, [value, seq])

    return tamper


def _delete(seq: int) -> Callable[[], None]:
    def tamper() -> None:
        AuditEvent.objects.filter(seq=seq).delete()

    return tamper


def _swap(a: int, b: int) -> Callable[[], None]:
    def tamper() -> None:
        move(a, -1000)
        move(b, a)
        move(-1000, b)

    return tamper


def _insert_after(seq: int, *, hash: str | None = None) -> Callable[[], None]:
    """A well-formed row linked to `seq`, the rows after it renumbered to make room (or, with
    `hash`, a row with that hash appended at seq + 1)."""

    def tamper() -> None:
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        if hash is None:
            for number in range(head, seq, -1):
                move(number, number + 1)
        prev = AuditEvent.objects.get(seq=seq)
        forged = AuditEvent(
            seq=seq + 1,
            occurred_at=prev.occurred_at,
            action="test.forged",
            data={},
            prev_hash=prev.hash,
            hash_version=HASH_V1,  # a forger may pick either format
        )
        forged.hash = hash or event_hash(forged) or ""
        forged.save(force_insert=True)

    return tamper


def _rehash(seq: int, **values: object) -> Callable[[], None]:
    """Change a row and give it the hash of its new content (the next link then breaks)."""

    def tamper() -> None:
        AuditEvent.objects.filter(seq=seq).update(**values)
        AuditEvent.objects.filter(seq=seq).update(hash=event_hash(fetch_event(seq)))

    return tamper


_TAMPERINGS: dict[str, Callable[[], None]] = {
    "data": _set(5, data={"n": 99}),
    "action": _set(7, action="test.other"),
    "target_type": _set(2, target_type="x.y"),
    "target_id": _set(9, target_id="7"),
    "request_id": _set(12, request_id="forged"),
    "ip": _set(3, ip="10.0.0.9"),
    "ip_netmask": _set_raw(4, "ip", "10.0.0.1/8"),
    "occurred_at": _set(6, occurred_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
    "org_unit_null": _set(8, org_unit=None),
    "hash_version": _set(11, hash_version=HASH_V1 if ON_POSTGRESQL else HASH_V2),
    "hash": _set(11, hash="f" * 64),
    "prev_hash": _set(4, prev_hash="a" * 64),
    "first_deleted": _delete(1),
    "middle_deleted": _delete(7),
    "range_start_deleted": _delete(5),
    "inserted": _insert_after(6),
    "inserted_made_up_hash": _insert_after(12, hash="e" * 64),
    "swapped": _swap(3, 9),
    "rehashed": _rehash(8, data={"n": -1}),
    "before_first": lambda: AuditEvent(
        seq=0,
        occurred_at=AuditEvent.objects.get(seq=1).occurred_at,
        action="test.forged",
        data={},
        prev_hash="0" * 64,
        hash="d" * 64,
        hash_version=HASH_V2,
    ).save(force_insert=True),
}


def _verdict(**kwargs: object) -> tuple[str, int | None, int]:
    result = verify_chain(**kwargs)  # type: ignore[arg-type]
    return result.code, result.first_bad_seq, result.checked


@pytest.mark.parametrize("kind", sorted(_TAMPERINGS))
def test_every_tampering_is_named_as_the_per_row_rules_name_it(kind: str, tree: Tree) -> None:
    # given a chain of 12 events: on PostgreSQL the first 3 in format 1 (written before format
    # 2), then 6 in format 2, 1 in format 1 again (an older worker during the upgrade), 2 more
    # (on SQLite all 12 are format 1)
    append_format_1(3)
    append(6, org_unit=tree.prov_a)
    append_format_1(1)
    append(2)
    assert (verify_chain().line()[:13], AuditEvent.objects.count()) == ("OK: 12 events", 12)
    # when an attacker tampers with it
    with as_attacker():
        _TAMPERINGS[kind]()
    # then every split into ranges names what the per-row rules name, never "ok"
    expected = python_verdict()
    assert expected[0] != "ok"
    for workers in (1, 2, 3, 5, 16):
        assert _verdict(workers=workers) == expected, workers


def test_a_mixed_chain_verifies_and_counts_every_event() -> None:
    # given format 1 rows, format 2 rows, format 1 rows again, format 2 (on SQLite all format 1)
    append_format_1(2)
    append(3)
    append_format_1(2)
    append(4)
    # when / then
    formats = list(AuditEvent.objects.order_by("seq").values_list("hash_version", flat=True))
    if ON_POSTGRESQL:
        assert formats == [1, 1, 2, 2, 2, 1, 1, 2, 2, 2, 2]
    else:
        assert formats == [1] * 11
    head = AuditEvent.objects.get(seq=11).hash
    for workers in (1, 2, 4):
        assert verify_chain(workers=workers).line() == f"OK: 11 events, head #11 {head}"
    assert verify_chain(start=(4, AuditEvent.objects.get(seq=4).hash), workers=3).checked == 7


@pytest.mark.django_db(transaction=True)
def test_ranges_on_their_own_connections_name_the_first_bad_row() -> None:
    # given a committed chain (the scans' own connections see only committed rows) with
    # several bad rows, the first of them at the start of the second range
    append(20)
    with as_attacker():
        AuditEvent.objects.filter(seq=11).update(data={"n": "forged"})
        AuditEvent.objects.filter(seq=17).delete()
    # when it is verified in 2 and in 4 ranges at once, then the first bad row is named
    expected = ("hash_mismatch", 11, 10)
    assert python_verdict() == expected
    assert _verdict(workers=2) == expected
    assert _verdict(workers=4) == expected
    # and an intact prefix verifies to its head
    result = verify_chain(workers=4, start=(11, AuditEvent.objects.get(seq=11).hash))
    assert (result.code, result.first_bad_seq, result.checked) == ("seq_gap", 17, 5)

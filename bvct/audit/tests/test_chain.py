"""The canonical form: identical for a row built in Python and the same row read back from
SQLite or PostgreSQL (jsonb renumbers, inet reprints), and stable across Python versions."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from bvct.audit.chain import (
    GENESIS_HASH,
    canonical_ip,
    canonical_json,
    canonical_number,
    canonical_row,
    canonical_time,
    chain_hash,
    stored_canonical,
)
from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record
from bvct.audit.verify import event_hash, verify_chain
from bvct.core.context import RequestMeta, current_request_meta


def test_numbers_canonicalise_by_value_as_jsonb_prints_them() -> None:
    assert canonical_number(1) == "1"
    assert canonical_number(1.0) == "1"
    assert canonical_number(1e16) == "10000000000000000"
    assert canonical_number(10**16) == "10000000000000000"
    assert canonical_number(1e-07) == "0.0000001"
    assert canonical_number(0.1) == "0.1"
    assert canonical_number(-2.5) == "-2.5"
    assert canonical_number(-0.0) == "0"


def test_non_finite_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot hold nan"):
        canonical_number(float("nan"))


def test_json_sorts_keys_and_keeps_text_as_utf8() -> None:
    value = {"b": [True, None, 2.0], "a": 'Nguyễn "x"', "ă": {}}
    assert canonical_json(value) == '{"a":"Nguyễn \\"x\\"","b":[true,null,2],"ă":{}}'


def test_json_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="cannot hold a set"):
        canonical_json({"a": {1, 2}})


def test_ip_addresses_canonicalise_by_value() -> None:
    assert canonical_ip("192.168.001.010") == "192.168.001.010"  # not an address: as stored
    assert canonical_ip("10.0.0.1") == "10.0.0.1"
    assert canonical_ip("2001:0DB8:0000:0000:0000:0000:0000:0001") == "2001:db8::1"
    assert canonical_ip("::ffff:1.2.3.4") == "::ffff:102:304"
    assert canonical_ip("::1.2.3.4") == "::102:304"
    assert canonical_ip("1:0:2:3:4:5:6:7") == "1:0:2:3:4:5:6:7"
    assert canonical_ip("1:0:0:2:0:0:0:3") == "1:0:0:2::3"
    assert canonical_ip("::") == "::"
    assert canonical_ip(None) is None
    assert canonical_ip("") is None


def test_time_is_utc_with_microseconds_and_must_be_aware() -> None:
    hcm = dt.timezone(dt.timedelta(hours=7))
    assert (
        canonical_time(dt.datetime(2026, 1, 1, 7, 0, tzinfo=hcm)) == "2026-01-01T00:00:00.000000Z"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        canonical_time(dt.datetime(2026, 1, 1))  # noqa: DTZ001


def test_row_hash_is_fixed_for_a_fixed_row() -> None:
    # given a row whose canonical form must never change (old rows must keep verifying)
    canonical = canonical_row(
        seq=1,
        occurred_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        actor_id=None,
        action="orgs.tree.load",
        target_type="orgs.orgunit",
        target_id="1",
        org_unit_id=1,
        request_id="",
        ip=None,
        data={"created": 3},
    )
    # then
    assert canonical == (
        b'{"action":"orgs.tree.load","actor_id":null,"data":{"created":3},'
        b'"ip":null,"occurred_at":"2026-01-01T00:00:00.000000Z","org_unit_id":1,'
        b'"request_id":"","seq":1,"target_id":"1","target_type":"orgs.orgunit"}'
    )
    # (the skeleton's canonical form gave this same hash: existing rows keep verifying)
    expected = "313782b59be7788ff61cb923f1d8c99377b05b74df0be7fa05bf12564fa269cb"
    assert chain_hash(GENESIS_HASH, canonical) == expected


@pytest.mark.django_db
def test_a_row_read_back_from_the_database_hashes_as_written() -> None:
    # given data that databases like to rewrite: big and tiny floats, integral floats, NFD text,
    # deep nesting, unicode keys, an IPv6 address PostgreSQL's inet prints its own way
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    data = {
        "big": 1e16,
        "tiny": 1e-7,
        "one": 1.0,
        "third": 1 / 3,
        "huge": 10**30,
        "name": nfd,
        "nested": {"list": [1.5, "đ", None, False]},
        "khóa": "giá trị",
    }
    token = current_request_meta.set(RequestMeta(request_id="req-123456", ip="::ffff:1.2.3.4"))
    try:
        written = audit_record(actor=None, action="test.roundtrip", data=data)
    finally:
        current_request_meta.reset(token)
    # when it is read back
    stored = AuditEvent.objects.get(seq=written.seq)
    # then it hashes to what was written, and text was stored in NFC
    assert event_hash(stored) == written.hash
    assert stored.data["name"] == unicodedata.normalize("NFC", nfd)
    assert verify_chain().ok
    assert connection.vendor in {"sqlite", "postgresql"}


# --- the verifier's fast path: the same bytes as the general rules --------------------------

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_times = st.datetimes(
    min_value=dt.datetime(1, 1, 1),  # noqa: DTZ001 (hypothesis: naive bounds, aware values)
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=7))]),
)
_ips = st.none() | st.ip_addresses().map(str) | st.sampled_from(["", "not-an-ip"])


@settings(max_examples=120, deadline=None)
@given(
    data=_json_values,
    when=_times,
    ip=_ips,
    actor=st.none() | st.integers(min_value=1, max_value=10**9),
    text=st.text(max_size=20),
    stored_as=st.sampled_from(["compact", "jsonb", "django"]),
)
def test_the_fast_path_gives_the_bytes_of_the_general_rules(
    *, data, when, ip, actor, text, stored_as
) -> None:
    # given a row, its data stored as JSON text the way a database hands it back
    separators = {"compact": (",", ":"), "jsonb": (", ", ": "), "django": (", ", ": ")}[stored_as]
    ascii_only = stored_as == "django"  # Django's JSONField keeps json.dumps' defaults

    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=ascii_only, separators=separators)

    fields = {
        "seq": 7,
        "occurred_at": when,
        "actor_id": actor,
        "action": "test.fast",
        "target_type": text,
        "target_id": text[::-1],
        "org_unit_id": actor,
        "request_id": text,
        "ip": ip,
    }
    # when both canonicalise it, then the bytes are identical
    assert stored_canonical(**fields, data_text=dumps(data)) == canonical_row(
        **fields, data=json.loads(dumps(data))
    )


def test_the_fast_path_refuses_naive_times_like_the_general_rules() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        stored_canonical(
            seq=1,
            occurred_at=dt.datetime(2026, 1, 1),  # noqa: DTZ001
            actor_id=None,
            action="test.naive",
            target_type="",
            target_id="",
            org_unit_id=None,
            request_id="",
            ip=None,
            data_text="{}",
        )

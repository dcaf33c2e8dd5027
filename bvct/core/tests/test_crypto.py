"""Field-encryption primitives: exact round trip, AAD binding, wrong keys, key parsing, dev keys."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from bvct.core import crypto
from bvct.core.crypto import SealError

KEY = b"\x07" * 32
AAD = crypto.field_aad("people_recordedissue", "summary", 7, "uid1")
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(st.text())
def test_any_text_round_trips_exactly(text: str) -> None:
    sealed = crypto.seal_bytes(KEY, text.encode(), aad=AAD, uid="uid1")
    assert crypto.open_bytes(KEY, sealed, aad=AAD).decode() == text


@given(JSON)
def test_any_json_value_round_trips_exactly(value: object) -> None:
    sealed = crypto.seal_bytes(KEY, crypto.encode_json(value), aad=AAD, uid="uid1")
    assert crypto.decode_json(crypto.open_bytes(KEY, sealed, aad=AAD)) == value


def test_falsy_values_stay_distinct() -> None:
    values = ["", "0", " ", "None", "null", "false", "[]", "{}"]
    opened = [
        crypto.open_bytes(KEY, crypto.seal_bytes(KEY, v.encode(), aad=AAD, uid="u"), aad=AAD)
        for v in values
    ]
    assert [o.decode() for o in opened] == values
    for value in (None, False, 0, "", [], {}, {"a": ""}, [None]):
        raw = crypto.open_bytes(
            KEY, crypto.seal_bytes(KEY, crypto.encode_json(value), aad=AAD, uid="u"), aad=AAD
        )
        decoded = crypto.decode_json(raw)
        assert decoded == value
        assert type(decoded) is type(value)


def test_a_value_does_not_open_in_another_place_or_under_another_key() -> None:
    sealed = crypto.seal_bytes(KEY, b"secret", aad=AAD, uid="uid1")
    elsewhere = [
        crypto.field_aad("people_recordedissue", "summary", 8, "uid1"),  # another row
        crypto.field_aad("people_relative", "summary", 7, "uid1"),  # another table
        crypto.field_aad("people_recordedissue", "cccd", 7, "uid1"),  # another column
        crypto.field_aad("people_recordedissue", "summary", 7, "uid2"),  # another dossier key
    ]
    for aad in elsewhere:
        with pytest.raises(SealError, match="does not open here"):
            crypto.open_bytes(KEY, sealed, aad=aad)
    with pytest.raises(SealError, match="does not open here"):
        crypto.open_bytes(b"\x08" * 32, sealed, aad=AAD)
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(SealError):
        crypto.open_bytes(KEY, tampered, aad=AAD)
    with pytest.raises(SealError, match="not a sealed value"):
        crypto.open_bytes(KEY, "plain text", aad=AAD)


def test_wrapped_data_keys_need_their_own_kek() -> None:
    keks = {"k2": KEY, "k1": b"\x01" * 32}
    ring = crypto.Keyring(keks=keks, active="k2", blind_key=KEY, source="t")
    kek_id, wrapped = ring.wrap(b"\x09" * 32, uid="u1")
    assert kek_id == "k2"
    assert ring.unwrap(wrapped, uid="u1", kek_id="k2") == b"\x09" * 32
    with pytest.raises(SealError, match="does not open it"):
        ring.unwrap(wrapped, uid="u1", kek_id="k1")
    with pytest.raises(SealError, match="does not open it"):
        ring.unwrap(wrapped, uid="u2", kek_id="k2")  # moved to another dossier's row
    with pytest.raises(SealError, match="'k9' is not configured"):
        ring.unwrap(wrapped, uid="u1", kek_id="k9")


def test_blind_index_is_keyed_and_separated_by_purpose() -> None:
    ring = crypto.Keyring(keks={"k": KEY}, active="k", blind_key=KEY, source="t")
    other = crypto.Keyring(keks={"k": KEY}, active="k", blind_key=b"\x05" * 32, source="t")
    value = ring.blind_index("people.relative.cccd", "001095012345")
    assert value == ring.blind_index("people.relative.cccd", "001095012345")
    assert len(value) == 64
    assert "001095012345" not in value
    assert value != other.blind_index("people.relative.cccd", "001095012345")
    assert value != ring.blind_index("other.purpose", "001095012345")


def test_bvct_keys_are_parsed_and_bad_ones_named() -> None:
    encoded = crypto.b64encode(KEY)
    assert crypto.parse_keys(f"K2:{encoded}, k1:{crypto.b64encode(b'1' * 32)}") == {
        "k2": KEY,
        "k1": b"1" * 32,
    }
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        crypto.parse_keys(f"k1:{crypto.b64encode(b'short')}")
    with pytest.raises(ImproperlyConfigured, match="appears twice"):
        crypto.parse_keys(f"k1:{encoded},k1:{encoded}")
    with pytest.raises(ImproperlyConfigured, match="<id>:<base64 key>"):
        crypto.parse_keys(encoded)


def test_development_keys_are_generated_once_in_var_dir(tmp_path: Path, settings: object) -> None:
    path = tmp_path / "field-keys.json"
    settings.FIELD_KEYS = None  # type: ignore[attr-defined]
    settings.FIELD_KEYS_FILE = path  # type: ignore[attr-defined]
    ring = crypto.keyring()
    assert path.exists()
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert ring.active == "dev1"
    assert len(ring.keks["dev1"]) == 32
    crypto.reset_keyring()
    assert crypto.keyring().keks == ring.keks  # read back, not regenerated
    assert json.loads(path.read_text())["active"] == "dev1"

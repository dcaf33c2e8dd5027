"""Field encryption primitives: the key-encryption keys (KEKs), AES-256-GCM, blind indexes.

Envelope encryption (docs/encryption.md):
* every dossier (person) has its own random 256-bit data key (`people.DossierKey`), stored only
  wrapped (AES-256-GCM) by one key-encryption key from the environment, named by its id;
* a sealed field value is `bvct1:<data key uid>:<base64url(nonce ‖ ciphertext ‖ tag)>`, encrypted
  with the data key and bound by AAD to its place (table, column, row id, data key uid), so a
  ciphertext copied to another row, column or table does not decrypt;
* a blind index is HMAC-SHA256 under its own key (never a KEK), for exact lookups only.

Everything fails closed: a missing or wrong key, a tampered or misplaced value raises
`SealError`; nothing returns garbage or an empty value instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

KEY_BYTES = 32
NONCE_BYTES = 12
PREFIX = "bvct1"
_CACHE_SIZE = 4096
_KEY_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


class SealError(Exception):
    """A sealed value cannot be opened or written: missing/wrong key, tampering, misplacement."""


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def b64decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _decode_key(name: str, text: str) -> bytes:
    try:
        raw = b64decode(text.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError) as exc:
        msg = f"{name}: not base64"
        raise ImproperlyConfigured(msg) from exc
    if len(raw) != KEY_BYTES:
        msg = f"{name}: a key must be {KEY_BYTES} bytes (256 bits), this one has {len(raw)}"
        raise ImproperlyConfigured(msg)
    return raw


def parse_keys(text: str) -> dict[str, bytes]:
    """`k2:<base64>,k1:<base64>` → {"k2": …, "k1": …} (BVCT_KEYS)."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        key_id = key_id.strip().lower()
        if not sep or not key_id or not set(key_id) <= _KEY_ID_CHARS or len(key_id) > 20:  # noqa: PLR2004
            msg = "BVCT_KEYS: each entry is <id>:<base64 key>, the id in a-z 0-9 - _ (≤ 20)"
            raise ImproperlyConfigured(msg)
        if key_id in keys:
            msg = f"BVCT_KEYS: the key id {key_id!r} appears twice"
            raise ImproperlyConfigured(msg)
        keys[key_id] = _decode_key(f"BVCT_KEYS[{key_id}]", encoded)
    return keys


def parse_key(name: str, text: str) -> bytes:
    return _decode_key(name, text)


@dataclass
class Keyring:
    """The configured KEKs, the active one, the blind-index key and a cache of opened data keys."""

    keks: dict[str, bytes]
    active: str
    blind_key: bytes
    source: str
    _cache: OrderedDict[str, bytes] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def kek(self, key_id: str) -> bytes:
        try:
            return self.keks[key_id]
        except KeyError:
            msg = (
                f"key-encryption key {key_id!r} is not configured (BVCT_KEYS has "
                f"{', '.join(sorted(self.keks)) or 'none'}): sealed data cannot be opened"
            )
            raise SealError(msg) from None

    # --- data keys (wrapped by a KEK) ------------------------------------------------------------

    def wrap(self, data_key: bytes, *, uid: str, kek_id: str | None = None) -> tuple[str, str]:
        """(kek id, wrapped key text) of a data key under the active (or the given) KEK."""
        kek_id = kek_id or self.active
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.kek(kek_id)).encrypt(nonce, data_key, _wrap_aad(uid, kek_id))
        return kek_id, b64encode(nonce + sealed)

    def unwrap(self, wrapped: str, *, uid: str, kek_id: str) -> bytes:
        raw = b64decode(wrapped)
        try:
            key = AESGCM(self.kek(kek_id)).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _wrap_aad(uid, kek_id)
            )
        except InvalidTag:
            msg = f"data key {uid}: the key-encryption key {kek_id!r} does not open it (wrong key?)"
            raise SealError(msg) from None
        if len(key) != KEY_BYTES:
            msg = f"data key {uid}: wrong length"
            raise SealError(msg)
        return key

    def cached(self, uid: str) -> bytes | None:
        with self._lock:
            key = self._cache.get(uid)
            if key is not None:
                self._cache.move_to_end(uid)
            return key

    def remember(self, uid: str, key: bytes) -> None:
        with self._lock:
            self._cache[uid] = key
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)

    # --- blind index -----------------------------------------------------------------------------

    def blind_index(self, purpose: str, value: str) -> str:
        """HMAC-SHA256 of an exact value, under the blind-index key, separated by purpose."""
        message = f"{purpose}\x00{value}".encode()
        return hmac.new(self.blind_key, message, hashlib.sha256).hexdigest()


def _wrap_aad(uid: str, kek_id: str) -> bytes:
    return f"bvct/dek|{uid}|{kek_id}".encode()


def field_aad(table: str, column: str, row_id: object, uid: str) -> bytes:
    return f"bvct/field|{table}|{column}|{row_id}|{uid}".encode()


def seal_bytes(data_key: bytes, plaintext: bytes, *, aad: bytes, uid: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    return f"{PREFIX}:{uid}:{b64encode(nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad))}"


def envelope_uid(envelope: str) -> str:
    prefix, sep, rest = envelope.partition(":")
    uid, sep2, _ = rest.partition(":")
    if prefix != PREFIX or not sep or not sep2 or not uid:
        msg = "not a sealed value (the column holds plaintext or a damaged value)"
        raise SealError(msg)
    return uid


def open_bytes(data_key: bytes, envelope: str, *, aad: bytes) -> bytes:
    envelope_uid(envelope)
    body = envelope.split(":", 2)[2]
    try:
        raw = b64decode(body)
        return AESGCM(data_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except (InvalidTag, binascii.Error, ValueError):
        msg = "a sealed value does not open here: wrong key, tampered, or moved from another row"
        raise SealError(msg) from None


def encode_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def decode_json(raw: bytes) -> Any:
    return json.loads(raw.decode())


# --- the keyring from settings -------------------------------------------------------------------

_keyring: Keyring | None = None
_keyring_lock = threading.Lock()


def keyring() -> Keyring:
    """The process keyring (built once; rebuilt when a FIELD_* setting changes in tests)."""
    global _keyring  # noqa: PLW0603
    with _keyring_lock:
        if _keyring is None:
            _keyring = _build_keyring()
        return _keyring


def reset_keyring() -> None:
    global _keyring  # noqa: PLW0603
    with _keyring_lock:
        _keyring = None


def _on_setting_changed(*, setting: str, **_: object) -> None:
    if setting.startswith("FIELD_"):
        reset_keyring()


setting_changed.connect(_on_setting_changed)


def _build_keyring() -> Keyring:
    keks: dict[str, bytes] | None = settings.FIELD_KEYS
    if keks is None:  # development: a generated key file in VAR_DIR
        return _dev_keyring(Path(settings.FIELD_KEYS_FILE))
    active = settings.FIELD_ACTIVE_KEY or next(iter(keks), "")
    if not keks or active not in keks:
        msg = f"BVCT_ACTIVE_KEY {active!r} is not one of BVCT_KEYS ({', '.join(keks) or 'none'})"
        raise ImproperlyConfigured(msg)
    blind: bytes | None = settings.FIELD_BLIND_INDEX_KEY
    if not blind:
        msg = "BVCT_BLIND_INDEX_KEY is missing (the HMAC key of the blind indexes)"
        raise ImproperlyConfigured(msg)
    return Keyring(keks=dict(keks), active=active, blind_key=blind, source="environment")


def _dev_keyring(path: Path) -> Keyring:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        content = {
            "keys": {"dev1": b64encode(new_key())},
            "active": "dev1",
            "blind_index": b64encode(new_key()),
            "note": "development keys, generated; never use in production",
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=2)
    data = json.loads(path.read_text(encoding="utf-8"))
    keks = {k: parse_key(f"{path}[{k}]", v) for k, v in data["keys"].items()}
    return Keyring(
        keks=keks,
        active=data["active"],
        blind_key=parse_key(f"{path}[blind_index]", data["blind_index"]),
        source=str(path),
    )

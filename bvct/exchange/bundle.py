"""The bundle file: signed by the sender, encrypted to the recipient.

    BVCT-BUNDLE/1\n
    {"bundle_id": …, "sender": …, "recipient": …, "kind": …, "epk": …, "nonce": …, "length": N}\n
    <N bytes: AES-256-GCM ciphertext and tag, the header line above as associated data>

The key is HKDF-SHA256 over X25519(ephemeral private key, recipient's public key); the plaintext
is zlib-compressed JSON {"manifest": …, "items": […], "signature": …}. The manifest names the
bundle, sender, recipient, creation time and every item's id, kind and SHA-256; the sender signs
its canonical JSON with Ed25519, so the signature covers every item. This module only packs and
opens; what a bundle changes is `services.py`'s work."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext as _

from bvct.core.errors import DomainError
from bvct.exchange.keys import raw_b64

MAGIC = b"BVCT-BUNDLE/1\n"
FORMAT = "bvct-bundle/1"
_INFO = b"bvct-bundle/1 aes-256-gcm"
_MAX_HEADER = 4096


class BundleError(DomainError):
    """A bundle file refused before anything was applied; `code` says why (for the audit)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class Opened:
    bundle_id: str
    sender: str
    recipient: str
    kind: str
    created_at: dt.datetime
    receipt_for: str | None
    items: list[dict[str, Any]]  # {"id", "kind", "payload"}
    sha256: str
    size: int


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def item_hash(item: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(item)).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _key(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(shared)


def pack(
    *,
    bundle_id: str,
    sender: str,
    recipient: str,
    recipient_key_b64: str,
    kind: str,
    created_at: dt.datetime,
    items: list[dict[str, Any]],
    signer: Ed25519PrivateKey,
    receipt_for: str | None = None,
) -> bytes:
    manifest = {
        "format": FORMAT,
        "bundle_id": bundle_id,
        "sender": sender,
        "recipient": recipient,
        "kind": kind,
        "created_at": created_at.astimezone(dt.UTC).isoformat(),
        "receipt_for": receipt_for,
        "items": [{"id": i["id"], "kind": i["kind"], "sha256": item_hash(i)} for i in items],
    }
    body = {
        "manifest": manifest,
        "items": items,
        "signature": _b64(signer.sign(canonical(manifest))),
    }
    plain = zlib.compress(canonical(body), 6)
    ephemeral = X25519PrivateKey.generate()
    recipient_key = X25519PublicKey.from_public_bytes(base64.b64decode(recipient_key_b64))
    nonce = os.urandom(12)
    header = {
        "bundle_id": bundle_id,
        "sender": sender,
        "recipient": recipient,
        "kind": kind,
        "epk": raw_b64(ephemeral.public_key()),
        "nonce": _b64(nonce),
        "length": len(plain) + 16,  # the GCM tag
    }
    header_line = canonical(header) + b"\n"
    cipher = AESGCM(_key(ephemeral.exchange(recipient_key))).encrypt(nonce, plain, header_line)
    return MAGIC + header_line + cipher


def _truncated() -> BundleError:
    return BundleError(
        _("The bundle file is truncated (incomplete): copy it again from the sending site."),
        code="truncated",
    )


def _tampered(detail: str) -> BundleError:
    return BundleError(
        _(
            "The bundle was altered after it was signed (%(detail)s): do not use it; ask the "
            "sending site for a new one."
        )
        % {"detail": detail},
        code="tampered",
    )


def read_header(data: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    """The header (as parsed), its line (the associated data) and the ciphertext."""
    if not data.startswith(MAGIC):
        if MAGIC.startswith(data):
            raise _truncated()
        raise BundleError(_("This file is not a BVCT bundle."), code="not_a_bundle")
    rest = data[len(MAGIC) :]
    end = rest.find(b"\n", 0, _MAX_HEADER)
    if end < 0:
        if len(rest) < _MAX_HEADER:
            raise _truncated()
        raise BundleError(_("This file is not a BVCT bundle."), code="not_a_bundle")
    line = rest[: end + 1]
    try:
        header = json.loads(line)
        fields = [header[k] for k in ("bundle_id", "sender", "recipient", "kind", "epk", "nonce")]
        length = int(header["length"])
    except (ValueError, KeyError, TypeError) as exc:
        raise _tampered(_("unreadable header")) from exc
    if not all(isinstance(f, str) for f in fields):
        raise _tampered(_("unreadable header"))
    cipher = rest[end + 1 :]
    if len(cipher) < length:
        raise _truncated()
    if len(cipher) > length:
        raise _tampered(_("extra bytes after the end"))
    return header, line, cipher


def open_bundle(
    data: bytes,
    *,
    decryption_key: X25519PrivateKey,
    signing_key_of: Callable[[str], Ed25519PublicKey],
) -> Opened:
    """Decrypt and verify. The caller has already checked the header's recipient and sender
    (`read_header`); `signing_key_of(sender)` gives the pinned key."""
    header, line, cipher = read_header(data)
    try:
        epk = X25519PublicKey.from_public_bytes(base64.b64decode(header["epk"], validate=True))
        nonce = base64.b64decode(header["nonce"], validate=True)
        key = _key(decryption_key.exchange(epk))
        plain = AESGCM(key).decrypt(nonce, cipher, line)
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise _tampered(_("the encryption check failed")) from exc
    try:
        body = json.loads(zlib.decompress(plain))
        manifest, items, signature = body["manifest"], body["items"], body["signature"]
        signature_bytes = base64.b64decode(signature, validate=True)
    except (ValueError, KeyError, TypeError, zlib.error, binascii.Error) as exc:
        raise _tampered(_("unreadable content")) from exc
    try:
        signing_key_of(header["sender"]).verify(signature_bytes, canonical(manifest))
    except InvalidSignature as exc:
        raise _tampered(_("the signature does not match the pinned key of the sender")) from exc
    for name in ("bundle_id", "sender", "recipient", "kind"):
        if manifest.get(name) != header[name]:
            raise _tampered(_("the header does not match the signed manifest"))
    listed = manifest.get("items", [])
    if len(listed) != len(items) or any(
        entry.get("id") != item.get("id") or entry.get("sha256") != item_hash(item)
        for entry, item in zip(listed, items, strict=True)
    ):
        raise _tampered(_("an item does not match its hash in the manifest"))
    return Opened(
        bundle_id=manifest["bundle_id"],
        sender=manifest["sender"],
        recipient=manifest["recipient"],
        kind=manifest["kind"],
        created_at=dt.datetime.fromisoformat(manifest["created_at"]),
        receipt_for=manifest.get("receipt_for"),
        items=items,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


def public_signing_key(b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(b64))

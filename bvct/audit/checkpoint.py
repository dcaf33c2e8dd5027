"""Signed checkpoints: the chain head (sequence number and hash), signed with Ed25519.

A checkpoint file is JSON:
    {"format": "bvct-audit-checkpoint/1", "seq": 42, "hash": "<64 hex>",
     "created_at": "2026-01-31T08:00:00.000000Z", "event_count": 42,
     "public_key": "<base64 of the raw 32-byte Ed25519 public key>", "signature": "<base64>"}
signed over the canonical JSON (`chain.canonical_json`) of every field but `signature`. Kept away
from the database (another machine, paper, a ticket), it pins event `seq` to `hash`: whoever
rewrites the chain, even recomputing every hash, or deletes its newest events, cannot make the
chain match it again without the private key. `bvct audit verify --against FILE` checks that.

The private key lives at `settings.AUDIT_SIGNING_KEY_FILE` (PEM, PKCS#8, unencrypted, mode 0600).
In development it is generated on first use; in production it must exist. Creating a checkpoint
is `services.checkpoint_create` (it writes an audit event); this module only signs and reads.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils.translation import gettext as _

from bvct.audit.chain import canonical_json
from bvct.audit.models import VerifyCode

FORMAT = "bvct-audit-checkpoint/1"
_HASH = re.compile(r"^[0-9a-f]{64}$")
_FIELDS = ("format", "seq", "hash", "created_at", "event_count", "public_key", "signature")


class SigningKeyError(Exception):
    """The audit signing key is missing, unreadable or not an Ed25519 key. Names the file."""


class CheckpointFileError(Exception):
    """A checkpoint file cannot be read or is not a checkpoint. Names the file."""


@dataclass(frozen=True)
class Checkpoint:
    format: str
    seq: int
    hash: str
    created_at: str
    event_count: int
    public_key: str
    signature: str

    def signed_payload(self) -> bytes:
        fields = asdict(self)
        del fields["signature"]
        return canonical_json(fields).encode("utf-8")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


# --- the key ----------------------------------------------------------------------------------


def signing_key_path() -> Path:
    return Path(settings.AUDIT_SIGNING_KEY_FILE)


def load_signing_key(*, create: bool) -> Ed25519PrivateKey:
    """The configured key. A missing key is generated (mode 0600) only when `create` is true and
    we are not in production; otherwise every problem is a `SigningKeyError` naming the file."""
    path = signing_key_path()
    if not path.exists():
        if create and not settings.IS_PRODUCTION:
            return _generate_key(path)
        raise SigningKeyError(
            _(
                "The audit signing key file %(path)s does not exist. Set AUDIT_SIGNING_KEY_FILE "
                "to an Ed25519 private key (PEM, PKCS#8)."
            )
            % {"path": path}
        )
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(
            _("The audit signing key file %(path)s cannot be read: %(error)s")
            % {"path": path, "error": exc.strerror or exc}
        ) from exc
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SigningKeyError(
            _("The audit signing key file %(path)s is not an unencrypted PEM (PKCS#8) private key.")
            % {"path": path}
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(
            _("The audit signing key file %(path)s holds a key that is not Ed25519.")
            % {"path": path}
        )
    return key


def _generate_key(path: Path) -> Ed25519PrivateKey:
    """Write a new key atomically, readable by the owner only; if another process wrote one
    first, theirs wins and is returned."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, pem)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return load_signing_key(create=False)


def public_key_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


# --- signing and checking ---------------------------------------------------------------------


def checkpoint_sign(
    *, seq: int, hash: str, event_count: int, created_at: str, key: Ed25519PrivateKey
) -> Checkpoint:
    unsigned = Checkpoint(
        format=FORMAT,
        seq=seq,
        hash=hash,
        created_at=created_at,
        event_count=event_count,
        public_key=public_key_b64(key),
        signature="",
    )
    signature = key.sign(unsigned.signed_payload())
    return Checkpoint(**{**asdict(unsigned), "signature": base64.b64encode(signature).decode()})


def checkpoint_problem(checkpoint: Checkpoint) -> VerifyCode | None:
    """Why the checkpoint cannot be trusted (key or signature), or None when it can."""
    key = load_signing_key(create=False)
    expected = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    try:
        claimed = base64.b64decode(checkpoint.public_key, validate=True)
        signature = base64.b64decode(checkpoint.signature, validate=True)
    except (binascii.Error, ValueError):
        return VerifyCode.SIGNATURE_INVALID
    if claimed != expected:
        return VerifyCode.KEY_MISMATCH
    try:
        key.public_key().verify(signature, checkpoint.signed_payload())
    except InvalidSignature:
        return VerifyCode.SIGNATURE_INVALID
    return None


# --- files ------------------------------------------------------------------------------------


def checkpoint_read(path: Path) -> Checkpoint:
    """Parse a checkpoint file. Its signature is checked by `checkpoint_problem`, not here."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CheckpointFileError(
            _("The checkpoint file %(path)s cannot be read: %(error)s")
            % {"path": path, "error": exc.strerror or exc}
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointFileError(
            _("The checkpoint file %(path)s is not JSON.") % {"path": path}
        ) from exc
    if not isinstance(raw, dict) or sorted(raw) != sorted(_FIELDS):
        raise CheckpointFileError(
            _("The checkpoint file %(path)s must hold exactly the fields %(fields)s.")
            % {"path": path, "fields": ", ".join(_FIELDS)}
        )
    for name, kind in (
        ("seq", int),
        ("event_count", int),
        ("format", str),
        ("hash", str),
        ("created_at", str),
        ("public_key", str),
        ("signature", str),
    ):
        value = raw[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise CheckpointFileError(
                _("The checkpoint file %(path)s has an invalid %(field)s.")
                % {"path": path, "field": name}
            )
    if raw["format"] != FORMAT or not _HASH.match(raw["hash"]) or raw["seq"] < 0:
        raise CheckpointFileError(
            _("The checkpoint file %(path)s is not a %(format)s checkpoint.")
            % {"path": path, "format": FORMAT}
        )
    return Checkpoint(**raw)


def checkpoint_write(checkpoint: Checkpoint, path: Path) -> None:
    """Write a new file (never overwriting one): complete or absent, even after a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(checkpoint.to_json(), encoding="utf-8")
    try:
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError as exc:
        raise CheckpointFileError(
            _("The checkpoint file %(path)s already exists: choose another name.") % {"path": path}
        ) from exc
    finally:
        temporary.unlink()


def default_checkpoint_path(seq: int) -> Path:
    return Path(settings.VAR_DIR) / "audit-checkpoints" / f"checkpoint-{seq}.json"

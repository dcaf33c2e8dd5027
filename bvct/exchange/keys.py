"""This site's private keys: an Ed25519 key that signs bundles and an X25519 key that bundles
for us are encrypted to. Files in `key_dir()` (PKCS#8 PEM, unencrypted, mode 0600), like the
audit signing key; never in the database. `BVCT_SITE_KEY_DIR` overrides the default
`<BVCT_VAR_DIR>/site-keys`."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

from bvct.core.errors import DomainError

SIGNING_FILE = "signing-key.pem"
ENCRYPTION_FILE = "encryption-key.pem"


def key_dir() -> Path:
    configured = getattr(settings, "BVCT_SITE_KEY_DIR", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "site-keys"


def _write_private(path: Path, pem: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def generate() -> None:
    """Write a new key pair; refuses to overwrite existing keys."""
    folder = key_dir()
    for name in (SIGNING_FILE, ENCRYPTION_FILE):
        if (folder / name).exists():
            raise DomainError(
                _("The site key %(path)s already exists; this site was already set up.")
                % {"path": folder / name}
            )
    _write_private(folder / SIGNING_FILE, _pem(Ed25519PrivateKey.generate()))
    _write_private(folder / ENCRYPTION_FILE, _pem(X25519PrivateKey.generate()))


def _load(name: str) -> object:
    path = key_dir() / name
    try:
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as exc:
        raise DomainError(
            _("The site key %(path)s does not exist: run `bvct site init` first.") % {"path": path}
        ) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise DomainError(
            _("The site key %(path)s cannot be read as a PEM private key.") % {"path": path}
        ) from exc


def signing_key() -> Ed25519PrivateKey:
    key = _load(SIGNING_FILE)
    if not isinstance(key, Ed25519PrivateKey):
        raise DomainError(_("The site signing key is not an Ed25519 key."))
    return key


def encryption_key() -> X25519PrivateKey:
    key = _load(ENCRYPTION_FILE)
    if not isinstance(key, X25519PrivateKey):
        raise DomainError(_("The site encryption key is not an X25519 key."))
    return key


def raw_b64(key: Ed25519PublicKey | X25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def fingerprint(site_id: str, signing_b64: str, encryption_b64: str) -> str:
    """40 digits in 8 groups of 5, to read over the phone ("12345 67890 …"): SHA-256 of the
    site id and both public keys, 4 of its 32 bytes per group."""
    digest = hashlib.sha256(
        f"bvct-site/1\n{site_id}\n{signing_b64}\n{encryption_b64}".encode()
    ).digest()
    groups = [int.from_bytes(digest[i * 4 : i * 4 + 4], "big") % 100_000 for i in range(8)]
    return " ".join(f"{g:05d}" for g in groups)


def normalise_fingerprint(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    return " ".join(digits[i : i + 5] for i in range(0, len(digits), 5))

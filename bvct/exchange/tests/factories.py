"""Test builders: this site, and a peer simulated in-process (its own real keys) that can make
bundles for us and read ours."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.utils import timezone

from bvct.exchange import bundle as fmt
from bvct.exchange import keys, services
from bvct.exchange.models import LocalSite, Peer
from bvct.orgs.models import OrgUnit


def make_site(*units: OrgUnit, site_id: str = "A") -> LocalSite:
    site = services.local_site()
    if site is not None:
        return site
    return services.site_init(
        actor=None, site_id=site_id, name=f"Trạm {site_id}", serves=[u.code for u in units]
    )


@dataclass
class FakePeer:
    site_id: str
    serves: list[OrgUnit]
    signing: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    encryption: X25519PrivateKey = field(default_factory=X25519PrivateKey.generate)

    def identity(self) -> dict[str, Any]:
        signing = keys.raw_b64(self.signing.public_key())
        encryption = keys.raw_b64(self.encryption.public_key())
        return {
            "format": services.IDENTITY_FORMAT,
            "site_id": self.site_id,
            "name": f"Trạm {self.site_id}",
            "serves": [u.code for u in self.serves],
            "signing_key": signing,
            "encryption_key": encryption,
            "fingerprint": keys.fingerprint(self.site_id, signing, encryption),
        }

    def pin(self) -> Peer:
        data = self.identity()
        return services.peer_pin(actor=None, data=data, fingerprint=data["fingerprint"])

    def seal(
        self,
        items: list[dict[str, Any]],
        *,
        recipient: str = "A",
        kind: str = "items",
        created_at: dt.datetime | None = None,
        receipt_for: str | None = None,
        signer: Ed25519PrivateKey | None = None,
    ) -> bytes:
        site = services.require_site()
        recipient_key = keys.raw_b64(keys.encryption_key().public_key())
        return fmt.pack(
            bundle_id=str(uuid.uuid4()),
            sender=self.site_id,
            recipient=recipient if recipient else site.site_id,
            recipient_key_b64=recipient_key,
            kind=kind,
            created_at=created_at or timezone.now(),
            items=items,
            signer=signer or self.signing,
            receipt_for=receipt_for,
        )

    def open(self, data: bytes) -> fmt.Opened:
        """Read a bundle we made for this peer, with our pinned key."""
        ours = keys.raw_b64(keys.signing_key().public_key())
        return fmt.open_bundle(
            data,
            decryption_key=self.encryption,
            signing_key_of=lambda _s: fmt.public_signing_key(ours),
        )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")

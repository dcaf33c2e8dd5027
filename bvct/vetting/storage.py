"""Where case documents' bytes live: `settings.CASE_FILES_DIR`, outside every public path.

`store_file` writes the bytes under a random name and records size and SHA-256 in a
`CaseDocument` row, inside the caller's transaction. If that transaction rolls back, the file
stays on disk unreferenced: no row names it, so nothing can serve it.
`read_file` returns the bytes after checking them against the recorded checksum. Nothing here
checks access or writes audit events: the services that call it do.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.accounts.models import User
from bvct.core.errors import DomainError
from bvct.vetting.models import Case, CaseDocument


def files_root() -> Path:
    return Path(settings.CASE_FILES_DIR)


def _path_for(storage_name: str) -> Path:
    return files_root() / storage_name


def write_blob(owner: str, data: bytes) -> tuple[str, str]:
    """Write bytes under a fresh random name; returns (storage name, SHA-256). Every stored
    file of the project (case documents, inspection documents) goes through here."""
    storage_name = f"{timezone.now():%Y/%m}/{owner}-{secrets.token_hex(16)}"
    path = _path_for(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return storage_name, hashlib.sha256(data).hexdigest()


def read_blob(storage_name: str, sha256: str) -> bytes:
    """The bytes of a stored file, checked against the recorded checksum."""
    try:
        data = _path_for(storage_name).read_bytes()
    except FileNotFoundError as exc:
        raise DomainError(
            _("Document: the stored file is missing; tell an administrator.")
        ) from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DomainError(_("Document: the stored file does not match its checksum."))
    return data


def store_file(
    *,
    case: Case,
    actor: User,
    kind: str,
    title: str,
    original_name: str,
    content_type: str,
    data: bytes,
    visible_to_subject: bool = False,
    checklist_code: str = "",
    classification: int = 0,
) -> CaseDocument:
    """Write `data` and its row (inside the caller's transaction)."""
    now = timezone.now()
    storage_name, sha256 = write_blob(f"{case.pk}", data)
    return CaseDocument.objects.create(
        case=case,
        kind=kind,
        title=title.strip()[:255],
        checklist_code=checklist_code,
        original_name=original_name[:255],
        content_type=content_type,
        size=len(data),
        sha256=sha256,
        storage_name=storage_name,
        visible_to_subject=visible_to_subject,
        classification=classification,
        uploaded_by=actor,
        uploaded_at=now,
    )


def read_file(document: CaseDocument) -> bytes:
    return read_blob(document.storage_name, document.sha256)

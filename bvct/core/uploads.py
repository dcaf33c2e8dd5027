"""The one place that decides whether an uploaded file is acceptable (docs/privacy.md).

Every upload path calls in here before anything else reads the bytes: case documents and
verification replies and inspection evidence (`validate_upload`), the people import sheets
(`validate_sheet`). The checks, in order:

* the name: only the basename is kept (folders of either kind dropped), NFC, control characters
  (CR, LF, NUL…) removed; it is metadata only — files are stored under generated names;
* the extension against an allow-list, then the first bytes against the kind's magic number;
* a size cap;
* for ZIP-based formats (XLSX, DOCX), `check_zip` reads only the central directory and refuses
  zip-slip member names (`..`, absolute paths, backslashes, drive letters), too many members,
  a declared uncompressed total above the cap and any member compressed more than the ratio cap
  (a zip bomb) — before openpyxl or python-docx opens the file. Python's `zipfile` stops reading a
  member at its declared size, so a lying header cannot expand past what was checked.

Messages are Vietnamese and name the file and what is wrong.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from bvct.core.errors import DomainError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls/.doc of Office 97-2003


@dataclass(frozen=True)
class FileKind:
    content_type: str
    magic: tuple[bytes, ...]
    zip_prefix: str = ""  # OOXML: the ZIP must hold [Content_Types].xml and entries under it


PDF = FileKind("application/pdf", (b"%PDF-",))
PNG = FileKind("image/png", (b"\x89PNG\r\n\x1a\n",))
JPEG = FileKind("image/jpeg", (b"\xff\xd8\xff",))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (ZIP_MAGIC,),
    "word/",
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (ZIP_MAGIC,),
    "xl/",
)
CSV = FileKind("text/csv", ())
# Case documents, verification replies, inspection evidence
DOCUMENT_KINDS: dict[str, FileKind] = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".docx": DOCX,
    ".xlsx": XLSX,
}
# People import sheets
SHEET_KINDS: dict[str, FileKind] = {".csv": CSV, ".xlsx": XLSX}
_DOCUMENT_LIST = "PDF, PNG, JPEG, DOCX, XLSX"
_SNIFF = 8192


def clean_name(name: str) -> str:
    """The basename only (no folders of either kind), NFC, without control characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    text = unicodedata.normalize("NFC", base)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()[:255]


def read_limited(stream: IO[bytes], limit: int | None = None) -> bytes:
    """At most `limit + 1` bytes (default the case-file cap): enough to tell a file is too big."""
    cap = int(settings.CASE_FILE_MAX_BYTES) if limit is None else limit
    return stream.read(cap + 1)


def _suffix_kind(clean: str, kinds: dict[str, FileKind], accepted: str) -> tuple[str, FileKind]:
    if not clean:
        raise DomainError(_("File: choose a file to upload."), field="file")
    suffix = PurePosixPath(clean.lower()).suffix
    kind = kinds.get(suffix)
    if kind is None:
        raise DomainError(
            _("File “%(name)s”: this kind of file is not accepted (%(kinds)s).")
            % {"name": clean, "kinds": accepted},
            field="file",
        )
    return suffix, kind


def _check_size(clean: str, size: int, limit: int) -> None:
    if size == 0:
        raise DomainError(_("File “%(name)s”: the file is empty.") % {"name": clean}, field="file")
    if size > limit:
        raise DomainError(
            _("File “%(name)s”: larger than %(mb)s MB.")
            % {"name": clean, "mb": f"{limit / (1024 * 1024):.1f}"},
            field="file",
        )


def _not_a(clean: str, suffix: str) -> DomainError:
    return DomainError(
        _("File “%(name)s”: its content is not a %(ext)s file.")
        % {"name": clean, "ext": suffix[1:].upper()},
        field="file",
    )


def _unsafe_member(name: str) -> bool:
    parts = name.split("/")
    return (
        "\\" in name
        or name.startswith("/")
        or ".." in parts
        or (len(name) > 1 and name[1] == ":")
        or any(unicodedata.category(ch)[0] == "C" for ch in name)
    )


def check_zip(binary: IO[bytes], clean: str, *, prefix: str, suffix: str) -> None:
    """Refuse a ZIP-based file that is not the OOXML kind, a zip-slip or a zip bomb (reads only
    the central directory; rewinds the file)."""
    try:
        with zipfile.ZipFile(binary) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _not_a(clean, suffix) from exc
    finally:
        binary.seek(0)
    names = [m.filename for m in members]
    if "[Content_Types].xml" not in names or not any(n.startswith(prefix) for n in names):
        raise _not_a(clean, suffix)
    if len(members) > int(settings.ZIP_MAX_MEMBERS) or len(set(names)) != len(names):
        raise DomainError(
            _("File “%(name)s”: the archive holds too many or repeated parts; refused.")
            % {"name": clean},
            field="file",
        )
    if any(_unsafe_member(n) for n in names):
        raise DomainError(
            _("File “%(name)s”: the archive names a path outside itself (zip-slip); refused.")
            % {"name": clean},
            field="file",
        )
    total = sum(m.file_size for m in members)
    ratio = int(settings.ZIP_MAX_RATIO)
    bomb = total > int(settings.ZIP_MAX_UNCOMPRESSED) or any(
        m.file_size > ratio * max(m.compress_size, 1) for m in members
    )
    if bomb:
        raise DomainError(
            _(
                "File “%(name)s”: the archive expands far beyond its size "
                "(a possible zip bomb); refused."
            )
            % {"name": clean},
            field="file",
        )


def _check_content(binary: IO[bytes], clean: str, suffix: str, kind: FileKind) -> None:
    head = binary.read(_SNIFF)
    binary.seek(0)
    if kind is CSV:
        if head.startswith((ZIP_MAGIC, OLE_MAGIC, b"%PDF-")) or b"\x00" in head:
            raise _not_a(clean, suffix)
        return
    if not any(head.startswith(m) for m in kind.magic):
        raise _not_a(clean, suffix)
    if kind.zip_prefix:
        check_zip(binary, clean, prefix=kind.zip_prefix, suffix=suffix)


def validate_file(
    name: str, binary: IO[bytes], *, size: int, kinds: dict[str, FileKind], limit: int
) -> tuple[str, FileKind]:
    """(clean name, kind) of an acceptable file; DomainError (field "file") otherwise."""
    clean = clean_name(name)
    accepted = ", ".join(sorted({s[1:].upper() for s in kinds}))
    suffix, kind = _suffix_kind(clean, kinds, accepted)
    _check_size(clean, size, limit)
    _check_content(binary, clean, suffix, kind)
    return clean, kind


def validate_upload(name: str, data: bytes) -> tuple[str, str]:
    """A case document, reply or evidence: (clean file name, content type)."""
    import io  # noqa: PLC0415 (only here)

    clean = clean_name(name)
    suffix, kind = _suffix_kind(clean, DOCUMENT_KINDS, _DOCUMENT_LIST)
    _check_size(clean, len(data), int(settings.CASE_FILE_MAX_BYTES))
    _check_content(io.BytesIO(data), clean, suffix, kind)
    return clean, kind.content_type


def validate_sheet(name: str, binary: IO[bytes], *, uploaded: bool = True) -> str:
    """A people import sheet (CSV or XLSX): its clean name. An upload is capped at
    `IMPORT_MAX_BYTES`; a file already on the server (`bvct import people`) is not."""
    binary.seek(0, 2)
    size = binary.tell()
    binary.seek(0)
    limit = int(settings.IMPORT_MAX_BYTES) if uploaded else size
    clean, _kind = validate_file(name, binary, size=size, kinds=SHEET_KINDS, limit=limit)
    return clean

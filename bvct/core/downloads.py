"""The one helper that sends a file to the browser (docs/privacy.md).

Every download view ends in `attachment`: always an attachment (never rendered inline), with
`X-Content-Type-Options: nosniff`, `Cache-Control: no-store` and a `Content-Disposition` built by
`content_disposition` — an ASCII `filename=` fallback (quotes, backslashes, control characters
and non-ASCII replaced) plus the exact name as RFC 5987 `filename*=UTF-8''…` (RFC 6266), so a
stored name with CR/LF, quotes or `../` can neither inject a header nor name a path.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

from bvct.core.uploads import clean_name

_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._ ()+,=@-]")


def content_disposition(name: str, *, fallback: str = "download") -> str:
    """`attachment; filename="…"; filename*=UTF-8''…` for any name, safely."""
    clean = clean_name(name) or fallback
    folded = unicodedata.normalize("NFKD", clean).replace("đ", "d").replace("Đ", "D")
    ascii_name = _UNSAFE_ASCII.sub("_", folded.encode("ascii", "ignore").decode()).strip(" .")
    ascii_name = ascii_name or fallback
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"


def attachment(content: bytes | IO[bytes], *, filename: str, content_type: str) -> HttpResponseBase:
    """The response for a download: bytes in memory or an open binary file (closed after)."""
    response: HttpResponseBase
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response

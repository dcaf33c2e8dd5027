"""Vietnamese text helpers: NFC storage and diacritic-insensitive search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """Normalise to NFC and collapse whitespace: how every name is stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """Search key: lower case, no diacritics, đ → d, single spaces.

    "Nguyễn Thị Hồng Nhung" and "nguyen thi hong  nhung" fold to the same key.
    """
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()

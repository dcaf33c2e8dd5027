"""Vietnamese personal names: storage form and search keys.

A Vietnamese name is written surname first, given name last: "Nguyễn Thị Hồng Nhung" has surname
"Nguyễn", middle name "Thị Hồng" and given name "Nhung". Single-word names have only a given name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bvct.core.text import fold, nfc

# zero-width space/joiners, BOM, soft hyphen: pasted from Word and web pages
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_name(raw: str) -> str:
    """NFC, invisible characters removed, whitespace collapsed, each word capitalised as written.

    Capitalisation is only fixed for words typed entirely in lower or upper case, so that names
    such as "H'Hen Niê" keep their own form.
    """
    text = nfc(_INVISIBLE.sub("", raw))
    words = [
        word.capitalize() if word.islower() or word.isupper() else word for word in text.split(" ")
    ]
    return " ".join(words)


@dataclass(frozen=True)
class NameParts:
    full_name: str
    surname: str
    middle_name: str
    given_name: str
    name_key: str


def split_name(raw: str) -> NameParts:
    full = clean_name(raw)
    words = full.split(" ") if full else []
    if not words:
        return NameParts("", "", "", "", "")
    if len(words) == 1:
        return NameParts(full, "", "", words[0], fold(full))
    return NameParts(full, words[0], " ".join(words[1:-1]), words[-1], fold(full))

"""Exact recognition of 2025 addresses in an imported sheet ("Phường Hoàn Kiếm, Thành phố Hà Nội").

An import reads millions of addresses, so it only does what is cheap and certain: the last
comma-separated part names a 2025 province and the part before it one of its communes (folded
comparison, with or without "Tỉnh"/"Thành phố"). Anything else (old addresses with districts,
abbreviations) is kept verbatim with no unit, for the person page to suggest one later with
`bvct.people.addresses.suggest_units` (far too slow to run per row here).
"""

from __future__ import annotations

from functools import cache, lru_cache

from bvct.core.text import fold
from bvct.intake.parsing import CACHE_SIZE
from bvct.people.addresses import commune_choices, province_choices

_PROVINCE_PREFIXES = ("thanh pho ", "tinh ", "tp. ", "tp ")


def _province_key(text: str) -> str:
    key = fold(text)
    for prefix in _PROVINCE_PREFIXES:
        if key.startswith(prefix):
            return key.removeprefix(prefix).strip()
    return key


@cache
def _index() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    provinces = {_province_key(name): code for code, name in province_choices()}
    communes = {
        (code, fold(commune)): commune_code
        for code in provinces.values()
        for commune_code, commune in commune_choices(code)
    }
    return provinces, communes


@lru_cache(maxsize=CACHE_SIZE)  # a sheet repeats a few thousand communes
def resolve_address(text: str) -> tuple[str, str]:
    """(province code, commune code) of a 2025 address, ("", "") when not recognised; a known
    province with an unknown commune gives (province code, "")."""
    if not text:
        return "", ""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        return "", ""
    provinces, communes = _index()
    province = provinces.get(_province_key(parts[-1]), "")
    if not province or len(parts) < 2:  # noqa: PLR2004
        return province, ""
    return province, communes.get((province, fold(parts[-2])), "")

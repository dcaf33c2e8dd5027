"""Hometown and residence as 2025 administrative units, and suggestions for old addresses.

Units are those of the `vietnam-provinces` package (NQ 202/2025/QH15: 34 provinces, 3,321
communes, wards and special zones), stored as the package's codes: province "01", commune "00070".

Old addresses ("xã Khánh Hòa, huyện Yên Khánh, Ninh Bình") are kept verbatim and get a SUGGESTED
2025 unit from the `vietnam-address-converter` package, which the user accepts or not. That
package has its own numbering (Hà Nội is "11" there), so its answer is mapped to ours by NAMES
(folded, within the province). It loads ~10 MB of data and builds indexes on first use (10–25 s):
the converter is created lazily, once per process, under a lock, and nothing else here needs it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from vietnam_provinces import Province, Ward

from bvct.core.text import fold

PROVINCE_CODE_LENGTH = 2
COMMUNE_CODE_LENGTH = 5


@dataclass(frozen=True)
class Unit2025:
    province_code: str
    commune_code: str
    province_name: str
    commune_name: str

    @property
    def label(self) -> str:
        if self.commune_name:
            return f"{self.commune_name}, {self.province_name}"
        return self.province_name


def _province_code(value: Any) -> str:
    return f"{int(value):0{PROVINCE_CODE_LENGTH}d}"


def _commune_code(value: Any) -> str:
    return f"{int(value):0{COMMUNE_CODE_LENGTH}d}"


@cache
def _provinces() -> dict[str, str]:
    items = sorted(Province.iter_all(), key=lambda p: fold(_short_province_name(p.name)))
    return {_province_code(p.code): p.name for p in items}


@cache
def _communes() -> dict[str, dict[str, str]]:
    """province code → {commune code: name}, communes sorted by folded name."""
    by_province: dict[str, dict[str, str]] = {code: {} for code in _provinces()}
    for ward in sorted(Ward.iter_all(), key=lambda w: fold(w.name)):
        by_province[_province_code(ward.province_code)][_commune_code(ward.code)] = ward.name
    return by_province


def _short_province_name(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def province_choices() -> list[tuple[str, str]]:
    return list(_provinces().items())


def commune_choices(province_code: str) -> list[tuple[str, str]]:
    return list(_communes().get(province_code, {}).items())


def province_name(code: str) -> str:
    return _provinces().get(code, "")


def commune_name(province_code: str, commune_code: str) -> str:
    return _communes().get(province_code, {}).get(commune_code, "")


def unit_label(province_code: str, commune_code: str) -> str:
    """ "Phường Hoàn Kiếm, Thành phố Hà Nội"; empty when no unit is set."""
    if not province_code:
        return ""
    unit = Unit2025(
        province_code,
        commune_code,
        province_name(province_code),
        commune_name(province_code, commune_code),
    )
    return unit.label


def validate_unit(*, province_code: str, commune_code: str, label: str) -> list[str]:
    """Problems with a (province, commune) pair; `label` names the field ("Quê quán")."""
    if not province_code and not commune_code:
        return []
    if province_code not in _provinces():
        return [
            _("%(field)s: “%(code)s” is not a 2025 province code.")
            % {"field": label, "code": province_code}
        ]
    if commune_code and commune_code not in _communes()[province_code]:
        return [
            _("%(field)s: “%(code)s” is not a commune of %(province)s.")
            % {"field": label, "code": commune_code, "province": province_name(province_code)}
        ]
    return []


# --- suggestions for old addresses ------------------------------------------------------------

_converter: Any = None
_converter_lock = threading.Lock()


def _get_converter() -> Any:
    global _converter  # noqa: PLW0603 (one converter per process, created on first use)
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                from vietnam_address_converter import (  # type: ignore[import-untyped]  # noqa: PLC0415
                    create_converter,
                )

                converter = create_converter()
                converter.convert_address_text("phường Hàng Bạc, quận Hoàn Kiếm, Hà Nội")  # warm
                _converter = converter
    return _converter


def converter_is_loaded() -> bool:
    return _converter is not None


def _unit_for_names(province: str, ward: str) -> Unit2025 | None:
    """Our unit for the converter's (province name, ward name with type), matched by name."""
    province_key = fold(_short_province_name(province))
    for code, name in _provinces().items():
        if fold(_short_province_name(name)) == province_key:
            ward_key = fold(ward)
            for commune_code, commune in _communes()[code].items():
                if fold(commune) == ward_key:
                    return Unit2025(code, commune_code, name, commune)
            return None
    return None


def suggest_units(old_address: str) -> list[Unit2025]:
    """2025 units the old address most likely lies in today: one when the conversion is exact,
    several when the old commune was split, none when the text is not understood.

    Slow on the first call of a process (see the module docstring)."""
    text = old_address.strip()
    if not text:
        return []
    answer = _get_converter().convert_address_text(text)
    conversion = answer.get("conversion") or {}
    found = conversion.get("candidates") or []
    if conversion.get("result"):
        found = [conversion["result"]]
    units: list[Unit2025] = []
    for candidate in found:
        province = (candidate.get("new_province") or {}).get("name_with_type", "")
        ward = (candidate.get("new_ward") or {}).get("name_with_type", "")
        unit = _unit_for_names(province, ward) if province and ward else None
        if unit is not None and unit not in units:
            units.append(unit)
    return units

"""Display helpers for dossiers (formatting only)."""

from __future__ import annotations

from typing import Any

from django import template

from bvct.people import addresses
from bvct.people.dates import format_partial_date
from bvct.people.identity import mask_cccd as _mask_cccd

register = template.Library()


@register.filter
def mask_cccd(value: str | None) -> str:
    """ "001******345": lists never show a whole CCCD."""
    return _mask_cccd(value)


@register.filter
def birth(obj: Any) -> str:
    """Date of birth as precise as it is known: dd/mm/yyyy, mm/yyyy or yyyy."""
    return format_partial_date(obj.birth_date, obj.birth_precision)


@register.simple_tag
def unit_label(province_code: str, commune_code: str) -> str:
    return addresses.unit_label(province_code, commune_code)

"""What needs the user's attention: each app contributes items through `ATTENTION_SOURCES`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from bvct.accounts.models import User


@dataclass(frozen=True)
class AttentionItem:
    label: str | Promise
    count: int
    url: str
    severity: str = "info"  # info | warning | danger


AttentionSource = Callable[["User"], list[AttentionItem]]
ATTENTION_SOURCES: list[AttentionSource] = []


def register_attention_source(source: AttentionSource) -> AttentionSource:
    """Apps call this from AppConfig.ready()."""
    if source not in ATTENTION_SOURCES:
        ATTENTION_SOURCES.append(source)
    return source


def attention_items_for(*, actor: User) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for source in ATTENTION_SOURCES:
        items.extend(item for item in source(actor) if item.count)
    return items

"""Typed helpers that read settings from the environment (Healthchecks style)."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    msg = f"{name} must be true or false, not {raw!r}"
    raise ImproperlyConfigured(msg)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError as exc:
        msg = f"{name} must be a whole number, not {raw!r}"
        raise ImproperlyConfigured(msg) from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/systemd secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            msg = f"{name}_FILE points to {file_name!r}, which cannot be read: {exc.strerror}"
            raise ImproperlyConfigured(msg) from exc
    return os.environ.get(name, default)


_RATE_UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(name: str, raw: str) -> tuple[int, int]:
    """ "30/15m" → (30, 900): at most 30 requests per 15 minutes. "0/…" turns the limit off."""
    count, _, period = raw.strip().partition("/")
    unit = period[-1:].lower()
    amount = period[:-1] or "1"
    if not (count.isdigit() and amount.isdigit() and unit in _RATE_UNITS and int(amount) > 0):
        msg = f"{name} must look like 30/15m (count/period in s, m or h), not {raw!r}"
        raise ImproperlyConfigured(msg)
    return int(count), int(amount) * _RATE_UNITS[unit]


def env_rate(name: str, default: str) -> tuple[int, int]:
    return parse_rate(name, os.environ.get(name, default))

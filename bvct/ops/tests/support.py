"""Point Django's connections at other databases for the length of a block (this thread only),
so the app's own code — services, selectors, views, the router — runs against them."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def databases(configs: dict[str, dict[str, Any]]) -> Iterator[None]:
    """Use `configs` (which must name `default`) as DATABASES inside the block; afterwards every
    alias is back as it was (an alias that did not exist is removed again)."""
    assert DEFAULT_DB_ALIAS in configs
    filled = connections.configure_settings(copy.deepcopy(configs))
    missing = object()
    saved_settings = {alias: connections.settings.get(alias, missing) for alias in filled}
    saved_connections = {
        alias: getattr(connections._connections, alias, missing)  # type: ignore[attr-defined]
        for alias in filled
    }
    for alias, config in filled.items():
        connections.settings[alias] = config
        connections[alias] = connections.create_connection(alias)
    try:
        yield
    finally:
        for alias in filled:
            connections[alias].close()
            if saved_settings[alias] is missing:
                del connections.settings[alias]
            else:
                connections.settings[alias] = saved_settings[alias]
            if saved_connections[alias] is missing:
                del connections[alias]
            else:
                connections[alias] = saved_connections[alias]  # type: ignore[assignment]

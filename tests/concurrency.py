"""Helpers for tests where several threads write at once, each with its own connection.

On PostgreSQL the threads share the test database. On SQLite the in-memory shared-cache test
database refuses a second writer at once instead of waiting, unlike the file database BVCT runs on,
so `sqlite_file_copy` copies the test database to a file and `own_connection` gives each thread a
connection to it with the project's settings (WAL, busy_timeout, BEGIN IMMEDIATE).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend


def sqlite_file_copy(path: Path) -> dict[str, Any] | None:
    """Settings of a file copy (at `path`) of the SQLite test database as it is now; None on
    PostgreSQL, where threads use the test database itself."""
    if connection.vendor != "sqlite":
        return None
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return {**connection.settings_dict, "NAME": str(path)}


@contextmanager
def own_connection(file_settings: dict[str, Any] | None) -> Iterator[None]:
    """This thread's connection: to the test database, or to its file copy on SQLite."""
    if file_settings is None:
        try:
            yield
        finally:
            connections[DEFAULT_DB_ALIAS].close()
        return
    original = connections[DEFAULT_DB_ALIAS]
    wrapper = load_backend(file_settings["ENGINE"]).DatabaseWrapper(
        dict(file_settings), DEFAULT_DB_ALIAS
    )
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield
    finally:
        wrapper.close()
        connections[DEFAULT_DB_ALIAS] = original

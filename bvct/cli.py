"""The `bvct` console script: fronts every management command with one-line errors.

`bvct orgs load`, `bvct audit verify`, `bvct demo`, `bvct migrate`, … are Django management
commands; this wrapper sets the settings module and turns the two errors an operator meets first
(bad configuration, unreachable database) into one readable line instead of a traceback.
"""

from __future__ import annotations

import os
import sys


def _database_label() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "SQLite (var/bvct.sqlite3)"
    # never print a password
    head, _, tail = url.rpartition("@")
    scheme = url.split("://", 1)[0]
    return f"{scheme}://…@{tail}" if head else url


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    args = list(sys.argv if argv is None else argv)
    args[0] = "bvct"
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line
        from django.db.utils import OperationalError

        try:
            execute_from_command_line(args)
        except OperationalError as exc:
            text = str(exc).strip()
            first_line = text.splitlines()[0] if text else type(exc).__name__
            print(
                f"bvct: cannot reach the database {_database_label()}: {first_line}",
                file=sys.stderr,
            )
            return 2
    except ImproperlyConfigured as exc:
        print(f"bvct: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

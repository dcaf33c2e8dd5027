"""Reads for operators: the health of the databases (`/healthz`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from bvct.core.replica import REPLICA, replica_configured

logger = logging.getLogger("bvct.ops.health")


@dataclass(frozen=True)
class Health:
    database: str  # "ok" or "unreachable"
    replica: str | None  # None when no replica is configured

    @property
    def ok(self) -> bool:
        """Serving needs the primary; a lost replica is reported, not fatal (see operations)."""
        return self.database == "ok"

    def as_json(self) -> dict[str, str]:
        body = {"status": "ok" if self.ok else "error", "database": self.database}
        if self.replica is not None:
            body["replica"] = self.replica
        return body


def _probe(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # the reason goes to the log, never into the public answer
        logger.warning("health: database %s unreachable: %s", alias, type(exc).__name__)
        connections[alias].close()  # the next probe opens a fresh connection
        return "unreachable"
    return "ok"


def health() -> Health:
    replica = _probe(REPLICA) if replica_configured() else None
    return Health(database=_probe(DEFAULT_DB_ALIAS), replica=replica)

"""Data migrations for sealed columns: encrypt existing plaintext rows (and back).

Raw SQL on purpose: the historical models of a migration do not carry the row-id binding, and the
migration must not depend on today's models. Data keys are created in `people_dossierkey` exactly
as `bvct.people.dossier_keys` does. Both directions skip rows already in the wanted state, so a
migration interrupted half-way can be run again.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone

from bvct.core import crypto

KEY_TABLE = "people_dossierkey"


@dataclass(frozen=True)
class SealedColumn:
    table: str
    column: str
    person_sql: str  # SQL giving the dossier's person id, over the table aliased "t"
    join: str = ""
    is_json: bool = False
    index_column: str = ""  # a blind index to fill from the plaintext
    index_fn: Callable[[str], str] | None = None


def _data_key(cursor: Any, person_id: int) -> tuple[str, bytes]:
    ring = crypto.keyring()
    cursor.execute(
        f"SELECT uid, kek_id, wrapped FROM {KEY_TABLE} WHERE person_id = %s",  # noqa: S608
        [person_id],
    )
    row = cursor.fetchone()
    if row is not None:
        uid, kek_id, wrapped = row
        key = ring.cached(uid) or ring.unwrap(wrapped, uid=uid, kek_id=kek_id)
        ring.remember(uid, key)
        return uid, key
    key, uid = crypto.new_key(), secrets.token_hex(16)
    kek_id, wrapped = ring.wrap(key, uid=uid)
    cursor.execute(
        f"INSERT INTO {KEY_TABLE} (person_id, uid, kek_id, wrapped, created_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s)",
        [person_id, uid, kek_id, wrapped, timezone.now()],
    )
    ring.remember(uid, key)
    return uid, key


def _rows(cursor: Any, qn: Callable[[str], str], spec: SealedColumn) -> list[tuple[Any, ...]]:
    cursor.execute(
        f"SELECT t.id, t.{qn(spec.column)}, {spec.person_sql} "  # noqa: S608
        f"FROM {qn(spec.table)} t {spec.join} ORDER BY t.id"
    )
    return list(cursor.fetchall())


def seal_columns(schema_editor: BaseDatabaseSchemaEditor, *specs: SealedColumn) -> None:
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for spec in specs:
            for row_id, value, person_id in _rows(cursor, qn, spec):
                if value is None or str(value).startswith(f"{crypto.PREFIX}:"):
                    continue
                text = str(value)
                plaintext = crypto.encode_json(json.loads(text)) if spec.is_json else text.encode()
                uid, key = _data_key(cursor, person_id)
                aad = crypto.field_aad(spec.table, spec.column, row_id, uid)
                sets, params = (
                    [f"{qn(spec.column)} = %s"],
                    [crypto.seal_bytes(key, plaintext, aad=aad, uid=uid)],
                )
                if spec.index_column and spec.index_fn is not None:
                    sets.append(f"{qn(spec.index_column)} = %s")
                    params.append(spec.index_fn(text))
                cursor.execute(
                    f"UPDATE {qn(spec.table)} SET {', '.join(sets)} WHERE id = %s",  # noqa: S608
                    [*params, row_id],
                )


def open_columns(schema_editor: BaseDatabaseSchemaEditor, *specs: SealedColumn) -> None:
    """The reverse: write the plaintext back (before the column returns to its old type)."""
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    ring = crypto.keyring()
    with connection.cursor() as cursor:
        for spec in specs:
            for row_id, value, _person in _rows(cursor, qn, spec):
                if value is None or not str(value).startswith(f"{crypto.PREFIX}:"):
                    continue
                uid = crypto.envelope_uid(value)
                cursor.execute(
                    f"SELECT kek_id, wrapped FROM {KEY_TABLE} WHERE uid = %s",  # noqa: S608
                    [uid],
                )
                kek_id, wrapped = cursor.fetchone()
                key = ring.unwrap(wrapped, uid=uid, kek_id=kek_id)
                aad = crypto.field_aad(spec.table, spec.column, row_id, uid)
                plaintext = crypto.open_bytes(key, value, aad=aad).decode()
                cursor.execute(
                    f"UPDATE {qn(spec.table)} SET {qn(spec.column)} = %s WHERE id = %s",  # noqa: S608
                    [plaintext, row_id],
                )

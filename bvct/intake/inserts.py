"""Bulk inserts for the import's hot path: one COPY (PostgreSQL) or one `executemany` (SQLite)
per batch and table.

The ORM's `bulk_create` compiles SQL and prepares every field of every row in Python, which costs
more than the database's own work (on SQLite it also splits a batch into ~35-row statements).
Here the columns are taken from the model's concrete fields once, each row is a plain tuple, and
the database adapts the values. Primary keys of new people are reserved first (PostgreSQL: from
the column's sequence; SQLite: above `sqlite_sequence`, which is safe because the caller's
transaction already holds SQLite's single write lock), so the objects can be indexed afterwards.
Everything runs in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

Converter = Callable[[Any], Any]
_M = TypeVar("_M", bound=models.Model)


def _column_converter(field: models.Field[Any, Any]) -> Converter | None:
    """How a Python value becomes what the SQLite driver stores (PostgreSQL adapts natively)."""
    if connection.vendor != "sqlite":
        return None
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return _iso_date
    return None


def _iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def insert_new(model: type[_M], items: Sequence[dict[str, Any]]) -> list[_M]:
    """Insert new rows given as {attname: value} (fields not given take their default; auto_now
    fields the current time) with reserved primary keys; return them as saved model objects."""
    if not items:
        return []
    fields, rows = _insert_new(model, items)
    names = [field.attname for field in fields]
    return [model.from_db(connection.alias, names, row) for row in rows]


def insert_new_ids(model: type[models.Model], items: Sequence[dict[str, Any]]) -> list[int]:
    """`insert_new` without building model objects: the new primary keys, in order."""
    if not items:
        return []
    fields, rows = _insert_new(model, items)
    index = next(i for i, field in enumerate(fields) if field.primary_key)
    return [row[index] for row in rows]


def insert_new_values(
    model: type[models.Model], attnames: Sequence[str], values: Sequence[tuple[Any, ...]]
) -> list[int]:
    """Insert new rows given as tuples of the fields `attnames` (the other fields take their
    default, auto_now fields the current time) with reserved primary keys; return the keys, in
    order. The importer's hot path: no dictionary or model object per row."""
    if not values:
        return []
    meta = model._meta
    fields = list(meta.concrete_fields)
    by_name = {field.attname: field for field in fields}
    given = [by_name[name] for name in attnames]
    now = timezone.now()
    others = [f for f in fields if not f.primary_key and f.attname not in set(attnames)]
    fixed = tuple(
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in others
    )
    pk = meta.pk
    if pk is None:
        raise TypeError(f"{model.__name__} has no primary key")
    ids = _reserve_ids(model, len(values))
    ordered = [pk, *given, *others]
    rows: Iterable[tuple[Any, ...]] = (
        (key, *row, *fixed) for key, row in zip(ids, values, strict=True)
    )
    converters = [_column_converter(field) for field in ordered]
    if any(converters):
        rows = (
            tuple(v if c is None else c(v) for v, c in zip(row, converters, strict=True))
            for row in rows
        )
    _write(meta.db_table, [field.column for field in ordered], rows)
    return ids


def _insert_new(
    model: type[models.Model], items: Sequence[dict[str, Any]]
) -> tuple[list[Any], list[tuple[Any, ...]]]:
    meta = model._meta
    fields = list(meta.concrete_fields)
    now = timezone.now()
    fixed: dict[str, Any] = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = now
        elif not field.primary_key:
            fixed[field.attname] = field.get_default()
    pk_name = meta.pk.attname if meta.pk is not None else "id"
    rows = []
    for pk, item in zip(_reserve_ids(model, len(items)), items, strict=True):
        values = {**fixed, **item, pk_name: pk}
        rows.append(tuple(values[field.attname] for field in fields))
    converters = [_column_converter(field) for field in fields]
    if any(converters):
        stored: Iterable[tuple[Any, ...]] = (
            tuple(v if c is None else c(v) for v, c in zip(row, converters, strict=True))
            for row in rows
        )
    else:
        stored = rows
    _write(meta.db_table, [field.column for field in fields], stored)
    return fields, rows


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    pk_column = model._meta.pk.column if model._meta.pk is not None else "id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT max({quote(pk_column)}) FROM {quote(table)}")  # noqa: S608 (names from the model)
        top = max(found[0] if found else 0, cursor.fetchone()[0] or 0)
    return list(range(top + 1, top + 1 + count))


def _write(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {quote(table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 (names from the model)
        connection.connection.executemany(sql, rows)


def insert_rows(
    model: type[models.Model], columns: list[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Insert plain tuples into `columns` of the model's table (values the driver adapts as is:
    text, numbers, None)."""
    _write(model._meta.db_table, columns, rows)

"""Fast bulk inserts for hot paths (imports): COPY on PostgreSQL, executemany elsewhere.

Django's `bulk_create` builds a model instance and runs every field's save hooks per value; for a
million-row import that costs more than the parse, the encryption and the database together. Here the
caller passes *database-ready* values (already encrypted where the column is) as tuples in column
order (`copy_rows`) or as dicts (`insert_rows`), ids are allocated up front, and the rows stream
straight into the table. Use it only inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from psycopg.copy import QueuedLibpqWriter


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` primary keys. PostgreSQL: from the sequence. SQLite: after the current maximum
    (safe because the caller's transaction already holds SQLite's single write lock)."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 (table from model meta)
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def _field_by_attname(model: type[models.Model], attname: str) -> models.Field:
    return next(f for f in model._meta.concrete_fields if f.attname == attname)


def _identity(value: Any) -> Any:
    return value


def _json(value: Any) -> Any:
    return None if value is None else json.dumps(value)


def _adapter(field: models.Field, vendor: str) -> Callable[[Any], Any]:
    """What a db-ready value still needs on this database (nothing on PostgreSQL)."""
    if vendor == "postgresql":
        return _identity
    if isinstance(field, models.UUIDField):
        return lambda v: (
            v.hex if isinstance(v, uuid.UUID) else v.replace("-", "") if isinstance(v, str) else v
        )
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v)
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if isinstance(v, dt.date) else v
    return _identity


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], *, columns: Sequence[str]) -> int:
    """Insert rows given as {attname: value}; `columns` names the attnames the rows carry. Values as
    for `copy_rows`, except that JSON columns take Python values (encoded here)."""
    json_at = [
        i for i, name in enumerate(columns) if isinstance(_field_by_attname(model, name), models.JSONField)
    ]

    def as_sequence(row: dict[str, Any]) -> list[Any]:
        values = [row[name] for name in columns]
        for i in json_at:
            values[i] = _json(values[i])
        return values

    return copy_rows(model, map(as_sequence, rows), columns=columns)


def copy_rows(model: type[models.Model], rows: Iterable[Sequence[Any]], *, columns: Sequence[str]) -> int:
    """Insert rows given as sequences of db-ready values in `columns` order (the id included, when
    allocated; JSON columns as JSON text). Every other concrete field gets its model default, so a
    field added to the model later needs no change here. On PostgreSQL, a row with every column
    given goes to COPY as it is: no per-row work here at all."""
    given = set(columns)
    default_fields = [f for f in model._meta.concrete_fields if f.attname not in given and not f.primary_key]
    defaults = tuple(_default_value(f) for f in default_fields)
    fields = [_field_by_attname(model, name) for name in columns] + default_fields
    adapters = [_adapter(f, connection.vendor) for f in fields]
    needs_adapting = [(i, adapt) for i, adapt in enumerate(adapters) if adapt is not _identity]
    if defaults or needs_adapting:
        rows = (_completed(row, defaults, needs_adapting) for row in rows)

    db_columns = ", ".join(f'"{f.column}"' for f in fields)
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The queued writer sends in a background thread, so the server's work overlaps ours.
            sql = f'COPY "{table}" ({db_columns}) FROM STDIN'
            with cursor.cursor.copy(sql, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f'INSERT INTO "{table}" ({db_columns}) VALUES ({placeholders})'  # noqa: S608 (names from model meta)
        batch = list(rows)
        cursor.executemany(sql, batch)
        return len(batch)


def _default_value(field: models.Field) -> Any:
    value = field.get_default()
    return _json(value) if isinstance(field, models.JSONField) else value


def _completed(
    row: Sequence[Any], defaults: tuple[Any, ...], needs_adapting: list[tuple[int, Callable[[Any], Any]]]
) -> list[Any]:
    values = [*row, *defaults]
    for i, adapt in needs_adapting:
        values[i] = adapt(values[i])
    return values


def column_in(column: str, values: Sequence[Any]) -> Q | RawSQL:
    """A filter for `column IN values`. On PostgreSQL as `= ANY(%s)` with one array parameter: a
    5,000-item IN list costs more to build, bind and parse than the query takes to run. `column` is
    a column name of the queried model (never user input)."""
    if connection.vendor == "postgresql":
        return RawSQL(f"{column} = ANY(%s)", (list(values),), output_field=BooleanField())  # noqa: S611
    return Q(**{f"{column}__in": values})

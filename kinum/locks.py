"""Named locks held until the end of the current transaction."""

from __future__ import annotations

from django.db import connection


def lock_until_commit(name: str) -> None:
    """Wait for, then hold, the lock called `name` until this transaction ends (commit or rollback).

    PostgreSQL: a transaction-level advisory lock. SQLite needs none: it runs one write transaction
    at a time already. Call inside `transaction.atomic()`.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])

"""End-to-end import throughput on PostgreSQL, against a plain COPY of the same rows.

    .venv/bin/python benchmarks/import_bench.py [--rows 1000000] [--pg postgres://postgres@127.0.0.1:5432]

Generates N rows of a generic-layout CSV (the same generator as parse_bench.py), creates a scratch
database `kinum_bench`, and imports the file through the real pipeline (encrypted upload, parse,
encrypt, bulk insert, report) exactly as the Celery task does. Then it COPYs the same file into an
unencrypted table as the reference, and measures the database floor: the import's own rows COPYed
back into its tables, which no amount of Python speed can beat. Prints rows/s, the ratio to COPY,
the floor and peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

BENCH_DB = "kinum_bench"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def recreate_database(server: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def setup_django(server: str) -> None:
    os.environ["DATABASE_URL"] = f"{server}/{BENCH_DB}"
    os.environ.setdefault("KINUM_ENV", "development")
    os.environ["DJANGO_DEBUG"] = "false"  # as in production: DEBUG keeps every query's SQL in memory
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinum.settings"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def import_through_pipeline(path: Path) -> tuple[float, dict]:
    from balances.services import import_batch_create, import_batch_run
    from practices.models import Practice

    practice = Practice.objects.create(name="Bench Dental", slug="bench-dental")
    started = time.perf_counter()
    batch = import_batch_create(
        actor=None, practice=practice, data=path.open("rb"), filename=path.name, as_of=dt.date(2025, 3, 14),
        enqueue=False,
    )  # fmt: skip
    batch = import_batch_run(batch_id=batch.pk)
    elapsed = time.perf_counter() - started
    return elapsed, {
        "status": batch.status,
        "imported": batch.accounts_imported,
        "rejected": batch.accounts_rejected,
    }


def database_floor(tmp: Path) -> float:
    """The database's share alone: COPY the rows the import wrote (already encrypted) back into the
    same tables, with their indexes and FK checks, in one transaction. No parsing, no encryption."""
    from django.db import connection, transaction

    from balances.models import Account, Consumer, ConsumerPhone, LedgerEntry

    tables = [m._meta.db_table for m in (Consumer, Account, ConsumerPhone, LedgerEntry)]
    with connection.cursor() as cursor:
        for table in tables:
            with (tmp / table).open("wb") as out, cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for block in copy:
                    out.write(block)
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as the import does
        for table in tables:
            with (tmp / table).open("rb") as fh, cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                while block := fh.read(1 << 20):
                    copy.write(block)
    return time.perf_counter() - started


def plain_copy(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNLOGGED TABLE IF NOT EXISTS bench_plain (account text, name text, address1 text, address2 text, "
            "city text, state text, zip text, mobile text, home text, email text, dob text, balance text, ins text, "
            "last_payment text, last_stmt text, ssn text)"
        )
        started = time.perf_counter()
        with (
            path.open("rb") as fh,
            cursor.cursor.copy("COPY bench_plain FROM STDIN WITH (FORMAT csv, HEADER)") as copy,
        ):
            while block := fh.read(1 << 20):
                copy.write(block)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    from parse_bench import generate

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generic.csv"
        generate(str(path), args.rows)
        size_mb = path.stat().st_size / 1e6
        recreate_database(args.pg)
        setup_django(args.pg)
        rss_before = peak_rss_mb()
        elapsed, outcome = import_through_pipeline(path)
        rss_import = peak_rss_mb()
        copy_elapsed = plain_copy(path)
        floor_elapsed = database_floor(Path(tmp))

    print(f"rows in file:          {args.rows:,} ({size_mb:,.1f} MB)")
    print(f"import outcome:        {outcome}")
    print(
        f"pipeline:              {elapsed:,.1f} s = {args.rows / elapsed:,.0f} rows/s (encrypted, end to end)"
    )
    print(f"plain COPY reference:  {copy_elapsed:,.2f} s = {args.rows / copy_elapsed:,.0f} rows/s")
    print(f"ratio to COPY:         {elapsed / copy_elapsed:,.1f}x")
    print(
        f"database floor:        {floor_elapsed:,.1f} s = {args.rows / floor_elapsed:,.0f} rows/s "
        "(COPY of the import's own encrypted rows back into its tables: indexes and FK checks, no Python)"
    )
    print(f"peak RSS:              {rss_import:,.0f} MB (before the import: {rss_before:,.0f} MB)")
    print(
        f"peak RSS of the parse: {peak_rss_mb(resource.RUSAGE_CHILDREN):,.0f} MB (the forked producer process)"
    )


if __name__ == "__main__":
    main()

"""Scoring at scale: 1,000,000 accounts of one practice, end to end on PostgreSQL.

    .venv/bin/python benchmarks/score_bench.py [N_ACCOUNTS]          # default 1,000,000

1. Creates (or reuses) the database in SCORE_BENCH_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/kinum_score_bench), migrates it and generates N consumers and
   accounts with set-based SQL (`generate_series`), untimed.
2. Times, in a fresh child process so its peak RSS is the scorer's alone, `scoring_run`: read the
   accounts in 100k-row keyset chunks, score them vectorised (pandas/numpy), stage the scores with
   COPY and apply them with one UPDATE ... FROM.
3. Also times the pure vectorised `score_frame` on an in-memory frame of N rows.

Prints one JSON object: seconds and peak RSS (MB) of each part. Target: < 15 s, < 1 GB.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kinum_score_bench"
SLUG = "score-bench"


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinum.settings")
    import django

    django.setup()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def generate(n: int) -> int:
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection, transaction

    from balances.models import Account, Consumer, ImportBatch
    from practices.models import Practice

    call_command("migrate", verbosity=0)
    practice, _ = Practice.objects.get_or_create(slug=SLUG, defaults={"name": "Score bench"})
    if Account.objects.filter(practice=practice).count() == n:
        return practice.pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM balances_ledgerentry WHERE practice_id = %s", [practice.pk])
        Account.objects.filter(practice=practice).delete()
        Consumer.objects.filter(practice=practice).delete()
        batch = ImportBatch.objects.create(practice=practice, file_sha256="0" * 64, as_of=dt.date(2025, 3, 14),
                                           status="imported")  # fmt: skip
        cursor.execute(
            "INSERT INTO balances_consumer (row_uid, practice_id, account_key_index, email_index, state, zip3, "
            "time_zones, has_mobile, has_email, has_mailing_address, language, created_at) "
            "SELECT gen_random_uuid(), %s, 'k' || g, '', 'IL', '606', '[]', random() < 0.6, random() < 0.45, "
            "random() < 0.9, '', now() FROM generate_series(1, %s) g",
            [practice.pk, n],
        )
        cursor.execute(
            "INSERT INTO balances_account (practice_id, consumer_id, account_key_index, import_batch_id, "
            "last_seen_batch_id, status, placed_amount_cents, balance_cents, insurance_estimate_cents, "
            "last_payment_on, last_statement_on, balance_began_on, location, warnings, created_at, updated_at, "
            "excluded_from_outreach, excluded_reason) "
            "SELECT %s, c.id, c.account_key_index, %s, %s, 'placed', a.amt, a.amt, "
            "CASE WHEN random() < 0.3 THEN (random() * 40000)::bigint END, "
            "CASE WHEN random() < 0.4 THEN DATE '2025-03-14' - (random() * 300)::int END, "
            "CASE WHEN random() < 0.7 THEN DATE '2025-03-14' - (random() * 40)::int END, "
            "DATE '2025-03-14' - (20 + random() * 200)::int, '', '[]', now(), now(), false, '' "
            "FROM balances_consumer c CROSS JOIN LATERAL (SELECT (2000 + random() * 150000)::bigint AS amt) a "
            "WHERE c.practice_id = %s",
            [practice.pk, batch.pk, batch.pk, practice.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE balances_account")
    return practice.pk


def score_child(practice_id: int) -> dict:
    from balances.scoring.services import scoring_run

    started = time.perf_counter()
    result = scoring_run(practice_id=practice_id, calibrate=False)
    return {"db_seconds": round(time.perf_counter() - started, 2), "db_peak_rss_mb": round(_rss_mb()),
            "scored": result["scored"], "updated": result["updated"]}  # fmt: skip


def pure_child(n: int) -> dict:
    import numpy as np
    import pandas as pd

    from balances.scoring.model import LikelihoodModel
    from balances.scoring.score import score_frame

    rng = np.random.default_rng(3)
    ref = np.datetime64("2025-03-14")
    frame = pd.DataFrame({
        "amount_cents": rng.integers(2_000, 150_000, n), "insurance_estimate_cents": np.nan,
        "total_balance_cents": np.nan,
        "last_payment_on": np.where(rng.random(n) < 0.4, ref - rng.integers(0, 300, n).astype("timedelta64[D]"),
                                    np.datetime64("NaT")),
        "last_statement_on": ref - rng.integers(0, 40, n).astype("timedelta64[D]"),
        "first_service_on": pd.NaT, "last_service_on": pd.NaT,
        "balance_began_on": ref - rng.integers(20, 220, n).astype("timedelta64[D]"), "aging_days": np.nan,
        "ref_date": ref, "has_mobile": rng.random(n) < 0.6, "has_email": rng.random(n) < 0.45,
        "has_mailing_address": rng.random(n) < 0.9, "in_plan": False,
    })  # fmt: skip
    started = time.perf_counter()
    scores = score_frame(frame, LikelihoodModel())
    return {"pure_seconds": round(time.perf_counter() - started, 2), "pure_peak_rss_mb": round(_rss_mb()),
            "pure_rows": len(scores)}  # fmt: skip


def main() -> None:
    url = os.environ.get("SCORE_BENCH_DATABASE_URL", DEFAULT_URL)
    if len(sys.argv) > 2 and sys.argv[1] == "--child-score":
        _setup_django(url)
        print(json.dumps(score_child(int(sys.argv[2]))))
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--child-pure":
        _setup_django(url)
        print(json.dumps(pure_child(int(sys.argv[2]))))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    _ensure_database(url)
    _setup_django(url)
    started = time.perf_counter()
    practice_id = generate(n)
    out = {"accounts": n, "setup_seconds": round(time.perf_counter() - started, 1)}
    for flag, arg in (("--child-score", practice_id), ("--child-pure", n)):
        child = subprocess.run(
            [sys.executable, __file__, flag, str(arg)], capture_output=True, text=True, check=True
        )
        out.update(json.loads(child.stdout.strip().splitlines()[-1]))
    out["target"] = "db_seconds < 15 and db_peak_rss_mb < 1024"
    out["ok"] = out["db_seconds"] < 15 and out["db_peak_rss_mb"] < 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()

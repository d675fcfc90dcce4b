"""Gate throughput: load 30-day histories from PostgreSQL and decide one proposed contact each.

    .venv/bin/python benchmarks/gate_bench.py [--consumers 100000] [--workers 2] [--record]
        [--server postgres://postgres@127.0.0.1:5432] [--keep]

Creates a scratch database `kinum_gate_bench` on the server (dropped at the end unless --keep), migrates
it, and generates the data with set-based SQL (INSERT ... SELECT over generate_series): per consumer
1-2 accounts, a mobile (and for half a landline, for 60% an e-mail), about ten contacts over 30 days
(calls with results, texts, e-mails, a letter), a validation notice per account, and a sprinkling
of consents, opt-outs, call consents, designations, disputes, cease notices and flags.

Then, timed: each worker process takes a share of the consumers and, chunk by chunk, reads the
proposals (one mobile call per consumer, about all its accounts), loads the histories with
`outreach.gate.histories_load` (11 queries per 2,000 consumers) and decides with the pure engine.
Prints decisions/s (wall clock, history loading included) and peak RSS. --record uses
`gate_decide_and_record` instead (locks, decision rows, contact rows, audit rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import resource
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

NOW = dt.datetime(2026, 4, 7, 17, 0, tzinfo=dt.UTC)  # a Tuesday: 10am Pacific, 1pm Eastern
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles"]
STATES = ["NY", "IL", "CO", "AZ", "CA", "TX", "FL", "OH", "WA", "GA"]


def _setup_django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinum.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _recreate(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _insert_select(cursor, model, exprs: dict[str, str], source: str, params: list | None = None) -> int:
    """INSERT INTO <model> (...) SELECT <exprs> <source>. Every other NOT NULL column gets the model
    field's default as a parameter, so columns added by other apps' migrations need no change here."""
    from django.db.models import NOT_PROVIDED

    columns, selects, extra = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.column in exprs:
            columns.append(f.column)
            selects.append(exprs[f.column])
        elif not f.null:
            default = f.get_default() if f.has_default() or f.default is not NOT_PROVIDED else ""
            if default is None or (default == "" and f.get_internal_type() not in ("CharField", "TextField")):
                raise RuntimeError(f"{model.__name__}.{f.name}: NOT NULL without a default; add it to exprs")
            columns.append(f.column)
            selects.append("%s")
            extra.append(f.get_db_prep_save(default, cursor.db))

    def esc(text: str) -> str:  # SQL's modulo operator is not a parameter placeholder
        return text.replace("%", "%%").replace("%%s", "%s")

    selects = [esc(x) if x != "%s" else x for x in selects]
    source = esc(source)
    quoted = ", ".join(f'"{c}"' for c in columns)  # "end", "start" are SQL keywords
    sql = f"INSERT INTO {model._meta.db_table} ({quoted}) SELECT {', '.join(selects)} {source}"
    cursor.execute(sql, [*extra, *(params or [])])
    return cursor.rowcount


def generate(n: int) -> None:
    from django.db import connection

    from balances.models import Account, Consumer, ImportBatch, LedgerEntry
    from outreach import models as m
    from practices.models import Practice

    practice = Practice.objects.create(name="Bench Dental", slug="bench-dental")
    batch = ImportBatch.objects.create(practice=practice, file_sha256="0" * 64, as_of=NOW.date())
    p, b = practice.pk, batch.pk
    now = f"'{NOW.isoformat()}'::timestamptz"
    zones = "ARRAY[" + ",".join(f"'{z}'" for z in ZONES) + "]"
    states = "ARRAY[" + ",".join(f"'{s}'" for s in STATES) + "]"
    t0 = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SELECT setseed(0.42)")
        _insert_select(c, Consumer, {
            "row_uid": "gen_random_uuid()", "practice_id": str(p), "account_key_index": "md5(g::text)",
            "email_index": "''", "state": f"({states})[1 + g % 10]", "zip3": "'100'",
            "time_zones": f"jsonb_build_array(({zones})[1 + g % 5])", "has_mobile": "true",
            "has_email": "g % 5 < 3", "has_mailing_address": "true", "language": "''", "created_at": now,
        }, "FROM generate_series(1, %s) g", [n])  # fmt: skip
        c.execute(
            "CREATE TEMP TABLE bc AS SELECT id, row_number() OVER (ORDER BY id) g FROM balances_consumer"
        )
        _insert_select(c, Account, {
            "practice_id": str(p), "consumer_id": "bc.id", "account_key_index": "md5(bc.id::text || '-' || k)",
            "import_batch_id": str(b), "last_seen_batch_id": str(b), "status": "'placed'",
            "placed_amount_cents": "2000 + (random() * 150000)::int", "balance_cents": "0",
            "warnings": "'[]'::jsonb", "created_at": now, "updated_at": now,
            "last_service_on": f"({now})::date - 120",
        }, "FROM bc, generate_series(1, 1 + (bc.g % 2)::int) k")  # fmt: skip
        c.execute(f"UPDATE {Account._meta.db_table} SET balance_cents = placed_amount_cents")
        _insert_select(c, LedgerEntry, {
            "practice_id": str(p), "account_id": "a.id", "kind": "'placement'", "amount_cents": "a.placed_amount_cents",
            "effective_on": f"({now})::date", "import_batch_id": str(b), "memo": "''", "created_at": now,
        }, f"FROM {Account._meta.db_table} a")  # fmt: skip
        c.execute(
            f"CREATE TEMP TABLE acc AS SELECT consumer_id, min(id) a1, max(id) a2, "
            f"jsonb_agg(id ORDER BY id) ids FROM {Account._meta.db_table} GROUP BY consumer_id"
        )
        point = {
            "row_uid": "gen_random_uuid()", "practice_id": str(p), "consumer_id": "bc.id", "value": "'sealed'",
            "party": "'consumer'", "source": "'creditor'", "obtained_on": f"({now})::date - 60",
            "area_code": "'212'", "time_zones": "'[]'::jsonb", "public_domain": "''",
            "creditor_notice_names_collector": "false", "opted_out_media": "'[]'::jsonb", "created_at": now,
        }  # fmt: skip
        _insert_select(c, m.ContactPoint, {**point, "kind": "'phone'", "type": "'mobile'",
                                           "value_index": "md5('m' || bc.id)"}, "FROM bc")  # fmt: skip
        _insert_select(c, m.ContactPoint, {**point, "kind": "'phone'", "type": "'landline'",
                                           "value_index": "md5('l' || bc.id)"}, "FROM bc WHERE bc.g % 2 = 0")  # fmt: skip
        _insert_select(c, m.ContactPoint, {**point, "kind": "'email'", "type": "'personal'", "public_domain": "'gmail.com'",
                                           "value_index": "md5('e' || bc.id)"}, "FROM bc WHERE bc.g % 5 < 3")  # fmt: skip
        c.execute(
            f"CREATE TEMP TABLE pts AS SELECT consumer_id, min(id) FILTER (WHERE type = 'mobile') mob, "
            f"min(id) FILTER (WHERE kind = 'email') em FROM {m.ContactPoint._meta.db_table} GROUP BY consumer_id"
        )
        # About ten contacts per consumer over 30 days, in business hours (14:00-23:00 UTC).
        channel = (
            "(ARRAY['call','call','call','call','call','sms','sms','email','email','letter'])[1 + k % 10]"
        )
        result = "(ARRAY['no_answer','no_answer','voicemail','lcm','conversation','busy'])[1 + (random() * 5)::int]"
        _insert_select(c, m.ContactEvent, {
            "row_uid": "gen_random_uuid()", "practice_id": str(p), "consumer_id": "pts.consumer_id",
            "contact_point_id": f"CASE WHEN {channel} = 'letter' THEN NULL WHEN {channel} = 'email' THEN pts.em ELSE pts.mob END",
            "channel": channel, "direction": "CASE WHEN k = 9 THEN 'in' ELSE 'out' END", "purpose": "'collection'",
            "at": f"({now}) - make_interval(days => 1 + (random() * 29)::int, hours => (random() * 8)::int)",
            "account_ids": "jsonb_build_array(CASE WHEN k % 2 = 0 THEN acc.a1 ELSE acc.a2 END)",
            "discussed_account_ids": "'[]'::jsonb",
            "result": f"CASE WHEN {channel} = 'call' THEN {result} ELSE '' END",
            "automated": "false", "prerecorded": "false", "created_at": now,
        }, "FROM pts JOIN acc USING (consumer_id), generate_series(0, 9) k "
           "WHERE pts.em IS NOT NULL OR (k % 10) NOT IN (7, 8)")  # fmt: skip
        _insert_select(c, m.ValidationNotice, {
            "row_uid": "gen_random_uuid()", "practice_id": str(p), "consumer_id": "acc.consumer_id",
            "account_ids": "acc.ids", "method": "'mail'", "provided_on": f"({now})::date - 35",
            "period_end": f"({now})::date - 35 + 37", "itemization_date": f"({now})::date - 120",
            "itemization_basis": "'date of service'", "amount_on_itemization_cents": "1",
            "interest_cents": "0", "fees_cents": "0", "payments_credits_cents": "0", "current_amount_cents": "1",
            "content": "'sealed'", "content_sha256": "md5('x')", "delivery": "'sent'",
            "sent_at": f"({now}) - interval '35 days'", "created_at": now,
        }, "FROM acc WHERE acc.consumer_id % 10 <> 0")  # fmt: skip
        common = {"practice_id": str(p), "consumer_id": "pts.consumer_id", "created_at": now}
        _insert_select(c, m.PointEvent, {
            **common, "contact_point_id": "pts.mob", "kind": "'consent'", "at": f"({now}) - interval '20 days'",
            "media": "'[]'::jsonb", "medium": "'sms'", "disclosed": "true", "written": "false", "result": "''",
            "pending_review": "false", "review_outcome": "''", "via": "'portal'",
        }, "FROM pts WHERE pts.consumer_id % 5 < 2")  # fmt: skip
        _insert_select(c, m.PointEvent, {
            **common, "contact_point_id": "pts.mob", "kind": "'opt_out'", "at": f"({now}) - interval '3 days'",
            "media": "'[\"sms\"]'::jsonb", "medium": "''", "disclosed": "true", "written": "false", "result": "''",
            "pending_review": "false", "review_outcome": "''", "via": "'sms'",
        }, "FROM pts WHERE pts.consumer_id % 20 = 1")  # fmt: skip
        _insert_select(c, m.CallConsent, {
            **common, "account_ids": "acc.ids", "at": f"({now}) - interval '2 days'", "via": "'call'",
        }, "FROM pts JOIN acc USING (consumer_id) WHERE pts.consumer_id % 33 = 2")  # fmt: skip
        _insert_select(c, m.InconvenientDesignation, {
            **common, "kind": "'time'", "days": "NULL", "start": "'08:00'::time", "end": "'12:00'::time",
            "place": "''", "oral": "true", "at": f"({now}) - interval '9 days'", "via": "'call'",
        }, "FROM pts WHERE pts.consumer_id % 20 = 3")  # fmt: skip
        _insert_select(c, m.Dispute, {
            **common, "account_ids": "jsonb_build_array(acc.a1)", "request": "'dispute'", "written": "true",
            "received_at": f"({now}) - interval '6 days'", "via": "'letter'",
        }, "FROM pts JOIN acc USING (consumer_id) WHERE pts.consumer_id % 50 = 4")  # fmt: skip
        _insert_select(c, m.CeaseNotice, {
            **common, "account_ids": "'[]'::jsonb", "limited": "false", "written": "true",
            "received_at": f"({now}) - interval '4 days'", "pending_review": "false", "review_outcome": "''",
            "via": "'letter'",
        }, "FROM pts WHERE pts.consumer_id % 100 = 5")  # fmt: skip
        _insert_select(c, m.ConsumerFlag, {
            **common, "kind": "'attorney'", "at": f"({now}) - interval '10 days'", "via": "'call'",
        }, "FROM pts WHERE pts.consumer_id % 200 = 6")  # fmt: skip
        c.execute("ANALYZE")
        c.execute(f"SELECT count(*) FROM {m.ContactEvent._meta.db_table}")
        events = c.fetchone()[0]
    print(
        f"generated {n:,} consumers, {events:,} contact events in {time.perf_counter() - t0:.1f}s", flush=True
    )


def _work(args: tuple[list[int], bool]) -> tuple[Counter, int, dict[str, float]]:
    ids, record = args
    from balances.models import Account
    from compliance.regf.rules import Channel
    from outreach.gate import CHUNK, Proposal, gate_decide_and_record, gate_decide_many, histories_load
    from outreach.models import ContactPoint

    verdicts: Counter = Counter()
    phases = {"proposals": 0.0, "load": 0.0, "decide": 0.0}
    cpu0 = time.process_time()
    for start in range(0, len(ids), CHUNK):
        t0 = time.perf_counter()
        chunk = ids[start : start + CHUNK]
        lo, hi = chunk[0], chunk[-1]
        mobiles = dict(
            ContactPoint.objects.filter(consumer_id__gte=lo, consumer_id__lte=hi, type="mobile").values_list(
                "consumer_id", "id"
            )
        )
        accounts: dict[int, list[int]] = {}
        for cid, aid in Account.objects.filter(consumer_id__gte=lo, consumer_id__lte=hi).values_list(
            "consumer_id", "id"
        ):
            accounts.setdefault(cid, []).append(aid)
        proposals = [Proposal(cid, Channel.CALL, NOW, mobiles[cid], tuple(accounts[cid])) for cid in chunk]
        t1 = time.perf_counter()
        phases["proposals"] += t1 - t0
        if record:
            results = gate_decide_and_record(actor=None, proposals=proposals)
            verdicts.update(r.decision.verdict.value for r in results)
            phases["decide"] += time.perf_counter() - t1
        else:
            histories = histories_load(consumer_ids=chunk, until=NOW)
            t2 = time.perf_counter()
            decided = gate_decide_many(proposals=proposals, histories=histories)
            verdicts.update(d.decision.verdict.value for d in decided)
            phases["load"] += t2 - t1
            phases["decide"] += time.perf_counter() - t2
    phases["cpu"] = time.process_time() - cpu0  # this worker's own CPU time (PostgreSQL's is not in it)
    return verdicts, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consumers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="kinum_gate_bench")
    parser.add_argument("--record", action="store_true", help="record decisions (gate_decide_and_record)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch database (and reuse it with --reuse)"
    )
    parser.add_argument("--reuse", action="store_true", help="skip creation: the database is already filled")
    opts = parser.parse_args()

    if not opts.reuse:
        _recreate(opts.server, opts.database)
    _setup_django(f"{opts.server}/{opts.database}")
    from django.core.management import call_command
    from django.db import connections

    from balances.models import Consumer

    try:
        if not opts.reuse:
            t0 = time.perf_counter()
            call_command("migrate", verbosity=0)
            print(f"migrated in {time.perf_counter() - t0:.1f}s", flush=True)
            generate(opts.consumers)
        ids = list(Consumer.objects.order_by("id").values_list("id", flat=True))
        connections.close_all()  # each forked worker opens its own connection
        n, w = len(ids), opts.workers
        shares = [(ids[i * n // w : (i + 1) * n // w], opts.record) for i in range(w)]
        t0 = time.perf_counter()
        if opts.workers == 1:
            results = [_work(shares[0])]
        else:
            with mp.get_context("fork").Pool(opts.workers) as pool:
                results = pool.map(_work, shares)
        elapsed = time.perf_counter() - t0
        verdicts: Counter = Counter()
        for counter, _, _ in results:
            verdicts.update(counter)
        total = sum(verdicts.values())
        worker_rss = max(rss for _, rss, _ in results) / 1024
        own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        mode = "decided and recorded" if opts.record else "decided"
        print(f"{total:,} consumers {mode} in {elapsed:.2f}s with {opts.workers} worker(s): "
              f"{total / elapsed:,.0f} decisions/s (history loading included)")  # fmt: skip
        print(f"verdicts: {dict(verdicts)}")
        for i, (_, _, phases) in enumerate(results):
            per = {
                k: f"{v:.1f}s ({v / max(1, total // len(results)) * 1e6:.0f} us/consumer)"
                for k, v in phases.items()
            }
            print(f"worker {i}: {per}")
        cpu = sum(phases["cpu"] for _, _, phases in results)
        print(
            f"worker CPU: {cpu / total * 1e6:.0f} us per decision = {total / cpu:,.0f} decisions/s per fully "
            f"available core (the wall-clock figure above is what this machine gave, shared as it is)"
        )
        load = os.getloadavg()
        print(
            f"load average during the run (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
        )
        print(f"peak RSS: {worker_rss:,.0f} MiB per worker, {own_rss:,.0f} MiB in the parent")
    finally:
        connections.close_all()
        if not opts.keep:
            _drop(opts.server, opts.database)


if __name__ == "__main__":
    main()

"""The import pipeline end to end: files into the encrypted ledger, re-imports, all-or-nothing, and
the `import_balances` command contract on every sample."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Sum

from balances import services
from balances.import_rows import account_key_index, email_index
from balances.imports import parse_export
from balances.models import (
    Account,
    AccountStatus,
    Consumer,
    ConsumerPhone,
    EntryKind,
    ImportBatch,
    ImportRejection,
    ImportStatus,
    ImportUploadChunk,
    LedgerEntry,
)
from compliance.models import AuditAction, AuditEvent

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
EXPECTED = json.loads((SAMPLES / "expected_results.json").read_text()) if SAMPLES.exists() else {"files": {}}
AS_OF = dt.date(2025, 3, 14)
needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason=f"samples not found at {SAMPLES}")

GENERIC_HEADER = ["Account Number", "Patient Name", "Address 1", "City", "State", "Zip", "Mobile Phone", "Email",
                  "DOB", "Patient Balance", "SSN"]  # fmt: skip


def generic_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GENERIC_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def row(
    key: str, name: str, balance: str, *, street: str = "12 Oak St", phone: str = "(503) 555-0142"
) -> list[str]:
    return [key, name, street, "Portland", "OR", "97201", phone, f"{key}@example.com", "1/2/1970", balance,
            "900-12-3456"]  # fmt: skip


def run_import(practice, data: bytes, *, name: str = "export.csv", as_of: dt.date = AS_OF) -> ImportBatch:
    batch = services.import_batch_create(
        actor=None, practice=practice, data=data, filename=name, as_of=as_of, enqueue=False
    )
    return services.import_batch_run(batch_id=batch.pk)


def run_command(*args: str) -> tuple[dict, int]:
    out = io.StringIO()
    try:
        call_command("import_balances", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return json.loads(out.getvalue()), code


@needs_samples
@pytest.mark.django_db
@pytest.mark.parametrize("filename", sorted(EXPECTED["files"]))
def test_command_gives_each_samples_expected_result(filename, practice_a, producer):
    expected = EXPECTED["files"][filename]
    result, code = run_command(
        "--practice", practice_a.slug, "--as-of", "2025-03-14", str(SAMPLES / filename)
    )
    refused = expected["file_level_result"].startswith("REJECT") if "file_level_result" in expected else False
    assert code == (2 if refused else 0)
    for key in ("data_records", "nondata_lines_skipped", "duplicate_records_rejected", "accounts_imported",
                "accounts_rejected", "accounts_rejected_total", "total_imported_cents",
                "warnings_on_imported_accounts"):  # fmt: skip
        assert result[key] == expected[key], key
    assert result["file_error"] == ("MISSING_REQUIRED_COLUMNS" if refused else None)
    assert result["preset"] and result["batch_id"]
    # What the report says is what the ledger holds.
    batch = ImportBatch.objects.get(pk=result["batch_id"])
    assert Account.objects.filter(import_batch=batch).count() == expected["accounts_imported"]
    total = Account.objects.filter(import_batch=batch).aggregate(total=Sum("balance_cents"))["total"] or 0
    assert total == expected["total_imported_cents"]
    assert ImportRejection.objects.filter(batch=batch).count() == (
        0 if refused else expected["accounts_rejected_total"] + expected["duplicate_records_rejected"]
    )


@needs_samples
@pytest.mark.django_db
def test_place_flag_places_and_starts_the_clock(practice_a):
    result, _ = run_command("--practice", practice_a.slug, "--as-of", "2025-03-14", "--place",
                            str(SAMPLES / "eaglesoft_aging-by-responsible-party.csv"))  # fmt: skip
    accounts = Account.objects.filter(import_batch_id=result["batch_id"])
    assert accounts.count() == 785
    assert not accounts.exclude(status=AccountStatus.PLACED).exists()
    assert not accounts.filter(placed_at__isnull=True).exists()


@pytest.mark.django_db
def test_command_refuses_unknown_practice_and_bad_mapping(tmp_path, practice_a):
    from django.core.management import CommandError

    data = tmp_path / "x.csv"
    data.write_bytes(generic_csv([row("1", "Smith, Jane", "100.00")]))
    with pytest.raises(CommandError, match="No practice"):
        call_command("import_balances", "--practice", "nope", str(data), stdout=io.StringIO())
    bad = tmp_path / "m.json"
    bad.write_text('{"cols": {}}')
    with pytest.raises(CommandError, match="columns"):
        call_command("import_balances", "--practice", practice_a.slug, "--mapping", str(bad), str(data))


@pytest.mark.django_db
def test_mapping_file_maps_unknown_headers(tmp_path, practice_a):
    data = tmp_path / "odd.csv"
    data.write_text('Ref,Who,Street,Town,St,Postcode,Owed\n77,"Doe, John",1 Elm St,Salem,OR,97301,$250.00\n')
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {"Ref": "account_key", "Who": "full_name", "Street": "address1",
                                               "Town": "city", "St": "state", "Postcode": "zip", "Owed": "amount"}}))  # fmt: skip
    result, code = run_command(
        "--practice", practice_a.slug, "--mapping", str(mapping), "--as-of", "2025-03-14", str(data)
    )
    assert code == 0 and result["accounts_imported"] == 1 and result["total_imported_cents"] == 25000


@pytest.mark.django_db
def test_same_file_twice_changes_nothing(practice_a):
    data = generic_csv([row("1", "Smith, Jane", "100.00"), row("2", "Doe, John", "250.50")])
    first = run_import(practice_a, data)
    counts = (Consumer.objects.count(), Account.objects.count(), LedgerEntry.objects.count())
    second = run_import(practice_a, data)
    assert first.status == ImportStatus.IMPORTED and first.accounts_imported == 2
    assert second.status == ImportStatus.ALREADY_IMPORTED and second.duplicate_of == first
    assert (Consumer.objects.count(), Account.objects.count(), LedgerEntry.objects.count()) == counts


@pytest.mark.django_db
def test_newer_export_moves_balances_through_the_ledger(practice_a):
    run_import(practice_a, generic_csv([row("1", "Smith, Jane", "100.00"), row("2", "Doe, John", "250.50"),
                                        row("3", "Roe, Rita", "80.00")]))  # fmt: skip
    newer = run_import(
        practice_a,
        generic_csv(
            [row("1", "Smith, Jane", "60.00"), row("3", "Roe, Rita", "95.00"), row("4", "Poe, Al", "40.00")]
        ),
        as_of=dt.date(2025, 4, 14),
    )
    by_key = {a.account_key_index: a for a in Account.objects.all()}
    jane = by_key[account_key_index(practice_a.pk, "1")]
    rita = by_key[account_key_index(practice_a.pk, "3")]
    john = by_key[account_key_index(practice_a.pk, "2")]
    assert jane.balance_cents == 6000 and jane.placed_amount_cents == 10000
    assert list(jane.entries.order_by("id").values_list("kind", "amount_cents")) == [
        (EntryKind.PLACEMENT, 10000), (EntryKind.PAYMENT, -4000)]  # fmt: skip
    assert rita.entries.get(kind=EntryKind.ADJUSTMENT).amount_cents == 1500
    # Missing from the newer file: flagged for the practice, never silently closed.
    assert john.missing_since_batch == newer and john.status == AccountStatus.REVIEW
    assert newer.report["accounts_missing_from_file"] == 1
    assert newer.accounts_imported == 1 and newer.accounts_updated == 2
    assert services.ledger_balance_mismatches() == []


@pytest.mark.django_db
def test_failure_mid_import_leaves_nothing_behind(practice_a, monkeypatch):
    rows = [row(str(i), f"Person{i}, Pat", "100.00") for i in range(30)]
    calls = {"n": 0}
    real = services._create_accounts

    def fail_on_second_chunk(batch, new, entry_tail):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(batch, new, entry_tail)

    monkeypatch.setattr(services, "_create_accounts", fail_on_second_chunk)
    batch = services.import_batch_create(
        actor=None, practice=practice_a, data=generic_csv(rows), filename="x.csv", as_of=AS_OF, enqueue=False
    )
    real_parse = services.parse_export
    monkeypatch.setattr(services, "parse_export", lambda *a, **k: real_parse(*a, **{**k, "chunk_rows": 10}))
    batch = services.import_batch_run(batch_id=batch.pk)
    assert batch.status == ImportStatus.FAILED and "RuntimeError" in batch.error_detail
    assert calls["n"] == 2
    assert Consumer.objects.count() == Account.objects.count() == LedgerEntry.objects.count() == 0
    assert not ImportUploadChunk.objects.filter(batch=batch).exists()  # the file is gone either way


@pytest.mark.django_db
def test_batch_is_claimed_once(practice_a):
    batch = services.import_batch_create(
        actor=None, practice=practice_a, data=generic_csv([row("1", "Smith, Jane", "100.00")]), filename="x.csv",
        as_of=AS_OF, enqueue=False,
    )  # fmt: skip
    services.import_batch_run(batch_id=batch.pk)
    again = services.import_batch_run(batch_id=batch.pk)  # a redelivered task message
    assert again.status == ImportStatus.IMPORTED and Account.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x00\x01\x02\xff" * 200, "NOT_A_TABLE"),
        (generic_csv([]), "EMPTY_FILE"),
    ],
    ids=["binary-garbage", "header-only"],
)
def test_bad_files_are_refused_with_a_code_and_nothing_stored(practice_a, data, code, producer):
    batch = run_import(practice_a, data)
    assert batch.status == ImportStatus.REFUSED and batch.error_code == code
    assert Account.objects.count() == 0


@pytest.mark.django_db
def test_empty_upload_is_refused_before_anything_is_stored(practice_a):
    with pytest.raises(services.ImportRefused):
        services.import_batch_create(actor=None, practice=practice_a, data=b"", filename="e.csv", as_of=AS_OF)
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_import_is_audited_without_phi(practice_a):
    batch = run_import(practice_a, generic_csv([row("1", "Smith, Jane", "100.00")]))
    event = AuditEvent.objects.get(action=AuditAction.IMPORT_RUN)
    assert event.target_id == str(batch.pk) and event.after["imported"] == 1
    assert "Smith" not in json.dumps(event.after) + event.target_label


@pytest.mark.django_db
def test_consumer_fields_decrypt_and_derived_fields_are_set(practice_a):
    run_import(practice_a, generic_csv([row("1", "Smith, Jane", "100.00")]))
    consumer = Consumer.objects.get()
    assert consumer.last_name == "Smith" and consumer.first_name == "Jane"
    assert consumer.address1 == "12 Oak St" and consumer.zip_code == "97201"
    assert consumer.dob == dt.date(1970, 1, 2)
    assert consumer.has_mobile and consumer.has_email and consumer.has_mailing_address
    assert consumer.time_zones == ["America/Los_Angeles"] and consumer.zip3 == "972"
    phone = ConsumerPhone.objects.get()
    assert phone.number == "5035550142" and phone.kind == "mobile" and phone.area_code == "503"
    assert consumer.email_index == email_index("1@example.com")


# --------------------------------------------------------------------------- no plaintext at rest


def _secrets_from(path: Path) -> set[str]:
    """Identifiers a file holds (names, streets, phones, e-mails, DOBs) and every dropped column's value."""
    result = parse_export(path.read_bytes(), as_of=AS_OF).run()
    found: set[str] = set()
    for acc in result.accounts:
        found |= {v for v in (acc.full_name, acc.address1, acc.email) if v and len(v) >= 6}
        found |= {p.number for p in acc.phones}
        if acc.dob and acc.dob.year < 2005:
            found.add(acc.dob.isoformat())
    dropped = set(result.dropped_columns)
    if "SSN" in dropped:
        text = path.read_bytes().decode("utf-8-sig", "replace")
        delimiter = "\t" if "\t" in text.splitlines()[0] else ","
        for record in csv.DictReader(io.StringIO(text), delimiter=delimiter):
            ssn = (record.get("SSN") or "").strip()
            if len(ssn) >= 9:
                found |= {ssn, ssn.replace("-", "")}
    return found


def _database_bytes() -> bytes:
    if connection.vendor == "sqlite":
        return connection.connection.serialize()  # the database file's exact bytes, as on disk
    name = connection.settings_dict["NAME"]
    params = connection.get_connection_params()
    dump = subprocess.run(
        ["pg_dump", "--data-only", "-h", str(params.get("host") or "127.0.0.1"), "-p", str(params.get("port") or 5432),
         "-U", str(params.get("user") or "postgres"), name],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    return dump.stdout


@needs_samples
@pytest.mark.django_db(transaction=True)
def test_database_holds_no_plaintext_identifier_or_dropped_value(practice_a, producer):
    samples = ["opendental_user-query_collections-list.txt", "openemr_collections-report.csv",
               "eaglesoft_aging-by-responsible-party.csv", "dentrix_aging-report_two-line_excel-resave.csv"]  # fmt: skip
    secrets: set[str] = set()
    for name in samples:
        path = SAMPLES / name
        secrets |= _secrets_from(path)
        assert run_import(practice_a, path.read_bytes(), name=name).status == ImportStatus.IMPORTED
    assert len(secrets) > 1000  # the check is only as good as what it looks for
    raw = _database_bytes()
    # Every secret would cost a full scan of the dump; a fixed sample of 800 keeps the test quick.
    sample = random.Random(20250314).sample(sorted(secrets), 800)
    leaked = sorted(s for s in sample if s.encode() in raw)
    assert leaked == [], f"{len(leaked)} plaintext values found, e.g. {leaked[:3]}"
    assert not ImportUploadChunk.objects.exists()


@pytest.mark.django_db
def test_deidentified_export_is_accepted_for_analysis_only(practice_a):
    from balances.models import AnalysisAccount, ImportMode

    data = b"Account Number,Patient Balance,Last Payment Date,Zip\n1,120.00,1/5/2025,97201\n2,0.00,,97201\n3,75.50,,021\n"
    placement = run_import(practice_a, data)
    assert placement.status == ImportStatus.REFUSED and placement.error_code == "MISSING_REQUIRED_COLUMNS"

    batch = services.import_batch_create(
        actor=None, practice=practice_a, data=data, filename="deid.csv", as_of=AS_OF, mode=ImportMode.ANALYSIS,
        enqueue=False,
    )  # fmt: skip
    batch = services.import_batch_run(batch_id=batch.pk)
    assert batch.status == ImportStatus.IMPORTED
    assert batch.report["accounts_imported"] == 2 and batch.report["accounts_rejected"] == {
        "NON_POSITIVE_BALANCE": 1
    }
    assert AnalysisAccount.objects.filter(batch=batch).count() == 2
    assert Consumer.objects.count() == 0


@needs_samples
@pytest.mark.django_db
def test_aging_buckets_give_each_account_its_age(practice_a):
    run_command("--practice", practice_a.slug, "--as-of", "2025-03-14",
                str(SAMPLES / "eaglesoft_aging-by-responsible-party.csv"))  # fmt: skip
    ages = set(Account.objects.values_list("aging_days", flat=True))
    assert None not in ages and len(ages) > 1  # the scoring's fallback when no date says how old it is


@pytest.mark.django_db
def test_uploads_never_started_are_deleted_after_a_day(practice_a):
    from django.utils import timezone

    old = services.import_batch_create(
        actor=None, practice=practice_a, data=generic_csv([row("1", "Smith, Jane", "100.00")]), filename="a.csv",
        as_of=AS_OF, enqueue=False,
    )  # fmt: skip
    fresh = services.import_batch_create(
        actor=None, practice=practice_a, data=generic_csv([row("2", "Doe, John", "100.00")]), filename="b.csv",
        as_of=AS_OF, enqueue=False,
    )  # fmt: skip
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert services.import_uploads_purge_stale() == 1
    old.refresh_from_db()
    assert old.status == ImportStatus.EXPIRED and "deleted" in old.error_detail
    assert not ImportUploadChunk.objects.filter(batch=old).exists()
    assert ImportUploadChunk.objects.filter(batch=fresh).exists()


def test_uploads_never_touch_the_disk_unencrypted(settings):
    assert settings.FILE_UPLOAD_HANDLERS == ["django.core.files.uploadhandler.MemoryFileUploadHandler"]


@pytest.mark.django_db
def test_many_chunks_import_completely_with_consistent_ids(practice_a, monkeypatch, producer):
    """Every chunk allocates its ids after the previous one was written: none collide, none are lost."""
    real_parse = services.parse_export
    monkeypatch.setattr(services, "parse_export", lambda *a, **k: real_parse(*a, **{**k, "chunk_rows": 7}))
    rows = [row(str(i), f"Person{i}, Pat", f"{100 + i}.00") for i in range(50)]
    rows.insert(20, row("no-name", "", "10.00"))  # the report and rejections come back from the producer
    batch = run_import(practice_a, generic_csv(rows))
    assert batch.status == ImportStatus.IMPORTED and batch.accounts_imported == 50
    assert batch.accounts_rejected == 1 and ImportRejection.objects.get(batch=batch).row_number == 22
    assert Account.objects.count() == Consumer.objects.count() == ConsumerPhone.objects.count() == 50
    assert services.ledger_balance_mismatches() == []
    names = {a.consumer.last_name: a.balance_cents for a in Account.objects.select_related("consumer")}
    assert names == {f"Person{i}": (100 + i) * 100 for i in range(50)}  # every row decrypts to its own data


@pytest.mark.django_db
def test_pointers_without_a_database_fk_agree_with_their_parents(practice_a, practice_b, producer):
    """Phone and ledger practice ids and the batch pointers have no database FK (see "Bulk pointers"
    in balances/models.py); the import must still set every one of them right."""
    older = run_import(
        practice_a, generic_csv([row("1", "Smith, Jane", "100.00"), row("2", "Doe, John", "250")])
    )
    newer = run_import(
        practice_a, generic_csv([row("1", "Smith, Jane", "60.00"), row("3", "Roe, Rita", "95")])
    )
    other = run_import(practice_b, generic_csv([row("1", "Smith, Jane", "70.00")]))
    assert {older.status, newer.status, other.status} == {ImportStatus.IMPORTED}
    assert ConsumerPhone.objects.count() == 4 and LedgerEntry.objects.count() == 5  # 4 placements, 1 payment
    assert not ConsumerPhone.objects.exclude(practice_id=F("consumer__practice_id")).exists()
    assert not LedgerEntry.objects.exclude(practice_id=F("account__practice_id")).exists()
    assert not LedgerEntry.objects.exclude(import_batch__practice_id=F("practice_id")).exists()
    assert not Account.objects.exclude(import_batch__practice_id=F("practice_id")).exists()
    assert not Account.objects.exclude(last_seen_batch__practice_id=F("practice_id")).exists()
    by_key = {a.account_key_index: a for a in Account.objects.filter(practice=practice_a)}
    assert by_key[account_key_index(practice_a.pk, "1")].import_batch == older
    assert by_key[account_key_index(practice_a.pk, "1")].last_seen_batch == newer
    assert by_key[account_key_index(practice_a.pk, "3")].import_batch == newer


@pytest.mark.django_db
def test_a_failure_while_encrypting_ahead_rolls_the_whole_import_back(practice_a, monkeypatch, producer):
    """Chunks are parsed and encrypted in a producer thread; its error must still fail the batch."""
    from balances.import_rows import AccountSealer

    real = AccountSealer.seal_chunk
    calls = {"n": 0}

    def fail_on_third_chunk(self, chunk):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("encryption failed")
        return real(self, chunk)

    monkeypatch.setattr(AccountSealer, "seal_chunk", fail_on_third_chunk)
    real_parse = services.parse_export
    monkeypatch.setattr(services, "parse_export", lambda *a, **k: real_parse(*a, **{**k, "chunk_rows": 5}))
    rows = [row(str(i), f"Person{i}, Pat", "100.00") for i in range(30)]
    batch = services.import_batch_create(
        actor=None, practice=practice_a, data=generic_csv(rows), filename="x.csv", as_of=AS_OF, enqueue=False
    )
    batch = services.import_batch_run(batch_id=batch.pk)
    assert batch.status == ImportStatus.FAILED and "RuntimeError" in batch.error_detail
    assert Consumer.objects.count() == Account.objects.count() == LedgerEntry.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files through /proc")
def test_the_spooled_upload_reads_the_same_bytes_and_its_file_goes_with_it(practice_a):
    data = generic_csv([row(str(i), f"Person{i}, Pat", "100.00") for i in range(50)])
    batch = services.import_batch_create(
        actor=None, practice=practice_a, data=data, filename="x.csv", as_of=AS_OF, enqueue=False
    )
    open_files = len(os.listdir("/proc/self/fd"))
    spooled = services.spool_upload(batch)
    assert len(os.listdir("/proc/self/fd")) == open_files + 1  # the ciphertext spool
    assert spooled.read() == services.open_upload(batch).read() == data
    spooled.seek(10)
    assert spooled.read(5) == data[10:15]
    spooled.close()
    assert len(os.listdir("/proc/self/fd")) == open_files

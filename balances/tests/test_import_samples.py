"""Every synthetic PM export in shared/samples gives exactly its expected import result."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from balances.imports import FileError, RejectReason, parse_export

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
EXPECTED_FILE = SAMPLES / "expected_results.json"

pytestmark = pytest.mark.skipif(
    not EXPECTED_FILE.exists(),
    reason=f"sample exports not found at {SAMPLES} (shared/samples is not checked out)",
)

COUNTER_KEYS = (
    "nondata_lines_skipped",
    "data_records",
    "duplicate_records_rejected",
    "accounts_after_merge",
    "accounts_imported",
    "accounts_rejected",
    "accounts_rejected_total",
    "total_imported_cents",
    "warnings_on_imported_accounts",
)
EXPECTED_PRESET = {
    "opendental_aging-of-ar_report-export.txt": "opendental_aging",
    "opendental_user-query_collections-list.txt": "opendental_user_query",
    "openemr_collections-report.csv": "openemr_collections",
    "dentrix_aging-report_two-line_excel-resave.csv": "dentrix_aging",
    "eaglesoft_aging-by-responsible-party.csv": "eaglesoft_aging",
}
# Minimum necessary (README "Columns to discard" + PM-EXPORTS §10).
MUST_DROP = {
    "opendental_user-query_collections-list.txt": {"SSN", "BillingType"},
    "openemr_collections-report.csv": {"SSN", "Policy", "Referrer", "Provider", "Insurance"},
    "dentrix_aging-report_two-line_excel-resave.csv": {"Bill Type", "Pmt Agr"},
    "eaglesoft_aging-by-responsible-party.csv": {"Contract Balance"},
}


def _expected() -> dict:
    return (
        json.loads(EXPECTED_FILE.read_text())
        if EXPECTED_FILE.exists()
        else {"files": {}, "as_of": "2025-03-14"}
    )


EXPECTED = _expected()
AS_OF = date.fromisoformat(EXPECTED["as_of"])


@pytest.fixture(scope="module")
def results():
    return {name: parse_export(SAMPLES / name, as_of=AS_OF).run() for name in EXPECTED["files"]}


@pytest.mark.parametrize("name", sorted(EXPECTED["files"]))
def test_sample_counters_match_exactly(results, name):
    expected = EXPECTED["files"][name]
    got = results[name].summary()
    assert {k: got[k] for k in COUNTER_KEYS} == {k: expected[k] for k in COUNTER_KEYS}
    assert results[name].preset == EXPECTED_PRESET[name]


@pytest.mark.parametrize("name", sorted(EXPECTED["files"]))
def test_sample_file_level_result(results, name):
    expected = EXPECTED["files"][name]
    r = results[name]
    if "file_level_result" in expected:
        assert expected["file_level_result"].split(": ")[1].startswith(FileError.MISSING_REQUIRED_COLUMNS)
        assert r.file_error is FileError.MISSING_REQUIRED_COLUMNS
        stats = expected["balance_only_stats"]
        assert r.balance_only_stats == {
            "rows": stats["rows"],
            "rows_with_positive_amount": stats["rows_with_positive_patient_portion"],
            "sum_positive_amount_cents": stats["sum_positive_patient_portion_cents"],
            "rows_with_zero_or_credit_amount": stats["rows_with_zero_or_credit_patient_portion"],
        }
        assert r.accounts == []
    else:
        assert r.file_error is None


@pytest.mark.parametrize("name", sorted(EXPECTED["files"]))
def test_sample_accounts_consistent_with_counters(results, name):
    r = results[name]
    accounts = r.accounts
    assert len(accounts) == r.accounts_imported
    assert sum(a.amount_cents for a in accounts) == r.total_imported_cents
    assert all(a.amount_cents > 0 and a.full_name for a in accounts)
    keys = [a.account_key for a in accounts]
    assert len(keys) == len(set(keys))
    rejected = [x for x in r.rejected_rows if x.reason is not RejectReason.DUPLICATE_RECORD]
    assert len(rejected) == r.accounts_rejected_total
    dups = [x for x in r.rejected_rows if x.reason is RejectReason.DUPLICATE_RECORD]
    assert len(dups) == r.duplicate_records_rejected


@pytest.mark.parametrize("name", sorted(MUST_DROP))
def test_sample_discarded_columns_never_reach_the_result(results, name):
    r = results[name]
    assert MUST_DROP[name] <= set(r.dropped_columns)
    assert not MUST_DROP[name] & set(r.column_map)
    # SSNs in the samples are 9xx-xx-xxxx / 9xxxxxxxx: no kept value may contain one.
    text = repr([a.as_dict() for a in r.accounts]) + repr(r.rejected_rows)
    raw = (SAMPLES / name).read_bytes().decode("utf-8-sig", errors="replace")
    if "SSN" in MUST_DROP[name]:
        import csv
        import io

        delim = "\t" if name.endswith(".txt") else ","
        rows = list(csv.reader(io.StringIO(raw), delimiter=delim))
        col = rows[0].index("SSN")
        ssns = {row[col] for row in rows[1:] if len(row) > col and row[col]}
        assert ssns
        assert not any(s in text for s in ssns)


def test_user_query_birthdate_sentinel_is_no_dob(results):
    r = results["opendental_user-query_collections-list.txt"]
    assert all(a.dob is None or a.dob.year > 1880 for a in r.accounts)
    assert any(a.dob is None for a in r.accounts)


def test_openemr_accounts_are_summed_invoices(results):
    r = results["openemr_collections-report.csv"]
    assert all("." not in a.account_key for a in r.accounts)
    assert any(a.source_records > 1 for a in r.accounts)
    assert all(a.first_service_date and a.first_service_date <= a.last_service_date for a in r.accounts)


def test_dentrix_second_line_is_merged(results):
    r = results["dentrix_aging-report_two-line_excel-resave.csv"]
    assert any(a.last_statement_date for a in r.accounts)
    assert any(a.last_payment_date for a in r.accounts)
    assert all(p.kind == "unknown" for a in r.accounts for p in a.phones)


def test_eaglesoft_phones_are_typed(results):
    r = results["eaglesoft_aging-by-responsible-party.csv"]
    kinds = {p.kind for a in r.accounts for p in a.phones}
    assert kinds == {"home", "mobile"}

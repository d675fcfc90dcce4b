"""Analysis mode keeps no direct identifier; the projection and its command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from balances.imports import parse_export
from balances.models import (
    Account,
    AnalysisAccount,
    Consumer,
    ConsumerPhone,
    ImportRejection,
    ImportStatus,
)
from balances.tests.scoring_helpers import AS_OF, SAMPLES, USER_QUERY, import_sample

pytestmark = pytest.mark.django_db
# Analysis mode does not apply NO_CONTACT (nobody is contacted): the user-query sample's 770 placeable
# accounts plus its 3 NO_CONTACT ones.
ANALYSIS_ACCOUNTS = 773
ANALYSIS_PLACED_CENTS = 27_407_022  # 27,362,249 of the placeable accounts + the 3 NO_CONTACT balances
SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".csv", ".txt"})


def _identifiers(name: str) -> set[str]:
    """Names, streets, phones and emails in the file, as the placement parser reads them."""
    result = parse_export((SAMPLES / name).read_bytes(), as_of=AS_OF, deidentified=True)
    found: set[str] = set()
    for account in result.accounts:
        for value in (
            account.full_name,
            account.last_name,
            account.first_name,
            account.address1,
            account.email,
        ):
            if value and len(value.strip()) >= 5:
                found.add(value.strip().lower())
        found |= {phone.number for phone in account.phones}
    return found


def _database_text() -> str:
    """Every row of every table, read through the test's own connection (sees uncommitted rows)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks).lower()


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_analysis_upload_stores_no_direct_identifier(practice_a, name):
    identifiers = _identifiers(name)
    batch = import_sample(practice_a, name, analysis=True)
    assert batch.status in {ImportStatus.IMPORTED, ImportStatus.REFUSED}
    # Nothing went to the encrypted ledger either.
    for model in (Consumer, ConsumerPhone, Account):
        assert not model.objects.filter(practice=practice_a).exists(), model
    assert not ImportRejection.objects.filter(batch=batch).exclude(account_key=None).exists()
    dump = _database_text()
    leaked = sorted(value for value in identifiers if value.lower() in dump)
    assert leaked == []
    if batch.status == ImportStatus.IMPORTED:
        assert AnalysisAccount.objects.filter(batch=batch).count() == batch.accounts_imported > 0
        assert batch.accounts_imported > 0 and identifiers


def test_analysis_rows_carry_only_amounts_dates_zip3_and_channels():
    fields = {f.name for f in apps.get_model("balances", "AnalysisAccount")._meta.get_fields()}
    assert fields == {
        "id", "practice", "batch", "amount_cents", "total_balance_cents", "insurance_estimate_cents",
        "last_payment_on", "last_payment_cents", "last_statement_on", "first_service_on", "last_service_on",
        "balance_began_on", "aging_days", "zip3", "has_mobile", "has_phone", "has_email", "has_mailing_address",
    }  # fmt: skip


def test_project_recovery_command_prints_the_contract(practice_a):
    batch = import_sample(practice_a, USER_QUERY, analysis=True)
    out = StringIO()
    call_command("project_recovery", "--practice", practice_a.slug, "--batch", str(batch.pk), "--runs", "400",
                 stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert set(data) == {
        "accounts",
        "placed_cents",
        "expected_cents",
        "by_month",
        "by_segment",
        "model_version",
    }
    assert data["accounts"] == ANALYSIS_ACCOUNTS and data["placed_cents"] == ANALYSIS_PLACED_CENTS
    low, mid, high = (data["expected_cents"][k] for k in ("p10", "p50", "p90"))
    assert 0 < low < mid < high < data["placed_cents"]
    assert len(data["by_month"]) == 6 and data["by_month"][0] == max(data["by_month"])  # front-loaded
    assert abs(sum(data["by_month"]) - mid) < 0.05 * mid
    assert sum(s["accounts"] for s in data["by_segment"].values()) == ANALYSIS_ACCOUNTS
    assert sum(s["placed_cents"] for s in data["by_segment"].values()) == data["placed_cents"]
    assert {"quick_win", "standard", "payment_plan"} <= set(data["by_segment"])
    assert data["model_version"] == "prior-2025.03"


def test_projection_details(practice_a):
    from balances.analysis import batch_projection

    batch = import_sample(practice_a, USER_QUERY, analysis=True)
    projection = batch_projection(batch, runs=300)
    assert projection["by_age"][0]["bucket"] != "age unknown"
    assert sum(row["accounts"] for row in projection["by_age"]) == ANALYSIS_ACCOUNTS
    fees = projection["fees"]
    assert fees["recommended"] in {"contingency", "fixed_fee"}
    assert (
        fees["contingency"]["net_cents"]
        == projection["expected_cents"]["p50"] - fees["contingency"]["fee_cents"]
    )
    for segment in projection["by_segment"].values():
        assert segment["contacts_per_account"] > 0 and segment["steps"][0]["day"] == 0
    assert projection["first_contact"]["business_days"] == 1
    cumulative = projection["by_month_cumulative"]
    assert all(cumulative["p10"][m] <= cumulative["p50"][m] <= cumulative["p90"][m] for m in range(6))

"""List pages cannot slide into N+1 (STYLE.md 17): their query count does not grow with the rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from balances.services import import_batch_confirm
from balances.tests.test_import_persistence import generic_csv, row, run_import
from compliance.audit import audit_record
from compliance.models import AuditAction
from conftest import verified_client

pytestmark = pytest.mark.django_db


def _queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_import_list_page(client_a, practice_a, django_assert_max_num_queries):
    url = reverse("balances:import_upload", args=[practice_a.slug])
    for i in range(6):
        run_import(practice_a, generic_csv([row(str(i), "Smith, Jane", f"{100 + i}.00")]), name=f"f{i}.csv")
    _queries(client_a, url, django_assert_max_num_queries, 10)


def test_collector_workspace(collector_a, practice_a, django_assert_max_num_queries):
    batch = run_import(practice_a, generic_csv([row(str(i), f"P{i}, Pat", "100.00") for i in range(30)]))
    import_batch_confirm(actor=None, batch=batch)
    _queries(verified_client(collector_a), reverse("outreach:workspace"), django_assert_max_num_queries, 10)


def test_audit_log_page(compliance_officer, practice_a, practice_b, django_assert_max_num_queries):
    for practice in (practice_a, practice_b) * 20:
        audit_record(action=AuditAction.PRACTICE_UPDATE, practice=practice, target=practice)
    _queries(
        verified_client(compliance_officer),
        reverse("compliance:audit_log"),
        django_assert_max_num_queries,
        10,
    )

"""The practice manager's import pages: upload, preview, mapping, report, CSV, confirm."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from balances.models import Account, AccountStatus, ColumnMapping, ImportBatch, ImportStatus
from balances.tests.test_import_persistence import generic_csv, row
from compliance.models import AuditAction, AuditEvent
from conftest import verified_client

pytestmark = pytest.mark.django_db


def _upload(client, practice, data: bytes, name: str = "aging.csv"):
    return client.post(
        reverse("balances:import_upload", args=[practice.slug]),
        {
            "file": SimpleUploadedFile(name, data),
            "mode": "placement",
            "as_of": "2025-03-14",
            "preset": "auto",
        },
    )


def test_upload_preview_start_report_confirm(
    client_a, practice_a, manager_a, django_capture_on_commit_callbacks
):
    data = generic_csv(
        [row("1", "Smith, Jane", "100.00"), row("2", "Doe, John", "0.00"), row("3", "Roe, Rita", "50")]
    )
    response = _upload(client_a, practice_a, data)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("balances:import_preview", args=[practice_a.slug, batch.pk])

    preview = client_a.get(response.url)
    body = preview.content.decode()
    assert preview.status_code == 200 and "generic" in body
    assert "J*** S****" in body  # masked, never the name
    assert "Smith" not in body and "12 Oak St" not in body and "555-0142" not in body
    assert "SSN" in body  # the report says which columns were dropped

    with django_capture_on_commit_callbacks(execute=True):
        started = client_a.post(response.url)
    batch.refresh_from_db()
    assert started.url == reverse("balances:import_detail", args=[practice_a.slug, batch.pk])
    assert batch.status == ImportStatus.IMPORTED

    report = client_a.get(started.url).content.decode()
    assert "NON_POSITIVE_BALANCE" in report and "zero or a credit" in report
    assert "Confirm placement" in report

    client_a.post(reverse("balances:import_confirm", args=[practice_a.slug, batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CONFIRMED and batch.confirmed_by == manager_a
    assert Account.objects.filter(status=AccountStatus.PLACED, placed_at__isnull=False).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT_CONFIRM, actor=manager_a).exists()


def test_rejected_rows_csv_neutralises_formulas(client_a, practice_a, django_capture_on_commit_callbacks):
    data = generic_csv([row("=HYPERLINK(1)", "Evil, Eve", "-5.00"), row("2", "Doe, John", "0.00")])
    _upload(client_a, practice_a, data)
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("balances:import_preview", args=[practice_a.slug, batch.pk]))
    response = client_a.get(reverse("balances:import_rejections_csv", args=[practice_a.slug, batch.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["row_number", "account_key", "reason", "explanation"]
    keys = {r[1] for r in rows[1:]}
    assert "'=HYPERLINK(1)" in keys and "2" in keys
    assert all(r[2] == "NON_POSITIVE_BALANCE" for r in rows[1:])


def test_unknown_layout_goes_through_mapping_which_is_remembered(client_a, practice_a):
    data = b'Ref,Who,Street,Town,St,Postcode,Owed\n77,"Doe, John",1 Elm St,Salem,OR,97301,$250.00\n'
    _upload(client_a, practice_a, data, "odd.csv")
    batch = ImportBatch.objects.get()
    preview = client_a.get(
        reverse("balances:import_preview", args=[practice_a.slug, batch.pk])
    ).content.decode()
    assert "Tell us which column is which" in preview

    mapping_url = reverse("balances:import_mapping", args=[practice_a.slug, batch.pk])
    page = client_a.get(mapping_url).content.decode()
    assert "Postcode" in page and "Owed" in page
    choice = {"Ref": "account_key", "Who": "full_name", "Street": "address1", "Town": "city", "St": "state",
              "Postcode": "zip", "Owed": "amount"}  # fmt: skip
    headers = ["Ref", "Who", "Street", "Town", "St", "Postcode", "Owed"]
    posted = client_a.post(mapping_url, {f"col_{i}": choice[h] for i, h in enumerate(headers)})
    assert posted.status_code == 302
    preview = client_a.get(
        reverse("balances:import_preview", args=[practice_a.slug, batch.pk])
    ).content.decode()
    assert "Start the import" in preview and "$250.00" in preview
    assert ColumnMapping.objects.filter(practice=practice_a).count() == 1

    # The next file with the same headings uses the saved mapping straight away.
    _upload(client_a, practice_a, data.replace(b"77", b"78"), "odd2.csv")
    second = ImportBatch.objects.order_by("-id").first()
    assert second.mapping["columns"]["Owed"] == "amount"


def test_mapping_requires_an_amount_column(client_a, practice_a):
    _upload(
        client_a,
        practice_a,
        b'Ref,Who,Street,Town,St,Postcode,Owed\n77,"Doe, John",1 Elm St,Salem,OR,97301,1\n',
    )
    batch = ImportBatch.objects.get()
    response = client_a.post(
        reverse("balances:import_mapping", args=[practice_a.slug, batch.pk]), {"col_0": "account_key"}
    )
    assert response.status_code == 200 and "balance to collect" in response.content.decode()


def test_upload_form_errors_are_clear(client_a, practice_a):
    response = client_a.post(
        reverse("balances:import_upload", args=[practice_a.slug]),
        {
            "file": SimpleUploadedFile("e.csv", b""),
            "mode": "placement",
            "as_of": "2999-01-01",
            "preset": "auto",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "empty" in body and "future" in body
    assert ImportBatch.objects.count() == 0


def test_progress_partial_reports_percent_and_refreshes_when_done(client_a, practice_a):
    from balances.services import import_batch_create, import_batch_run, progress_key
    from kinum.progress import progress_set

    batch = import_batch_create(
        actor=None, practice=practice_a, data=generic_csv([row("1", "Smith, Jane", "100.00")]), filename="a.csv",
        as_of=practice_a.created_at.date(), enqueue=False,
    )  # fmt: skip
    progress_set(progress_key(batch.pk), done=30, total=120, stage="importing")
    url = reverse("balances:import_progress", args=[practice_a.slug, batch.pk])
    partial = client_a.get(url)
    assert 'value="25"' in partial.content.decode() and "HX-Refresh" not in partial
    import_batch_run(batch_id=batch.pk)
    assert client_a.get(url)["HX-Refresh"] == "true"


def test_agency_staff_cannot_upload_for_a_practice(practice_a, collector_a, compliance_officer):
    for user in (collector_a, compliance_officer):
        client = verified_client(user)
        assert client.get(reverse("balances:import_upload", args=[practice_a.slug])).status_code == 404


def test_outsider_cannot_see_or_confirm_another_practices_import(client_a, client_outsider, practice_a):
    _upload(client_a, practice_a, generic_csv([row("1", "Smith, Jane", "100.00")]))
    batch = ImportBatch.objects.get()
    for name in (
        "import_detail",
        "import_preview",
        "import_mapping",
        "import_progress",
        "import_rejections_csv",
    ):
        assert (
            client_outsider.get(reverse(f"balances:{name}", args=[practice_a.slug, batch.pk])).status_code
            == 404
        )
    assert (
        client_outsider.post(reverse("balances:import_confirm", args=[practice_a.slug, batch.pk])).status_code
        == 404
    )


def test_analysis_upload_leads_to_the_projection(client_a, practice_a, django_capture_on_commit_callbacks):
    data = b"Account Number,Patient Balance,Last Payment Date,Zip\n1,120.00,1/5/2025,97201\n3,75.50,,97201\n"
    client_a.post(
        reverse("balances:import_upload", args=[practice_a.slug]),
        {
            "file": SimpleUploadedFile("deid.csv", data),
            "mode": "analysis",
            "as_of": "2025-03-14",
            "preset": "auto",
        },
    )
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("balances:import_preview", args=[practice_a.slug, batch.pk]))
    report = client_a.get(
        reverse("balances:import_detail", args=[practice_a.slug, batch.pk])
    ).content.decode()
    projection_url = reverse("reporting:projection", args=[practice_a.slug, batch.pk])
    assert projection_url in report and "Confirm placement" not in report
    assert client_a.get(projection_url).status_code == 200

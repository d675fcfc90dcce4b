"""The upload journey in a real headless Chromium: upload -> preview -> progress -> report -> confirm.

The import runs eagerly inside the test process (unit-test Celery settings), so the progress bar is
exercised by the htmx partial test in test_import_views; here the page must reach the finished report."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from balances.models import Account, AccountStatus
from balances.tests.test_import_persistence import generic_csv, row
from conftest import verified_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user) -> None:
    client = verified_client(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_upload_preview_report_and_confirm(page, live_server, manager_a, practice_a, tmp_path, producer):
    """With `producer=process` the import forks from a live-server request thread, other threads running."""
    export = tmp_path / "aging.csv"
    export.write_bytes(generic_csv([row("1", "Smith, Jane", "100.00"), row("2", "Doe, John", "0.00"),
                                    row("3", "Roe, Rita", "1,250.00")]))  # fmt: skip
    _sign_in(page, live_server, manager_a)
    page.goto(f"{live_server.url}/portal/{practice_a.slug}/imports/")
    assert page.get_by_text("No imports yet").is_visible()
    page.get_by_label("Export file").set_input_files(str(export))
    page.get_by_label("Balances as of").fill("2025-03-14")
    page.get_by_role("button", name="Upload and preview").click()

    assert page.get_by_test_id("detected-layout").inner_text() == "generic"
    assert page.get_by_text("J*** S****").is_visible()
    page.get_by_role("button", name="Start the import").click()

    page.get_by_role("button", name="Confirm placement").wait_for()
    assert page.get_by_test_id("imported-count").inner_text() == "2"
    assert page.get_by_text("$1,350.00").is_visible()
    assert page.get_by_text("NON_POSITIVE_BALANCE").is_visible()
    page.get_by_role("button", name="Confirm placement").click()
    page.get_by_test_id("placed-note").wait_for()
    assert Account.objects.filter(status=AccountStatus.PLACED).count() == 2


def test_progress_bar_polls_and_shows_the_report_when_done(page, live_server, manager_a, practice_a):
    """A running import shows a live progress bar (htmx polling); when the worker finishes, the page
    turns into the report without the user doing anything."""
    from balances.services import import_batch_create, import_batch_run, progress_key
    from kinum.progress import progress_set

    batch = import_batch_create(
        actor=manager_a, practice=practice_a, data=generic_csv([row("1", "Smith, Jane", "100.00")]),
        filename="a.csv", as_of=practice_a.created_at.date(), enqueue=False,
    )  # fmt: skip
    progress_set(progress_key(batch.pk), done=40, total=100, stage="importing")
    _sign_in(page, live_server, manager_a)
    page.goto(f"{live_server.url}/portal/{practice_a.slug}/imports/{batch.pk}/")
    bar = page.locator("progress#import-progress-bar")
    assert bar.get_attribute("value") == "40"
    progress_set(progress_key(batch.pk), done=70, total=100, stage="importing")
    expect(bar).to_have_attribute("value", "70")  # the page polled and redrew the bar
    import_batch_run(batch_id=batch.pk)  # the worker finishes
    page.get_by_role("button", name="Confirm placement").wait_for()
    assert page.get_by_test_id("imported-count").inner_text() == "1"

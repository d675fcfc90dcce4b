"""The projection page in a real headless Chromium: charts draw under the CSP, the manager approves."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from balances.tests.scoring_helpers import USER_QUERY, import_sample
from conftest import verified_client
from practices.models import PracticeStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_projection_page_draws_charts_and_approves(page, live_server, practice_a, manager_a):
    batch = import_sample(practice_a, USER_QUERY, analysis=True, actor=manager_a)
    client = verified_client(manager_a)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": live_server.url}]
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on(
        "response", lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )
    url = reverse("reporting:projection", kwargs={"practice_slug": practice_a.slug, "batch_id": batch.pk})
    page.goto(f"{live_server.url}{url}")
    page.wait_for_selector("body[data-charts='ready']")
    assert page.get_by_test_id("p50").inner_text().startswith("$")
    for canvas in ("#chart-months", "#chart-segments", "#chart-ages"):
        assert page.locator(canvas).bounding_box()["height"] > 50
    assert errors == []  # no CSP violation, no script error
    page.get_by_role("button", name="Approve and start").click()
    page.wait_for_load_state()
    assert "upload your placement file" in page.content()
    practice_a.refresh_from_db()
    assert practice_a.status == PracticeStatus.ACTIVE

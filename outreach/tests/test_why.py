"""The "why" page: tenant scoping, PHI access logging, plain-English decisions, a query guard and a
real browser."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from compliance.models import PhiAccess
from compliance.regf.rules import Channel
from conftest import verified_client
from outreach.explain import explain
from outreach.gate import Proposal, gate_decide_and_record
from outreach.tests.factories import consumer_with_accounts
from outreach.tests.test_gate import _notice
from tests.factories import MembershipFactory, UserFactory

UTC = dt.UTC


def _history(practice, *, calls: int = 8):
    consumer, accounts, points = consumer_with_accounts(practice, balances=(9_000,))
    _notice(consumer, accounts, at=dt.datetime(2026, 3, 1, 15, tzinfo=UTC))
    start = dt.datetime(2026, 4, 1, 15, 0, tzinfo=UTC)  # Wed 10:00 Chicago
    for n in range(calls):  # one a day for 7 days, then more on the 7th day (blocked)
        at = start + dt.timedelta(days=min(n, 6), hours=max(0, n - 6))
        proposal = Proposal(consumer.pk, Channel.CALL, at, points["mobile"].pk, (accounts[0].pk,))
        gate_decide_and_record(actor=None, proposals=[proposal])
    return consumer


def _url(practice, consumer) -> str:
    return reverse("outreach:why", kwargs={"practice_slug": practice.slug, "consumer_id": consumer.pk})


@pytest.mark.django_db
def test_collector_sees_the_decisions_in_plain_english_and_the_view_is_logged(practice_a, collector_a):
    consumer = _history(practice_a)
    response = verified_client(collector_a).get(_url(practice_a, consumer))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Blocked: 7 calls already in the last 7 days for this account" in body
    assert "allowed again Wed Apr 8 8:00am CDT patient time" in body
    assert "RF-CALL-7IN7" in body and consumer.full_name in body
    access = PhiAccess.objects.get(user=collector_a)
    assert access.subject_id == str(consumer.pk) and access.fields == ["full_name"]


@pytest.mark.django_db
def test_compliance_officer_sees_every_practice(practice_a, compliance_officer):
    consumer = _history(practice_a, calls=1)
    assert verified_client(compliance_officer).get(_url(practice_a, consumer)).status_code == 200
    assert PhiAccess.objects.get(user=compliance_officer).reason == "compliance_review"


@pytest.mark.django_db
def test_outsiders_get_404(practice_a, practice_b, outsider, manager_a):
    consumer = _history(practice_a, calls=1)
    collector_b = UserFactory(role="collector", email="cb@agency.example")
    MembershipFactory(user=collector_b, practice=practice_b, role="collector")
    for user in (outsider, collector_b, manager_a):
        assert verified_client(user).get(_url(practice_a, consumer)).status_code == 404, user.email
    # Practice B's slug with practice A's consumer: not found either.
    assert verified_client(collector_b).get(_url(practice_b, consumer)).status_code == 404
    assert not PhiAccess.objects.exists()


@pytest.mark.django_db
def test_the_page_does_not_grow_queries_with_history(practice_a, collector_a, django_assert_max_num_queries):
    small = _history(practice_a, calls=1)
    big = _history(practice_a, calls=9)
    client = verified_client(collector_a)
    client.get(_url(practice_a, small))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(_url(practice_a, small))
    with CaptureQueriesContext(connection) as many:
        client.get(_url(practice_a, big))
    assert len(few) == len(many)


def test_explain_without_a_time():
    text = explain(verdict="BLOCK", rule_ids=["RF-CEASE"], next_allowed_at=None, zones=[], fallback="UTC")
    assert (
        text
        == "Blocked: the patient asked us to stop contacting them; no time can be given: a new event or a person must clear it."
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_why_page_in_a_browser(page, live_server, practice_a, collector_a):
    consumer = _history(practice_a)
    client = verified_client(collector_a)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page.goto(f"{live_server.url}{_url(practice_a, consumer)}")
    assert page.get_by_role("heading", name=f"Why was {consumer.full_name} contacted, or not?").is_visible()
    blocked = page.locator("tr.why-decision.why-block").first
    assert "7 calls already in the last 7 days for this account" in blocked.inner_text()
    assert page.locator("[data-testid=status-row]").count() >= 2
    # The filter (static JS, no inline script under the CSP) hides everything but decisions.
    page.get_by_role("button", name="Contacts").click()
    assert page.locator("tr.why-decision").first.is_hidden()
    assert page.locator("tr.why-contact").first.is_visible()
    page.get_by_role("button", name="Everything").click()
    assert page.locator("tr.why-decision").first.is_visible()

"""End-to-end property: whatever sequence of calls the agents try, the contacts the gate records
(history written by the service and read back by the loader) never break 7-in-7 per account, the
product's 7-per-consumer cap, or the calling window in the patient's zone."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from compliance.regf.rules import Channel
from outreach.gate import Proposal, gate_decide_and_record
from outreach.models import ContactEvent
from outreach.tests.factories import consumer_with_accounts
from outreach.tests.test_gate import _notice

CHICAGO = ZoneInfo("America/Chicago")
START = dt.datetime(2026, 3, 3, tzinfo=CHICAGO)  # spans the DST change of Sun Mar 8
attempts = st.lists(
    st.tuples(
        st.integers(0, 20), st.integers(6 * 60, 22 * 60 - 1), st.sampled_from(["both", "first", "second"])
    ),
    min_size=1,
    max_size=40,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tries=attempts)
@example(tries=[(d, m, "both") for d in range(10) for m in (600, 840, 1080)])  # 3 a day: the caps must bite
@example(tries=[(d, 600 + k, "first") for d in range(10) for k in (0, 3, 7)])  # redials within minutes
def test_recorded_calls_never_break_the_caps(practice_a, tries):
    with transaction.atomic():
        consumer, accounts, points = consumer_with_accounts(practice_a, balances=(9_000, 8_000))
        _notice(consumer, accounts, at=START.astimezone(dt.UTC) - dt.timedelta(days=10))
        which = {"both": accounts, "first": accounts[:1], "second": accounts[1:]}
        for day, minute, about in sorted(tries):
            at = (START + dt.timedelta(days=day, minutes=minute)).astimezone(dt.UTC)
            ids = tuple(a.pk for a in which[about])
            gate_decide_and_record(
                actor=None, proposals=[Proposal(consumer.pk, Channel.CALL, at, points["mobile"].pk, ids)]
            )
        calls = list(ContactEvent.objects.filter(consumer=consumer).values_list("at", "account_ids"))
        for at, _ in calls:
            local = at.astimezone(CHICAGO).time()
            assert dt.time(8, 0) <= local <= dt.time(20, 55), at
        days = sorted({at.astimezone(CHICAGO).date() for at, _ in calls})
        for first in days:
            window = [(at, ids) for at, ids in calls if 0 <= (at.astimezone(CHICAGO).date() - first).days < 7]
            assert len(window) <= 7  # product: 7 per consumer across debts (PO-03)
            per_account = Counter(a for _, ids in window for a in ids)
            assert all(n <= 7 for n in per_account.values()), per_account
            assert all(len(ids) == 1 for _, ids in window)  # an unassigned call is charged to one debt
        transaction.set_rollback(True)

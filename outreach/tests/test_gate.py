"""The gate's database side: batch loading in constant queries, atomic recording, immediate effect
of disputes, cease notices and opt-outs received by text."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balances.models import Account, AccountStatus
from compliance.models import AuditAction, AuditEvent
from compliance.regf.rules import Channel, Profile, RuleId, Verdict
from outreach import gate
from outreach.gate import Proposal, gate_decide_and_record, gate_decide_many, histories_load, inputs_digest
from outreach.models import ContactDecision, ContactEvent, FlagKind, NoticeMethod, ValidationNotice, Via
from outreach.services import (
    call_consent_record,
    cease_record,
    consent_record,
    designation_record,
    dispute_record,
    dispute_respond,
    flag_record,
    inbound_message_record,
    opt_out_record,
)
from outreach.tests.factories import consumer_with_accounts

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 4, 7, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in Chicago


def _notice(consumer, accounts, at=NOW - dt.timedelta(days=20)):
    return ValidationNotice.objects.create(
        practice=consumer.practice,
        consumer=consumer,
        account_ids=[a.pk for a in accounts],
        method=NoticeMethod.MAIL,
        provided_on=at.date(),
        period_end=at.date() + dt.timedelta(days=37),
        itemization_date=dt.date(2025, 11, 3),
        itemization_basis="last_service_on",
        amount_on_itemization_cents=1,
        current_amount_cents=1,
        content="{}",
        content_sha256="0" * 64,
        sent_at=at,
    )


def _call(consumer, accounts, points, at=NOW, **kw):
    return Proposal(
        consumer_id=consumer.pk,
        channel=Channel.CALL,
        at=at,
        contact_point_id=points["mobile"].pk,
        account_ids=tuple(a.pk for a in accounts),
        **kw,
    )


def _full_history(practice):
    """A consumer with a row in every table the loader reads."""
    consumer, accounts, points = consumer_with_accounts(practice)
    _notice(consumer, accounts)
    ContactEvent.objects.create(
        practice=practice,
        consumer=consumer,
        contact_point=points["mobile"],
        channel="call",
        at=NOW - dt.timedelta(days=2),
        account_ids=[accounts[0].pk],
        result="no_answer",
    )
    consent_record(
        actor=None,
        contact_point=points["mobile"],
        medium="sms",
        via=Via.PORTAL,
        at=NOW - dt.timedelta(days=3),
    )
    call_consent_record(
        consumer=consumer, account_ids=[accounts[0].pk], at=NOW - dt.timedelta(days=30), via=Via.CALL
    )
    designation_record(consumer=consumer, at=NOW - dt.timedelta(days=9), via=Via.CALL, place="work")
    dispute_record(
        actor=None,
        consumer=consumer,
        via=Via.LETTER,
        received_at=NOW - dt.timedelta(days=90),
        account_ids=[accounts[1].pk],
    )
    cease_record(actor=None, consumer=consumer, via=Via.EMAIL, received_at=NOW + dt.timedelta(days=1))
    flag_record(
        actor=None, consumer=consumer, kind=FlagKind.ATTORNEY, at=NOW + dt.timedelta(days=1), via=Via.CALL
    )
    return consumer, accounts, points


def test_batch_loader_query_count_is_constant(practice_a):
    small = [_full_history(practice_a)[0].pk for _ in range(2)]
    large = small + [_full_history(practice_a)[0].pk for _ in range(6)]
    with CaptureQueriesContext(connection) as few:
        histories_load(consumer_ids=small, until=NOW)
    with CaptureQueriesContext(connection) as many:
        loaded = histories_load(consumer_ids=large, until=NOW)
    assert len(few) == len(many) == 11
    assert set(loaded) == set(large)
    h = loaded[large[-1]]
    types = {e.type for e in h.events}
    assert {"call", "consent", "call_consent", "dispute", "validation_notice"} <= types
    assert "cease" not in types and h.attorney is None  # received after `until`: not part of this history
    assert h.places and h.zones == ("America/Chicago",)


def test_proposals_for_a_batch_decide_in_constant_queries(practice_a, django_assert_max_num_queries):
    people = [consumer_with_accounts(practice_a) for _ in range(5)]
    for consumer, accounts, _ in people:
        _notice(consumer, accounts)
    proposals = [_call(c, a, p) for c, a, p in people]
    with django_assert_max_num_queries(11):
        decided = gate_decide_many(proposals=proposals)
    assert [d.decision.verdict for d in decided] == [Verdict.ALLOW] * 5


def test_allowed_call_is_recorded_with_its_decision_and_audit_row(practice_a, collector_a):
    consumer, accounts, points = consumer_with_accounts(practice_a)
    _notice(consumer, accounts)
    [result] = gate_decide_and_record(actor=collector_a, proposals=[_call(consumer, accounts, points)])
    assert result.allowed and result.contact is not None
    record = ContactDecision.objects.get(consumer=consumer)
    assert record.contact_event_id == result.contact.pk and record.verdict == "ALLOW"
    assert len(record.inputs_sha256) == 64
    # The unassigned call is charged to one debt at dial time: the largest balance (PO-04).
    assert result.contact.account_ids == [accounts[0].pk] == record.charged_account_ids
    audit = AuditEvent.objects.get(action=AuditAction.CONTACT_ALLOW)
    assert audit.target_id == str(record.pk) and audit.after["contact_event_id"] == result.contact.pk


def test_decision_contact_and_audit_commit_or_roll_back_together(practice_a):
    consumer, accounts, points = consumer_with_accounts(practice_a)
    _notice(consumer, accounts)
    with (
        mock.patch.object(gate, "audit_record", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        gate_decide_and_record(actor=None, proposals=[_call(consumer, accounts, points)])
    assert not ContactDecision.objects.exists() and not ContactEvent.objects.exists()


def test_the_eighth_call_in_seven_days_is_blocked_with_a_time(practice_a):
    consumer, accounts, points = consumer_with_accounts(practice_a, balances=(9_000,))
    _notice(consumer, accounts)
    start = NOW - dt.timedelta(days=6)
    for day in range(7):
        at = start + dt.timedelta(days=day)
        [r] = gate_decide_and_record(actor=None, proposals=[_call(consumer, accounts, points, at=at)])
        assert r.allowed, r.decision
    [blocked] = gate_decide_and_record(actor=None, proposals=[_call(consumer, accounts, points)])
    assert blocked.decision.verdict is Verdict.BLOCK and blocked.contact is None
    assert RuleId.RF_CALL_7IN7 in blocked.decision.rule_ids
    # The first call (Wed 10:00 Chicago) leaves the window at the start of the following Wednesday.
    assert blocked.record.next_allowed_at == dt.datetime(2026, 4, 8, 13, 0, tzinfo=UTC)
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_BLOCK).count() == 1


def test_a_dispute_sent_by_text_pauses_collection_at_once(practice_a):
    consumer, accounts, points = consumer_with_accounts(practice_a)
    _notice(consumer, accounts)
    assert (
        gate_decide_many(proposals=[_call(consumer, accounts, points)])[0].decision.verdict is Verdict.ALLOW
    )
    inbound = inbound_message_record(
        consumer=consumer,
        contact_point=points["mobile"],
        channel="sms",
        text="I dispute this, it is not my bill",
        at=NOW - dt.timedelta(minutes=1),
    )
    assert inbound.dispute is not None and inbound.dispute.written
    assert sorted(inbound.dispute.account_ids) == sorted(a.pk for a in accounts)
    [after] = gate_decide_many(proposals=[_call(consumer, accounts, points)])
    assert after.decision.verdict is Verdict.BLOCK
    assert RuleId.RF_DISP_WRITTEN in after.decision.rule_ids and after.decision.next_allowed_at is None
    assert AuditEvent.objects.filter(action=AuditAction.DISPUTE_RECORD).count() == 1
    statuses = {a.status for a in Account.objects.filter(pk__in=[a.pk for a in accounts])}
    assert statuses == {AccountStatus.DISPUTED}  # the ledger and work lists show it at once

    dispute_respond(actor=None, dispute=inbound.dispute, kind="verification", at=NOW)
    statuses = {a.status for a in Account.objects.filter(pk__in=[a.pk for a in accounts])}
    assert statuses == {AccountStatus.PLACED}


def test_stop_by_text_blocks_texts_but_not_calls(practice_a):
    consumer, accounts, points = consumer_with_accounts(practice_a)
    _notice(consumer, accounts)
    consent_record(
        actor=None,
        contact_point=points["mobile"],
        medium="sms",
        via=Via.PORTAL,
        at=NOW - dt.timedelta(days=1),
    )
    sms = Proposal(consumer.pk, Channel.SMS, NOW, points["mobile"].pk, (accounts[0].pk,))
    assert gate_decide_many(proposals=[sms])[0].decision.verdict is Verdict.ALLOW
    result = inbound_message_record(
        consumer=consumer,
        contact_point=points["mobile"],
        channel="sms",
        text="STOP",
        at=NOW - dt.timedelta(seconds=5),
    )
    assert result.opt_out is not None and not result.opt_out.pending_review
    sms_after, call_after = gate_decide_many(proposals=[sms, _call(consumer, accounts, points)])
    assert RuleId.RF_MEDIA_OPTOUT in sms_after.decision.rule_ids
    assert call_after.decision.verdict is Verdict.ALLOW
    points["mobile"].refresh_from_db()
    assert points["mobile"].opted_out_media == ["sms"]


def test_stop_all_by_text_opens_a_cease_review_that_blocks_every_channel(practice_a):
    consumer, accounts, points = consumer_with_accounts(practice_a)
    _notice(consumer, accounts)
    result = inbound_message_record(
        consumer=consumer,
        contact_point=points["mobile"],
        channel="sms",
        text="stop all",
        at=NOW - dt.timedelta(minutes=3),
    )
    assert result.cease is not None and result.cease.pending_review and result.needs_review
    letter = Proposal(consumer.pk, Channel.LETTER, NOW, None, (accounts[0].pk,))
    for decided in gate_decide_many(proposals=[_call(consumer, accounts, points), letter]):
        assert decided.decision.verdict is not Verdict.ALLOW, decided.decision


def test_hard_stops_and_opt_outs_recorded_by_an_agent(practice_a, collector_a):
    consumer, accounts, points = consumer_with_accounts(practice_a)
    _notice(consumer, accounts)
    flag_record(
        actor=collector_a,
        consumer=consumer,
        kind=FlagKind.BANKRUPTCY,
        at=NOW - dt.timedelta(hours=1),
        via=Via.CALL,
    )
    [d] = gate_decide_many(proposals=[_call(consumer, accounts, points)])
    assert d.decision.rule_ids == (RuleId.RF_BANKRUPTCY,)

    other, accts, pts = consumer_with_accounts(practice_a)
    _notice(other, accts)
    opt_out_record(
        actor=collector_a,
        consumer=other,
        contact_point=None,
        media=["call"],
        via=Via.CALL,
        at=NOW - dt.timedelta(hours=1),
    )
    [d] = gate_decide_many(proposals=[_call(other, accts, pts)])
    assert RuleId.RF_MEDIA_OPTOUT in d.decision.rule_ids


def test_outside_the_window_blocks_until_eight_in_the_morning_patient_time(practice_a):
    consumer, accounts, points = consumer_with_accounts(
        practice_a, zones=("America/Los_Angeles",), state="CA"
    )
    _notice(consumer, accounts)
    early = NOW.replace(hour=13)  # 06:00 in Los Angeles
    [d] = gate_decide_many(proposals=[_call(consumer, accounts, points, at=early)])
    assert RuleId.RF_TIME_WINDOW in d.decision.rule_ids
    assert d.decision.next_allowed_at == dt.datetime(2026, 4, 7, 15, 0, tzinfo=UTC)


def test_input_digest_is_stable_and_sensitive(practice_a):
    consumer, accounts, points = consumer_with_accounts(practice_a)
    [a] = gate_decide_many(proposals=[_call(consumer, accounts, points)])
    [b] = gate_decide_many(proposals=[_call(consumer, accounts, points)])
    [c] = gate_decide_many(proposals=[_call(consumer, accounts, points, at=NOW + dt.timedelta(seconds=1))])
    assert inputs_digest(a.inputs) == inputs_digest(b.inputs) != inputs_digest(c.inputs)


def test_a_contact_point_of_another_consumer_is_refused(practice_a):
    consumer, accounts, _ = consumer_with_accounts(practice_a)
    _, _, other_points = consumer_with_accounts(practice_a, phone="3125550199")
    with pytest.raises(ValueError):
        gate_decide_many(proposals=[_call(consumer, accounts, other_points)])


def test_federal_profile_is_selectable(practice_a):
    consumer, accounts, points = consumer_with_accounts(practice_a, zones=())
    [d] = gate_decide_many(proposals=[_call(consumer, accounts, points)], profile=Profile.FEDERAL)
    # Zones come from the area code of the phone (312: Chicago) when the consumer row has none.
    assert d.inputs.consumer.time_zones == ("America/Chicago",)

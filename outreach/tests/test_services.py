"""Inbound classification and template checks as services; contact points from the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from balances.import_rows import phone_index
from balances.models import ConsumerPhone
from compliance.regf.rules import InboundClass, RuleId, Verdict
from outreach.models import CeaseNotice, ContactPoint, Dispute, PointEvent, PointKind
from outreach.services import (
    contact_points_from_ledger,
    inbound_classify,
    inbound_message_record,
    template_check,
)
from outreach.tests.factories import consumer_with_accounts

AT = dt.datetime(2026, 4, 7, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected", "review"),
    [
        ("STOP", {InboundClass.OPT_OUT}, False),
        ("Stop!!", {InboundClass.OPT_OUT}, False),
        ("help", {InboundClass.HELP}, False),
        ("stop all", {InboundClass.OPT_OUT, InboundClass.CEASE_REVIEW}, True),
        ("please don't call me at work", {InboundClass.OPT_OUT}, True),
        ("I do not owe this", {InboundClass.DISPUTE}, False),
        ("can I stop by the office", {InboundClass.SUPPRESS_PENDING_REVIEW}, True),
    ],
)
def test_inbound_classify(text, expected, review):
    found = inbound_classify(channel="sms", text=text)
    assert set(found.classes) == expected and found.review is review


@pytest.mark.django_db
def test_free_text_opt_out_suppresses_the_media_it_names_pending_review(practice_a):
    consumer, _, points = consumer_with_accounts(practice_a)
    result = inbound_message_record(
        consumer=consumer,
        contact_point=points["mobile"],
        channel="sms",
        text="please don't call me at work",
        at=AT,
    )
    assert result.needs_review
    assert result.opt_out.pending_review and set(result.opt_out.media) == {"call", "sms"}
    assert result.event.body == "please don't call me at work"  # kept, encrypted
    assert not CeaseNotice.objects.exists() and not Dispute.objects.exists()


@pytest.mark.django_db
def test_help_records_the_message_and_changes_nothing(practice_a):
    consumer, _, points = consumer_with_accounts(practice_a)
    result = inbound_message_record(
        consumer=consumer, contact_point=points["mobile"], channel="sms", text="HELP", at=AT
    )
    assert result.classification.classes == frozenset({InboundClass.HELP})
    assert not PointEvent.objects.exists() and result.opt_out is None


@pytest.mark.django_db
def test_an_email_subject_stop_opts_out_the_address(practice_a):
    consumer, _, points = consumer_with_accounts(practice_a)
    result = inbound_message_record(
        consumer=consumer, contact_point=points["email"], channel="email", text="", subject="stop", at=AT
    )
    assert result.opt_out.media == ["email"] and result.opt_out.contact_point_id == points["email"].pk


@pytest.mark.django_db
def test_inbound_on_another_consumers_point_is_refused(practice_a):
    consumer, _, _ = consumer_with_accounts(practice_a)
    _, _, other = consumer_with_accounts(practice_a, phone="3125550177")
    with pytest.raises(ValueError):
        inbound_message_record(
            consumer=consumer, contact_point=other["mobile"], channel="sms", text="STOP", at=AT
        )


def test_template_check_wraps_the_engine():
    ok = template_check(
        kind="sms",
        text="Hi from Kinum Recover, a debt collector. Call 217-555-0140 about your Alpha Dental bill. Reply STOP to stop texts.",
        practice_display_name="Alpha Dental",
    )
    assert ok.verdict is Verdict.ALLOW, ok.reasons
    bad = template_check(kind="sms", text="Your MRI bill is overdue. Pay now.")
    assert bad.verdict is Verdict.BLOCK
    assert {RuleId.RF_DISC_MINI_MIRANDA, RuleId.RF_ELEC_OPTOUT_NOTICE, RuleId.HIPAA_MINNEC} <= set(
        bad.rule_ids
    )


@pytest.mark.django_db
def test_contact_points_from_the_ledger_in_bulk_and_only_once(practice_a):
    consumer, _, _ = consumer_with_accounts(practice_a, phone=None, email=None)
    consumer.email, consumer.email_index = "pat@yahoo.com", "x" * 64
    consumer.save(update_fields=["email", "email_index"])
    ConsumerPhone.objects.create(
        practice=practice_a, consumer=consumer, number="5035550111", number_index=phone_index("5035550111"),
        kind="mobile", area_code="503",
    )  # fmt: skip
    assert contact_points_from_ledger(consumer_ids=[consumer.pk]) == 2
    assert contact_points_from_ledger(consumer_ids=[consumer.pk]) == 0
    phone = ContactPoint.objects.get(consumer=consumer, kind=PointKind.PHONE)
    assert (
        phone.type == "mobile" and phone.time_zones == ["America/Los_Angeles"] and phone.source == "creditor"
    )
    assert phone.value == "5035550111" and phone.consumer_phone is not None
    assert ContactPoint.objects.get(consumer=consumer, kind=PointKind.EMAIL).public_domain == "yahoo.com"

"""Focused unit tests per rule family of the pure engine (REGF.md, REGF-SCENARIOS.md)."""

from __future__ import annotations

from datetime import datetime

import pytest

from compliance.regf.cli import evaluate_document, evaluate_one
from compliance.regf.inbound import classify_inbound
from compliance.regf.rules import InboundClass
from compliance.tests.regf_helpers import CELL, call, decide_doc

NY = {"time_zones": ["America/New_York"]}


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# ------------------------------------------------------------------ call frequency


def seven_calls(debt: str = "M1") -> list[dict]:
    return [call(f"2026-04-0{d}T10:00:00-04:00", debt_ids=[debt]) for d in range(1, 8)]


def test_seven_in_seven_blocks_the_eighth_and_frees_on_local_date() -> None:
    r = decide_doc({"at": "2026-04-07T15:00:00-04:00"}, events=seven_calls(), profile="federal")
    assert r["verdict"] == "BLOCK" and r["rule_ids"] == ["RF-CALL-7IN7"]
    assert _at(r["next_allowed_at"]) == _at("2026-04-08T08:00:00-04:00")


def test_busy_and_failed_calls_do_not_count() -> None:
    events = seven_calls()
    events[0]["result"] = "busy"
    r = decide_doc({"at": "2026-04-07T15:00:00-04:00"}, events=events, profile="federal")
    assert r["verdict"] == "ALLOW" and r["charged_debt_ids"] == ["M1"]


def test_calls_to_a_wrong_party_number_drop_out_of_the_count() -> None:
    other = {**CELL, "id": "old", "number": "+14045550199"}
    events = [{**e, "contact_point": "old"} for e in seven_calls()]
    events.append({"type": "wrong_party", "at": "2026-04-07T11:00:00-04:00", "contact_point": "old"})
    r = decide_doc(
        {"at": "2026-04-07T15:00:00-04:00"}, events=events, profile="federal", contact_points=[CELL, other]
    )
    assert r["verdict"] == "ALLOW"
    r = decide_doc(
        {"at": "2026-04-07T15:00:00-04:00", "contact_point": "old"},
        events=events,
        profile="federal",
        contact_points=[CELL, other],
    )
    assert r["verdict"] == "BLOCK" and "RF-CALL-MISDIRECTED" in r["rule_ids"]


def test_conversation_blocks_through_day_six_in_either_direction() -> None:
    conv = call("2026-08-13T20:00:00-04:00", "conversation", direction="in")
    r = decide_doc({"at": "2026-08-19T12:00:00-04:00"}, events=[conv], profile="federal")
    assert r["rule_ids"] == ["RF-CALL-CONV"]
    assert _at(r["next_allowed_at"]) == _at("2026-08-20T08:00:00-04:00")


def test_conversation_uses_the_later_local_date_across_zones() -> None:
    # 00:30 Aug 14 in New York is 21:30 Aug 13 in Los Angeles: the later date (Aug 14) governs.
    consumer = {"time_zones": ["America/New_York", "America/Los_Angeles"]}
    conv = call("2026-08-14T04:30:00+00:00", "conversation", direction="in")
    r = decide_doc({"at": "2026-08-20T16:00:00-04:00"}, events=[conv], consumer=consumer, profile="federal")
    assert r["verdict"] == "BLOCK" and "RF-CALL-CONV" in r["rule_ids"]
    assert _at(r["next_allowed_at"]) == _at("2026-08-21T11:00:00-04:00")


def test_third_party_conversation_is_a_conversation_only_under_product() -> None:
    conv = call("2026-08-14T10:00:00-04:00", "third_party_conversation")
    assert (
        decide_doc({"at": "2026-08-15T12:00:00-04:00"}, events=[conv], profile="federal")["verdict"]
        == "ALLOW"
    )
    r = decide_doc({"at": "2026-08-15T12:00:00-04:00"}, events=[conv], profile="product")
    assert "RF-CALL-CONV" in r["rule_ids"]


def test_call_consent_excludes_calls_from_the_count_and_the_charge() -> None:
    events = [*seven_calls(), {"type": "call_consent", "at": "2026-04-07T11:00:00-04:00", "debt_ids": ["M1"]}]
    r = decide_doc({"at": "2026-04-07T15:00:00-04:00"}, events=events, profile="federal")
    assert r["verdict"] == "ALLOW" and r["charged_debt_ids"] == []


def test_call_consent_ends_at_the_next_conversation() -> None:
    events = [
        {"type": "call_consent", "at": "2026-04-01T11:00:00-04:00", "debt_ids": ["M1"]},
        call("2026-04-02T10:00:00-04:00", "conversation"),
    ]
    r = decide_doc({"at": "2026-04-03T15:00:00-04:00"}, events=events, profile="federal")
    assert r["rule_ids"] == ["RF-CALL-CONV"]


def test_unassigned_call_is_charged_to_the_debt_with_most_capacity() -> None:
    r = decide_doc(
        {"at": "2026-04-07T15:00:00-04:00", "debt_ids": ["M1", "M2"]}, events=seven_calls(), profile="federal"
    )
    assert r["verdict"] == "ALLOW" and r["charged_debt_ids"] == ["M2"]
    # Equal capacity: the larger balance wins.
    r = decide_doc(
        {"at": "2026-04-07T15:00:00-04:00", "debt_ids": ["M2", "M1"]}, events=[], profile="federal"
    )
    assert r["charged_debt_ids"] == ["M1"]


def test_unassigned_call_blocked_when_no_debt_qualifies_frees_with_the_first_debt() -> None:
    events = [*seven_calls("M1"), call("2026-04-05T12:00:00-04:00", "conversation", debt_ids=["M2"])]
    r = decide_doc(
        {"at": "2026-04-07T15:00:00-04:00", "debt_ids": ["M1", "M2"]}, events=events, profile="federal"
    )
    assert r["verdict"] == "BLOCK" and {"RF-CALL-7IN7", "RF-CALL-CONV"} <= set(r["rule_ids"])
    assert _at(r["next_allowed_at"]) == _at("2026-04-08T08:00:00-04:00")


def test_product_caps_per_consumer_per_day_and_redial() -> None:
    events = [
        call(f"2026-04-07T{h}:00:00-04:00", debt_ids=[d])
        for h, d in (("09", "M1"), ("10", "M2"), ("11", "M1"))
    ]
    r = decide_doc({"at": "2026-04-07T15:00:00-04:00", "debt_ids": ["M2"]}, events=events)
    assert r["rule_ids"] == ["RF-CALL-PATTERN"]
    assert _at(r["next_allowed_at"]) == _at("2026-04-08T08:00:00-04:00")
    r = decide_doc({"at": "2026-04-07T09:03:00-04:00"}, events=events[:1])
    assert r["rule_ids"] == ["RF-CALL-PATTERN"]
    assert _at(r["next_allowed_at"]) == _at("2026-04-07T09:05:00-04:00")


# ------------------------------------------------------------------ time and place


def test_window_end_federal_2100_product_2055() -> None:
    assert decide_doc({"at": "2026-04-07T21:00:00-04:00"}, profile="federal")["verdict"] == "ALLOW"
    r = decide_doc({"at": "2026-04-07T20:56:00-04:00"}, profile="product")
    assert r["rule_ids"] == ["RF-TIME-WINDOW"]
    assert _at(r["next_allowed_at"]) == _at("2026-04-08T08:00:00-04:00")


def test_window_in_every_zone_on_the_dst_change_day() -> None:
    consumer = {"time_zones": ["America/New_York", "America/Los_Angeles"]}
    # Sun 2026-03-08: 10:59 EDT is 07:59 PDT; 11:00 EDT is 08:00 PDT.
    r = decide_doc({"at": "2026-03-08T10:59:00-04:00"}, consumer=consumer, profile="federal")
    assert r["rule_ids"] == ["RF-TIME-WINDOW"]
    assert _at(r["next_allowed_at"]) == _at("2026-03-08T11:00:00-04:00")


def test_arizona_and_hawaii_shift_with_the_seasons() -> None:
    consumer = {"time_zones": ["America/Phoenix"]}
    assert (
        decide_doc({"at": "2026-01-15T09:59:00-05:00"}, consumer=consumer)["verdict"] == "BLOCK"
    )  # 07:59 MST
    assert (
        decide_doc({"at": "2026-01-15T10:00:00-05:00"}, consumer=consumer)["verdict"] == "ALLOW"
    )  # 08:00 MST
    assert (
        decide_doc({"at": "2026-07-15T10:30:00-04:00"}, consumer=consumer)["verdict"] == "BLOCK"
    )  # 07:30 MST
    assert decide_doc({"at": "2026-07-15T11:00:00-04:00"}, consumer=consumer)["verdict"] == "ALLOW"


def test_unknown_location_federal_blocks_product_uses_every_us_zone() -> None:
    points = [{**CELL, "number": "+15005550100"}]
    r = decide_doc({"at": "2026-07-15T15:00:00-04:00"}, consumer={}, contact_points=points, profile="federal")
    assert r["rule_ids"] == ["RF-TIME-WINDOW"] and r["next_allowed_at"] is None
    r = decide_doc({"at": "2026-07-15T13:00:00-04:00"}, consumer={}, contact_points=points, profile="product")
    assert _at(r["next_allowed_at"]) == _at("2026-07-15T14:00:00-04:00")  # 08:00 in Honolulu
    assert "address_review" in r["flags"]


def test_designated_inconvenient_window_and_place() -> None:
    consumer = {
        **NY,
        "inconvenient": [{"days": ["tue"], "start": "09:00", "end": "17:00"}, {"place": "work"}],
    }
    r = decide_doc({"at": "2026-04-07T12:00:00-04:00"}, consumer=consumer)
    assert r["rule_ids"] == ["RF-TIME-DESIGNATED"]
    assert _at(r["next_allowed_at"]) == _at("2026-04-07T17:00:00-04:00")
    work = {**CELL, "id": "work", "type": "work"}
    r = decide_doc(
        {"at": "2026-04-08T12:00:00-04:00", "contact_point": "work"},
        consumer=consumer,
        contact_points=[CELL, work],
    )
    assert r["rule_ids"] == ["RF-PLACE"] and r["next_allowed_at"] is None


def test_reply_once_is_exempt_from_the_window_but_not_twice() -> None:
    inbound = {
        "id": "in1",
        "type": "call",
        "direction": "in",
        "at": "2026-04-07T21:30:00-04:00",
        "contact_point": "cell",
        "result": "no_answer",
    }
    action = {"at": "2026-04-07T21:40:00-04:00", "purpose": "reply", "in_reply_to": "in1"}
    assert decide_doc(action, events=[inbound])["verdict"] == "ALLOW"
    reply = call("2026-04-07T21:35:00-04:00", purpose="reply", in_reply_to="in1")
    assert decide_doc(action, events=[inbound, reply])["verdict"] == "BLOCK"


# ------------------------------------------------------------------ media, consent, TCPA


def test_opt_out_blocks_the_medium_and_one_confirmation_is_allowed() -> None:
    optout = {
        "type": "opt_out",
        "at": "2026-04-07T10:00:00-04:00",
        "contact_point": "cell",
        "media": ["call"],
    }
    r = decide_doc({"at": "2026-04-07T12:00:00-04:00"}, events=[optout])
    assert r["rule_ids"] == ["RF-MEDIA-OPTOUT"] and r["next_allowed_at"] is None
    pending = {**optout, "id": "o1", "pending_review": True}
    rejected = {"type": "review", "at": "2026-04-07T11:00:00-04:00", "ref": "o1", "outcome": "rejected"}
    assert decide_doc({"at": "2026-04-07T12:00:00-04:00"}, events=[pending, rejected])["verdict"] == "ALLOW"


def test_late_confirmation_is_tcpa_confirm_under_product_only() -> None:
    consent = {"type": "consent", "at": "2026-04-01T10:00:00-04:00", "contact_point": "cell", "medium": "sms"}
    optout = {"type": "opt_out", "at": "2026-04-07T10:00:00-04:00", "contact_point": "cell", "media": ["sms"]}
    action = {
        "at": "2026-04-07T10:06:00-04:00",
        "channel": "sms",
        "debt_ids": [],
        "purpose": "optout_confirmation",
    }
    assert decide_doc(action, events=[consent, optout], profile="product")["rule_ids"] == ["TCPA-CONFIRM"]
    assert decide_doc(action, events=[consent, optout], profile="federal")["verdict"] == "ALLOW"


def test_tcpa_consent_needed_for_automated_mobile_contact() -> None:
    skip = {**CELL, "source": "skip_trace"}
    r = decide_doc({"at": "2026-04-07T12:00:00-04:00", "automated": True}, contact_points=[skip])
    assert "TCPA-CONSENT" in r["rule_ids"]
    assert decide_doc({"at": "2026-04-07T12:00:00-04:00"}, contact_points=[skip])["verdict"] == "ALLOW"


def test_tcpa_revoke_product_at_once_federal_review_then_block() -> None:
    revoke = {"type": "tcpa_revoke", "at": "2026-04-06T10:00:00-04:00", "contact_point": "cell"}
    action = {"at": "2026-04-07T12:00:00-04:00", "automated": True}
    assert decide_doc(action, events=[revoke], profile="product")["rule_ids"] == ["TCPA-REVOKE"]
    assert decide_doc(action, events=[revoke], profile="federal")["verdict"] == "REVIEW"
    late = {**action, "at": "2026-04-21T12:00:00-04:00"}  # 10 business days after Apr 6 end Apr 20
    assert decide_doc(late, events=[revoke], profile="federal")["verdict"] == "BLOCK"


def test_stale_consent_needs_an_rnd_check() -> None:
    old = {**CELL, "obtained_on": "2026-01-01"}
    action = {"at": "2026-04-07T12:00:00-04:00", "automated": True}
    assert "TCPA-RND" in decide_doc(action, contact_points=[old])["rule_ids"]
    check = {
        "type": "rnd_check",
        "at": "2026-04-01T12:00:00-04:00",
        "contact_point": "cell",
        "result": "no_reassignment",
    }
    assert decide_doc(action, contact_points=[old], events=[check])["verdict"] == "ALLOW"
    gone = {**check, "result": "reassigned"}
    assert "TCPA-RND" in decide_doc(action, events=[gone])["rule_ids"]


def test_prerecorded_landline_cap() -> None:
    land = {**CELL, "id": "home", "type": "landline", "source": "skip_trace"}
    drops = [
        {
            "type": "voicemail_drop",
            "at": f"2026-04-0{d}T10:00:00-04:00",
            "contact_point": "home",
            "debt_ids": ["M1"],
        }
        for d in (1, 3, 5)
    ]
    r = decide_doc(
        {"at": "2026-04-07T12:00:00-04:00", "channel": "voicemail_drop", "contact_point": "home"},
        events=drops,
        contact_points=[land],
        profile="federal",
    )
    assert r["rule_ids"] == ["TCPA-PRERECORD-RES"]
    assert _at(r["next_allowed_at"]) == _at("2026-05-01T08:00:00-04:00")


def test_sms_basis_product_blocks_federal_flags_no_safe_harbor() -> None:
    action = {"at": "2026-04-07T12:00:00-04:00", "channel": "sms"}
    assert decide_doc(action, profile="product")["rule_ids"] == ["RF-ELEC-SMS-SAFE"]
    r = decide_doc(action, profile="federal")
    assert r["verdict"] == "ALLOW" and "no_safe_harbor" in r["flags"]
    consent = {"type": "consent", "at": "2026-02-06T12:00:00-05:00", "contact_point": "cell", "medium": "sms"}
    assert decide_doc(action, events=[consent])["rule_ids"] == ["RF-ELEC-SMS-SAFE"]  # day 60: outside
    consent["at"] = "2026-02-07T12:00:00-05:00"
    assert decide_doc(action, events=[consent])["verdict"] == "ALLOW"


def test_email_bases() -> None:
    work = {"id": "em", "kind": "email", "address": "j@acme.com", "type": "work"}
    r = decide_doc(
        {"at": "2026-04-07T12:00:00-04:00", "channel": "email", "contact_point": "em"},
        contact_points=[CELL, work],
        profile="federal",
    )
    assert r["rule_ids"] == ["RF-ELEC-EMAIL-SAFE"]
    notice = {"sent_on": "2026-03-01", "optout_deadline": "2026-04-10", "names_collector": True}
    em = {
        "id": "em",
        "kind": "email",
        "address": "j@gmail.com",
        "type": "personal",
        "creditor_notice": notice,
    }
    action = {"at": "2026-04-07T12:00:00-04:00", "channel": "email", "contact_point": "em"}
    r = decide_doc(action, contact_points=[CELL, em])
    assert _at(r["next_allowed_at"]) == _at("2026-04-11T08:00:00-04:00")
    assert (
        decide_doc({**action, "at": "2026-04-11T08:00:00-04:00"}, contact_points=[CELL, em])["verdict"]
        == "ALLOW"
    )


# ------------------------------------------------------------------ cease, disputes, attorney, hard stops


def test_cease_scope_federal_vs_product() -> None:
    cease = {"type": "cease", "at": "2026-04-06T10:00:00-04:00", "written": True, "debt_ids": ["M1"]}
    action = {"at": "2026-04-07T12:00:00-04:00", "debt_ids": ["M2"]}
    assert decide_doc(action, events=[cease], profile="federal")["verdict"] == "ALLOW"
    assert decide_doc(action, events=[cease], profile="product")["rule_ids"] == ["RF-CEASE"]
    assert decide_doc(action, events=[{**cease, "limited": True}], profile="product")["verdict"] == "ALLOW"
    exception = {**action, "debt_ids": ["M1"], "channel": "letter", "purpose": "cease_exception"}
    assert decide_doc(exception, events=[cease])["verdict"] == "ALLOW"


def test_disputes_written_in_period_oral_and_late() -> None:
    written = {"type": "dispute", "at": "2026-03-01T10:00:00-05:00", "debt_ids": ["M1"], "written": True}
    action = {"at": "2026-03-05T12:00:00-05:00"}
    assert decide_doc(action, events=[written], profile="federal")["rule_ids"] == ["RF-DISP-WRITTEN"]
    oral = {**written, "written": False}
    assert decide_doc(action, events=[oral], profile="federal")["verdict"] == "ALLOW"
    assert decide_doc(action, events=[oral], profile="product")["rule_ids"] == ["RF-DISP-ORAL-AND-LATE"]
    late = {**written, "at": "2026-04-01T10:00:00-04:00"}  # notice Feb 20 -> end Mar 29
    assert (
        decide_doc({"at": "2026-04-02T12:00:00-04:00"}, events=[late], profile="federal")["verdict"]
        == "ALLOW"
    )
    verified = {
        "type": "verification",
        "at": "2026-03-03T10:00:00-05:00",
        "debt_ids": ["M1"],
        "kind": "verification",
    }
    assert decide_doc(action, events=[written, verified], profile="federal")["verdict"] == "ALLOW"
    oc = {**written, "request": "original_creditor"}
    assert decide_doc(action, events=[oc], profile="federal")["rule_ids"] == ["RF-DISP-OC"]


def test_attorney_deceased_bankruptcy() -> None:
    consumer = {**NY, "attorney": {"at": "2026-04-01T10:00:00-04:00"}}
    r = decide_doc({"at": "2026-04-07T12:00:00-04:00"}, consumer=consumer)
    assert r["rule_ids"] == ["RF-ATTY"] and r["next_allowed_at"] is None
    spouse = {**CELL, "id": "sp", "party": "spouse", "number": "+14045550177"}
    consumer = {**NY, "deceased": {"at": "2026-04-01T10:00:00-04:00", "died_on": "2026-03-20"}}
    assert decide_doc({"at": "2026-04-07T12:00:00-04:00"}, consumer=consumer)["rule_ids"] == ["RF-DECEASED"]
    r = decide_doc(
        {"at": "2026-04-07T12:00:00-04:00", "contact_point": "sp"},
        consumer=consumer,
        contact_points=[CELL, spouse],
    )
    assert r["verdict"] == "ALLOW"
    consumer = {**NY, "bankruptcy": {"at": "2026-04-01T10:00:00-04:00", "filed_on": "2026-03-30"}}
    r = decide_doc({"at": "2026-04-07T12:00:00-04:00", "purpose": "reply"}, consumer=consumer)
    assert "RF-BANKRUPTCY" in r["rule_ids"]


def test_third_parties() -> None:
    friend = {**CELL, "id": "fr", "party": "third_party", "number": "+14045550111"}
    points = [CELL, friend]
    ask = {
        "at": "2026-04-07T12:00:00-04:00",
        "contact_point": "fr",
        "debt_ids": [],
        "purpose": "location_inquiry",
    }
    assert decide_doc(ask, contact_points=points)["verdict"] == "ALLOW"
    earlier = {
        "type": "call",
        "at": "2026-04-02T12:00:00-04:00",
        "contact_point": "fr",
        "purpose": "location_inquiry",
        "result": "third_party_conversation",
    }
    assert decide_doc(ask, contact_points=points, events=[earlier])["rule_ids"] == ["RF-CALL-3P-LOCATION"]
    drop = {"at": "2026-04-07T12:00:00-04:00", "contact_point": "fr", "channel": "voicemail_drop"}
    assert {"RF-3P-DISCLOSURE", "RF-DEF-LCM"} <= set(decide_doc(drop, contact_points=points)["rule_ids"])


def test_validation_notice_overdue_and_esign() -> None:
    letter = {
        "type": "letter",
        "at": "2026-04-06T10:00:00-04:00",
        "contact_point": "cell",
        "debt_ids": ["M1"],
    }
    r = decide_doc({"at": "2026-04-08T12:00:00-04:00"}, events=[letter], notice=False)
    assert r["rule_ids"] == ["RF-VAL-TIMING"]
    assert (
        decide_doc({"at": "2026-04-07T12:00:00-04:00"}, events=[letter], notice=False)["verdict"] == "ALLOW"
    )
    em = {
        "id": "em",
        "kind": "email",
        "address": "j@gmail.com",
        "type": "personal",
        "source": "prior_collector",
    }
    action = {
        "at": "2026-04-07T12:00:00-04:00",
        "channel": "email",
        "contact_point": "em",
        "purpose": "validation_notice",
    }
    r = decide_doc(action, events=[letter], notice=False, contact_points=[CELL, em])
    assert r["rule_ids"] == ["RF-VAL-DELIVERY"]
    esign = {"type": "esign_consent", "at": "2026-04-06T12:00:00-04:00"}
    assert (
        decide_doc(action, events=[letter, esign], notice=False, contact_points=[CELL, em])["verdict"]
        == "ALLOW"
    )


# ------------------------------------------------------------------ state overlays


def test_massachusetts_strict_bounds_and_caps() -> None:
    consumer = {**NY, "state": "MA"}
    r = decide_doc({"at": "2026-04-07T08:00:00-04:00"}, consumer=consumer, profile="federal")
    assert r["rule_ids"] == ["ST-MA"]
    assert (
        decide_doc({"at": "2026-04-07T08:00:00-04:00"}, consumer=consumer, overlays=[], profile="federal")[
            "verdict"
        ]
        == "ALLOW"
    )
    reached = [call("2026-04-01T10:00:00-04:00", "voicemail"), call("2026-04-02T10:00:00-04:00", "lcm")]
    r = decide_doc({"at": "2026-04-05T12:00:00-04:00"}, consumer=consumer, events=reached, profile="federal")
    assert r["rule_ids"] == ["ST-MA"]
    assert _at(r["next_allowed_at"]) == _at("2026-04-08T08:00:01-04:00")
    # no_answer calls do not count in Massachusetts
    unanswered = [call("2026-04-01T10:00:00-04:00"), call("2026-04-02T10:00:00-04:00")]
    assert (
        decide_doc({"at": "2026-04-03T12:00:00-04:00"}, consumer=consumer, events=unanswered)["verdict"]
        == "ALLOW"
    )


def test_dc_nyc_wa_mn_overlays() -> None:
    calls = [call(f"2026-04-0{d}T10:00:00-04:00") for d in (1, 2, 3, 4)]
    r = decide_doc(
        {"at": "2026-04-06T12:00:00-04:00"}, consumer={**NY, "state": "DC"}, events=calls, profile="federal"
    )
    assert r["rule_ids"] == ["ST-DC"]
    nyc = {**NY, "state": "NY", "city": "Brooklyn"}
    r = decide_doc({"at": "2026-04-06T12:00:00-04:00"}, consumer=nyc, events=calls[:3], profile="federal")
    assert r["rule_ids"] == ["ST-NYC"]
    sms = {"at": "2026-04-06T12:00:00-04:00", "channel": "sms"}
    consent = {"type": "consent", "at": "2026-04-01T10:00:00-04:00", "contact_point": "cell", "medium": "sms"}
    assert "ST-NYC-CONSENT" in decide_doc(sms, consumer=nyc, events=[consent], profile="federal")["rule_ids"]
    reached = [call(f"2026-04-0{d}T10:00:00-04:00", "voicemail") for d in (1, 2, 3)]
    r = decide_doc(
        {"at": "2026-04-06T12:00:00-04:00"}, consumer={**NY, "state": "WA"}, events=reached, profile="federal"
    )
    assert r["rule_ids"] == ["ST-WA"]
    r = decide_doc({"at": "2026-04-06T12:00:00-04:00", "automated": True}, consumer={**NY, "state": "MN"})
    assert r["rule_ids"] == ["ST-MN"]


def test_california_adad_hours_product_only() -> None:
    ca = {"time_zones": ["America/Los_Angeles"], "state": "CA"}
    action = {"at": "2026-04-07T08:30:00-07:00", "channel": "voicemail_drop"}
    r = decide_doc(action, consumer=ca, profile="product")
    assert r["rule_ids"] == ["TCPA-STATE"]
    assert _at(r["next_allowed_at"]) == _at("2026-04-07T09:00:00-07:00")
    assert decide_doc(action, consumer=ca, profile="federal")["verdict"] == "ALLOW"


# ------------------------------------------------------------------ other queries and the document contract


def test_validation_period_end_queries() -> None:
    q = {"query": "validation_period_end", "notices": [{"at": "2026-01-16T10:00:00-05:00", "method": "mail"}]}
    assert evaluate_one(q) == {"assumed_receipt": "2026-01-26", "end_date": "2026-02-25"}
    bounced = {
        "query": "validation_period_end",
        "notices": [
            {"at": "2026-11-20T10:00:00-05:00", "method": "email"},
            {"at": "2026-11-24T10:00:00-05:00", "method": "mail", "delivery": "undeliverable"},
        ],
        "roll_forward": True,
        "printed_end_date": "2026-12-29",
    }
    # Nov 20 -> receipt Nov 30 (Thanksgiving skipped) -> end Dec 30 (a Wednesday, not rolled)
    assert evaluate_one(bounced) == {
        "assumed_receipt": "2026-11-30",
        "end_date": "2026-12-30",
        "printed_end_date_ok": False,
    }
    nye = {
        "query": "validation_period_end",
        "notices": [{"at": "2026-11-24T10:00:00-05:00"}],
        "roll_forward": True,
    }
    assert evaluate_one(nye)["end_date"] == "2027-01-04"  # Jan 1 2027 is a holiday: rolled past the weekend


@pytest.mark.parametrize(
    ("text", "classes", "review"),
    [
        ("STOP", {InboundClass.OPT_OUT}, False),
        ("  Stop!! ", {InboundClass.OPT_OUT}, False),
        ("STOP ALL", {InboundClass.OPT_OUT, InboundClass.CEASE_REVIEW}, True),
        ("no más", {InboundClass.OPT_OUT}, False),
        ("HELP", {InboundClass.HELP}, False),
        ("please don't text me", {InboundClass.OPT_OUT}, True),
        ("I won't pay this", {InboundClass.CEASE_REVIEW}, True),
        ("this is not my bill", {InboundClass.DISPUTE}, False),
        ("can I pay at the end of the month", {InboundClass.SUPPRESS_PENDING_REVIEW}, True),
        ("thanks, paid today", set(), False),
    ],
)
def test_classify_inbound(text: str, classes: set[InboundClass], review: bool) -> None:
    result = classify_inbound("sms", text)
    assert result.classes == classes and result.review is review


def test_classify_email_joins_subject_and_body() -> None:
    result = classify_inbound("email", "I dispute this amount", subject="unsubscribe")
    assert result.classes == {InboundClass.OPT_OUT, InboundClass.DISPUTE}


def _template(**kwargs: object) -> dict:
    return evaluate_one({"query": "check_template", "profile": "product", **kwargs})


def test_check_template_electronic_messages() -> None:
    good = "Valley Medical Group balance. This is from a debt collector. Reply STOP to stop texts here."
    ctx = {"practice_name": "Valley Oncology", "practice_display_name": "Valley Medical Group"}
    assert _template(kind="sms", text=good, context=ctx) == {"verdict": "ALLOW", "rule_ids": [], "lcm": None}
    assert _template(kind="sms", text="Pay your balance. Reply STOP to opt out.")["rule_ids"] == [
        "RF-DISC-MINI-MIRANDA"
    ]
    bad_optout = "From a debt collector. To opt out, log in to your account."
    assert "RF-ELEC-OPTOUT-NOTICE" in _template(kind="email", text=bad_optout)["rule_ids"]
    medical = good + " For your MRI at Valley Oncology."
    assert _template(kind="sms", text=medical, context=ctx)["rule_ids"] == ["HIPAA-MINNEC"]
    pressure = good + " Pay within 10 days to avoid further action."
    ctx2 = {"send_at": "2026-04-07T10:00:00-04:00", "validation_end": "2026-04-20"}
    assert "RF-VAL-OVERSHADOW" in _template(kind="sms", text=pressure, context=ctx2)["rule_ids"]
    ca = {"consumer_state": "CA", "ca_license_number": "10123-99"}
    assert "ST-CA-LICENSE" in _template(kind="letter", text="From a debt collector.", context=ca)["rule_ids"]
    assert (
        _template(kind="letter", text="From a debt collector. CA license 10123-99.", context=ca)["verdict"]
        == "ALLOW"
    )
    confirmation = {"kind": "sms", "purpose": "optout_confirmation"}
    assert (
        _template(**confirmation, text="You are unsubscribed and will get no more texts.")["verdict"]
        == "ALLOW"
    )
    assert _template(**confirmation, text="Unsubscribed. Pay at https://x.example")["rule_ids"] == [
        "RF-MEDIA-OPTOUT"
    ]


def test_check_template_voicemail_names_the_practice() -> None:
    ctx = {
        "lcm_business_name": "ABC Inc.",
        "practice_name": "Valley Pediatrics",
        "practice_display_name": "Valley Medical Group",
    }
    text = (
        "This is Robin Smith calling from ABC Inc. about Valley Pediatrics. Please call me at 1-800-555-1212."
    )
    r = _template(kind="voicemail", text=text, context=ctx)
    assert r["verdict"] == "BLOCK" and r["lcm"] is False
    assert set(r["rule_ids"]) == {"RF-DEF-LCM", "HIPAA-MINNEC"}


def test_document_contract_errors_are_per_slot() -> None:
    good = {"query": "classify_inbound", "channel": "sms", "text": "STOP"}
    out = evaluate_document([good, {"query": "nope"}, {"query": "decide", "profile": "product"}, good])
    assert out[0] == out[3] and "error" in out[1] and "error" in out[2]
    bad_cp = {
        "query": "decide",
        "profile": "federal",
        "consumer": NY,
        "contact_points": [],
        "debts": [],
        "events": [],
        "action": {"channel": "call", "at": "2026-04-07T12:00:00-04:00", "contact_point": "x"},
    }
    assert "error" in evaluate_one(bad_cp)

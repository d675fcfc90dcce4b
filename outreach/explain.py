"""Gate decisions in plain English, for the "why" page and the agent workspace.

"Blocked: 7 calls already in the last 7 days for this account; allowed again Wed 8:00am patient time."
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from compliance.regf.rules import RuleId

RULE_TEXT: dict[str, str] = {
    RuleId.RF_TIME_WINDOW: "outside 8am-9pm in a time zone the patient may be in",
    RuleId.RF_TIME_DESIGNATED: "the patient said this time is inconvenient",
    RuleId.RF_TIME_REPLY_ONCE: "we already replied once to that message",
    RuleId.RF_PLACE: "the patient said this place (home or work) is inconvenient",
    RuleId.RF_CALL_7IN7: "7 calls already in the last 7 days for this account",
    RuleId.RF_CALL_CONV: "we spoke with the patient about this account in the last 7 days",
    RuleId.RF_CALL_CONSENT: "outside the calls the patient asked for",
    RuleId.RF_CALL_ALLOC: "7 calls already in the last 7 days across all of the patient's accounts",
    RuleId.RF_CALL_MISDIRECTED: "this number is not the patient's (wrong party)",
    RuleId.RF_CALL_PATTERN: "too many contacts in a short time (same number within 5 minutes, 3 calls today, "
    "or the daily text/e-mail limit)",
    RuleId.RF_CALL_3P_LOCATION: "this third party was already asked for location information",
    RuleId.RF_DEF_LCM: "a voicemail for someone else cannot be a limited-content message",
    RuleId.RF_MEDIA_OPTOUT: "the patient opted out of this way of contact",
    RuleId.RF_ELEC_OPTOUT_NOTICE: "the message has no opt-out instructions",
    RuleId.RF_ELEC_KEYWORDS: "a reply looked like an opt-out and awaits review",
    RuleId.RF_ELEC_EMAIL_SAFE: "no safe basis to e-mail this address",
    RuleId.RF_ELEC_SMS_SAFE: "no safe basis to text this number (no text from or consent by the patient in 60 days)",
    RuleId.RF_3P_DISCLOSURE: "debt details may not go to a third party",
    RuleId.RF_ATTY: "the patient is represented by an attorney",
    RuleId.RF_DECEASED: "the patient is deceased",
    RuleId.RF_CEASE: "the patient asked us to stop contacting them",
    RuleId.RF_VAL_TIMING: "the validation notice is overdue",
    RuleId.RF_VAL_DELIVERY: "an electronic validation notice needs E-SIGN consent first",
    RuleId.RF_DISP_WRITTEN: "the account is disputed: collection paused until we send verification",
    RuleId.RF_DISP_ORAL_AND_LATE: "the account is disputed: collection paused until we send verification",
    RuleId.RF_DISP_OC: "the patient asked for the original creditor: paused until we answer",
    RuleId.RF_BANKRUPTCY: "the patient filed for bankruptcy",
    RuleId.TCPA_CONSENT: "automated contact to a mobile needs the patient's consent",
    RuleId.TCPA_REVOKE: "the patient revoked consent to automated calls and texts",
    RuleId.TCPA_CONFIRM: "the opt-out confirmation window has passed",
    RuleId.TCPA_PRERECORD_RES: "3 prerecorded calls to this landline in 30 days",
    RuleId.TCPA_RND: "the number may have been reassigned",
    RuleId.TCPA_STATE: "California automatic dialing hours (9am-9pm)",
    RuleId.CS_CLASSIFY: "no marketing in collection channels",
    RuleId.HIPAA_MINNEC: "the message contains health details",
    RuleId.ST_MA: "Massachusetts limits",
    RuleId.ST_DC: "District of Columbia limits",
    RuleId.ST_DC_CONSENT: "District of Columbia: needs the patient's consent",
    RuleId.ST_NYC: "New York City: 3 attempts in 7 days",
    RuleId.ST_NYC_CONSENT: "New York City: needs written consent",
    RuleId.ST_WA: "Washington: 3 communications in 7 days",
    RuleId.ST_MN: "Minnesota: no automated calls for medical debt",
    RuleId.ST_CA_LICENSE: "California license number missing",
}

# When both block, the per-account sentence says it all (the chips still show every rule ID).
SUBSUMED = {RuleId.RF_CALL_ALLOC.value: RuleId.RF_CALL_7IN7.value}
VERDICT_WORD = {"ALLOW": "Allowed", "BLOCK": "Blocked", "REVIEW": "Needs review"}


def rule_sentence(rule_id: str) -> str:
    return RULE_TEXT.get(rule_id, rule_id)


def patient_time(at: dt.datetime, zones: Sequence[str], fallback: str) -> str:
    """'Wed 8:00am CDT' in the patient's first possible zone (or the practice's)."""
    zone = ZoneInfo(zones[0] if zones else fallback)
    local = at.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{local:%a %b} {local.day} {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'} {local.tzname()}"


def explain(
    *,
    verdict: str,
    rule_ids: Iterable[str],
    next_allowed_at: dt.datetime | None,
    zones: Sequence[str],
    fallback: str,
) -> str:
    """One sentence: the verdict, every blocking rule in words, and when contact becomes possible."""
    word = VERDICT_WORD.get(verdict, verdict)
    ids = [str(r) for r in rule_ids]
    reasons = list(dict.fromkeys(rule_sentence(r) for r in ids if SUBSUMED.get(r) not in ids))
    text = word if not reasons else f"{word}: {'; '.join(reasons)}"
    if verdict == "BLOCK":
        if next_allowed_at is not None:
            text += f"; allowed again {patient_time(next_allowed_at, zones, fallback)} patient time"
        else:
            text += "; no time can be given: a new event or a person must clear it"
    return text + "."

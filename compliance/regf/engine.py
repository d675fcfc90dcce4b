"""`decide`: may this proposed contact happen now? Pure: no database, no clock, no I/O.

Rules are checked in the order of REGF.md section 16. Each check returns Findings: a rule that blocks
(or needs a person), with the earliest instant at which that rule alone would stop blocking (None
when only a new event can end it). `next_allowed_at` is found by re-evaluating at the latest release
until nothing blocks, so it is exact even when one block ends inside another (7-in-7 ends at
midnight, the time window then waits for 08:00).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from compliance.regf import timezones as tz
from compliance.regf.dates import add_business_days, validation_period
from compliance.regf.model import Action, ContactPoint, Debt, DecideInput, Decision, Event, TimeDesignation
from compliance.regf.rules import (
    REACHED_RESULTS,
    UNCONNECTED_RESULTS,
    UNCOUNTED_PURPOSES,
    Channel,
    Flag,
    Overlay,
    Party,
    Profile,
    Purpose,
    RuleId,
    Verdict,
)

FEDERAL_WINDOW = (time(8, 0), time(21, 0))
PRODUCT_WINDOW = (time(8, 0), time(20, 55))  # PO-01: 5-minute margin before 21:00
CA_ADAD_WINDOW = (time(9, 0), time(21, 0))  # Cal. Pub. Util. Code 2872
CALLS_PER_7_DAYS = 7  # 1006.14(b)(2)(i)(A)
CONVERSATION_BLOCK_DAYS = 7  # 1006.14(b)(2)(i)(B): conversation day + 6
PRODUCT_CONNECTED_CALLS_PER_DAY = 3  # PO-03
REDIAL_GAP = timedelta(seconds=300)  # PO-03: same number not within 5 minutes
OPTOUT_CONFIRM_WITHIN = timedelta(seconds=300)  # TCPA-CONFIRM
SMS_BASIS_DAYS = 60  # RF-ELEC-SMS-SAFE: day 60 is outside (PO-17)
TCPA_CONSENT_FRESH_DAYS = 60  # TCPA-RND
TCPA_REVOKE_BUSINESS_DAYS = 10  # 47 CFR 64.1200(a)(10)
ATTORNEY_RESPONSE_DAYS = 30  # PO-10
CREDITOR_NOTICE_MIN_DAYS = 35  # 1006.6(d)(4)(ii)(C)
PRERECORDED_LANDLINE_CAP = (3, 30)  # TCPA-PRERECORD-RES: 3 calls in 30 days per line
MA_WORK_OPT_OUT_ORAL_DAYS = 10  # 209 CMR 18.16(1)(c)
NYC_CITIES = frozenset({"new york", "new york city", "nyc", "manhattan", "brooklyn", "queens", "bronx"})
NYC_CITIES |= {"the bronx", "staten island"}
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com", "icloud.com",
        # ISP domains open to the general public (1006.6(d)(4)(ii)(C)(5))
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net",
        "charter.net", "spectrum.net", "earthlink.net", "optonline.net", "frontier.com",
        "centurylink.net", "windstream.net", "juno.com", "netzero.net", "roadrunner.com", "rr.com",
    }
)  # fmt: skip
MAX_SEARCH_STEPS = 200
SEARCH_HORIZON = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: RuleId
    verdict: Verdict  # BLOCK or REVIEW
    release: datetime | None  # when this rule alone stops blocking; None = needs a new event
    why: str = ""


def _block(rule: RuleId, release: datetime | None, why: str) -> Finding:
    return Finding(rule, Verdict.BLOCK, release, why)


def _review(rule: RuleId, why: str) -> Finding:
    return Finding(rule, Verdict.REVIEW, None, why)


@dataclass(slots=True)
class _Evaluation:
    findings: list[Finding] = field(default_factory=list)
    charged: tuple[str, ...] = ()
    flags: set[str] = field(default_factory=set)


# ====================================================================== context


class _Ctx:
    """The input plus indexes the checks share. Everything is derived from the input alone."""

    def __init__(self, inp: DecideInput) -> None:
        self.inp = inp
        self.profile = inp.profile
        self.product = inp.profile is Profile.PRODUCT
        self.action: Action = inp.action
        self.cp: ContactPoint = inp.contact_points[inp.action.contact_point]
        self.consumer = inp.consumer
        self.events = inp.events
        self.by_id = {e.id: e for e in inp.events if e.id is not None}
        self.debts = {d.id: d for d in inp.debts}
        self.wrong_party = {e.contact_point for e in inp.events if e.type == "wrong_party"}
        self.rejected = {e.ref for e in inp.events if e.type == "review" and e.outcome == "rejected"}
        self.valid_reply = self._is_valid_reply()
        # An invalid reply gets no reply exemptions: it is judged like any collection contact.
        purpose = self.action.purpose
        self.purpose = Purpose.COLLECTION if purpose is Purpose.REPLY and not self.valid_reply else purpose

    def overlay(self, overlay: Overlay) -> bool:
        """An overlay applies when it is on and the consumer is in that jurisdiction (2)."""
        if overlay not in self.inp.overlays:
            return False
        state = (self.consumer.state or "").upper()
        if overlay is Overlay.NYC:
            return state == "NY" and (self.consumer.city or "").strip().lower() in NYC_CITIES
        return state == overlay.value

    def point(self, cp_id: str | None) -> ContactPoint | None:
        return self.inp.contact_points.get(cp_id) if cp_id else None

    def is_consumer_point(self, cp_id: str | None) -> bool:
        cp = self.point(cp_id)
        return cp is not None and cp.party is Party.CONSUMER and cp_id not in self.wrong_party

    def _is_valid_reply(self) -> bool:
        act = self.action
        if act.purpose is not Purpose.REPLY or not act.in_reply_to:
            return False
        inbound = self.by_id.get(act.in_reply_to)
        if inbound is None or inbound.direction != "in" or inbound.channel is None:
            return False
        if inbound.channel.medium != act.channel.medium:
            return False
        # Reply once: a second reply to the same inbound message is not a reply (RF-TIME-REPLY-ONCE).
        return not any(
            e.direction == "out" and e.purpose is Purpose.REPLY and e.in_reply_to == act.in_reply_to
            for e in self.events
        )

    def counted_outbound(self, e: Event) -> bool:
        """Outbound contact to the consumer that caps count (replies, confirmations, notices never do)."""
        return (
            e.channel is not None
            and e.direction == "out"
            and e.purpose not in UNCOUNTED_PURPOSES
            and self.is_consumer_point(e.contact_point)
        )


# ====================================================================== zones and dates


def possible_zones(inp: DecideInput, at: datetime) -> list[str] | None:
    """G-2 / 3.3 item 2. None = unknown location (the caller decides what that means per profile)."""
    consumer = inp.consumer
    if consumer.time_zones is not None:
        return sorted(set(consumer.time_zones)) or None
    stated = consumer.stated_location
    if stated is not None and stated.at <= inp.action.at:
        if stated.until is None or tz.local_date(at, stated.time_zone) <= stated.until:
            return [stated.time_zone]
    wrong = {e.contact_point for e in inp.events if e.type == "wrong_party"}
    zones: set[str] = set()
    for cp in inp.contact_points.values():
        if cp.party is not Party.CONSUMER or cp.id in wrong:
            continue
        if cp.kind == "postal":
            zones |= tz.zones_for_postal(cp.zip, cp.state)
        elif cp.kind == "phone" and cp.number:
            zones |= tz.zones_for_phone(cp.number)
    return sorted(zones) or None


def _sliding_release(days: Sequence[date], today: date, span: int, limit: int, zone: str) -> datetime | None:
    """Counter over [today-span+1, today]: None if below `limit`, else the start of the first later
    local date whose window holds fewer than `limit` (the dates are history, so counts only fall)."""

    def count(d: date) -> int:
        return sum(1 for x in days if d - timedelta(days=span - 1) <= x <= d)

    if count(today) < limit:
        return None
    day = today + timedelta(days=1)
    while count(day) >= limit:
        day += timedelta(days=1)
    return tz.start_of_day(day, zone)


def _max_release(findings: Iterable[Finding]) -> tuple[bool, datetime | None]:
    """(blocked, release). release None with blocked True = never by itself."""
    blocked, latest = False, None
    for f in findings:
        if f.verdict is not Verdict.BLOCK:
            continue
        if f.release is None:
            return True, None
        blocked = True
        latest = f.release if latest is None or f.release > latest else latest
    return blocked, latest


# ====================================================================== checks: hard stops


def _hard_stops(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    c = ctx.consumer
    if c.bankruptcy and c.bankruptcy.at <= ctx.action.at:
        out.append(_block(RuleId.RF_BANKRUPTCY, None, "bankruptcy notice received: every contact stops"))
    if c.deceased and c.deceased.at <= ctx.action.at and ctx.cp.party is Party.CONSUMER:
        out.append(_block(RuleId.RF_DECEASED, None, "consumer deceased: only spouse or executor"))
    if ctx.cp.id in ctx.wrong_party:
        out.append(_block(RuleId.RF_CALL_MISDIRECTED, None, "contact point confirmed wrong party"))
    return out


def _third_party(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    if ctx.action.channel in (Channel.VOICEMAIL_DROP, Channel.RINGLESS_VOICEMAIL):
        out.append(_block(RuleId.RF_DEF_LCM, None, "a message left for a third party is never an LCM"))
    if ctx.purpose is Purpose.LOCATION_INQUIRY:
        earlier = any(
            e.direction == "out" and e.purpose is Purpose.LOCATION_INQUIRY and e.contact_point == ctx.cp.id
            for e in ctx.events
        )
        if earlier:
            out.append(_block(RuleId.RF_CALL_3P_LOCATION, None, "third party already asked once"))
    else:
        out.append(_block(RuleId.RF_3P_DISCLOSURE, None, "no debt contact with a third party"))
    return out


# ====================================================================== per-debt checks


def _cease_covers(ctx: _Ctx, cease: Event, debt_id: str) -> bool:
    if not cease.debt_ids:
        return True
    if debt_id in cease.debt_ids:
        return True
    if ctx.product and not cease.limited:
        # PO-09: every debt at the practice of any debt it names; practices are separate tenants.
        practices = {ctx.debts[d].practice_id for d in cease.debt_ids if d in ctx.debts}
        debt = ctx.debts.get(debt_id)
        return debt is not None and debt.practice_id in practices
    return False


def _cease(ctx: _Ctx, debt_id: str) -> list[Finding]:
    if ctx.purpose is Purpose.CEASE_EXCEPTION:
        return []
    for e in ctx.events:
        if e.type == "cease" and e.id not in ctx.rejected and _cease_covers(ctx, e, debt_id):
            return [_block(RuleId.RF_CEASE, None, f"cease received for {debt_id}")]
    return []


def _attorney(ctx: _Ctx, t: datetime, zones: list[str], debt_id: str) -> list[Finding]:
    atty = ctx.consumer.attorney
    if atty is None or atty.at > ctx.action.at or ctx.cp.party is not Party.CONSUMER or ctx.valid_reply:
        return []
    if atty.debt_ids is not None and debt_id not in atty.debt_ids:
        return []
    if atty.contacted_at is not None and all(
        tz.local_date(t, z) >= tz.local_date(atty.contacted_at, z) + timedelta(days=ATTORNEY_RESPONSE_DAYS)
        for z in zones
    ):
        # PO-10: the attorney has not answered in 30 days; a person decides, never the engine.
        return [_review(RuleId.RF_ATTY, "attorney silent 30 days: supervisor decides")]
    return [_block(RuleId.RF_ATTY, None, f"consumer represented by an attorney for {debt_id}")]


def _dispute_end(ctx: _Ctx, dispute: Event, debt_id: str) -> date | None:
    """The validation period end the dispute is judged against; None = no notice yet (inside)."""
    notices = [
        e
        for e in ctx.events
        if e.type == "validation_notice"
        and debt_id in e.debt_ids
        and e.delivery != "undeliverable"
        and e.at <= dispute.at
    ]
    if not notices:
        return None
    latest = notices[-1]
    if latest.end_date is not None:
        return latest.end_date
    return validation_period(date.fromisoformat(latest.at.isoformat()[:10])).earliest_end


def _dispute_ended(ctx: _Ctx, dispute: Event, debt_id: str) -> bool:
    for e in ctx.events:
        if e.type != "verification" or debt_id not in e.debt_ids or e.at <= dispute.at:
            continue
        kind = e.kind or "verification"
        if kind == "verification":
            return True
        if kind == "original_creditor_info" and dispute.request == "original_creditor":
            return True
        if kind == "duplicative_notice" and dispute.new_information is False:
            verified_before = any(
                v.type == "verification"
                and (v.kind or "verification") == "verification"
                and debt_id in v.debt_ids
                and v.at < dispute.at
                for v in ctx.events
            )
            if verified_before:
                return True
    return False


def _dispute(ctx: _Ctx, zones: list[str], debt_id: str) -> list[Finding]:
    if ctx.purpose is Purpose.VERIFICATION or ctx.valid_reply:
        return []
    out: list[Finding] = []
    for d in ctx.events:
        if d.type != "dispute" or debt_id not in d.debt_ids or _dispute_ended(ctx, d, debt_id):
            continue
        end = _dispute_end(ctx, d, debt_id)
        # Received "on or before" the end date in the consumer's local time; the later local date of
        # any possible zone is the one that favours the consumer (RF-VAL-PERIOD edge case e).
        inside = end is None or any(tz.local_date(d.at, z) <= end for z in zones)
        if d.written and inside:
            rule = RuleId.RF_DISP_OC if d.request == "original_creditor" else RuleId.RF_DISP_WRITTEN
            out.append(_block(rule, None, f"{debt_id} disputed: collection paused until verification"))
        elif ctx.product:
            out.append(
                _block(RuleId.RF_DISP_ORAL_AND_LATE, None, f"{debt_id} disputed (oral or late): PO-05")
            )
    return out


def _conversations(ctx: _Ctx, debt_id: str) -> list[Event]:
    conv_results = {"conversation"} | ({"third_party_conversation"} if ctx.product else set())
    return [
        e
        for e in ctx.events
        if e.is_call
        and e.call_result in conv_results
        and e.contact_point not in ctx.wrong_party
        and (debt_id in e.debt_ids or debt_id in e.discussed_debt_ids)
    ]


def _consent_covered(ctx: _Ctx, debt_id: str, at: datetime, zone: str) -> bool:
    """RF-CALL-CONSENT: is a call about `debt_id` at `at` inside a consent window (local dates in `zone`)?"""
    day = tz.local_date(at, zone)
    for c in ctx.events:
        if c.type != "call_consent" or debt_id not in c.debt_ids or c.at > at:
            continue
        received = tz.local_date(c.at, zone)
        first = max(received, c.from_date) if c.from_date else received
        last = received + timedelta(days=6)
        last = min(last, c.until_date) if c.until_date else last
        if not first <= day <= last:
            continue
        # The window ends at the first later conversation about the debt.
        ended = any(c.at < conv.at < at for conv in _conversations(ctx, debt_id))
        if not ended:
            return True
    return False


def _counted_call(ctx: _Ctx, e: Event) -> bool:
    """3.3 item 8, without the per-debt consent exclusion."""
    return (
        e.is_call
        and e.direction == "out"
        and e.purpose is Purpose.COLLECTION
        and e.call_result not in UNCONNECTED_RESULTS
        and ctx.is_consumer_point(e.contact_point)
    )


def _debt_call_dates(ctx: _Ctx, debt_id: str, zone: str) -> list[date]:
    return [
        tz.local_date(e.at, zone)
        for e in ctx.events
        if _counted_call(ctx, e) and debt_id in e.debt_ids and not _consent_covered(ctx, debt_id, e.at, zone)
    ]


def _action_is_counted_call(ctx: _Ctx) -> bool:
    return (
        ctx.action.channel.is_call
        and ctx.cp.party is Party.CONSUMER
        and ctx.purpose is Purpose.COLLECTION
        and not ctx.valid_reply
    )


def _call_frequency(ctx: _Ctx, t: datetime, zones: list[str], debt_id: str) -> list[Finding]:
    if not _action_is_counted_call(ctx):
        return []
    out: list[Finding] = []
    for zone in zones:
        if _consent_covered(ctx, debt_id, t, zone):
            continue  # excluded from 7-in-7 and the conversation block in this zone
        today = tz.local_date(t, zone)
        release = _sliding_release(_debt_call_dates(ctx, debt_id, zone), today, 7, CALLS_PER_7_DAYS, zone)
        if release is not None:
            out.append(_block(RuleId.RF_CALL_7IN7, release, f"{debt_id}: 7 calls in 7 days"))
        for conv in _conversations(ctx, debt_id):
            conv_day = tz.local_date(conv.at, zone)
            if today < conv_day + timedelta(days=CONVERSATION_BLOCK_DAYS):
                free = tz.start_of_day(conv_day + timedelta(days=CONVERSATION_BLOCK_DAYS), zone)
                out.append(_block(RuleId.RF_CALL_CONV, free, f"{debt_id}: conversation on {conv_day}"))
    return out


def _ma_caps(ctx: _Ctx, t: datetime, zones: list[str], debt_id: str) -> list[Finding]:
    """ST-MA: per debt, 2 in 7 days to home/mobile, 2 in 30 days to work; calls that reached the
    consumer or a voicemail box, plus SMS (209 CMR 18.16(1)(d), Armata v. Target)."""
    act = ctx.action
    if not ctx.overlay(Overlay.MA) or ctx.valid_reply or ctx.purpose in UNCOUNTED_PURPOSES:
        return []
    if not (act.channel.is_call or act.channel is Channel.SMS) or ctx.cp.party is not Party.CONSUMER:
        return []
    work = ctx.cp.type == "work"
    span = 30 if work else 7

    def same_class(e: Event) -> bool:
        cp = ctx.point(e.contact_point)
        return cp is not None and cp.kind == "phone" and (cp.type == "work") == work

    relevant = [
        e
        for e in ctx.events
        if ctx.counted_outbound(e)
        and debt_id in e.debt_ids
        and same_class(e)
        and ((e.is_call and e.call_result in REACHED_RESULTS) or e.type == "sms")
    ]
    out = []
    for zone in zones:
        days = [tz.local_date(e.at, zone) for e in relevant]
        release = _sliding_release(days, tz.local_date(t, zone), span, 2, zone)
        if release is not None:
            out.append(_block(RuleId.ST_MA, release, f"MA: 2 communications in {span} days for {debt_id}"))
    return out


def _dc_caps(ctx: _Ctx, t: datetime, zones: list[str], debt_id: str) -> list[Finding]:
    """ST-DC: debts more than 30 days past due; 4 connected calls and 5 SMS+email per 7 days per debt."""
    act = ctx.action
    if not ctx.overlay(Overlay.DC) or ctx.valid_reply or ctx.purpose in UNCOUNTED_PURPOSES:
        return []
    if ctx.cp.party is not Party.CONSUMER or act.channel not in (
        Channel.CALL,
        Channel.RINGLESS_VOICEMAIL,
        Channel.VOICEMAIL_DROP,
        Channel.SMS,
        Channel.EMAIL,
    ):
        return []
    debt = ctx.debts.get(debt_id)
    out = []
    for zone in zones:
        today = tz.local_date(t, zone)
        if debt and debt.past_due_since and (today - debt.past_due_since).days <= 30:
            continue
        if act.channel.is_call:
            days = [
                tz.local_date(e.at, zone)
                for e in ctx.events
                if ctx.counted_outbound(e)
                and e.is_call
                and debt_id in e.debt_ids
                and e.call_result not in UNCONNECTED_RESULTS
            ]
            limit, what = 4, "4 calls"
        else:
            days = [
                tz.local_date(e.at, zone)
                for e in ctx.events
                if ctx.counted_outbound(e) and e.type in ("sms", "email") and debt_id in e.debt_ids
            ]
            limit, what = 5, "5 SMS/email"
        release = _sliding_release(days, today, 7, limit, zone)
        if release is not None:
            out.append(_block(RuleId.ST_DC, release, f"DC: {what} in 7 days for {debt_id}"))
    return out


def _validation_overdue(ctx: _Ctx, t: datetime, zones: list[str], debt_id: str) -> list[Finding]:
    """Product (PO-07): no delivered validation notice by the end of the next business day after the
    first communication about the debt blocks further collection until one is sent."""
    if not ctx.product or ctx.purpose not in (Purpose.COLLECTION, Purpose.CONSENT_REQUEST):
        return []
    if any(
        e.type == "validation_notice" and debt_id in e.debt_ids and e.delivery != "undeliverable"
        for e in ctx.events
    ):
        return []
    first = _first_communication(ctx, [debt_id])
    if first is None:
        return []
    for zone in zones:
        deadline = add_business_days(tz.local_date(first.at, zone), 1)
        if tz.local_date(t, zone) > deadline:
            return [_block(RuleId.RF_VAL_TIMING, None, f"validation notice for {debt_id} overdue")]
    return []


def _first_communication(ctx: _Ctx, debt_ids: Sequence[str]) -> Event | None:
    """The first communication about the debts: a conversation, or an outbound SMS, email or letter.
    An LCM, an unanswered call or a voicemail is not a communication (1006.2(b), (j))."""
    wanted = set(debt_ids)
    for e in ctx.events:
        about = set(e.debt_ids) | set(e.discussed_debt_ids)
        if wanted and not (about & wanted):
            continue
        if e.is_call and e.call_result == "conversation":
            return e
        if e.type in ("sms", "email", "letter") and e.direction == "out":
            return e
    return None


def _per_debt(ctx: _Ctx, t: datetime, zones: list[str], debt_id: str) -> list[Finding]:
    return [
        *_cease(ctx, debt_id),
        *_attorney(ctx, t, zones, debt_id),
        *_dispute(ctx, zones, debt_id),
        *_call_frequency(ctx, t, zones, debt_id),
        *_ma_caps(ctx, t, zones, debt_id),
        *_dc_caps(ctx, t, zones, debt_id),
        *_validation_overdue(ctx, t, zones, debt_id),
    ]


# ====================================================================== media, consent, TCPA


def _active_optouts(ctx: _Ctx, medium: str, cp_id: str) -> list[Event]:
    return [
        e
        for e in ctx.events
        if e.type == "opt_out"
        and e.id not in ctx.rejected
        and medium in e.media
        and (e.contact_point is None or e.contact_point == cp_id)
    ]


def _optouts(ctx: _Ctx, t: datetime) -> list[Finding]:
    medium = ctx.action.channel.medium
    cp_id = ctx.cp.id
    active = _active_optouts(ctx, medium, cp_id)
    if ctx.purpose is Purpose.OPTOUT_CONFIRMATION:
        if not active:
            return [_block(RuleId.RF_MEDIA_OPTOUT, None, "no opt-out on this medium to confirm")]
        last = active[-1]
        out: list[Finding] = []
        already = any(
            e.direction == "out"
            and e.purpose is Purpose.OPTOUT_CONFIRMATION
            and e.contact_point == cp_id
            and e.channel is not None
            and e.channel.medium == medium
            and e.at >= last.at
            for e in ctx.events
        )
        if already:
            out.append(_block(RuleId.RF_MEDIA_OPTOUT, None, "the one opt-out confirmation was already sent"))
        if ctx.product and t - last.at > OPTOUT_CONFIRM_WITHIN:
            out.append(_block(RuleId.TCPA_CONFIRM, None, "confirmation later than 5 minutes: skip it"))
        return out
    if active and not ctx.valid_reply:
        return [_block(RuleId.RF_MEDIA_OPTOUT, None, f"opted out of {medium} at this point")]
    return []


def _has_tcpa_consent(ctx: _Ctx, cp: ContactPoint) -> bool:
    consented = any(e.type == "consent" and e.contact_point == cp.id for e in ctx.events)
    return consented or cp.source in ("creditor", "consumer")


def _tcpa(ctx: _Ctx, t: datetime, zones: list[str]) -> list[Finding]:
    act, cp = ctx.action, ctx.cp
    automated = act.automated or act.is_prerecorded
    if not automated or cp.kind != "phone" or not (act.channel.is_call or act.channel is Channel.SMS):
        return []
    if ctx.purpose is Purpose.OPTOUT_CONFIRMATION:
        return []  # the one confirmation is exempt from the TCPA checks (3.3 item 16)
    out: list[Finding] = []
    consent_events = [e for e in ctx.events if e.type == "consent" and e.contact_point == cp.id]
    if cp.type == "mobile" and not _has_tcpa_consent(ctx, cp):
        out.append(_block(RuleId.TCPA_CONSENT, None, "automated contact to a mobile without consent"))
    # Revocation
    for rev in (e for e in ctx.events if e.type == "tcpa_revoke" and e.contact_point == cp.id):
        if ctx.product:
            out.append(_block(RuleId.TCPA_REVOKE, None, "TCPA consent revoked"))
            continue
        # Federal: honour within 10 business days; before that a person decides.
        late = any(
            tz.local_date(t, z) > add_business_days(tz.local_date(rev.at, z), TCPA_REVOKE_BUSINESS_DAYS)
            for z in zones
        )
        out.append(
            _block(RuleId.TCPA_REVOKE, None, "revocation older than 10 business days")
            if late
            else _review(RuleId.TCPA_REVOKE, "revocation pending (10 business days)")
        )
    medium = act.channel.medium
    for opt in (e for e in ctx.events if e.type == "opt_out" and e.id not in ctx.rejected):
        if opt.contact_point not in (None, cp.id):
            continue
        if ctx.product:
            # PO-21: an opt-out on any medium revokes consent for all automated contact to the number.
            out.append(_block(RuleId.TCPA_REVOKE, None, "opt-out revokes automated contact (PO-21)"))
        elif medium not in opt.media:
            out.append(_review(RuleId.TCPA_REVOKE, "scope of revocation across media is unsettled"))
    # Reassigned numbers
    checks = [e for e in ctx.events if e.type == "rnd_check" and e.contact_point == cp.id]
    if checks and checks[-1].result in ("reassigned", "disconnected"):
        if not any(e.at > checks[-1].at for e in consent_events):
            out.append(_block(RuleId.TCPA_RND, None, "number reassigned or disconnected"))
    if cp.type == "mobile":
        consent_days = [cp.obtained_on] if cp.obtained_on else []
        ok_checks = [e for e in checks if e.result == "no_reassignment"]
        for zone in zones:
            today = tz.local_date(t, zone)
            latest = max([*consent_days, *(tz.local_date(e.at, zone) for e in consent_events)], default=None)
            fresh = latest is not None and (today - latest).days <= TCPA_CONSENT_FRESH_DAYS
            checked = any(
                (today - tz.local_date(e.at, zone)).days <= TCPA_CONSENT_FRESH_DAYS for e in ok_checks
            )
            if not fresh and not checked:
                out.append(_block(RuleId.TCPA_RND, None, "consent older than 60 days and no RND check"))
                break
    if cp.type == "landline" and act.is_prerecorded and not _has_tcpa_consent(ctx, cp):
        cap, span = PRERECORDED_LANDLINE_CAP
        for zone in zones:
            days = [
                tz.local_date(e.at, zone)
                for e in ctx.events
                if e.is_call
                and e.direction == "out"
                and e.contact_point == cp.id
                and (e.prerecorded or e.type in ("voicemail_drop", "ringless_voicemail"))
            ]
            release = _sliding_release(days, tz.local_date(t, zone), span, cap, zone)
            if release is not None:
                out.append(_block(RuleId.TCPA_PRERECORD_RES, release, "3 prerecorded calls in 30 days"))
    if act.channel.is_call and ctx.overlay(Overlay.MN):
        out.append(_block(RuleId.ST_MN, None, "Minnesota: no automated calls for medical debt"))
    return out


def _rnd_renewal_counts(ctx: _Ctx, check: Event, t: datetime) -> bool:
    # Product (PO-17): an RND check renews the SMS basis only if made at most 1 day before the send.
    return not ctx.product or t - check.at <= timedelta(days=1)


def _sms_basis(ctx: _Ctx, t: datetime, zones: list[str]) -> tuple[list[Finding], bool]:
    """RF-ELEC-SMS-SAFE. Returns (findings, no_safe_harbor)."""
    cp = ctx.cp
    last_optout = max((e.at for e in ctx.events if e.type == "opt_out" and "sms" in e.media
                       and e.contact_point in (None, cp.id)), default=None)  # fmt: skip
    bases = [
        e
        for e in ctx.events
        if e.contact_point == cp.id
        and (
            (e.type == "sms" and e.direction == "in")
            or (e.type == "consent" and e.medium == "sms" and e.disclosed)
        )
        and (last_optout is None or e.at > last_optout)
    ]
    if bases:
        basis_at = bases[-1].at
        renewals = [
            e.at
            for e in ctx.events
            if e.type == "rnd_check"
            and e.contact_point == cp.id
            and e.result == "no_reassignment"
            and e.at > basis_at
            and _rnd_renewal_counts(ctx, e, t)
        ]
        anchor = max([basis_at, *renewals])
        if all((tz.local_date(t, z) - tz.local_date(anchor, z)).days < SMS_BASIS_DAYS for z in zones):
            return [], False
    if ctx.product:
        return [
            _block(RuleId.RF_ELEC_SMS_SAFE, None, "no current SMS basis (text or consent in 60 days)")
        ], False
    return [], True


def _email_basis(ctx: _Ctx, t: datetime, zones: list[str]) -> tuple[list[Finding], bool]:
    """RF-ELEC-EMAIL-SAFE. Returns (findings, no_safe_harbor)."""
    cp = ctx.cp
    last_optout = max((e.at for e in ctx.events if e.type == "opt_out" and "email" in e.media
                       and e.contact_point in (None, cp.id)), default=None)  # fmt: skip

    def after_optout(e: Event) -> bool:
        return last_optout is None or e.at > last_optout

    used = any(e.type == "email" and e.direction == "in" and e.contact_point == cp.id and after_optout(e)
               for e in ctx.events)  # fmt: skip
    consent = any(e.type == "consent" and e.medium == "email" and e.contact_point == cp.id and e.disclosed
                  and after_optout(e) for e in ctx.events)  # fmt: skip
    prior_collector = cp.source == "prior_collector" and last_optout is None
    if used or consent or prior_collector:
        return [], False
    if cp.type == "work":
        return [
            _block(RuleId.RF_ELEC_EMAIL_SAFE, None, "employer email only on (i)(A), (i)(B) or (iii)")
        ], False
    notice = cp.creditor_notice
    if notice is not None:
        domain = (cp.address or "").rsplit("@", 1)[-1].strip().lower()
        valid = (
            notice.names_collector
            and (notice.optout_deadline - notice.sent_on).days >= CREDITOR_NOTICE_MIN_DAYS
            and domain in PUBLIC_EMAIL_DOMAINS
            and last_optout is None
        )
        pending = [z for z in zones if tz.local_date(t, z) <= notice.optout_deadline]
        if pending:
            first_day = notice.optout_deadline + timedelta(days=1)
            release = max(tz.start_of_day(first_day, z) for z in pending)
            return [
                _block(RuleId.RF_ELEC_EMAIL_SAFE, release, "creditor notice opt-out period running")
            ], False
        if valid:
            return [], False
    if ctx.product:
        return [_block(RuleId.RF_ELEC_EMAIL_SAFE, None, "no email basis")], False
    return [], True


def _media(ctx: _Ctx, t: datetime, zones: list[str]) -> tuple[list[Finding], set[str]]:
    act = ctx.action
    out = [*_optouts(ctx, t), *_tcpa(ctx, t, zones)]
    flags: set[str] = set()
    needs_basis = not ctx.valid_reply and ctx.purpose is not Purpose.OPTOUT_CONFIRMATION
    if act.channel is Channel.SMS and ctx.cp.kind == "phone" and needs_basis:
        found, no_harbor = _sms_basis(ctx, t, zones)
        out += found
        if no_harbor:
            flags.add(Flag.NO_SAFE_HARBOR.value)
    if act.channel is Channel.EMAIL and ctx.cp.kind == "email" and needs_basis:
        found, no_harbor = _email_basis(ctx, t, zones)
        out += found
        if no_harbor:
            flags.add(Flag.NO_SAFE_HARBOR.value)
    if act.channel is Channel.EMAIL and ctx.purpose is Purpose.VALIDATION_NOTICE:
        # An electronic notice sent after the initial communication needs E-SIGN consent (1006.42).
        if _first_communication(ctx, act.debt_ids) is not None and not any(
            e.type == "esign_consent" for e in ctx.events
        ):
            out.append(
                _block(RuleId.RF_VAL_DELIVERY, None, "electronic notice after first contact needs E-SIGN")
            )
    if ctx.product and ctx.purpose is Purpose.MARKETING:
        out.append(_block(RuleId.CS_CLASSIFY, None, "no marketing in collection channels (PO-15)"))
    out += _state_consent(ctx)
    return out, flags


def _state_consent(ctx: _Ctx) -> list[Finding]:
    act = ctx.action
    if act.channel not in (Channel.SMS, Channel.EMAIL) or ctx.valid_reply:
        return []
    if ctx.purpose is Purpose.OPTOUT_CONFIRMATION or ctx.cp.party is not Party.CONSUMER:
        return []
    medium = act.channel.value
    consents = [
        e for e in ctx.events if e.type == "consent" and e.medium == medium and e.contact_point == ctx.cp.id
    ]
    out: list[Finding] = []
    if ctx.overlay(Overlay.DC):
        if ctx.purpose is Purpose.CONSENT_REQUEST:
            pass  # limited to 1 per 7 days, checked with the caps
        elif not consents:
            out.append(_block(RuleId.ST_DC_CONSENT, None, f"DC: {medium} needs the consumer's consent"))
    if ctx.overlay(Overlay.NYC) and not any(e.written for e in consents):
        out.append(_block(RuleId.ST_NYC_CONSENT, None, f"NYC: {medium} needs written consent"))
    return out


# ====================================================================== time and place


def _in_window(lt: time, start: time, end: time, strict: bool) -> bool:
    if strict:
        return start < lt < end
    return start <= lt <= end


def _window_check(
    t: datetime, zones: list[str], start: time, end: time, strict: bool
) -> tuple[bool, datetime | None]:
    """(inside, release): inside = `t` is within [start, end] local in every zone; otherwise release is
    the first instant that is (None when the zones share no window at all, e.g. Guam and Hawaii)."""

    def ok(at: datetime) -> bool:
        return all(
            _in_window(tz.local(at, z).timetz().replace(tzinfo=None), start, end, strict) for z in zones
        )

    if ok(t):
        return True, None
    # The allowed set is a union of intervals, each opening at some zone's local `start`.
    step = timedelta(seconds=1) if strict else timedelta(0)
    candidates = sorted(
        tz.at_local(tz.local_date(t, z) + timedelta(days=k), start, z) + step
        for z in zones
        for k in range(-1, 4)
    )
    return False, next((c for c in candidates if c >= t and ok(c)), None)


def _designation_end(d: TimeDesignation, at: datetime, zone: str) -> datetime | None:
    """If `at` is inside designation `d` in `zone`, the instant the covered interval ends."""
    lt = tz.local(at, zone)
    day = lt.date()
    clock = lt.time()
    start = d.start or time(0, 0)
    end = d.end
    wraps = end is not None and end <= start

    def day_matches(x: date) -> bool:
        if d.days is not None and x.weekday() not in d.days:
            return False
        if d.from_date and x < d.from_date:
            return False
        return not (d.until_date and x > d.until_date)

    if wraps:
        assert end is not None
        if clock >= start and day_matches(day):
            return tz.at_local(day + timedelta(days=1), end, zone)
        if clock < end and day_matches(day - timedelta(days=1)):
            return tz.at_local(day, end, zone)
        return None
    if not day_matches(day) or clock < start or (end is not None and clock >= end):
        return None
    return tz.at_local(day, end, zone) if end is not None else tz.start_of_next_day(day, zone)


def _designated_release(ctx: _Ctx, t: datetime, zones: list[str]) -> datetime | None:
    """RF-TIME-DESIGNATED: None if no designated window covers `t`, else when the covering run ends."""
    designations = ctx.consumer.inconvenient_times
    candidate, moved = t, False
    for _ in range(800):
        ends = [
            e for d in designations for z in zones if (e := _designation_end(d, candidate, z)) is not None
        ]
        if not ends:
            return candidate if moved else None
        candidate, moved = max(ends), True
    return datetime.max.replace(tzinfo=t.tzinfo)  # designated for good (no end found)


def _place(ctx: _Ctx, t: datetime) -> list[Finding]:
    cp = ctx.cp
    out: list[Finding] = []
    for p in ctx.consumer.inconvenient_places:
        if p.at is not None and p.at > ctx.action.at:
            continue
        home_point = (cp.kind == "phone" and cp.type == "landline") or (
            cp.kind == "postal" and cp.place == "home"
        )
        work_point = cp.type == "work" or (cp.kind == "postal" and cp.place == "work")
        if (p.place == "home" and home_point) or (p.place == "work" and work_point):
            out.append(_block(RuleId.RF_PLACE, None, f"consumer said {p.place} is inconvenient"))
        if p.place == "work" and work_point and cp.kind == "phone" and ctx.overlay(Overlay.MA):
            # An oral MA workplace request lapses after 10 days unless confirmed in writing.
            lapse = p.at + timedelta(days=MA_WORK_OPT_OUT_ORAL_DAYS) if (p.oral and p.at) else None
            if lapse is None or t < lapse:
                out.append(_block(RuleId.ST_MA, lapse, "MA: no calls at work"))
    return out


def _time_and_place(ctx: _Ctx, t: datetime, zones: list[str] | None) -> tuple[list[Finding], list[str]]:
    """Returns (findings, zones to count in)."""
    out: list[Finding] = []
    if zones is None:
        if not ctx.product:
            if ctx.cp.party.is_consumer_side and not ctx.valid_reply:
                out.append(_block(RuleId.RF_TIME_WINDOW, None, "location unknown (federal: fail closed)"))
            return out, list(tz.ALL_US_ZONES)
        zones = list(tz.ALL_US_ZONES)  # PO-02
    zones = tz.distinct_by_offset(zones, t) if len(zones) > 1 else zones
    if not ctx.cp.party.is_consumer_side or ctx.valid_reply:
        return out, zones
    start, end = PRODUCT_WINDOW if ctx.product else FEDERAL_WINDOW
    inside, release = _window_check(t, zones, start, end, strict=False)
    if not inside:
        out.append(_block(RuleId.RF_TIME_WINDOW, release, "outside 08:00-21:00 in a possible zone"))
    if ctx.overlay(Overlay.MA):
        inside, ma = _window_check(t, zones, FEDERAL_WINDOW[0], FEDERAL_WINDOW[1], strict=True)
        if not inside:
            out.append(_block(RuleId.ST_MA, ma, "MA: strictly after 08:00 and before 21:00"))
    if ctx.product and ctx.overlay(Overlay.CA) and ctx.action.channel.is_call and ctx.action.is_prerecorded:
        inside, ca = _window_check(
            t, ["America/Los_Angeles"], CA_ADAD_WINDOW[0], CA_ADAD_WINDOW[1], strict=False
        )
        if not inside:
            out.append(_block(RuleId.TCPA_STATE, ca, "California ADAD: 09:00-21:00 Pacific"))
    designated = _designated_release(ctx, t, zones)
    if designated is not None:
        forever = designated.year == datetime.max.year
        out.append(
            _block(RuleId.RF_TIME_DESIGNATED, None if forever else designated, "designated inconvenient")
        )
    out += _place(ctx, t)
    return out, zones


# ====================================================================== product caps and overlays


def _product_caps(ctx: _Ctx, t: datetime, zones: list[str]) -> list[Finding]:
    act = ctx.action
    if not ctx.product or ctx.valid_reply or ctx.purpose in UNCOUNTED_PURPOSES:
        return []
    if ctx.cp.party is not Party.CONSUMER:
        return []
    out: list[Finding] = []
    if act.channel.is_call:
        for e in reversed(ctx.events):
            if e.is_call and e.direction == "out" and _same_number(ctx, e.contact_point):
                if t - e.at < REDIAL_GAP:
                    out.append(
                        _block(RuleId.RF_CALL_PATTERN, e.at + REDIAL_GAP, "same number within 5 minutes")
                    )
                break
    if _action_is_counted_call(ctx):
        for zone in zones:
            today = tz.local_date(t, zone)
            excluded = bool(act.debt_ids) and all(_consent_covered(ctx, d, t, zone) for d in act.debt_ids)
            if not excluded:
                days = [
                    tz.local_date(e.at, zone)
                    for e in ctx.events
                    if _counted_call(ctx, e)
                    and not (e.debt_ids and all(_consent_covered(ctx, d, e.at, zone) for d in e.debt_ids))
                ]
                release = _sliding_release(days, today, 7, CALLS_PER_7_DAYS, zone)
                if release is not None:
                    out.append(_block(RuleId.RF_CALL_ALLOC, release, "per-consumer cap: 7 calls in 7 days"))
            connected = [tz.local_date(e.at, zone) for e in ctx.events if _counted_call(ctx, e)]
            release = _sliding_release(connected, today, 1, PRODUCT_CONNECTED_CALLS_PER_DAY, zone)
            if release is not None:
                out.append(_block(RuleId.RF_CALL_PATTERN, release, "3 connected calls today"))
    if act.channel in (Channel.SMS, Channel.EMAIL):
        medium = act.channel.value
        for zone in zones:
            today = tz.local_date(t, zone)
            days = [
                tz.local_date(e.at, zone) for e in ctx.events if e.type == medium and ctx.counted_outbound(e)
            ]
            release = _sliding_release(days, today, 1, 1, zone)
            if release is not None:
                out.append(_block(RuleId.RF_CALL_PATTERN, release, f"one {medium} a day"))
            if medium == "sms":
                release = _sliding_release(days, today, 7, 3, zone)
                if release is not None:
                    out.append(_block(RuleId.RF_CALL_PATTERN, release, "3 SMS in 7 days"))
    return out


def _same_number(ctx: _Ctx, cp_id: str | None) -> bool:
    other = ctx.point(cp_id)
    if other is None:
        return False
    if other.id == ctx.cp.id:
        return True
    return bool(other.number) and other.number == ctx.cp.number


def _overlay_caps(ctx: _Ctx, t: datetime, zones: list[str]) -> list[Finding]:
    act = ctx.action
    if ctx.valid_reply or ctx.purpose in UNCOUNTED_PURPOSES or ctx.cp.party is not Party.CONSUMER:
        return []
    out: list[Finding] = []
    if ctx.overlay(Overlay.NYC) and (act.channel.is_call or act.channel in (Channel.SMS, Channel.EMAIL)):
        practices = {ctx.debts[d].practice_id for d in act.debt_ids if d in ctx.debts}
        for practice in sorted(practices):
            ids = {d.id for d in ctx.inp.debts if d.practice_id == practice}
            relevant = [
                e
                for e in ctx.events
                if ctx.counted_outbound(e) and e.type != "letter" and set(e.debt_ids) & ids
            ]
            for zone in zones:
                days = [tz.local_date(e.at, zone) for e in relevant]
                release = _sliding_release(days, tz.local_date(t, zone), 7, 3, zone)
                if release is not None:
                    out.append(
                        _block(RuleId.ST_NYC, release, f"NYC: 3 attempts in 7 days for creditor {practice}")
                    )
    if ctx.overlay(Overlay.WA):
        relevant = [
            e
            for e in ctx.events
            if ctx.counted_outbound(e) and (not e.is_call or e.call_result in REACHED_RESULTS)
        ]
        for zone in zones:
            days = [tz.local_date(e.at, zone) for e in relevant]
            release = _sliding_release(days, tz.local_date(t, zone), 7, 3, zone)
            if release is not None:
                out.append(_block(RuleId.ST_WA, release, "WA: 3 communications in 7 days"))
    if ctx.overlay(Overlay.DC) and act.channel in (Channel.SMS, Channel.EMAIL):
        if ctx.purpose is Purpose.CONSENT_REQUEST:
            requests = [
                e
                for e in ctx.events
                if e.direction == "out"
                and e.purpose is Purpose.CONSENT_REQUEST
                and e.type in ("sms", "email")
            ]
            for zone in zones:
                days = [tz.local_date(e.at, zone) for e in requests]
                release = _sliding_release(days, tz.local_date(t, zone), 7, 1, zone)
                if release is not None:
                    out.append(_block(RuleId.ST_DC_CONSENT, release, "DC: one consent request per 7 days"))
    return out


# ====================================================================== evaluation


def _evaluate(ctx: _Ctx, t: datetime) -> _Evaluation:
    ev = _Evaluation()
    act = ctx.action
    ev.findings += _hard_stops(ctx)
    if ctx.cp.party is Party.ATTORNEY:
        # Contact with the consumer's attorney is allowed and never counted (3.3 item 14).
        ev.findings += [f for f in _optouts(ctx, t) if ctx.purpose is not Purpose.OPTOUT_CONFIRMATION]
        return ev
    zones_raw = possible_zones(ctx.inp, t)
    if zones_raw is None and ctx.product:
        ev.flags.add(Flag.ADDRESS_REVIEW.value)
    time_findings, zones = _time_and_place(ctx, t, zones_raw)
    if ctx.cp.party is Party.THIRD_PARTY:
        ev.findings += _third_party(ctx)
        for debt_id in act.debt_ids:
            ev.findings += _cease(ctx, debt_id)
        ev.findings += _optouts(ctx, t)
        return ev
    media, flags = _media(ctx, t, zones)
    ev.flags |= flags
    ev.findings += media
    ev.findings += time_findings
    ev.findings += _product_caps(ctx, t, zones)
    ev.findings += _overlay_caps(ctx, t, zones)
    per_debt, charged = _debt_findings(ctx, t, zones)
    ev.findings += per_debt
    ev.charged = charged
    return ev


def _debt_findings(ctx: _Ctx, t: datetime, zones: list[str]) -> tuple[list[Finding], tuple[str, ...]]:
    """Per-debt rules. An unassigned call (several debts) is charged to one debt that no per-debt rule
    blocks: most remaining 7-in-7 capacity, then largest balance, then first listed (PO-04)."""
    act = ctx.action
    if not act.debt_ids:
        return [], ()
    counted = _action_is_counted_call(ctx)
    if not (act.channel.is_call and len(act.debt_ids) > 1):
        findings = [f for d in act.debt_ids for f in _per_debt(ctx, t, zones, d)]
        charged = tuple(d for d in act.debt_ids if counted and not _excluded_everywhere(ctx, d, t, zones))
        return findings, charged
    per = {d: _per_debt(ctx, t, zones, d) for d in act.debt_ids}
    order = {d.id: i for i, d in enumerate(ctx.inp.debts)}
    free = [d for d in act.debt_ids if not any(f.verdict is Verdict.BLOCK for f in per[d])]
    if free:

        def capacity(debt_id: str) -> int:
            used = max(len(_recent(ctx, debt_id, t, z)) for z in zones)
            return CALLS_PER_7_DAYS - used

        def key(debt_id: str) -> tuple[int, int, int]:
            debt: Debt | None = ctx.debts.get(debt_id)
            return (-capacity(debt_id), -(debt.balance_cents if debt else 0), order.get(debt_id, 1 << 30))

        chosen = min(free, key=key)
        excluded = _excluded_everywhere(ctx, chosen, t, zones)
        return list(per[chosen]), ((chosen,) if counted and not excluded else ())
    # No debt qualifies: every per-debt reason, freed when the first debt frees up.
    releases = [_max_release(per[d])[1] for d in act.debt_ids]
    known = [r for r in releases if r is not None]
    earliest = min(known) if known else None
    merged: list[Finding] = []
    for d in act.debt_ids:
        merged += [Finding(f.rule, f.verdict, earliest, f.why) for f in per[d]]
    return merged, ()


def _recent(ctx: _Ctx, debt_id: str, t: datetime, zone: str) -> list[date]:
    today = tz.local_date(t, zone)
    return [d for d in _debt_call_dates(ctx, debt_id, zone) if today - timedelta(days=6) <= d <= today]


def _excluded_everywhere(ctx: _Ctx, debt_id: str, t: datetime, zones: list[str]) -> bool:
    return all(_consent_covered(ctx, debt_id, t, z) for z in zones)


def _dedupe(rules: Iterable[RuleId]) -> tuple[RuleId, ...]:
    return tuple(dict.fromkeys(rules))


def decide(inp: DecideInput) -> Decision:
    """Answer REGF-SCENARIOS.md section 3 for one proposed contact. Pure and deterministic."""
    ctx = _Ctx(inp)
    now = inp.action.at
    first = _evaluate(ctx, now)
    blocks = [f for f in first.findings if f.verdict is Verdict.BLOCK]
    reviews = [f for f in first.findings if f.verdict is Verdict.REVIEW]
    explanation = "; ".join(dict.fromkeys(f.why for f in first.findings if f.why))
    if blocks:
        return Decision(
            verdict=Verdict.BLOCK,
            rule_ids=_dedupe(f.rule for f in blocks),
            next_allowed_at=_next_allowed(ctx, first),
            explanation=explanation,
            review_rule_ids=_dedupe(f.rule for f in reviews),
            flags=tuple(sorted(first.flags - {Flag.NO_SAFE_HARBOR.value})),
        )
    if reviews:
        return Decision(
            verdict=Verdict.REVIEW,
            rule_ids=_dedupe(f.rule for f in reviews),
            explanation=explanation,
            flags=tuple(sorted(first.flags - {Flag.NO_SAFE_HARBOR.value})),
        )
    return Decision(
        verdict=Verdict.ALLOW,
        charged_debt_ids=first.charged if inp.action.channel.is_call else (),
        flags=tuple(sorted(first.flags)),
        explanation=explanation,
    )


def _next_allowed(ctx: _Ctx, first: _Evaluation) -> datetime | None:
    """The earliest instant >= action.at at which the same action is allowed, history unchanged."""
    start = ctx.action.at
    current = first
    t = start
    for _ in range(MAX_SEARCH_STEPS):
        blocked, release = _max_release(current.findings)
        if not blocked:
            if any(f.verdict is Verdict.REVIEW for f in current.findings):
                return None  # a person must decide; no time can be computed
            return t.astimezone(start.tzinfo)
        if release is None or release - start > SEARCH_HORIZON:
            return None
        t = release if release > t else t + timedelta(seconds=1)
        current = _evaluate(ctx, t)
    return None

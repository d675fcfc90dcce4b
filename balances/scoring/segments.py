"""Explainable segments, their reasons in plain English, recommended cadences and fee models.

Rules (first match wins), in terms a practice manager can check against the account:

1. Hard to reach: no mailing address and no email, so the validation notice cannot be delivered
   until a call confirms an address.
2. Quick win: $200 or less, known to be at most 90 days old, a mobile or an email on file, likelihood >= 45 %.
3. Payment-plan candidate: $500 or more with likelihood >= 20 %: a plan is the likely way to pay.
4. Long shot: likelihood under 25 %: low-cost written contact only.
5. Standard: everything else.

Cadences stay inside REGF.md: every cadence opens with the validation notice (PO-07); calls are at
most two a week per account, far under 7 in 7 days per debt (RF-CALL-FREQ) and never two the same
day; email goes only where an email basis holds (RF-ELEC-EMAIL-SAFE) and at most one a day; SMS
only after the patient has texted us or consented (RF-ELEC-SMS-SAFE), at most 3 in 7 days (PO-03).
The compliance gate still decides every single contact at send time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from balances.models import Segment
from balances.scoring.features import Flag

QUICK_WIN_MAX_CENTS = 20_000
QUICK_WIN_MAX_AGE = 90
QUICK_WIN_MIN_P = 0.45
PLAN_MIN_CENTS = 50_000
PLAN_MIN_P = 0.20
LONG_SHOT_MAX_P = 0.25
#: Our list price per account when the practice's contract names no fixed fee.
DEFAULT_FIXED_FEE_CENTS = 1_500
DEFAULT_CONTINGENCY_BPS = 2_500


def assign_segments(features: pd.DataFrame, probability: np.ndarray) -> np.ndarray:
    amount = features["amount_cents"].to_numpy()
    age = features["age_days"].to_numpy()
    known_age = features["age_known"].to_numpy()
    reachable_fast = (features["mobile"].to_numpy() > 0) | (features["email"].to_numpy() > 0)
    no_written = (features["no_address"].to_numpy() > 0) & (features["email"].to_numpy() == 0)
    conditions = [
        no_written,
        (amount <= QUICK_WIN_MAX_CENTS)
        & known_age
        & (age <= QUICK_WIN_MAX_AGE)
        & reachable_fast
        & (probability >= QUICK_WIN_MIN_P),
        (amount >= PLAN_MIN_CENTS) & (probability >= PLAN_MIN_P),
        probability < LONG_SHOT_MAX_P,
    ]
    choices = [
        Segment.HARD_TO_REACH.value,
        Segment.QUICK_WIN.value,
        Segment.PAYMENT_PLAN.value,
        Segment.LONG_SHOT.value,
    ]
    return np.select(conditions, choices, default=Segment.STANDARD.value).astype(object)


# --------------------------------------------------------------------------- reasons


def _money(cents: int) -> str:
    dollars = cents / 100
    return f"${dollars:,.0f}" if dollars >= 100 or dollars == int(dollars) else f"${dollars:,.2f}"


def _channels(flags: int) -> str:
    names = [
        name
        for bit, name in ((Flag.MOBILE, "mobile"), (Flag.EMAIL, "email"), (Flag.ADDRESS, "mailing address"))
        if flags & bit
    ]
    if not names:
        return "no mobile, email or mailing address on file"
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} on file"


def reasons(*, segment: str, amount_cents: int, age_days: int | None, flags: int) -> list[str]:
    """Plain-English reasons, headline first: "Quick win: $85, 40 days old, mobile and email on file"."""
    label = Segment(segment).label if segment else "Not scored"
    age = "age unknown" if flags & Flag.AGE_UNKNOWN or age_days is None else f"{age_days} days old"
    lines = [f"{label}: {_money(amount_cents)}, {age}, {_channels(flags)}"]
    helps = [
        text
        for bit, text in (
            (Flag.PAID_RECENTLY, "paid something in the last 90 days"),
            (Flag.IN_PLAN, "already on a payment agreement"),
            (Flag.INSURANCE_SHARE, "insurance paid most of the bill"),
        )
        if flags & bit
    ]
    hurts = [
        text
        for bit, text in (
            (Flag.LARGE_BALANCE, "balances over $200 resolve less often"),
            (Flag.OLD, "older than 120 days"),
            (Flag.UNANSWERED, "3 or more statements went unanswered"),
        )
        if flags & bit
    ]
    if not flags & Flag.ADDRESS:
        hurts.append("no mailing address for the validation letter")
    if helps:
        lines.append("Raises the estimate: " + "; ".join(helps))
    if hurts:
        lines.append("Lowers the estimate: " + "; ".join(hurts))
    return lines


# --------------------------------------------------------------------------- cadences


@dataclass(frozen=True)
class Step:
    day: int
    channel: str  # letter, email, call, sms
    what: str


_V = Step(0, "letter", "Validation notice by mail (the initial communication), with a pay-online link")

CADENCES: dict[str, tuple[Step, ...]] = {
    Segment.QUICK_WIN: (
        _V,
        Step(1, "email", "Friendly reminder with the pay-online link"),
        Step(3, "call", "Call: offer to take payment now"),
        Step(8, "email", "Reminder"),
        Step(10, "call", "Call"),
        Step(17, "call", "Call"),
        Step(24, "letter", "Reminder letter"),
        Step(31, "call", "Last call"),
    ),
    Segment.STANDARD: (
        _V,
        Step(2, "email", "Reminder with the pay-online link"),
        Step(5, "call", "Call: pay in full or set up a plan"),
        Step(12, "call", "Call"),
        Step(19, "email", "Reminder"),
        Step(26, "call", "Call"),
        Step(35, "letter", "Reminder letter"),
        Step(45, "call", "Call"),
        Step(60, "email", "Final reminder"),
    ),
    Segment.PAYMENT_PLAN: (
        Step(0, "letter", "Validation notice by mail, with a payment-plan offer"),
        Step(2, "email", "Payment-plan offer with the self-service link"),
        Step(4, "call", "Call: set up a plan"),
        Step(11, "call", "Call"),
        Step(18, "email", "Plan reminder"),
        Step(25, "call", "Call"),
        Step(40, "letter", "Plan offer letter"),
        Step(55, "call", "Call"),
        Step(70, "email", "Final plan offer"),
    ),
    Segment.LONG_SHOT: (
        _V,
        Step(7, "email", "Reminder with the pay-online link"),
        Step(14, "call", "One call"),
        Step(30, "letter", "Reminder letter"),
        Step(60, "email", "Final reminder"),
    ),
    Segment.HARD_TO_REACH: (
        Step(0, "call", "Call to confirm a mailing address (limited-content voicemail only)"),
        Step(3, "call", "Call"),
        Step(10, "call", "Call"),
        Step(11, "letter", "Validation notice once an address is confirmed"),
        Step(30, "call", "Call"),
    ),
}
SMS_NOTE = "Texts only after the patient texts us or consents (at most 3 a week)."


def cadence_summary(segment: str) -> str:
    steps = CADENCES[segment]
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.channel] = counts.get(step.channel, 0) + 1
    parts = [f"{n} {ch}{'s' if n > 1 else ''}" for ch, n in counts.items()]
    return f"{', '.join(parts)} over {steps[-1].day} days"


def contacts_per_account(segment: str, *, letter: float, email: float, call: float) -> float:
    """Average contacts an account of the segment receives, given the shares that have each channel."""
    share = {"letter": letter, "email": email, "call": call, "sms": 0.0}
    return float(sum(share[step.channel] for step in CADENCES[segment]))


def fee_recommendation(
    *, expected_per_account_cents: float, contingency_bps: int, fixed_fee_cents: int
) -> str:
    """The fee model that leaves the practice more: contingency costs bps x expected, fixed the fee."""
    contingency_cost = expected_per_account_cents * contingency_bps / 10_000
    return "fixed_fee" if fixed_fee_cents < contingency_cost else "contingency"

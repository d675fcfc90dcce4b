"""Allowed features, computed set-based from a frame of ledger columns.

Only these enter a score: balance, age of the balance at placement, which channels exist (mobile,
email, mailing address), a payment in the last 90 days, an existing payment agreement, the
insurance share of the bill and statements that went unanswered. Never age/date of birth, sex, ZIP,
name or language (`FORBIDDEN_INPUTS`): the input frame is cut down to `INPUT_COLUMNS` before anything
is computed, so a forbidden column cannot reach the model even by accident.
"""

from __future__ import annotations

import enum

import numpy as np
import pandas as pd

FORBIDDEN_INPUTS = frozenset(
    {
        "dob",
        "age",
        "sex",
        "gender",
        "zip",
        "zip_code",
        "zip3",
        "name",
        "full_name",
        "first_name",
        "last_name",
        "language",
        "state",
        "city",
    }
)

#: Money and date columns every scoring input reads straight from an account row (placed or analysis).
LEDGER_FIELDS = (
    "amount_cents",
    "insurance_estimate_cents",
    "total_balance_cents",
    "last_payment_on",
    "last_statement_on",
    "first_service_on",
    "last_service_on",
    "balance_began_on",
    "aging_days",
)

INPUT_COLUMNS = (
    *LEDGER_FIELDS,
    "ref_date",
    "has_mobile",
    "has_email",
    "has_mailing_address",
    "in_plan",
)

#: Columns of the design matrix the calibration fits (besides the prior offset).
DESIGN_COLUMNS = (
    "intercept",
    "age",
    "log_amount",
    "mobile",
    "email",
    "no_address",
    "paid_90d",
    "in_plan",
    "insurance_share",
    "unanswered",
)
#: Adjustments to the prior's log-odds for the allowed features (the prior model's coefficients).
PRIOR_ADJUSTMENTS = {
    "mobile": 0.30,  # a valid mobile number: calls and (with consent) texts reach the person
    "email": 0.15,
    "no_address": -0.35,  # no validation letter can go by mail
    "paid_90d": 0.60,  # paid something in the last 90 days
    "in_plan": 0.80,  # an existing payment agreement
    "insurance_share": 0.40,  # per unit of share: insurance paid most of the bill, the patient owes a residue
    "unanswered": -0.12,  # per statement that went unanswered
}

DAY = np.timedelta64(1, "D")


class Flag(enum.IntFlag):
    """Reason bits stored with each score (AccountScore.flags); rendered as plain English."""

    MOBILE = 1
    EMAIL = 2
    ADDRESS = 4
    PAID_RECENTLY = 8
    IN_PLAN = 16
    INSURANCE_SHARE = 32
    UNANSWERED = 64
    AGE_UNKNOWN = 128
    LARGE_BALANCE = 256
    OLD = 512


#: Age assumed for the oldest non-empty aging bucket (0-30, 31-60, 61-90, over 90 days).
BUCKET_AGE_DAYS = (15, 45, 75, 120)


def aging_days_from_buckets(*buckets_cents: int | None) -> int | None:
    """The age the export's aging buckets imply: the oldest bucket that holds money (None if none)."""
    age = None
    for days, cents in zip(BUCKET_AGE_DAYS, buckets_cents, strict=False):
        if cents and cents > 0:
            age = days
    return age


def _days(col: pd.Series) -> np.ndarray:
    """Dates (date objects, ISO strings or datetimes) as float days since the epoch; NaN if missing."""
    values = pd.to_datetime(col, errors="coerce", utc=True)
    return (values.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]") - np.datetime64("1970-01-01")) / DAY


def _bool(col: pd.Series) -> np.ndarray:
    return col.fillna(False).astype(bool).to_numpy()


def _num(col: pd.Series) -> np.ndarray:
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)


def compute_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Frame of `INPUT_COLUMNS` -> numeric features, the design matrix and the reason flags."""
    df = frame.loc[:, list(INPUT_COLUMNS)]  # nothing else gets through
    ref = np.floor(_days(df["ref_date"]))
    began = _days(df["balance_began_on"])
    for fallback in ("last_service_on", "first_service_on"):  # then the aging buckets
        began = np.where(np.isnan(began), _days(df[fallback]), began)
    age = ref - began
    age = np.where(np.isnan(age), _num(df["aging_days"]), age)
    age_known = ~np.isnan(age)
    age = np.where(age_known, np.maximum(age, 0), 90.0)
    amount = np.maximum(_num(df["amount_cents"]), 1.0)

    last_pay = _days(df["last_payment_on"])
    paid_90 = ~np.isnan(last_pay) & (ref - last_pay <= 90) & (ref - last_pay >= 0)
    insurance = np.nan_to_num(_num(df["insurance_estimate_cents"]))
    total = _num(df["total_balance_cents"])
    share_total = np.where(total > amount, (total - amount) / np.where(total > 0, total, 1), 0.0)
    share_est = np.where(insurance > 0, insurance / (insurance + amount), 0.0)
    insurance_share = np.clip(np.nan_to_num(np.maximum(share_total, share_est)), 0.0, 1.0)

    stmt = _days(df["last_statement_on"])
    since = np.where(np.isnan(last_pay) | (last_pay < began), began, last_pay)
    unanswered = np.where(np.isnan(stmt) | np.isnan(since), 0.0, np.floor((stmt - since) / 30.0) + 1.0)
    unanswered = np.clip(np.nan_to_num(unanswered), 0.0, 6.0)

    mobile, email, address, in_plan = (
        _bool(df[c]) for c in ("has_mobile", "has_email", "has_mailing_address", "in_plan")
    )
    flags = (
        mobile * Flag.MOBILE
        + email * Flag.EMAIL
        + address * Flag.ADDRESS
        + paid_90 * Flag.PAID_RECENTLY
        + in_plan * Flag.IN_PLAN
        + (insurance_share >= 0.5) * Flag.INSURANCE_SHARE
        + (unanswered >= 3) * Flag.UNANSWERED
        + (~age_known) * Flag.AGE_UNKNOWN
        + (amount > 20_000) * Flag.LARGE_BALANCE
        + (age > 120) * Flag.OLD
    )
    return pd.DataFrame(
        {
            "age_days": age,
            "age_known": age_known,
            "amount_cents": amount,
            "mobile": mobile.astype(float),
            "email": email.astype(float),
            "no_address": (~address).astype(float),
            "paid_90d": paid_90.astype(float),
            "in_plan": in_plan.astype(float),
            "insurance_share": insurance_share,
            "unanswered": unanswered,
            "flags": flags.astype(np.int32),
        },
        index=frame.index,
    )


def design_matrix(features: pd.DataFrame) -> np.ndarray:
    """Columns of `DESIGN_COLUMNS` (age and size centred and scaled for a well-conditioned fit)."""
    n = len(features)
    return np.column_stack(
        [
            np.ones(n),
            (features["age_days"].to_numpy() - 90.0) / 60.0,
            np.log(features["amount_cents"].to_numpy() / 15_000.0),
            *(features[c].to_numpy() for c in DESIGN_COLUMNS[3:]),
        ]
    )

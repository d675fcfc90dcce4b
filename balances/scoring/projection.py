"""The recovery projection: what a practice's accounts are likely to bring, how fast, at what cost.

Simulated, not guessed: each run draws the model's coefficients from their posterior (so the range
carries the model's own uncertainty, wide for the uncalibrated prior) and then every account's
outcome; the P10 / P50 / P90 of the simulated totals are the range shown. Money is integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from balances.models import Segment
from balances.scoring.features import compute_features
from balances.scoring.model import LikelihoodModel, _sigmoid
from balances.scoring.prior import COMMERCIAL_COLLECTABILITY, age_bucket_labels
from balances.scoring.segments import (
    CADENCES,
    DEFAULT_CONTINGENCY_BPS,
    DEFAULT_FIXED_FEE_CENTS,
    SMS_NOTE,
    assign_segments,
    cadence_summary,
    contacts_per_account,
    fee_recommendation,
)

MONTHS = 6
#: Share of a segment's recoveries that arrive in each of the first six months: front-loaded (most in
#: the first 30-45 days, flat by day 60-80), payment plans stretching the tail.
TIMING: dict[str, tuple[float, ...]] = {
    Segment.QUICK_WIN: (0.62, 0.20, 0.08, 0.05, 0.03, 0.02),
    Segment.STANDARD: (0.52, 0.22, 0.11, 0.07, 0.05, 0.03),
    Segment.PAYMENT_PLAN: (0.30, 0.20, 0.16, 0.13, 0.11, 0.10),
    Segment.LONG_SHOT: (0.40, 0.25, 0.14, 0.09, 0.07, 0.05),
    Segment.HARD_TO_REACH: (0.30, 0.26, 0.17, 0.12, 0.09, 0.06),
}
SEGMENT_ORDER = [
    Segment.QUICK_WIN,
    Segment.STANDARD,
    Segment.PAYMENT_PLAN,
    Segment.LONG_SHOT,
    Segment.HARD_TO_REACH,
]
#: The plan's commitment: the validation notice is mailed by the next business day after approval
#: (every cadence opens on day 0), so each account gets its first contact within this many business days.
FIRST_CONTACT_BUSINESS_DAYS = 1
FIRST_CALL_DAYS = 3


@dataclass(frozen=True)
class Fees:
    contingency_bps: int = DEFAULT_CONTINGENCY_BPS
    fixed_fee_cents: int = DEFAULT_FIXED_FEE_CENTS


def simulate_totals(
    base_logit: np.ndarray,
    design: np.ndarray,
    amounts: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    model: LikelihoodModel,
    *,
    runs: int,
    rng: np.random.Generator,
    max_cells: int = 4_000_000,
) -> np.ndarray:
    """Simulated recovered cents per run and group: array (runs, n_groups)."""
    totals = np.zeros((runs, n_groups))
    # theta drawn around the point estimate: logit_s = base + Z @ (theta_s - theta)
    deltas = rng.multivariate_normal(np.zeros(len(model.theta)), model.cov, size=runs)
    n = len(amounts)
    step = max(1, max_cells // max(runs, 1))
    for start in range(0, n, step):
        sl = slice(start, min(n, start + step))
        logits = base_logit[sl][None, :] + deltas @ design[sl].T
        paid = rng.random(logits.shape) < _sigmoid(logits)
        weighted = paid * amounts[sl][None, :]
        for g in range(n_groups):
            mask = groups[sl] == g
            if mask.any():
                totals[:, g] += weighted[:, mask].sum(axis=1)
    return totals


def project_recovery(
    inputs: pd.DataFrame,
    channels: pd.DataFrame | None,
    model: LikelihoodModel,
    *,
    fees: Fees | None = None,
    runs: int = 2000,
    seed: int = 20250314,
) -> dict:
    """The projection as a JSON-ready dict (see the `project_recovery` command for the contract)."""
    fees = fees or Fees()
    rng = np.random.default_rng(seed)
    features = compute_features(inputs)
    base_logit, design = model.logit(features)
    probability = _sigmoid(base_logit)
    amounts = features["amount_cents"].to_numpy()
    segments = assign_segments(features, probability)
    segment_index = (
        np.array([SEGMENT_ORDER.index(s) for s in segments], dtype=int)
        if len(segments)
        else np.zeros(0, dtype=int)
    )
    totals = simulate_totals(
        base_logit, design, amounts, segment_index, len(SEGMENT_ORDER), model, runs=runs, rng=rng
    )
    grand = totals.sum(axis=1)
    timing = np.array([TIMING[s] for s in SEGMENT_ORDER])  # (segments, months)
    monthly_runs = totals @ timing  # (runs, months)
    cumulative = np.cumsum(monthly_runs, axis=1)
    expected = probability * amounts
    accounts = len(amounts)
    placed = int(amounts.sum())
    p10, p50, p90 = (round(v) for v in np.percentile(grand, [10, 50, 90])) if accounts else (0, 0, 0)

    by_month = (
        [
            round(v)
            for v in (np.bincount(segment_index, weights=expected, minlength=len(SEGMENT_ORDER)) @ timing)
        ]
        if accounts
        else [0] * MONTHS
    )
    channel_share = (
        channels
        if channels is not None
        else pd.DataFrame(
            {
                "letter": features["no_address"] == 0,
                "email": features["email"] > 0,
                "call": features["mobile"] > 0,
            }
        )
    )
    by_segment = {}
    for g, seg in enumerate(SEGMENT_ORDER):
        mask = segment_index == g
        n = int(mask.sum())
        if not n:
            continue
        share = {ch: float(channel_share[ch].to_numpy()[mask].mean()) for ch in ("letter", "email", "call")}
        seg_expected = float(expected[mask].sum())
        by_segment[seg.value] = {
            "label": seg.label,
            "accounts": n,
            "placed_cents": int(amounts[mask].sum()),
            "expected_cents": round(seg_expected),
            "p10_cents": round(np.percentile(totals[:, g], 10)),
            "p90_cents": round(np.percentile(totals[:, g], 90)),
            "cadence": cadence_summary(seg),
            "steps": [{"day": s.day, "channel": s.channel, "what": s.what} for s in CADENCES[seg]],
            "contacts_per_account": round(contacts_per_account(seg, **share), 1),
            "recommended_fee_model": fee_recommendation(
                expected_per_account_cents=seg_expected / n,
                contingency_bps=fees.contingency_bps,
                fixed_fee_cents=fees.fixed_fee_cents,
            ),
        }
    buckets = age_bucket_labels(features["age_days"].to_numpy(), features["age_known"].to_numpy())
    by_age = []
    for label in pd.unique(pd.Series(buckets, dtype=object)):
        mask = buckets == label
        by_age.append(
            {
                "bucket": label,
                "accounts": int(mask.sum()),
                "placed_cents": int(amounts[mask].sum()),
                "expected_cents": round(expected[mask].sum()),
                "min_age": float(features["age_days"].to_numpy()[mask].min()),
            }
        )
    by_age.sort(key=lambda row: (row["bucket"] == "age unknown", row["min_age"]))
    for row in by_age:
        row.pop("min_age")

    contingency_fee = p50 * fees.contingency_bps // 10_000
    fixed_fee = fees.fixed_fee_cents * accounts
    net_contingency = p50 - contingency_fee
    net_fixed = p50 - fixed_fee
    recommended = "fixed_fee" if net_fixed > net_contingency else "contingency"
    return {
        "accounts": accounts,
        "placed_cents": placed,
        "expected_cents": {"p10": p10, "p50": p50, "p90": p90, "mean": round(expected.sum())},
        "by_month": by_month,
        "by_month_cumulative": {
            "p10": [round(v) for v in np.percentile(cumulative, 10, axis=0)] if accounts else [0] * MONTHS,
            "p50": [round(v) for v in np.percentile(cumulative, 50, axis=0)] if accounts else [0] * MONTHS,
            "p90": [round(v) for v in np.percentile(cumulative, 90, axis=0)] if accounts else [0] * MONTHS,
        },
        "by_segment": by_segment,
        "by_age": by_age,
        "first_contact": {
            "business_days": FIRST_CONTACT_BUSINESS_DAYS,
            "first_call_days": FIRST_CALL_DAYS,
            "text": (
                f"Every account gets its validation notice within {FIRST_CONTACT_BUSINESS_DAYS} business day "
                f"of approval; the first call or email follows within {FIRST_CALL_DAYS} days."
            ),
        },
        "sms_note": SMS_NOTE,
        "fees": {
            "contingency_bps": fees.contingency_bps,
            "fixed_fee_cents": fees.fixed_fee_cents,
            "contingency": {
                "fee_cents": contingency_fee,
                "net_cents": net_contingency,
                "net_p10_cents": p10 - p10 * fees.contingency_bps // 10_000,
            },
            "fixed_fee": {"fee_cents": fixed_fee, "net_cents": net_fixed, "net_p10_cents": p10 - fixed_fee},
            "recommended": recommended,
            "break_even_per_account_cents": int(fees.fixed_fee_cents * 10_000 / max(fees.contingency_bps, 1)),
        },
        "commercial_collectability": [{"days": d, "rate": r} for d, r in COMMERCIAL_COLLECTABILITY],
        "model_version": model.version,
        "runs": runs,
    }

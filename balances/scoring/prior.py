"""The documented prior: share of accounts that resolve, by age at placement and balance size.

Anchors (issue 4; industry figures for patient balances, first touch by an agency):

===============  ==========================  ==============
age at placement  dollars eventually recovered  prior used here
===============  ==========================  ==============
30-60 days        45-70 %                     57.5 % (mid)
61-90 days        35-55 %                     45 %
91-120 days       25-40 %                     32.5 %
121-180 days      15-30 %                     22.5 %
===============  ==========================  ==============

Balances over $200 recover roughly 0.6-0.8x those rates, so the prior multiplies by a size factor
that is 1.0 up to $100, 0.8 at $200, 0.7 at $500 and 0.6 from $2,000. Both curves are interpolated
linearly between the knots (age in days, size in log dollars), so the prior is continuous and never
rises with age or with size.

Commercial collectability (reference lines for charts only, never a model input): 30 days 89.9 %,
60 days 81.3 %, 90 days 69.6 %, 6 months 52.1 %, 1 year 22.8 %.
"""

from __future__ import annotations

import numpy as np

PRIOR_VERSION = "prior-2025.03"

#: (age in days at placement, base probability); mid-points of the anchor ranges at the bucket centres.
AGE_KNOTS = np.array([0.0, 45.0, 75.0, 105.0, 150.0, 270.0, 365.0])
AGE_RATES = np.array([0.62, 0.575, 0.45, 0.325, 0.225, 0.14, 0.10])
#: (balance in dollars, multiplier): "over $200 recovers roughly 0.6-0.8x".
SIZE_KNOTS_DOLLARS = np.array([100.0, 200.0, 500.0, 2000.0])
SIZE_FACTORS = np.array([1.0, 0.8, 0.7, 0.6])
#: Age assumed when the export carries no usable date (the middle of the 30-180 day target range).
DEFAULT_AGE_DAYS = 90

COMMERCIAL_COLLECTABILITY = [(30, 0.899), (60, 0.813), (90, 0.696), (180, 0.521), (365, 0.228)]

#: Age buckets for reports: (label, lower bound inclusive, upper bound inclusive).
AGE_BUCKETS = [
    ("under 30 days", -(10**6), 29),
    ("30-60 days", 30, 60),
    ("61-90 days", 61, 90),
    ("91-120 days", 91, 120),
    ("121-180 days", 121, 180),
    ("over 180 days", 181, 10**6),
]
AGE_UNKNOWN_LABEL = "age unknown"


def base_rate(age_days: np.ndarray) -> np.ndarray:
    """Prior probability by age at placement (non-increasing in age)."""
    return np.interp(np.asarray(age_days, dtype=float), AGE_KNOTS, AGE_RATES)


def size_factor(amount_cents: np.ndarray) -> np.ndarray:
    """Multiplier by balance size (non-increasing in amount)."""
    dollars = np.maximum(np.asarray(amount_cents, dtype=float) / 100.0, 1.0)
    return np.interp(np.log(dollars), np.log(SIZE_KNOTS_DOLLARS), SIZE_FACTORS)


def prior_probability(age_days: np.ndarray, amount_cents: np.ndarray) -> np.ndarray:
    return np.clip(base_rate(age_days) * size_factor(amount_cents), 0.01, 0.99)


def age_bucket_labels(age_days: np.ndarray, known: np.ndarray) -> np.ndarray:
    age = np.asarray(age_days, dtype=float)
    labels = np.full(age.shape, AGE_UNKNOWN_LABEL, dtype=object)
    for label, low, high in AGE_BUCKETS:
        labels[known & (age >= low) & (age <= high)] = label
    return labels

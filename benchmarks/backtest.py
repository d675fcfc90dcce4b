"""Backtest of the likelihood model and the projection's range on simulated placements.

    .venv/bin/python benchmarks/backtest.py [RUNS]      # default 200 bracket runs

1. Simulates a practice's placements (6,000 accounts: balance, age, channels, recent payment,
   insurance share) with known true probabilities: the documented prior distorted the way a real
   practice differs from it (a different overall level, a steeper age slope, a stronger mobile
   effect), then draws outcomes.
2. Calibrates the model on one half and reports on the other: Brier score (and the prior's, for
   comparison), a reliability table by decile of predicted probability, and AUC.
3. Brackets: over RUNS independent simulated practices, fits on a history half, projects a fresh
   placement of 800 accounts with `project_recovery`, draws its true outcome, and counts how often the
   P10-P90 range contains the simulated total (should be about 80 %).

Prints one JSON object. Uses no database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinum.settings")
import django

django.setup()

from balances.scoring.features import compute_features  # noqa: E402
from balances.scoring.model import LikelihoodModel, _logit, _sigmoid, fit, prior_offset  # noqa: E402
from balances.scoring.projection import project_recovery  # noqa: E402

REF = pd.Timestamp("2025-03-14")


def simulate_accounts(n: int, rng: np.random.Generator) -> pd.DataFrame:
    age = rng.integers(25, 200, n)
    paid = rng.random(n) < 0.25
    return pd.DataFrame(
        {
            "amount_cents": np.exp(rng.normal(np.log(18_000), 0.9, n)).clip(2_000, 400_000).astype(int),
            "insurance_estimate_cents": np.where(rng.random(n) < 0.3, rng.integers(0, 30_000, n), 0),
            "total_balance_cents": None,
            "last_payment_on": np.where(
                paid, REF - pd.to_timedelta(rng.integers(5, 200, n), unit="D"), pd.NaT
            ),
            "last_statement_on": REF - pd.to_timedelta(rng.integers(1, 35, n), unit="D"),
            "first_service_on": None,
            "last_service_on": None,
            "balance_began_on": REF - pd.to_timedelta(age, unit="D"),
            "aging_days": None,
            "ref_date": REF,
            "has_mobile": rng.random(n) < 0.6,
            "has_email": rng.random(n) < 0.45,
            "has_mailing_address": rng.random(n) < 0.9,
            "in_plan": False,
        }
    )


def true_probability(frame: pd.DataFrame, shift: float) -> np.ndarray:
    """The world differs from the prior: level shift, steeper age decay, stronger mobile effect."""
    features = compute_features(frame)
    logit = (
        prior_offset(features) + shift - 0.25 * (features["age_days"] - 90) / 60 + 0.3 * features["mobile"]
    )
    return _sigmoid(logit.to_numpy())


def auc(score: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(score)
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    pos = y == 1
    return float((ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum()))


def calibration_report(seed: int = 11) -> dict:
    rng = np.random.default_rng(seed)
    frame = simulate_accounts(6_000, rng)
    p_true = true_probability(frame, shift=-0.3)
    y = (rng.random(len(frame)) < p_true).astype(float)
    half = len(frame) // 2
    train, test = frame.iloc[:half], frame.iloc[half:]
    model = fit(compute_features(train), y[:half])
    p_hat = model.predict(compute_features(test))
    p_prior = LikelihoodModel().predict(compute_features(test))
    y_test = y[half:]
    deciles = pd.qcut(p_hat, 10, labels=False, duplicates="drop")
    table = [
        {"decile": int(d) + 1, "accounts": int((deciles == d).sum()), "predicted": round(float(p_hat[deciles == d].mean()), 3),
         "observed": round(float(y_test[deciles == d].mean()), 3)}
        for d in sorted(set(deciles))
    ]  # fmt: skip
    return {
        "model_version": model.version,
        "test_accounts": len(y_test),
        "brier": round(float(np.mean((p_hat - y_test) ** 2)), 4),
        "brier_prior_only": round(float(np.mean((p_prior - y_test) ** 2)), 4),
        "brier_true_probabilities": round(float(np.mean((p_true[half:] - y_test) ** 2)), 4),
        "auc": round(auc(p_hat, y_test), 3),
        "auc_true_probabilities": round(auc(p_true[half:], y_test), 3),
        "reliability_by_decile": table,
    }


def bracket_report(runs: int, seed: int = 23) -> dict:
    rng = np.random.default_rng(seed)
    inside = below = above = 0
    widths = []
    for run in range(runs):
        shift = rng.normal(-0.2, 0.4)  # every simulated practice differs from the prior differently
        history = simulate_accounts(3_000, rng)
        y_hist = rng.random(len(history)) < true_probability(history, shift)
        model = fit(compute_features(history), y_hist)
        fresh = simulate_accounts(800, rng)
        truth = float(
            (
                fresh["amount_cents"].to_numpy() * (rng.random(len(fresh)) < true_probability(fresh, shift))
            ).sum()
        )
        projection = project_recovery(fresh, None, model, runs=1000, seed=run)
        p10, p90 = projection["expected_cents"]["p10"], projection["expected_cents"]["p90"]
        inside += p10 <= truth <= p90
        below += truth < p10
        above += truth > p90
        widths.append((p90 - p10) / max(projection["expected_cents"]["p50"], 1))
    return {"runs": runs, "p10_p90_contains_truth": round(inside / runs, 3), "truth_below_p10": round(below / runs, 3),
            "truth_above_p90": round(above / runs, 3), "median_relative_width": round(float(np.median(widths)), 3)}  # fmt: skip


def prior_bracket_report(runs: int, seed: int = 29) -> dict:
    """The uncalibrated prior on practices whose level differs from it (a new practice's analysis)."""
    rng = np.random.default_rng(seed)
    inside = 0
    for run in range(runs):
        shift = rng.normal(0.0, 0.3)
        fresh = simulate_accounts(800, rng)
        truth = float(
            (
                fresh["amount_cents"].to_numpy() * (rng.random(len(fresh)) < true_probability(fresh, shift))
            ).sum()
        )
        projection = project_recovery(fresh, None, LikelihoodModel(), runs=1000, seed=run)
        inside += projection["expected_cents"]["p10"] <= truth <= projection["expected_cents"]["p90"]
    return {"runs": runs, "p10_p90_contains_truth": round(inside / runs, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("runs", nargs="?", type=int, default=200, help="bracket runs (default 200)")
    runs = parser.parse_args().runs
    _ = _logit  # re-exported helper kept for readers of this file
    print(json.dumps({"calibration": calibration_report(), "bracket_calibrated": bracket_report(runs),
                      "bracket_prior_only": prior_bracket_report(max(runs // 2, 20))}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()

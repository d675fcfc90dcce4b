"""The likelihood model: the prior's log-odds plus allowed-feature adjustments, optionally calibrated.

    logit P(resolve) = logit(prior(age, size)) + sum(adjustment_f * x_f) + Z @ theta

`theta` is zero for the prior model. Calibration fits `theta` by L2-regularised logistic regression
(Newton's method in numpy) on the practice's own resolved outcomes: the penalty pulls every
coefficient towards zero, that is towards the documented prior, so it is a Bayesian update of the
prior with a Gaussian prior on `theta` (precision `ridge`). The inverse Hessian at the optimum (the
Laplace approximation) is the coefficients' covariance; the projection samples from it so its range
includes the model's own uncertainty, not only the coin flips.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from balances.scoring.features import DESIGN_COLUMNS, PRIOR_ADJUSTMENTS, design_matrix
from balances.scoring.prior import PRIOR_VERSION, prior_probability

K = len(DESIGN_COLUMNS)
#: Uncertainty of the uncalibrated prior (standard deviations on theta): the anchors are ranges
#: (for example 45-70 %), about +-0.3 on the log-odds scale; the slopes and adjustments less.
PRIOR_SD = np.array([0.30, 0.10, 0.08, *([0.10] * (K - 3))])
#: Resolved outcomes a practice needs before its model is calibrated on them.
MIN_OUTCOMES = 200
MIN_EACH_CLASS = 20
DEFAULT_RIDGE = 4.0


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def prior_offset(features: pd.DataFrame) -> np.ndarray:
    offset = _logit(prior_probability(features["age_days"].to_numpy(), features["amount_cents"].to_numpy()))
    for name, weight in PRIOR_ADJUSTMENTS.items():
        offset = offset + weight * features[name].to_numpy()
    return offset


@dataclass
class LikelihoodModel:
    version: str = PRIOR_VERSION
    kind: str = "prior"
    theta: np.ndarray = field(default_factory=lambda: np.zeros(K))
    cov: np.ndarray = field(default_factory=lambda: np.diag(PRIOR_SD**2))
    outcomes: int = 0

    def logit(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(offset + Z @ theta, Z): the point log-odds and the design matrix for sampling."""
        z = design_matrix(features)
        return prior_offset(features) + z @ self.theta, z

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        return _sigmoid(self.logit(features)[0])

    def params(self) -> dict:
        return {
            "columns": list(DESIGN_COLUMNS),
            "theta": self.theta.round(6).tolist(),
            "cov": self.cov.round(8).tolist(),
            "prior": PRIOR_VERSION,
        }

    @classmethod
    def from_params(cls, *, version: str, kind: str, params: dict, outcomes: int = 0) -> LikelihoodModel:
        return cls(
            version=version,
            kind=kind,
            theta=np.asarray(params["theta"], dtype=float),
            cov=np.asarray(params["cov"], dtype=float),
            outcomes=outcomes,
        )


def fit(
    features: pd.DataFrame,
    outcome: np.ndarray,
    *,
    ridge: float = DEFAULT_RIDGE,
    iterations: int = 25,
    prefix: str = "cal",
) -> LikelihoodModel:
    """Calibrate `theta` on resolved outcomes (1 = resolved within 180 days)."""
    y = np.asarray(outcome, dtype=float)
    z = design_matrix(features)
    offset = prior_offset(features)
    theta = np.zeros(K)
    penalty = ridge * np.eye(K)
    hessian = penalty
    for _ in range(iterations):
        p = _sigmoid(offset + z @ theta)
        gradient = z.T @ (p - y) + penalty @ theta
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        theta = theta - step
        if np.max(np.abs(step)) < 1e-8:
            break
    cov = np.linalg.inv(hessian)
    digest = hashlib.sha256(json.dumps(theta.round(6).tolist()).encode()).hexdigest()[:8]
    return LikelihoodModel(
        version=f"{prefix}-{len(y)}-{digest}", kind="calibrated", theta=theta, cov=cov, outcomes=len(y)
    )


def enough_outcomes(outcome: np.ndarray) -> bool:
    y = np.asarray(outcome)
    positives = int(y.sum())
    return len(y) >= MIN_OUTCOMES and positives >= MIN_EACH_CLASS and len(y) - positives >= MIN_EACH_CLASS

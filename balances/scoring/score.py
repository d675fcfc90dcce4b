"""Pure, vectorised scoring: a frame of ledger columns in, probability / expected / segment out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from balances.scoring.features import compute_features
from balances.scoring.model import LikelihoodModel
from balances.scoring.segments import assign_segments


def score_frame(frame: pd.DataFrame, model: LikelihoodModel) -> pd.DataFrame:
    """Columns: probability, expected_cents, segment, flags, age_days (int, -1 when unknown)."""
    features = compute_features(frame)
    probability = model.predict(features)
    amount = features["amount_cents"].to_numpy()
    return pd.DataFrame(
        {
            "probability": probability,
            "expected_cents": np.rint(probability * amount).astype(np.int64),
            "segment": assign_segments(features, probability),
            "flags": features["flags"].to_numpy(),
            "age_days": np.where(
                features["age_known"].to_numpy(), features["age_days"].to_numpy(), -1
            ).astype(np.int64),
        },
        index=frame.index,
    )

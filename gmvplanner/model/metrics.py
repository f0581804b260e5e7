"""How good a fitted model is: holdout error measures and feature importances."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .bundle import SubcategoryModel

__all__ = ["metrics", "feature_importances"]


def metrics(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """WAPE, MAPE (both as fractions) and R² of weekly GMV."""
    actual, predicted = np.asarray(actual, float), np.asarray(predicted, float)
    err = np.abs(actual - predicted)
    ok = actual > 0
    ss_res = float(((actual - predicted) ** 2).sum())
    ss_tot = float(((actual - actual.mean()) ** 2).sum())
    return {
        "wape": float(err.sum() / actual.sum()) if actual.sum() > 0 else float("nan"),
        "mape": float((err[ok] / actual[ok]).mean()) if ok.any() else float("nan"),
        "r2": 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan"),
    }


def feature_importances(bundle: SubcategoryModel) -> pd.DataFrame:
    """subcategory, feature, importance (sums to 1), most important first."""
    weight = bundle.estimator.importances()
    total = weight.sum()
    frame = pd.DataFrame(
        {
            "subcategory": bundle.subcategory,
            "feature": list(weight.index),
            "importance": weight.to_numpy() / total if total > 0 else weight.to_numpy(),
        }
    )
    return frame.sort_values("importance", ascending=False, ignore_index=True)

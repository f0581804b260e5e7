"""Per-subcategory encoders of the categorical levers (product vertical, payment type) and their mixes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder

__all__ = ["SubcategoryEncoders", "fit_encoders"]


@dataclass
class SubcategoryEncoders:
    """Fitted encoders for one subcategory's categorical levers (mixes are mean one-hot rows)."""

    vertical: OneHotEncoder
    payment: OneHotEncoder

    def mix_columns(self) -> list[str]:
        return [f"mix_{n}" for n in self.vertical.get_feature_names_out(["vertical"])] + [
            f"mix_{n}" for n in self.payment.get_feature_names_out(["payment"])
        ]

    def vertical_names(self) -> list[str]:
        """The verticals this encoder knows, as a user would name them."""
        return [str(v) for v in self.vertical.categories_[0] if v != "unknown"]

    def mix(self, kind: str, weights: dict[str, float]) -> np.ndarray:
        """Encode a mix such as {'Lens': 0.6, 'Flash': 0.4} into the encoder's columns (weights normalised)."""
        enc = self.vertical if kind == "vertical" else self.payment
        names = list(weights)
        w = np.array([weights[n] for n in names], dtype=float)
        if w.sum() <= 0:
            raise ValueError(f"{kind} mix weights must add up to more than 0")
        onehot = enc.transform(pd.DataFrame({kind: names}))
        return (w[:, None] * onehot).sum(axis=0) / w.sum()


def _encoder() -> OneHotEncoder:
    return OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=8, sparse_output=False)


def fit_encoders(mix: pd.DataFrame, subcategory: str) -> SubcategoryEncoders:
    """Fit the vertical and payment-type encoders on one subcategory's valid orders, from their counts
    (`OrderAggregate.mix`: kind, value, n). The encoder sees each value as often as orders have it (scaled down
    to about a million rows for very large data), so it keeps the same frequent categories as on the orders."""
    sub = mix.loc[mix["subcategory"] == subcategory]
    fitted = {}
    for kind in ("vertical", "payment"):
        counts = sub.loc[sub["kind"] == kind].groupby("value")["n"].sum()
        if counts.empty:
            counts = pd.Series({"unknown": 1})
        scale = max(1.0, counts.sum() / 1_000_000)
        # one value (a shop export without this column is all 'unknown'): one row fits the same encoder
        repeats = np.maximum(1, np.round(counts.to_numpy() / scale)).astype(int) if len(counts) > 1 else np.ones(1, int)
        values = np.repeat(counts.index.to_numpy(dtype=object), repeats)
        fitted[kind] = _encoder().fit(pd.DataFrame({kind: values}))
    return SubcategoryEncoders(vertical=fitted["vertical"], payment=fitted["payment"])

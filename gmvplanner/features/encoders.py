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
    (`OrderAggregate.mix`: kind, value, n).

    With `max_categories` (and no `min_frequency`) an encoder's frequent categories depend only on the order of
    the counts, so it sees each value as many times as its dense rank by count (equal counts alike): the same
    categories as on every order, from a few dozen rows instead of up to a million (1.5 s of a default
    training went on counting those)."""
    sub = mix.loc[mix["subcategory"] == subcategory]
    fitted = {}
    for kind in ("vertical", "payment"):
        counts = sub.loc[sub["kind"] == kind].groupby("value")["n"].sum()
        if counts.empty:
            counts = pd.Series({"unknown": 1})
        repeats = counts.rank(method="dense").to_numpy(int)
        values = np.repeat(counts.index.to_numpy(dtype=object), repeats)
        fitted[kind] = _encoder().fit(pd.DataFrame({kind: values}))
    return SubcategoryEncoders(vertical=fitted["vertical"], payment=fitted["payment"])

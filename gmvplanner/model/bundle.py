"""The saved per-group bundle (`SubcategoryModel`): the fitted model, its feature spec, the carry-over stock at the
end of training and the recent lever values that scenarios default to."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..features.design import FeatureSpec
from .base import GmvModel, Predictive

__all__ = ["SubcategoryModel"]


@dataclass
class SubcategoryModel:
    """What prediction needs for one subcategory (or weekly-table group): the model and its features."""

    subcategory: str
    estimator: GmvModel  # any registered model kind
    spec: FeatureSpec
    carry_out: dict[str, float]  # adstock stock per channel after the last trained week
    last_week: pd.Timestamp
    lever_defaults: dict[str, float] = field(default_factory=dict)  # recent means of the controls
    spend_share: float = 0.0  # share of company spend this group receives in scenarios

    @property
    def feature_names(self) -> list[str]:
        return self.estimator.feature_names

    def carry_in(self, first_week: pd.Timestamp) -> dict[str, float] | None:
        """The trained stock, decayed over any weeks between the end of training and `first_week`
        (None: the scenario starts inside the training weeks, so the stock starts at its first rate)."""
        gap = (pd.Timestamp(first_week) - self.last_week).days // 7
        if gap < 1:
            return None
        return {c: s * self.spec.decay[c] ** (gap - 1) for c, s in self.carry_out.items()}

    def predictive(self, X: pd.DataFrame) -> Predictive:
        return self.estimator.predictive(X)

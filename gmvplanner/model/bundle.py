"""The saved per-group bundle (`SubcategoryModel`): the fitted model, its feature spec, the carry-over stock at the
end of training and the recent lever values that scenarios default to."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dates import DAYS_PER_WEEK
from ..features.design import FeatureSpec
from .base import GmvModel, Predictive
from .forecast_choice import ForecastBlend

__all__ = ["SubcategoryModel", "EXTRAPOLATION_FLOOR"]

# a control outside its training range is held at the edge, and the interval widens by what moving it one more
# range-width could do: the model's own change across the range, and at least this share of the forecast (a model
# that found no effect inside the range cannot know there is none beyond it)
EXTRAPOLATION_FLOOR = 0.05


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
    forecast: ForecastBlend | None = None  # the forecaster chosen by time-ordered CV, and its calibrated interval

    @property
    def feature_names(self) -> list[str]:
        return self.estimator.feature_names

    def carry_in(self, first_week: pd.Timestamp) -> dict[str, float] | None:
        """The trained stock, decayed over any weeks between the end of training and `first_week`
        (None: the scenario starts inside the training weeks, so the stock starts at its first rate)."""
        gap = (pd.Timestamp(first_week) - self.last_week).days // DAYS_PER_WEEK
        if gap < 1:
            return None
        return {c: s * self.spec.decay[c] ** (gap - 1) for c, s in self.carry_out.items()}

    def predictive(
        self, X: pd.DataFrame, excess: pd.DataFrame | None = None, weeks: pd.Series | pd.DatetimeIndex | None = None
    ) -> Predictive:
        """The predictive distribution of GMV per day for design `X`: with the `weeks` the rows are (consecutive),
        the chosen forecaster's with its calibrated interval, else the model kind's own. With `excess`
        (`features.design.range_excess` of the same rows) the noise grows with how far each control lies outside
        its training range."""
        base = self.estimator.predictive(X)
        if self.forecast is not None and weeks is not None:
            base = self.forecast.predictive(base, X, weeks)
        else:  # sales cannot fall below zero, whatever a linear part says
            base = Predictive(np.maximum(base.draws, 0.0), base.noise_sd, base.noise_corr)
        if excess is None or not excess.to_numpy().any():
            return base
        extra = self._extrapolation_sd(X, excess, base.mean)
        return Predictive(base.draws, np.sqrt(base.noise_sd**2 + extra**2), base.noise_corr)

    def _extrapolation_sd(self, X: pd.DataFrame, excess: pd.DataFrame, mean: np.ndarray) -> np.ndarray:
        """Per row, GMV per day: for each control outside its range, the distance in range widths times the larger
        of the model's change across the range (that row, the control at the low and at the high edge) and
        EXTRAPOLATION_FLOOR of the forecast; added in quadrature."""
        variance = np.zeros(len(X))
        for col in excess.columns:
            distance = np.abs(excess[col].to_numpy(float))
            if col not in X or not distance.any():
                continue
            low, high = self.spec.control_ranges[col]
            edges = pd.concat([X.assign(**{col: low}), X.assign(**{col: high})], ignore_index=True)
            at = self.estimator.predict(edges).reshape(2, len(X))
            change = np.maximum(np.abs(at[1] - at[0]), EXTRAPOLATION_FLOOR * np.abs(mean))
            variance += (change * distance) ** 2
        return np.sqrt(variance)

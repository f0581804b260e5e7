"""A time-series baseline for the forecaster choice: exponential smoothing of GMV per day by week (statsmodels).

It sees only the past of the series (no spend, no levers, no calendar), so it is what a forecast is worth when
the drivers explain little: a damped trend, and a yearly season once there are two years of weeks.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..dates import DAYS_PER_WEEK

__all__ = ["SeasonalLevel", "SEASON_WEEKS"]

SEASON_WEEKS = 52  # a yearly season in weeks; fitted only with two full seasons of history
FORECAST_WEEKS = 520  # the path kept for prediction: ten years ahead (further weeks take its last value)


class SeasonalLevel:
    """Holt-Winters exponential smoothing (additive damped trend, additive yearly season with 104+ weeks) of a
    weekly series of GMV per day; predicts any week by its position in the fitted weeks or after them."""

    def fit(self, weeks: pd.DatetimeIndex | pd.Series, rate: np.ndarray) -> SeasonalLevel:
        """Fit on consecutive weeks' GMV per day (blanks, i.e. weeks without GMV, are interpolated)."""
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        y = pd.Series(np.asarray(rate, float)).interpolate(limit_direction="both").to_numpy()
        seasonal = len(y) >= 2 * SEASON_WEEKS
        with warnings.catch_warnings():  # convergence chatter on short or flat series: the CV judges the result
            warnings.simplefilter("ignore")
            fitted = ExponentialSmoothing(
                y,
                trend="add" if len(y) >= 10 else None,
                damped_trend=len(y) >= 10,
                seasonal="add" if seasonal else None,
                seasonal_periods=SEASON_WEEKS if seasonal else None,
                initialization_method="estimated",
            ).fit()
        self.first_week_ = pd.Timestamp(pd.DatetimeIndex(weeks)[0])
        self.fitted_ = np.asarray(fitted.fittedvalues, float)
        self.path_ = np.asarray(fitted.forecast(FORECAST_WEEKS), float)
        return self

    def predict(self, weeks: pd.DatetimeIndex | pd.Series) -> np.ndarray:
        """GMV per day for each week: the one-step fitted value inside the fitted weeks, the forecast after them
        (weeks before the first take the first fitted value)."""
        steps = np.round((pd.DatetimeIndex(weeks) - self.first_week_).days.to_numpy() / DAYS_PER_WEEK).astype(int)
        n = len(self.fitted_)
        inside = self.fitted_[np.clip(steps, 0, n - 1)]
        ahead = self.path_[np.clip(steps - n, 0, len(self.path_) - 1)]
        return np.where(steps < n, inside, ahead)

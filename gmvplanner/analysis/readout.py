"""Reading out a finished lift test: the tested GMV against a counterfactual from a structural time series
(CausalImpact-style, statsmodels' UnobservedComponents), the test's delta_gmv and sigma, and whether the design
could have seen the effect (pre-period fit, placebo windows of the same length before the test)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..config import INTERVAL_COVERAGE, SEED
from ..errors import InputError

__all__ = [
    "Counterfactual",
    "Placebos",
    "counterfactual",
    "placebos",
    "MIN_PRE_WEEKS",
    "PLACEBO_WINDOWS",
    "SIMULATIONS",
]

MIN_PRE_WEEKS = 26  # weeks fitted before a window: half a year, so the level and the regressors' weights separate
PLACEBO_WINDOWS = 8  # windows of the test's length before it, each read out as if it were a test (true effect 0)
SIMULATIONS = 2000  # paths simulated from the fitted model for the variance of the test's summed effect (MC error ~2%)
Z80 = NormalDist().inv_cdf(0.5 + INTERVAL_COVERAGE / 2)  # half-width of a central 80% interval in standard errors


@dataclass(frozen=True)
class Counterfactual:
    """One window read out against its counterfactual (amounts in the GMV's unit, ₹ for ElecKart).

    Attributes:
        weeks: the window's weeks; actual, predicted: the tested GMV per week and the counterfactual's forecast.
        delta: actual - counterfactual summed over the window (the test's delta_gmv); sigma: its standard error
            from the forecast's variance (the level's and the regressors' weights' uncertainty, and the weeks' noise).
        pre_wape: the fit before the window, one-step-ahead WAPE (%, the model's forecast of each week from those
            before it, the first 4 weeks left out while the filter settles).
    """

    weeks: pd.DatetimeIndex
    actual: np.ndarray
    predicted: np.ndarray
    delta: float
    sigma: float
    pre_wape: float

    @property
    def interval(self) -> tuple[float, float]:
        """The central 80% interval of delta."""
        return self.delta - Z80 * self.sigma, self.delta + Z80 * self.sigma


def _check(y: pd.Series, regressors: pd.DataFrame | None, test: np.ndarray) -> None:
    """Refuse a series too short before the window, or with gaps, naming what to change."""
    first = int(np.flatnonzero(test)[0]) if test.any() else len(y)
    if not test.any():
        raise InputError("--test", "no week of the orders falls inside the test's dates")
    if first < MIN_PRE_WEEKS:
        raise InputError(
            "--orders",
            f"only {first} weeks before the test; the counterfactual needs at least {MIN_PRE_WEEKS}: give orders from earlier",
        )
    if not np.isfinite(y.to_numpy(float)).all() or (regressors is not None and not np.isfinite(regressors.to_numpy(float)).all()):
        raise InputError("--orders", "a week without GMV in the tested or the control series; the weeks must be complete")


def _model(y: np.ndarray, x: np.ndarray | None):
    """A local level with the regressors' weights as states (their uncertainty then enters the forecast)."""
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    return UnobservedComponents(y, level="llevel", exog=x, mle_regression=False)


def _fit(y: np.ndarray, x: np.ndarray | None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short series; the placebos judge the fit
        return _model(y, x).fit(disp=False, maxiter=200)


def counterfactual(y: pd.Series, regressors: pd.DataFrame | None, test: np.ndarray, seed: int = SEED) -> Counterfactual:
    """Read out the weeks where `test` is True: fit on the weeks before them, forecast them, delta = actual - forecast.

    `y`: the tested GMV per week (index: week_start); `regressors`: series the test did not touch (the non-tested
    subcategories' GMV, the model's own prediction), same index, or None; `test`: the window's weeks (contiguous).
    Weeks after the window are not used. Series are scaled by the pre-period's mean so the fit is well-conditioned.
    """
    test = np.asarray(test, bool)
    _check(y, regressors, test)
    first = int(np.flatnonzero(test)[0])
    last = int(np.flatnonzero(test)[-1]) + 1
    scale = float(np.abs(y.iloc[:first]).mean()) or 1.0
    yy = y.to_numpy(float) / scale
    x = None
    if regressors is not None and regressors.shape[1]:
        raw = regressors.to_numpy(float)
        mean, sd = raw[:first].mean(axis=0), raw[:first].std(axis=0)
        x = (raw - mean) / np.where(sd > 0, sd, 1.0)
    result = _fit(yy[:first], None if x is None else x[:first])
    steps = last - first
    future = None if x is None else x[first:last]
    forecast = result.get_forecast(steps, exog=future).predicted_mean
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paths = result.simulate(steps, anchor="end", repetitions=SIMULATIONS, exog=future, rng=rng)
    sums = np.asarray(paths).reshape(steps, -1).sum(axis=0)
    one_step = np.asarray(result.fittedvalues)[4:]
    seen = yy[4:first]
    wape = float(np.abs(seen - one_step).sum() / np.abs(seen).sum() * 100) if len(seen) else np.nan
    actual = yy[first:last]
    return Counterfactual(
        weeks=pd.DatetimeIndex(y.index[first:last]),
        actual=actual * scale,
        predicted=np.asarray(forecast) * scale,
        delta=float((actual - forecast).sum() * scale),
        sigma=float(sums.std(ddof=1) * scale),
        pre_wape=wape,
    )


@dataclass(frozen=True)
class Placebos:
    """Windows of the test's length before it, each read out as if it were a test (the true effect there is 0).

    Attributes:
        deltas, sigmas: each placebo's estimated delta and standard error.
        spread: the placebos' root-mean-square delta: what chance alone shows over a window this long.
        covered: the share of placebo intervals (80%) holding 0; near 0.8 when the sigma is honest.
    """

    deltas: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sigmas: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def spread(self) -> float:
        return float(np.sqrt(np.mean(self.deltas**2))) if len(self.deltas) else np.nan

    @property
    def covered(self) -> float:
        return float(np.mean(np.abs(self.deltas) <= Z80 * self.sigmas)) if len(self.deltas) else np.nan

    def share_as_large(self, delta: float) -> float:
        """The share of placebo windows whose |delta| reaches the test's (a placebo p-value)."""
        return float(np.mean(np.abs(self.deltas) >= abs(delta))) if len(self.deltas) else np.nan


def placebos(
    y: pd.Series, regressors: pd.DataFrame | None, test: np.ndarray, windows: int = PLACEBO_WINDOWS, seed: int = SEED
) -> Placebos:
    """Up to `windows` placebo windows of the test's length, ending before the test and not overlapping one another,
    the latest first, each with at least MIN_PRE_WEEKS weeks before it."""
    test = np.asarray(test, bool)
    first, length = int(np.flatnonzero(test)[0]), int(test.sum())
    deltas: list[float] = []
    sigmas: list[float] = []
    end = first
    while len(deltas) < windows and end - length >= MIN_PRE_WEEKS:
        mask = np.zeros(len(y), bool)
        mask[end - length : end] = True
        found = counterfactual(y, regressors, mask, seed=seed + len(deltas) + 1)
        deltas.append(found.delta)
        sigmas.append(found.sigma)
        end -= length
    return Placebos(np.array(deltas), np.array(sigmas))

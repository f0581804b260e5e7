"""What the budget optimiser maximises, as objects: the expected uplift over the historical split (with the optional
risk term and the weight on new customers' GMV), and for a forest the smooth curves that stand in for it."""

from __future__ import annotations

import numpy as np
from scipy.optimize import curve_fit

from ...config import ROBUST_QUANTILE, UPLIFT_SPREAD_INFLATION
from .scoring import PlanScorer

__all__ = ["Objective", "CurveSurrogate", "SURROGATE_POINTS", "hill_curve"]

SURROGATE_POINTS = 9  # spend levels per channel at which the forest's response is sampled for its surrogate curve


class Objective:
    """The uplift of plans over the historical split at its `quantile` over the bootstrap refits of the channel
    effects (the point estimate for a model without them; with `risk_aversion` > 0 the mean less that many spreads
    instead), plus `extra` (per channel) times each channel's own expected gain when new customers' GMV is weighted.

    A low quantile, not the mean, is what keeps the advice from losing money: the historical split scores 0 in every
    refit, so a plan scores above it only when it beats it in at least 1 - `quantile` of the refits, and the move
    stops where the refits stop agreeing (issue 31). `quantile` None is the mean.

    Each plan's uplift over the refits is first widened around its median by `inflation`: the refits hold the
    curve's form and the carry-over fixed and cannot see spend confounded with demand, so on worlds the model was not
    built for they agreed far more often than the truth did (stated P(beats) 0.98, true 0.75; bench/tune_optimiser).

    Plans are channel totals over the horizon (input money unit), one plan per row.
    """

    def __init__(
        self,
        scorer: PlanScorer,
        historical: np.ndarray,
        risk_aversion: float = 0.0,
        extra: np.ndarray | None = None,
        quantile: float | None = ROBUST_QUANTILE,
        inflation: float = UPLIFT_SPREAD_INFLATION,
    ):
        self.scorer, self.historical = scorer, historical
        self.risk_aversion, self.extra, self.quantile, self.inflation = risk_aversion, extra, quantile, inflation
        self.historical_draws = scorer.draws(historical)
        self.historical_gmv = float(scorer.totals(historical)[0])
        self.historical_mean = float(self.historical_draws.mean()) if self.historical_draws is not None else self.historical_gmv

    def expected(self) -> Objective:
        """The same objective on the expected uplift over the refits as they are (no quantile, no widening): smooth,
        so a gradient solver can find the direction of the move."""
        same = Objective.__new__(Objective)
        same.__dict__.update(self.__dict__)
        same.quantile, same.inflation, same.risk_aversion = None, 1.0, 0.0
        return same

    @property
    def n_draws(self) -> int | None:
        """How many bootstrap refits the expectation is over (None: the point estimate)."""
        return None if self.historical_draws is None else self.historical_draws.shape[1]

    def uplift(self, plans: np.ndarray) -> np.ndarray:
        """The expected uplift less the risk term, without the new-customer weight."""
        if self.historical_draws is None:
            return self.scorer.totals(plans) - self.historical_gmv
        uplift = self._widened(self.scorer.draws(plans) - self.historical_draws)
        if self.risk_aversion > 0 or self.quantile is None:
            return uplift.mean(axis=1) - self.risk_aversion * uplift.std(axis=1)
        return np.quantile(uplift, self.quantile, axis=1)

    def _widened(self, uplift: np.ndarray) -> np.ndarray:
        """Each row's draws spread `inflation` times as far from its median (the median stays)."""
        if self.inflation == 1.0:
            return uplift
        middle = np.median(uplift, axis=1, keepdims=True)
        return middle + self.inflation * (uplift - middle)

    def uplift_draws(self, plan: np.ndarray) -> np.ndarray | None:
        """The uplift of one plan under every refit, widened by `inflation` (None without refits)."""
        if self.historical_draws is None:
            return None
        return self._widened(self.scorer.draws(plan) - self.historical_draws)[0]

    def channel_gains(self, plans: np.ndarray) -> np.ndarray:
        """Each channel's expected GMV gain over the historical split when only it moves to its amount in each
        plan, shape (plans, channels)."""
        plans = np.atleast_2d(plans)
        n = len(self.historical)
        variants = np.repeat(self.historical[None, :], len(plans) * n, axis=0)
        rows = np.arange(len(plans) * n)
        variants[rows, np.tile(np.arange(n), len(plans))] = plans.ravel()
        draws = self.scorer.draws(variants)
        moved = draws.mean(axis=1) if draws is not None else self.scorer.totals(variants)
        return moved.reshape(len(plans), n) - self.historical_mean

    def values(self, plans: np.ndarray) -> np.ndarray:
        """The objective of each plan."""
        value = self.uplift(plans)
        return value if self.extra is None else value + self.channel_gains(plans) @ self.extra

    def value(self, plan: np.ndarray) -> float:
        return float(self.values(plan)[0])

    def value_and_gradient(self, x: np.ndarray, step: float) -> tuple[float, np.ndarray]:
        """The objective at `x` and its forward-difference gradient with steps of `step`; a channel's own gain
        moves only with its own amount, so the new-customer term needs one more plan, not one per channel."""
        values = self.uplift(np.vstack([x, x + step * np.eye(len(x))]))
        value, grad = values[0], (values[1:] - values[0]) / step
        if self.extra is not None:
            gains = self.channel_gains(np.vstack([x, x + step]))
            value, grad = value + gains[0] @ self.extra, grad + self.extra * (gains[1] - gains[0]) / step
        return value, grad


def hill_curve(x: np.ndarray | float, a: float, k: float) -> np.ndarray | float:
    """A concave response a * x / (x + k)."""
    return a * x / (x + k)


class CurveSurrogate:
    """Per-channel concave curves fitted to a forest's response (each channel swept from 0 to its upper bound,
    the others held at the start split): a smooth stand-in for a step function the solver cannot climb."""

    def __init__(self, scorer: PlanScorer, start: np.ndarray, hi: np.ndarray, extra: np.ndarray | None = None):
        n = len(start)
        k = SURROGATE_POINTS
        grids = [np.linspace(0.0, max(hi[j], 1e-9), k) for j in range(n)]
        plans = np.repeat(start[None, :], k * n, axis=0)
        for j in range(n):
            plans[k * j : k * (j + 1), j] = grids[j]
        values = scorer.totals(plans).reshape(n, k)
        self.curves = [_fit_curve(grids[j], values[j] - values[j][0]) for j in range(n)]
        if extra is not None:
            self.curves = [(a * (1.0 + extra[j]), k) for j, (a, k) in enumerate(self.curves)]

    def value_and_gradient(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        value = sum(hill_curve(x[j], a, k) for j, (a, k) in enumerate(self.curves))
        grad = np.array([a * k / (x[j] + k) ** 2 for j, (a, k) in enumerate(self.curves)])
        return float(value), grad


def _fit_curve(grid: np.ndarray, gain: np.ndarray) -> tuple[float, float]:
    """(a, k) of the concave curve through one channel's sampled gains; flat when no curve fits."""
    top = grid[-1]
    try:
        (a, k), _ = curve_fit(
            hill_curve,
            grid,
            gain,
            p0=(max(gain.max(), 1.0) * 2, top / 2),
            bounds=([0.0, top * 1e-3], [np.inf, top * 100]),
            maxfev=5000,
        )
    except (RuntimeError, ValueError):
        a, k = 0.0, top
    return float(a), float(k)

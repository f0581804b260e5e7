"""Choosing each channel's carry-over and saturation curve (and the controls' ridge) by time-ordered cross-validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit

from ...config import DECAY_GRID, NEAR_TIE_WAPE, SLOPE_GRID
from ...features.transforms import geometric_adstock, hill
from .solver import ProjectedSolve

__all__ = [
    "SearchGroup",
    "MediaParams",
    "choose_media_params",
    "positive_spend_level",
    "HALF_SATURATION_GRID",
    "RIDGE_GRID",
    "START_DECAY",
    "START_MULTIPLE",
]

HALF_SATURATION_GRID = (0.25, 0.5, 1.0, 2.0, 4.0)  # multiples of the channel's mean positive spend per day
RIDGE_GRID = (0.001, 0.01, 0.03, 0.1, 0.3)  # shrinkage of the standardised controls
START_DECAY, START_MULTIPLE, START_SLOPE = 0.4, 1.0, 1.0  # where every channel's search starts
CV_TEST_WEEKS = 8  # weeks per time-ordered CV fold when the data allow it

Splits = list[tuple[np.ndarray, np.ndarray]]
Curve = tuple[float, float]  # (half-saturation multiple, slope)


class SearchGroup(NamedTuple):
    """One group's training weeks as the search sees them."""

    rates: pd.DataFrame  # spend per day per channel
    controls: pd.DataFrame  # the other features
    y: np.ndarray  # GMV per day (NaN for weeks without GMV: they carry the stock on but are not scored)
    days: np.ndarray  # days per week


class MediaParams(NamedTuple):
    """The search's answer, shared by all groups."""

    decay: dict[str, float]  # channel -> weekly carry-over decay
    half_saturation_multiple: dict[str, float]  # channel -> half-saturation / mean positive spend per day
    ridge: float  # shrinkage of the standardised controls
    slope: dict[str, float] = {}  # channel -> Hill slope (1 when absent: plain diminishing returns)
    near_ties: dict[str, list[Curve]] = {}  # channel -> saturation curves the CV cannot tell from the chosen one


def positive_spend_level(rates: pd.DataFrame, channels: list[str]) -> dict[str, float]:
    """Each channel's mean spend per day over the weeks it had spend (1.0 for a channel never used)."""
    return {c: float(rates[c][rates[c] > 0].mean()) if (rates[c] > 0).any() else 1.0 for c in channels}


def _time_splits(n: int, n_splits: int) -> Splits:
    """Expanding-window folds of 8 weeks at the end of the training weeks (shorter when data are short).

    Short test blocks let the earliest fold still train on most of the weeks: with ~35 coefficients,
    a fold trained on half the data is too noisy to rank carry-over and saturation choices.
    """
    test = CV_TEST_WEEKS if n >= CV_TEST_WEEKS * n_splits + 40 else max(4, n // (n_splits + 3))
    k = min(n_splits, max(2, (n - 20) // test))
    return list(TimeSeriesSplit(n_splits=k, test_size=test).split(np.arange(n)))


class _Fold:
    """One CV fold: the training rows' `solver.ProjectedSolve` (worked out once for the thousands of media choices
    the search scores) and the test rows."""

    def __init__(self, controls: np.ndarray, y: np.ndarray, days: np.ndarray, train: np.ndarray, test: np.ndarray, ridge: float):
        mean, spread = controls[train].mean(axis=0), controls[train].std(axis=0)
        z = (controls - mean) / np.where(spread > 0, spread, 1.0)
        self.solver = ProjectedSolve(np.column_stack([np.ones(len(train)), z[train]]), y[train], ridge)
        self.train, self.test = train, test
        self.test_free = np.column_stack([np.ones(len(test)), z[test]])
        self.y_test, self.days_test = y[test], days[test]

    def abs_error(self, media: np.ndarray) -> float:
        """Summed absolute error (GMV) on the test weeks of the fit with these media columns."""
        coef, free_coef = self.solver.solve(media[self.train])
        pred = self.test_free @ free_coef + media[self.test] @ coef
        return float(np.abs((pred - self.y_test) * self.days_test).sum())


@dataclass
class _Prepared:
    """One group ready for scoring: carry-over columns for every decay tried, folds and the group's weight."""

    stock: dict[tuple[str, float], np.ndarray]  # (channel, decay) -> carry-over of the scored weeks
    level: dict[str, float]
    controls: np.ndarray
    y: np.ndarray
    days: np.ndarray
    splits: Splits
    weight: float  # the group's GMV: groups' CV errors are averaged with it
    folds: dict[float, list[_Fold]] = field(default_factory=dict)  # ridge -> cached folds
    columns: dict[tuple[str, float, Curve], np.ndarray] = field(default_factory=dict)  # computed media columns

    def column(self, c: str, decay: float, curve: Curve) -> np.ndarray:
        """Channel `c`'s media column with this carry-over and curve, computed once (the descent asks for each
        about thirty times: every other channel's trial keeps it)."""
        key = (c, decay, curve)
        if key not in self.columns:
            self.columns[key] = hill(self.stock[(c, decay)], curve[0] * self.level[c], curve[1])
        return self.columns[key]

    def cv_wape(self, media: np.ndarray, ridge: float) -> float:
        """Time-ordered CV WAPE of the regression with these media columns."""
        if ridge not in self.folds:
            self.folds[ridge] = [_Fold(self.controls, self.y, self.days, tr, te, ridge) for tr, te in self.splits]
        err = sum(f.abs_error(media) for f in self.folds[ridge])
        total = sum(float(np.abs(f.y_test * f.days_test).sum()) for f in self.folds[ridge])
        return err / total if total > 0 else np.inf


def _prepare(group: SearchGroup, channels: list[str], decay_options: dict[str, tuple[float, ...]], n_splits: int) -> _Prepared:
    y = np.asarray(group.y, float)
    fit = np.isfinite(y)  # weeks without GMV carry the stock on but are not scored
    rates = group.rates
    stock = {
        (c, d): geometric_adstock(rates[c].to_numpy(float), d, initial=float(rates[c].iloc[0]))[fit]
        for c in channels
        for d in decay_options[c]
    }
    days = np.asarray(group.days, float)[fit]
    return _Prepared(
        stock=stock,
        level=positive_spend_level(rates, channels),
        controls=group.controls.to_numpy(float)[fit],
        y=y[fit],
        days=days,
        splits=_time_splits(int(fit.sum()), n_splits),
        weight=float(np.abs(y[fit] * days).sum()),
    )


class _Score:
    """The summed, GMV-weighted time-ordered CV WAPE of every group for one choice of transforms and ridge.

    Each group's media columns are computed once per (channel, carry-over, curve), so trying one channel's
    alternative computes at most one new column."""

    def __init__(self, prepared: list[_Prepared], channels: list[str]):
        self.prepared, self.channels = prepared, channels
        self.total_weight = sum(p.weight for p in prepared)

    def __call__(self, decay: dict[str, float], curve: dict[str, Curve], ridge: float) -> float:
        total = 0.0
        for p in self.prepared:
            columns = [p.column(c, decay[c], curve[c]) for c in self.channels]
            media = np.column_stack(columns) if columns else np.zeros((len(p.y), 0))
            total += p.weight * p.cv_wape(media, ridge)
        return total / self.total_weight


def _near_ties(
    score: _Score,
    decay: dict[str, float],
    curve: dict[str, Curve],
    ridge: float,
    options: dict[str, list[Curve]],
    best: float,
    tolerance: float,
) -> dict[str, list[Curve]]:
    """Per channel, the saturation curves (at its chosen carry-over, the others held) whose CV WAPE is within
    `tolerance` of the best: the curves the data cannot tell apart, which the bootstrap redraws."""
    ties = {}
    for c, choices in options.items():
        close = [k for k in choices if k == curve[c] or score(decay, {**curve, c: k}, ridge) <= best + tolerance]
        ties[c] = close
    return ties


def _curve_options(
    channels: list[str], start: dict[str, Curve], fixed_multiple: dict[str, float], slope_grid: tuple[float, ...]
) -> dict[str, list[Curve]]:
    """The saturation curves searched per channel: every (multiple, slope) of the grids, or only the start for a
    channel whose multiple the analyst fixed."""
    grid = [(m, k) for k in slope_grid for m in HALF_SATURATION_GRID]
    return {c: [start[c]] if c in fixed_multiple else grid for c in channels}


def _descend_once(
    score: _Score,
    decay: dict[str, float],
    curve: dict[str, Curve],
    ridge: float,
    decay_options: dict[str, tuple[float, ...]],
    curve_options: dict[str, list[Curve]],
    best: float,
    min_gain: float,
) -> tuple[float, bool]:
    """One pass of coordinate descent over the channels: each channel's (decay, curve) moves to the grid value that
    lowers the CV WAPE by more than `min_gain` (`decay` and `curve` are updated in place). The new best score, and
    whether anything moved."""
    changed = False
    for c in decay:
        for d in decay_options[c]:
            for k in curve_options[c]:
                if d == decay[c] and k == curve[c]:
                    continue
                trial = score({**decay, c: d}, {**curve, c: k}, ridge)
                if trial < best - min_gain:
                    best, decay[c], curve[c], changed = trial, d, k, True
    return best, changed


def choose_media_params(
    groups: list[SearchGroup],
    n_splits: int = 5,
    passes: int = 2,
    min_gain: float = 0.001,
    fixed_decay: dict[str, float] | None = None,
    fixed_multiple: dict[str, float] | None = None,
    decay_grid: tuple[float, ...] = DECAY_GRID,
    slope_grid: tuple[float, ...] = SLOPE_GRID,
    near_tie_wape: float = NEAR_TIE_WAPE,
) -> MediaParams:
    """Per-channel decay and saturation curve (half-saturation multiple and Hill slope), shared by all groups, by
    coordinate descent on CV WAPE.

    Carry-over and saturation are properties of a channel, so they are chosen once from the summed time-ordered
    CV error of every group (three subcategories give three times the evidence); coefficients stay per group.
    The half-saturation is a multiple of each group's mean positive spend per day; the slope (from `slope_grid`)
    lets a curve be S-shaped. The ridge on the controls is chosen first, from RIDGE_GRID at the starting media
    values. Every channel starts at decay START_DECAY, multiple START_MULTIPLE and slope 1; a grid value replaces
    the current one only when it lowers the CV WAPE by more than `min_gain`, so the extra freedom of a slope is
    taken only when the held-out weeks ask for it. Values in `fixed_decay` / `fixed_multiple` (an analyst's, e.g.
    from a lift test) are kept as given and not searched (a fixed multiple keeps slope 1). `near_ties` lists the
    curves within `near_tie_wape` of the chosen one.
    """
    channels = list(groups[0].rates.columns)
    fixed_decay, fixed_multiple = fixed_decay or {}, fixed_multiple or {}
    decay = {c: fixed_decay.get(c, START_DECAY) for c in channels}
    curve: dict[str, Curve] = {c: (fixed_multiple.get(c, START_MULTIPLE), START_SLOPE) for c in channels}
    decay_options = {c: (decay[c],) if c in fixed_decay else decay_grid for c in channels}
    curve_options = _curve_options(channels, curve, fixed_multiple, slope_grid)
    score = _Score([_prepare(g, channels, decay_options, n_splits) for g in groups], channels)
    ridge = min(RIDGE_GRID, key=lambda r: score(decay, curve, r))
    best = score(decay, curve, ridge)
    for _ in range(passes):
        best, changed = _descend_once(score, decay, curve, ridge, decay_options, curve_options, best, min_gain)
        if not changed:
            break
    ties = _near_ties(score, decay, curve, ridge, curve_options, best, near_tie_wape)
    return MediaParams(decay, {c: curve[c][0] for c in channels}, ridge, {c: curve[c][1] for c in channels}, ties)

"""Choosing each channel's carry-over and saturation (and the controls' ridge) by time-ordered cross-validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit

from ...config import DECAY_GRID
from ...features.transforms import geometric_adstock, hill
from .solver import solve_one

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
START_DECAY, START_MULTIPLE = 0.4, 1.0  # where every channel's search starts
CV_TEST_WEEKS = 8  # weeks per time-ordered CV fold when the data allow it

Splits = list[tuple[np.ndarray, np.ndarray]]


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


def _cv_wape(media: np.ndarray, controls: np.ndarray, y: np.ndarray, days: np.ndarray, splits: Splits, ridge: float) -> float:
    """Time-ordered CV WAPE of the regression on prepared media and control columns."""
    err = total = 0.0
    for train, test in splits:
        mean, scale = controls[train].mean(axis=0), controls[train].std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        z = (controls - mean) / scale
        A = np.column_stack([np.ones(len(y)), media, z])
        coef = solve_one(A[train], y[train], media.shape[1], ridge)
        pred = A[test] @ coef
        err += np.abs((pred - y[test]) * days[test]).sum()
        total += np.abs(y[test] * days[test]).sum()
    return err / total if total > 0 else np.inf


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

    def media(self, channels: list[str], decay: dict[str, float], multiple: dict[str, float]) -> np.ndarray:
        return np.column_stack([hill(self.stock[(c, decay[c])], multiple[c] * self.level[c]) for c in channels])


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
    """The summed, GMV-weighted time-ordered CV WAPE of every group for one choice of transforms and ridge."""

    def __init__(self, prepared: list[_Prepared], channels: list[str]):
        self.prepared, self.channels = prepared, channels
        self.total_weight = sum(p.weight for p in prepared)

    def __call__(self, decay: dict[str, float], multiple: dict[str, float], ridge: float) -> float:
        return (
            sum(
                p.weight * _cv_wape(p.media(self.channels, decay, multiple), p.controls, p.y, p.days, p.splits, ridge)
                for p in self.prepared
            )
            / self.total_weight
        )


def choose_media_params(
    groups: list[SearchGroup],
    n_splits: int = 5,
    passes: int = 2,
    min_gain: float = 0.001,
    fixed_decay: dict[str, float] | None = None,
    fixed_multiple: dict[str, float] | None = None,
    decay_grid: tuple[float, ...] = DECAY_GRID,
) -> MediaParams:
    """Per-channel decay and half-saturation multiple, shared by all groups, by coordinate descent on CV WAPE.

    Carry-over and saturation are properties of a channel, so they are chosen once from the summed time-ordered
    CV error of every group (three subcategories give three times the evidence); coefficients stay per group.
    The half-saturation is a multiple of each group's mean positive spend per day. The ridge on the controls is
    chosen first, from RIDGE_GRID at the starting media values. Every channel starts at decay START_DECAY and
    multiple START_MULTIPLE; a grid value replaces the current one only when it lowers the CV WAPE by more than
    `min_gain`. Values in `fixed_decay` / `fixed_multiple` (an analyst's, e.g. from a lift test) are kept as given
    and not searched.
    """
    channels = list(groups[0].rates.columns)
    fixed_decay, fixed_multiple = fixed_decay or {}, fixed_multiple or {}
    decay = {c: fixed_decay.get(c, START_DECAY) for c in channels}
    mult = {c: fixed_multiple.get(c, START_MULTIPLE) for c in channels}
    decay_options = {c: (decay[c],) if c in fixed_decay else decay_grid for c in channels}
    mult_options = {c: (mult[c],) if c in fixed_multiple else HALF_SATURATION_GRID for c in channels}
    score = _Score([_prepare(g, channels, decay_options, n_splits) for g in groups], channels)
    ridge = min(RIDGE_GRID, key=lambda r: score(decay, mult, r))
    best = score(decay, mult, ridge)
    for _ in range(passes):
        changed = False
        for c in channels:
            for d in decay_options[c]:
                for m in mult_options[c]:
                    if d == decay[c] and m == mult[c]:
                        continue
                    trial = score({**decay, c: d}, {**mult, c: m}, ridge)
                    if trial < best - min_gain:
                        best, decay[c], mult[c], changed = trial, d, m, True
        if not changed:
            break
    return MediaParams(decay, mult, ridge)

"""Which forecast the weekly GMV figures use, chosen by time-ordered CV on the training weeks, and 80% intervals
calibrated on the same folds.

Three candidates forecast each fold's next CV_HORIZON weeks from the weeks before it, with the spend and levers
those weeks had (as the holdout is scored): the configured model kind, a Random Forest on the same features, and
exponential smoothing of the series alone (`seasonal_level`). The forecast is the blend of them with the lowest
pooled CV WAPE, on a grid of weights; an alternative pays SWITCH_COST per unit of weight it takes from the model,
so near ties keep the model, whose media part alone answers the channel questions (effects, curves, the optimiser).

The interval is split conformal: the 80% quantile of the blend's CV errors relative to its forecast, per group,
and the weeks' errors correlate as they did within the folds, which a total over weeks carries.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.ensemble import RandomForestRegressor

from ..config import HOLDOUT_WEEKS, INTERVAL_COVERAGE, NUMERIC_FLOOR, interval_quantiles
from ..features.design import design_matrix, observed
from .base import FittedGroup, GmvModel, Predictive
from .forest import make_forest, tree_predictions
from .seasonal_level import SeasonalLevel
from .train_config import TrainConfig

__all__ = [
    "MODEL",
    "FOREST",
    "SEASONAL",
    "CANDIDATES",
    "ForecastChoice",
    "ForecastBlend",
    "choose_forecast",
    "fit_blend",
    "CV_HORIZON",
    "CV_FOLDS",
]

MODEL, FOREST, SEASONAL = "model", "forest", "seasonal"
CANDIDATES = (MODEL, FOREST, SEASONAL)
CV_FOLDS = 3  # time-ordered folds, the last ones of the training weeks
# weeks each fold forecasts: the default holdout. 13 (a plan's length) was tried: on the real tables of
# bench/bench_forecast.py it chose worse blends (held-out WAPE brand_c 18.8% against 14.5%, oj_dominicks 83.8% against
# 58.1%) and covered no better, so intervals for plans longer than 8 weeks lean on the folds' shorter horizon
CV_HORIZON = HOLDOUT_WEEKS
WEIGHT_STEP = 0.25  # the blend's weights are multiples of this
# an alternative must lower the pooled CV WAPE by this much per unit of weight it takes from the model (half a
# point for all of it): with 3 folds of 8 weeks, smaller differences are noise, and the model answers for spend
SWITCH_COST = 0.005
# the folds' forests are small and the hybrid's backfitting stops after one round: the folds rank candidates and
# size the interval, they ship nothing (keeps the choice to a few seconds on the default data)
CV_TREES = 50
MIN_ERRORS = 10  # fewer CV errors than this in a group: its interval takes every group's errors
MAX_CORR = 0.95  # the weeks' error correlation is capped here (a total's variance stays finite and honest)


@dataclass(frozen=True)
class ForecastChoice:
    """The chosen blend and the evidence for it.

    Attributes:
        weights: candidate -> weight (sum 1).
        cv_wape: candidate, and "blend", -> pooled WAPE of the CV folds' forecasts (empty without folds).
        errors: group -> the blend's CV errors relative to its forecast (actual / forecast - 1), fold after fold.
        corr: lag-1 correlation of those errors within folds, in [0, MAX_CORR].
    """

    weights: dict[str, float]
    cv_wape: dict[str, float] = field(default_factory=dict)
    errors: dict[str, np.ndarray] = field(default_factory=dict)
    corr: float = 0.0

    def half_width(self, group: str) -> float | None:
        """The relative half-width of the 80% interval for `group` (split conformal), None without CV errors."""
        errors = self.errors.get(group, np.zeros(0))
        if len(errors) < MIN_ERRORS:
            errors = np.concatenate([np.zeros(0), *self.errors.values()])
        if len(errors) < MIN_ERRORS:
            return None
        n = len(errors)
        level = min(1.0, np.ceil((n + 1) * INTERVAL_COVERAGE) / n)  # the finite-sample conformal quantile
        return float(np.quantile(np.abs(errors), level))

    def table(self) -> pd.DataFrame:
        """candidate, cv_wape, weight: the Model report's and the training log's view."""
        rows = [{"candidate": c, "cv_wape": self.cv_wape.get(c, np.nan), "weight": self.weights.get(c, 0.0)} for c in CANDIDATES]
        rows.append({"candidate": "blend", "cv_wape": self.cv_wape.get("blend", np.nan), "weight": 1.0})
        return pd.DataFrame(rows)


@dataclass
class ForecastBlend:
    """One group's forecaster: the weights, the fitted alternatives, the calibrated band and the weeks' correlation."""

    weights: dict[str, float]
    forest: RandomForestRegressor | None
    seasonal: SeasonalLevel | None
    half_width: float | None  # relative 80% half-width from the CV errors (None: the model's own interval)
    corr: float

    def mean(self, model_rate: np.ndarray, X: pd.DataFrame, weeks: pd.Series | pd.DatetimeIndex) -> np.ndarray:
        """GMV per day: the weighted forecasts (`model_rate` is the model kind's own for the same rows), never below
        zero (a linear part can cross it on real data; sales cannot)."""
        out = self.weights.get(MODEL, 0.0) * np.asarray(model_rate, float)
        if self.forest is not None:
            out = out + self.weights[FOREST] * tree_predictions(self.forest, X).mean(axis=0)
        if self.seasonal is not None:
            out = out + self.weights[SEASONAL] * self.seasonal.predict(weeks)
        return np.maximum(out, 0.0)

    def backtest(self, model_rate: np.ndarray, X: pd.DataFrame, weeks: pd.Series, fitted_rows: np.ndarray) -> np.ndarray:
        """`mean`, with the forest's out-of-bag prediction on the weeks it was fitted on (`fitted_rows`, when it
        was fitted with out-of-bag scores), so those weeks are scored as honestly as later ones."""
        rates = self.mean(model_rate, X, weeks)
        oob = getattr(self.forest, "oob_prediction_", None)
        if self.forest is not None and oob is not None:
            rows = np.flatnonzero(fitted_rows)
            inside = self.forest.predict(X.iloc[rows])
            rates[rows] += self.weights[FOREST] * (np.where(np.isnan(oob), inside, oob) - inside)
        return np.maximum(rates, 0.0)

    def predictive(self, model: Predictive, X: pd.DataFrame, weeks: pd.Series | pd.DatetimeIndex) -> Predictive:
        """The blend's forecast with the calibrated band (or `model`'s own spread when no band could be set)."""
        mean = self.mean(model.mean, X, weeks)
        if self.half_width is None:
            return Predictive(mean[None, :] + (model.draws - model.mean), model.noise_sd, self.corr)
        z = float(norm.ppf(interval_quantiles(INTERVAL_COVERAGE)[1]))
        return Predictive(mean[None, :], np.abs(mean) * self.half_width / z, self.corr)


def choose_forecast(
    kind: type[GmvModel],
    groups: dict[str, pd.DataFrame],
    templates: dict,
    config: TrainConfig,
    like: dict[str, FittedGroup],
    fixed: bool = False,
) -> ForecastChoice:
    """The blend of CANDIDATES with the lowest pooled CV WAPE on the last CV_FOLDS folds of these (training) weeks,
    refitting `kind` as `like` was fitted; `fixed` keeps the model alone (the folds still calibrate the interval)."""
    folds = _fold_cuts(groups, config)
    if not folds:
        return ForecastChoice({MODEL: 1.0})
    fold_config = replace(config, n_estimators=min(config.cv_estimators, CV_TREES), bootstrap_draws=0, backfit_rounds=1)
    candidates = [c for c in CANDIDATES if not (c == FOREST and kind.name == FOREST)]
    forecasts: dict[str, dict[str, list[np.ndarray]]] = {c: {g: [] for g in groups} for c in candidates}
    actual: dict[str, list[np.ndarray]] = {g: [] for g in groups}
    for cut in folds:
        fitted = kind.refit_groups({g: w.iloc[: cut[g]] for g, w in groups.items()}, templates, fold_config, like)
        for g, weekly in groups.items():
            fold = _fold_forecasts(weekly, cut[g], fitted[g], fold_config, candidates)
            for c in candidates:
                forecasts[c][g].append(fold.forecasts[c])
            actual[g].append(fold.actual)
    return _best_blend(candidates, forecasts, actual, fixed)


@dataclass(frozen=True)
class _FoldResult:
    """One group's fold: each candidate's GMV forecast and the actual GMV of the weeks with GMV."""

    forecasts: dict[str, np.ndarray]
    actual: np.ndarray


def _fold_cuts(groups: dict[str, pd.DataFrame], config: TrainConfig) -> list[dict[str, int]]:
    """Per fold, each group's first forecast week; folds whose training part would be too short are left out."""
    cuts = []
    for k in range(CV_FOLDS, 0, -1):
        cut = {g: len(w) - k * CV_HORIZON for g, w in groups.items()}
        if min(cut.values()) >= config.min_train_weeks:
            cuts.append(cut)
    return cuts


def _fold_forecasts(
    weekly: pd.DataFrame, cut: int, fitted: FittedGroup, config: TrainConfig, candidates: list[str]
) -> _FoldResult:
    """Each candidate's forecast of weeks [cut, cut + CV_HORIZON) from the weeks before, in GMV."""
    ahead = weekly.iloc[: cut + CV_HORIZON]
    X = design_matrix(ahead, fitted.spec)  # the fold's ranges and carry-over, continued into its future
    rate = (ahead["gmv"] / ahead["days"]).to_numpy(float)
    known = observed(ahead)
    future = np.arange(cut, len(ahead))
    scored = future[known[future]]
    days = ahead["days"].to_numpy(float)[scored]
    out = {MODEL: fitted.model.predict(X.iloc[scored])}
    past = np.flatnonzero(known[:cut])
    if FOREST in candidates:
        forest = make_forest(config, columns=list(X.columns)).fit(X.iloc[past], rate[past])
        out[FOREST] = forest.predict(X.iloc[scored])
    if SEASONAL in candidates:
        seasonal = SeasonalLevel().fit(ahead["week_start"].iloc[:cut], rate[:cut])
        out[SEASONAL] = seasonal.predict(ahead["week_start"].iloc[scored])
    return _FoldResult({c: v * days for c, v in out.items()}, rate[scored] * days)


def _weight_grid(candidates: list[str]) -> list[dict[str, float]]:
    """Every split of 1 among the candidates in steps of WEIGHT_STEP."""
    steps = int(round(1 / WEIGHT_STEP))
    grid = []
    for parts in itertools.product(range(steps + 1), repeat=len(candidates)):
        if sum(parts) == steps:
            grid.append({c: p * WEIGHT_STEP for c, p in zip(candidates, parts)})
    return grid


def _best_blend(
    candidates: list[str], forecasts: dict[str, dict[str, list[np.ndarray]]], actual: dict[str, list[np.ndarray]], fixed: bool
) -> ForecastChoice:
    """The weights with the lowest pooled CV WAPE plus SWITCH_COST per unit taken from the model."""
    flat = {c: np.concatenate([np.concatenate(f) for f in forecasts[c].values()]) for c in candidates}
    truth = np.concatenate([np.concatenate(a) for a in actual.values()])
    total = max(float(np.abs(truth).sum()), NUMERIC_FLOOR)

    def wape(weights: dict[str, float]) -> float:
        blend = sum(w * flat[c] for c, w in weights.items())
        return float(np.abs(blend - truth).sum()) / total

    grid = [{MODEL: 1.0, **{c: 0.0 for c in candidates if c != MODEL}}] if fixed else _weight_grid(candidates)
    weights = min(grid, key=lambda w: wape(w) + SWITCH_COST * (1.0 - w.get(MODEL, 0.0)))
    cv = {c: wape({c: 1.0}) for c in candidates}
    cv["blend"] = wape(weights)
    errors, pairs = {}, []
    for g in actual:
        per_fold = []
        for i, truth_fold in enumerate(actual[g]):
            blend = sum(w * forecasts[c][g][i] for c, w in weights.items())
            rel = truth_fold / np.where(np.abs(blend) > NUMERIC_FLOOR, blend, NUMERIC_FLOOR) - 1.0
            per_fold.append(rel)
            pairs += list(zip(rel[:-1], rel[1:]))
        errors[g] = np.concatenate(per_fold) if per_fold else np.zeros(0)
    return ForecastChoice(weights, cv, errors, _lag_one_corr(pairs))


def _lag_one_corr(pairs: list[tuple[float, float]]) -> float:
    """The correlation of consecutive weeks' errors, in [0, MAX_CORR] (0 with too few pairs)."""
    if len(pairs) < MIN_ERRORS:
        return 0.0
    a, b = np.array(pairs).T
    if a.std() <= 0 or b.std() <= 0:
        return 0.0
    return float(np.clip(np.corrcoef(a, b)[0, 1], 0.0, MAX_CORR))


def fit_blend(
    choice: ForecastChoice, group: str, weekly: pd.DataFrame, fitted: FittedGroup, config: TrainConfig, oob: bool = False
) -> ForecastBlend:
    """The group's forecaster on these weeks: the alternatives with weight are fitted on the model's features (the
    forest with out-of-bag predictions when `oob`, for an honest backtest)."""
    weights = {c: w for c, w in choice.weights.items() if w > 0}
    forest = seasonal = None
    rate = (weekly["gmv"] / weekly["days"]).to_numpy(float)
    known = observed(weekly)
    if FOREST in weights:
        X = design_matrix(weekly, fitted.spec)
        forest = make_forest(config, oob=oob, columns=list(X.columns)).fit(X[known], rate[known])
        if not oob:
            forest.set_params(n_jobs=1)  # scenarios are a few rows
    if SEASONAL in weights:
        seasonal = SeasonalLevel().fit(weekly["week_start"], rate)
    return ForecastBlend(weights, forest, seasonal, choice.half_width(group), choice.corr)

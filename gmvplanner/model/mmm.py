"""The media-mix regression: GMV per day = intercept + sum_c beta_c * hill(adstock_c, K_c) + controls.

Media coefficients are constrained to be non-negative (spend cannot destroy demand in this model), so
a channel with no measurable effect comes out at exactly zero and is flagged, not hidden. Each channel's
carry-over decay and half-saturation are chosen by time-ordered cross-validation on the training weeks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.optimize import lsq_linear, nnls
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils.validation import check_is_fitted

from ..config import spend_column
from ..features.design import FeatureSpec, design_matrix, fitted_spec, observed, spend_rates
from ..features.transforms import geometric_adstock, hill
from .base import GmvModel, Predictive, check_columns, register, spend_variants

if TYPE_CHECKING:
    from .training import TrainConfig

__all__ = [
    "MediaMixModel",
    "MediaMixRegression",
    "fit_jointly",
    "solve_blocks",
    "solve_one",
    "choose_media_params",
    "DECAY_GRID",
    "HALF_SATURATION_GRID",
]

DECAY_GRID = (0.0, 0.2, 0.4, 0.6, 0.8)
HALF_SATURATION_GRID = (0.25, 0.5, 1.0, 2.0, 4.0)  # multiples of the channel's mean positive spend per day
RIDGE_GRID = (0.001, 0.01, 0.03, 0.1, 0.3)  # shrinkage of the standardised controls


class MediaMixRegression(RegressorMixin, BaseEstimator):
    """Least squares with non-negative media coefficients on saturated adstock columns, ridge-shrunk controls."""

    def __init__(self, channels: tuple[str, ...] = (), half_saturation: dict | None = None, ridge: float = 1e-3):
        self.channels = channels
        self.half_saturation = half_saturation
        self.ridge = ridge

    def _design(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        media = (
            np.column_stack([hill(X[f"adstock_{c}"].to_numpy(float), self.half_saturation[c]) for c in self.channels])
            if self.channels
            else np.zeros((len(X), 0))
        )
        controls = X[self.control_names_].to_numpy(float) if len(self.control_names_) else np.zeros((len(X), 0))
        return media, controls

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> MediaMixRegression:
        fit_jointly([self], [X], [y])
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "media_coef_")
        media, controls = self._design(X)
        z = (controls - self.control_mean_) / self.control_scale_
        return self.intercept_ + media @ self.media_coef_ + z @ self.control_coef_

    def predict_draws(self, X: pd.DataFrame) -> np.ndarray | None:
        """GMV per day under every bootstrap refit, shape (draws, rows); None when fitted without draws."""
        check_is_fitted(self, "media_coef_")
        if getattr(self, "coef_draws_", None) is None:
            return None
        media, controls = self._design(X)
        z = (controls - self.control_mean_) / self.control_scale_
        return self.coef_draws_ @ np.column_stack([np.ones(len(X)), media, z]).T


def fit_jointly(
    estimators: list[MediaMixRegression],
    Xs: list[pd.DataFrame],
    ys: list[np.ndarray],
    pool_groups: float = 0.0,
    pool_channels: float = 0.0,
    draws: int = 0,
    block_weeks: int = 6,
    seed: int = 0,
    lift: list[tuple[int, dict[int, float], float, float]] | None = None,
    pooling_range: tuple[float, float] = (1.0, 1.0),
) -> list[MediaMixRegression]:
    """Fit several groups' regressions in one least-squares problem, with partial pooling of channel ROI.

    `lift` calibrates with experiments: each (channel index, {group index: z}, delta_gmv, sigma) says that
    sum over groups of the channel's coefficient times z (the GMV per unit coefficient the test's extra spend adds
    over its days) was measured as delta_gmv with standard error sigma. Each becomes one least-squares row,
    weighted against the week rows by their residual spread (from a first fit without it), as a likelihood would.

    With `draws` > 0 it also refits the coefficients on that many moving-block bootstrap resamples of the
    weeks (blocks of `block_weeks`, the same week positions for every group, transforms held fixed) and keeps
    them in `coef_draws_`: the estimation uncertainty of every channel answer and of the optimiser's plans.
    Each refit also draws its pooling weights times a factor log-uniform in `pooling_range`: how much the
    subcategories share is itself uncertain (three groups say little about it), as a hierarchical model's
    posterior over its pooling variance would be.

    Each group keeps its own intercept, media and control coefficients. A channel's average ROI in a
    group (its GMV per day at mean spend, divided by that spend) is pulled towards the channel's ROI
    shared by all groups with weight `pool_groups`, and those shared ROIs towards one common media ROI
    with weight `pool_channels`. ROIs are measured in units of the data's GMV per unit of total spend,
    and both weights are per week of data, relative to the squared relative error of one week; 0 means
    no pooling, and with one group only `pool_channels` has an effect. Pooling is
    what a hierarchical Bayesian media-mix model does with a prior: a channel whose effect in one group
    is swamped by noise borrows strength from the others instead of landing at zero or at ten times
    its true ROI by chance.
    """
    n_media = len(estimators[0].channels)
    blocks, totals = [], []
    for est, X, y in zip(estimators, Xs, ys):
        est.feature_names_in_ = np.asarray(X.columns, dtype=object)
        media_cols = {f"adstock_{c}" for c in est.channels}
        est.control_names_ = [c for c in X.columns if c not in media_cols]
        media, controls = est._design(X)
        est.control_mean_ = controls.mean(axis=0) if controls.shape[1] else np.zeros(0)
        spread = controls.std(axis=0) if controls.shape[1] else np.zeros(0)
        est.control_scale_ = np.where(spread > 0, spread, 1.0)
        z = (controls - est.control_mean_) / est.control_scale_
        y = np.asarray(y, float)
        A = np.column_stack([np.ones(len(y)), media, z])
        spend = np.array([X[f"adstock_{c}"].to_numpy(float).mean() for c in est.channels])
        roi_per_coef = np.where(spend > 0, media.mean(axis=0) / np.where(spend > 0, spend, 1.0), 0.0)
        blocks.append((A, y, z.shape[1], roi_per_coef, est.ridge))
        totals.append((float(y.sum()), float(spend.sum()) * len(y)))
    # ROIs in units of the data's GMV per unit of spend, so the weights mean the same in any currency
    reference = sum(t[0] for t in totals) / max(sum(t[1] for t in totals), 1e-12)
    blocks = [(A, y, n_ctrl, roi / reference, ridge) for A, y, n_ctrl, roi, ridge in blocks]
    solution = solve_blocks(blocks, n_media, pool_groups, pool_channels)
    extra = None
    if lift:
        spread = np.mean(
            [np.sqrt(((y - A @ c) ** 2).mean()) / max(float(np.abs(y).mean()), 1e-12) for (A, y, *_), c in zip(blocks, solution)]
        )
        starts = np.cumsum([0] + [b[0].shape[1] for b in blocks])
        extra = []
        for channel, z_by_group, delta_gmv, sigma in lift:
            row = np.zeros(starts[-1])
            for g, z in z_by_group.items():
                row[starts[g] + 1 + channel] = z
            weight = spread / sigma
            extra.append((row * weight, delta_gmv * weight))
        solution = solve_blocks(blocks, n_media, pool_groups, pool_channels, extra)
    for est, (A, y, *_), coef in zip(estimators, blocks, solution):
        est.intercept_ = float(coef[0])
        est.media_coef_ = coef[1 : 1 + n_media]
        est.control_coef_ = coef[1 + n_media :]
        resid = y - A @ coef
        est.resid_std_ = float(np.sqrt((resid**2).sum() / max(len(y) - len(coef), 1)))
        est.coef_draws_ = None
    if draws > 0:
        rng = np.random.default_rng(seed)
        samples = []
        for _ in range(draws):
            resampled = []
            for A, y, n_ctrl, roi, ridge in blocks:
                idx = moving_block_indices(len(y), block_weeks, rng)
                resampled.append((A[idx], y[idx], n_ctrl, roi, ridge))
            factor = float(np.exp(rng.uniform(np.log(pooling_range[0]), np.log(pooling_range[1]))))
            samples.append(solve_blocks(resampled, n_media, pool_groups * factor, pool_channels * factor, extra))
        for g, est in enumerate(estimators):
            est.coef_draws_ = np.array([sample[g] for sample in samples])
    return estimators


def moving_block_indices(n: int, block: int, rng: np.random.Generator) -> np.ndarray:
    """Row positions of one circular moving-block bootstrap resample of `n` consecutive weeks."""
    block = max(1, min(block, n))
    starts = rng.integers(0, n, size=-(-n // block))
    return ((starts[:, None] + np.arange(block)[None, :]) % n).ravel()[:n]


def solve_blocks(
    blocks: list[tuple],
    n_media: int,
    pool_groups: float = 0.0,
    pool_channels: float = 0.0,
    extra: list[tuple[np.ndarray, float]] | None = None,
) -> list[np.ndarray]:
    """The one bounded least-squares solve behind every fit: per block (A = [1, media, standardised
    controls], y, number of controls, ROI per media coefficient, ridge), non-negative media
    coefficients, ridge-shrunk controls and the pooling rows described in `fit_jointly`. Rows are in
    units of each block's mean |y|, so groups of different size weigh alike. Returns each block's
    coefficients."""
    sizes = [A.shape[1] for A, *_ in blocks]
    shared = sum(sizes)
    n_cols = shared + n_media + 1  # + shared channel ROIs + common ROI
    rows, rhs, lower = [], [], []
    offset = 0
    for (A, y, n_ctrl, roi_per_coef, ridge), size in zip(blocks, sizes):
        n = len(y)
        scale = max(float(np.abs(y).mean()), 1e-12)
        block = np.zeros((n, n_cols))
        block[:, offset : offset + size] = A / scale
        rows.append(block)
        rhs.append(y / scale)
        shrink = np.zeros((n_ctrl, n_cols))
        shrink[:, offset + 1 + n_media : offset + size] = np.sqrt(ridge * n) * np.eye(n_ctrl) / scale
        rows.append(shrink)
        rhs.append(np.zeros(n_ctrl))
        if pool_groups > 0:
            pool = np.zeros((n_media, n_cols))
            pool[:, offset + 1 : offset + 1 + n_media] = np.sqrt(pool_groups * n) * np.diag(roi_per_coef)
            pool[:, shared : shared + n_media] = -np.sqrt(pool_groups * n) * np.eye(n_media)
            rows.append(pool)
            rhs.append(np.zeros(n_media))
        lower += [-np.inf] + [0.0] * n_media + [-np.inf] * n_ctrl
        offset += size
    if pool_channels > 0:
        n_all = sum(len(b[1]) for b in blocks)
        pool = np.zeros((n_media, n_cols))
        pool[:, shared : shared + n_media] = np.sqrt(pool_channels * n_all) * np.eye(n_media)
        pool[:, -1] = -np.sqrt(pool_channels * n_all)
        rows.append(pool)
        rhs.append(np.zeros(n_media))
    for row, target in extra or []:  # calibration rows over the blocks' coefficients (see fit_jointly)
        rows.append(np.r_[row, np.zeros(n_cols - len(row))][None, :])
        rhs.append(np.array([target]))
    lower += [0.0] * (n_media + 1)
    used = np.ones(n_cols, bool)
    if pool_groups <= 0:
        used[shared:] = False  # no pooling: the shared ROIs are not in the problem
    elif pool_channels <= 0:
        used[-1] = False
    A_all = np.vstack(rows)[:, used]
    solution = lsq_linear(
        A_all,
        np.concatenate(rhs),
        bounds=(np.array(lower)[used], np.inf),
        method="bvls" if A_all.shape[1] < 400 else "trf",
    ).x
    return [solution[offset - size : offset] for offset, size in zip(np.cumsum(sizes), sizes)]


def _time_splits(n: int, n_splits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Expanding-window folds of 8 weeks at the end of the training weeks (shorter when data are short).

    Short test blocks let the earliest fold still train on most of the weeks: with ~35 coefficients,
    a fold trained on half the data is too noisy to rank carry-over and saturation choices.
    """
    test = 8 if n >= 8 * n_splits + 40 else max(4, n // (n_splits + 3))
    k = min(n_splits, max(2, (n - 20) // test))
    return list(TimeSeriesSplit(n_splits=k, test_size=test).split(np.arange(n)))


def solve_one(A: np.ndarray, y: np.ndarray, n_media: int, ridge: float) -> np.ndarray:
    """`solve_blocks` for one block without pooling, about twenty times faster (the CV search's inner loop).

    Variable projection: the free columns (intercept and ridge-shrunk controls) are projected out, the media
    coefficients solve a non-negative least-squares problem on what is left (scipy's NNLS), and the free ones
    follow. Same rows and weights as `solve_blocks`, so the same optimum.
    """
    n = len(y)
    scale = max(float(np.abs(y).mean()), 1e-12)
    n_ctrl = A.shape[1] - 1 - n_media
    shrink = np.zeros((n_ctrl, A.shape[1]))
    shrink[:, 1 + n_media :] = np.sqrt(ridge * n) * np.eye(n_ctrl) / scale
    full = np.vstack([A / scale, shrink])
    target = np.r_[y / scale, np.zeros(n_ctrl)]
    free = np.r_[0, np.arange(1 + n_media, A.shape[1])]
    media_cols = np.arange(1, 1 + n_media)
    q, _ = np.linalg.qr(full[:, free])

    def project(m: np.ndarray) -> np.ndarray:
        return m - q @ (q.T @ m)

    media_coef = nnls(project(full[:, media_cols]), project(target), maxiter=50 * max(n_media, 1))[0] if n_media else np.zeros(0)
    rest = target - full[:, media_cols] @ media_coef
    free_coef = np.linalg.lstsq(full[:, free], rest, rcond=None)[0]
    coef = np.empty(A.shape[1])
    coef[free], coef[media_cols] = free_coef, media_coef
    return coef


def _cv_wape(A_parts: tuple[np.ndarray, np.ndarray], y: np.ndarray, days: np.ndarray, splits, ridge: float) -> float:
    """Time-ordered CV WAPE of the regression on prepared media and control columns."""
    media, controls = A_parts
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


def choose_media_params(
    groups: list[tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]],
    n_splits: int = 5,
    passes: int = 2,
    min_gain: float = 0.001,
    fixed_decay: dict[str, float] | None = None,
    fixed_multiple: dict[str, float] | None = None,
) -> tuple[dict[str, float], dict[str, float], float]:
    """Per-channel decay and half-saturation multiple, shared by all groups, by coordinate descent on CV WAPE.

    Each group is (rates, controls, y, days): spend per day per channel, the other features, GMV per day
    and days per week, for the training weeks only. Carry-over and saturation are properties of a channel,
    so they are chosen once from the summed time-ordered CV error of every group (three subcategories
    give three times the evidence); coefficients stay per group. The half-saturation is returned as a
    multiple of each group's mean positive spend per day. The ridge on the controls is chosen first, from
    RIDGE_GRID at the starting media values. Every channel starts at decay 0.4 and multiple 1; a grid value
    replaces the current one only when it lowers the CV WAPE by more than `min_gain`. Values in
    `fixed_decay` / `fixed_multiple` (an analyst's, e.g. from a lift test) are kept as given and not searched.
    Returns (decay, half-saturation multiple, ridge).
    """
    channels = list(groups[0][0].columns)
    fixed_decay, fixed_multiple = fixed_decay or {}, fixed_multiple or {}
    decay = {c: fixed_decay.get(c, 0.4) for c in channels}
    mult = {c: fixed_multiple.get(c, 1.0) for c in channels}
    decay_options = {c: (decay[c],) if c in fixed_decay else DECAY_GRID for c in channels}
    mult_options = {c: (mult[c],) if c in fixed_multiple else HALF_SATURATION_GRID for c in channels}
    prepared = []
    for rates, controls, y, days in groups:
        y = np.asarray(y, float)
        fit = np.isfinite(y)  # weeks without GMV carry the stock on but are not scored
        splits = _time_splits(int(fit.sum()), n_splits)
        level = {c: float(rates[c][rates[c] > 0].mean()) if (rates[c] > 0).any() else 1.0 for c in channels}
        stock = {
            (c, d): geometric_adstock(rates[c].to_numpy(float), d, initial=float(rates[c].iloc[0]))[fit]
            for c in channels
            for d in decay_options[c]
        }
        days = np.asarray(days, float)[fit]
        weight = float(np.abs(y[fit] * days).sum())
        prepared.append((stock, level, controls.to_numpy(float)[fit], y[fit], days, splits, weight))
    total_weight = sum(p[-1] for p in prepared)

    def media(group, dec, mul) -> np.ndarray:
        stock, level = group[0], group[1]
        return np.column_stack([hill(stock[(c, dec[c])], mul[c] * level[c]) for c in channels])

    def score(dec, mul, ridge) -> float:
        return sum(g[-1] * _cv_wape((media(g, dec, mul), g[2]), g[3], g[4], g[5], ridge) for g in prepared) / total_weight

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
    return decay, mult, ridge


def _mmm_inputs(weekly: pd.DataFrame, template: FeatureSpec):
    """(spend per day per channel, control features, GMV per day, days) for the media-mix search."""
    days = weekly["days"].to_numpy(float)
    base = design_matrix(weekly, fitted_spec(weekly, template, {c: 0.0 for c in template.channels}))
    controls = base.drop(columns=[f"adstock_{c}" for c in template.channels])
    return spend_rates(weekly, template.channels), controls, (weekly["gmv"] / weekly["days"]).to_numpy(float), days


def _unfitted(weekly: pd.DataFrame, template: FeatureSpec, hyper) -> tuple[MediaMixRegression, FeatureSpec, pd.DataFrame]:
    """An unfitted regression for these weeks with the chosen carry-over, saturation and ridge; its spec and design."""
    decay, mult, ridge = hyper
    rates = spend_rates(weekly, template.channels)
    level = {c: float(rates[c][rates[c] > 0].mean()) if (rates[c] > 0).any() else 1.0 for c in template.channels}
    half = {c: mult[c] * level[c] for c in template.channels}
    spec = fitted_spec(weekly, template, decay, half)
    estimator = MediaMixRegression(channels=tuple(template.channels), half_saturation=half, ridge=ridge)
    return estimator, spec, design_matrix(weekly, spec)


def _lift_rows(tests, groups: dict[str, pd.DataFrame], specs: dict[str, FeatureSpec]) -> list[tuple]:
    """Each lift test inside these weeks as (channel index, {group index: z}, delta_gmv, sigma) for `fit_jointly`.

    z is the saturated carry-over the test's extra spend adds, summed over the test's days: the model predicts
    coefficient x z of extra GMV per unit coefficient. Carry-over after the test's last day is not counted, as
    the test measured only its own days. A test reaching outside the fitted weeks (e.g. into a holdout) is left out.
    """
    channels = next(iter(specs.values())).channels
    names = list(groups)
    rows = []
    for test in tests.spread:
        z_by_group = {}
        for g, extra in test["groups"].items():
            if g not in groups:
                continue
            weekly, spec = groups[g], specs[g]
            aligned = extra.set_index("week_start").reindex(pd.DatetimeIndex(weekly["week_start"]))
            if aligned["extra"].notna().sum() < len(extra):
                z_by_group = {}
                break
            c = test["channel"]
            days = weekly["days"].to_numpy(float)
            rate = weekly[spend_column(c)].to_numpy(float) / days
            more = rate + aligned["extra"].fillna(0.0).to_numpy() / days
            before = hill(geometric_adstock(rate, spec.decay[c], initial=rate[0]), spec.half_saturation[c])
            after = hill(geometric_adstock(more, spec.decay[c], initial=rate[0]), spec.half_saturation[c])
            z_by_group[names.index(g)] = float((aligned["test_days"].fillna(0.0).to_numpy() * (after - before)).sum())
        if z_by_group:
            rows.append((channels.index(test["channel"]), z_by_group, float(test["delta_gmv"]), float(test["sigma"])))
    return rows


@register
class MediaMixModel(GmvModel):
    """The media-mix regression as a model kind: smooth in spend, channel effects never negative."""

    name = "mmm"
    description = "media-mix regression with non-negative channel effects, pooled across subcategories"
    smooth_in_spend = True
    has_media_part = True

    def __init__(self, regression: MediaMixRegression, pooling: dict[str, float] | None = None):
        self.regression = regression
        self.pooling = pooling or {}

    @classmethod
    def fit_groups(cls, groups, templates, config, validation):
        """Carry-over, saturation and ridge shared by all groups (chosen by time-ordered CV on these weeks;
        channels in `config.transforms` keep the analyst's values), then every group's regression fitted
        jointly with partial pooling of channel ROI (`fit_jointly`)."""
        draws = 0 if validation else config.bootstrap_draws
        return cls.fit_with(groups, templates, config, cls.search(groups, templates, config), draws=draws)

    @staticmethod
    def search(
        groups: dict[str, pd.DataFrame],
        templates: dict[str, FeatureSpec],
        config: TrainConfig,
        offsets: dict[str, np.ndarray] | None = None,
    ) -> tuple[dict, dict, float]:
        """(decay, half-saturation multiple, ridge) shared by all groups, by time-ordered CV on these weeks.

        `offsets` (GMV per day per week) are subtracted from each group's target first: the part another
        model explains (the hybrid's forest)."""
        fixed = config.transforms
        if fixed is not None:
            fixed.check_channels(list(next(iter(templates.values())).channels))
        inputs = []
        for g, weekly in groups.items():
            rates, controls, y, days = _mmm_inputs(weekly, templates[g])
            inputs.append((rates, controls, y - offsets[g] if offsets else y, days))
        return choose_media_params(
            inputs,
            fixed_decay=fixed.decay if fixed else None,
            fixed_multiple=fixed.half_saturation_multiple if fixed else None,
        )

    @classmethod
    def fit_with(
        cls,
        groups: dict[str, pd.DataFrame],
        templates: dict[str, FeatureSpec],
        config: TrainConfig,
        hyper: tuple[dict, dict, float],
        offsets: dict[str, np.ndarray] | None = None,
        draws: int = 0,
    ) -> dict[str, tuple[MediaMixModel, FeatureSpec]]:
        """Every group's regression with these transforms, fitted jointly with partial pooling of channel ROI,
        to GMV per day minus `offsets` when given; `draws` bootstrap refits of the coefficients kept too."""
        designs = {g: _unfitted(weekly, templates[g], hyper) for g, weekly in groups.items()}
        pooling = {"groups": config.pooling, "channels": config.pooling / 10}
        targets = [(w["gmv"] / w["days"]).to_numpy(float) for w in groups.values()]
        if offsets:
            targets = [y - offsets[g] for y, g in zip(targets, groups)]
        fit = [observed(w) for w in groups.values()]  # carry-over runs through missing weeks; they are not fitted
        fit_jointly(
            [d[0] for d in designs.values()],
            [d[2][rows] for d, rows in zip(designs.values(), fit)],
            [y[rows] for y, rows in zip(targets, fit)],
            pool_groups=pooling["groups"],
            pool_channels=pooling["channels"],
            lift=_lift_rows(config.lift_tests, groups, {g: d[1] for g, d in designs.items()}) if config.lift_tests else None,
            draws=draws,
            block_weeks=config.bootstrap_block_weeks,
            pooling_range=config.bootstrap_pooling_range,
            seed=config.seed,
        )
        return {g: (cls(est, pooling), spec) for g, (est, spec, _X) in designs.items()}

    @property
    def feature_names(self) -> list[str]:
        return list(self.regression.feature_names_in_)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        check_columns(self.feature_names, X)
        return self.regression.predict(X)

    def predictive(self, X: pd.DataFrame) -> Predictive:
        """The fitted mean with normal noise of the residual spread (the same width every week)."""
        mean = self.predict(X)
        return Predictive(draws=mean[None, :], noise_sd=np.full(len(mean), self.regression.resid_std_))

    def media_response_draws(self, X, spec, days, variants, carry_in=None) -> np.ndarray | None:
        """Total GMV of each spend variant under every bootstrap refit, shape (variants, draws)."""
        stacked = spend_variants(X, spec, variants, carry_in)
        check_columns(self.feature_names, stacked)
        per_day = self.regression.predict_draws(stacked)
        if per_day is None:
            return None
        per_day = per_day.reshape(len(per_day), len(variants), len(X))
        return (per_day * days).sum(axis=2).T

    def importances(self) -> pd.Series:
        """Each feature's coefficient times its spread (saturated media columns are in [0, 1))."""
        reg = self.regression
        weight = np.r_[np.abs(reg.media_coef_) * 0.5, np.abs(reg.control_coef_)]
        return pd.Series(weight, index=[f"adstock_{c}" for c in reg.channels] + list(reg.control_names_))

    def settings(self) -> dict:
        return {"ridge": self.regression.ridge, "pooling": self.pooling}

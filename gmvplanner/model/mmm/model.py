"""The media-mix regression (an estimator) and the `mmm` model kind built on it.

GMV per day = intercept + sum_c beta_c * hill(adstock_c, K_c, s_c) + controls. Media coefficients are constrained to be
non-negative (spend cannot destroy demand in this model), so a channel with no measurable effect comes out at
exactly zero and is flagged, not hidden. Carry-over and saturation are chosen by `search`, the coefficients of
every group are fitted jointly with partial pooling by `solver`, and lift tests enter through `calibration`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from ...config import AUTO
from ...features.design import FeatureSpec, design_matrix, fitted_spec, observed, spend_moves_monthly, spend_rates
from ...features.transforms import hill
from ..base import FittedGroup, GmvModel, Predictive, check_columns, register, spend_variants
from ..train_config import TrainConfig
from .calibration import lift_rows, prior_rows
from .search import MediaParams, SearchGroup, choose_media_params, positive_spend_level
from .shrinkage import ShrinkageEstimate, estimate_pooling
from .solver import Block, Bootstrap, GroupCoefficients, LiftRow, Pooling, fit_jointly, roi_in_data_units

__all__ = ["MediaMixRegression", "MediaMixModel", "FittedMedia", "CurveDraws", "CHANNEL_POOLING_DIVISOR"]

CHANNEL_POOLING_DIVISOR = 10  # channels' shared ROIs are pulled towards one common ROI this many times more weakly
# bootstrap block length when spend moves only monthly: a quarter, so a block holds whole months of one spend level
# and the refits see how few independent spend levels there are (6-week blocks cut months and overstate it)
MONTHLY_BLOCK_WEEKS = 13


class CurveDraws(NamedTuple):
    """One group's saturation curve in every bootstrap refit: half-saturation and slope, each (draws, channels)."""

    half: np.ndarray
    slope: np.ndarray


class MediaMixRegression(RegressorMixin, BaseEstimator):
    """Least squares with non-negative media coefficients on saturated adstock columns, ridge-shrunk controls
    (those named in `control_signs` bounded to that sign: -1 never raises GMV, +1 never lowers it)."""

    def __init__(
        self,
        channels: tuple[str, ...] = (),
        half_saturation: dict | None = None,
        ridge: float = 1e-3,
        slope: dict | None = None,
        control_signs: dict | None = None,
    ):
        self.channels = channels
        self.half_saturation = half_saturation
        self.ridge = ridge
        self.slope = slope
        self.control_signs = control_signs

    @classmethod
    def fit_many(
        cls,
        estimators: list[MediaMixRegression],
        Xs: list[pd.DataFrame],
        ys: list[np.ndarray],
        pooling: Pooling | str = Pooling(),
        lift: list[LiftRow] | None = None,
        bootstrap: Bootstrap | None = None,
        curves: list[CurveDraws] | None = None,
        lift_for_draw: Callable[[int], list[LiftRow] | None] | None = None,
    ) -> list[MediaMixRegression]:
        """Fit several groups' regressions jointly (`solver.fit_jointly`: partial pooling of channel ROI across
        them, calibration by `lift`, bootstrap refits of the coefficients kept in `coef_draws_`).

        With `curves` (one per estimator), bootstrap refit i fits its coefficients on media columns saturated
        with its own drawn curves (and `lift_for_draw(i)`'s lift rows, made with those curves), so the refits carry
        the curves' uncertainty as well as the coefficients'.

        `pooling` AUTO estimates the pooling weights from these groups (`shrinkage.estimate_pooling`: empirical
        Bayes, per channel), kept in each estimator's `shrinkage_`."""
        prepared = [est._block(X, y) for est, X, y in zip(estimators, Xs, ys)]
        blocks = roi_in_data_units([b for b, _ in prepared], [spend for _, spend in prepared])
        shrinkage: ShrinkageEstimate | None = None
        if isinstance(pooling, str):
            block_weeks, seed = (bootstrap.block_weeks, bootstrap.seed) if bootstrap else (6, 0)
            shrinkage = estimate_pooling(blocks, len(estimators[0].channels), block_weeks, seed)
            pooling = shrinkage.pooling
        if curves is not None and bootstrap is not None:

            def blocks_for_draw(i: int) -> tuple[list[Block], list[LiftRow] | None]:
                drawn = [est._block(X, y, draws.half[i], draws.slope[i]) for est, X, y, draws in zip(estimators, Xs, ys, curves)]
                drawn_blocks = roi_in_data_units([b for b, _ in drawn], [spend for _, spend in drawn])
                return drawn_blocks, lift_for_draw(i) if lift_for_draw else lift

            bootstrap = replace(bootstrap, blocks_for_draw=blocks_for_draw)
        fitted = fit_jointly(blocks, len(estimators[0].channels), pooling, lift, bootstrap)
        drawn: list[CurveDraws | None] = list(curves) if curves is not None else [None] * len(estimators)
        for est, coefficients, own in zip(estimators, fitted, drawn):
            est._keep(coefficients, own if coefficients.draws is not None else None)
            est.shrinkage_ = shrinkage
        return estimators

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> MediaMixRegression:
        return self.fit_many([self], [X], [y])[0]

    def _media(self, X: pd.DataFrame, half: np.ndarray | None = None, slope: np.ndarray | None = None) -> np.ndarray:
        """The saturated media columns, with the fitted curves or the given ones (per channel, in order)."""
        if not self.channels:
            return np.zeros((len(X), 0))
        if half is None:
            half = np.array([(self.half_saturation or {})[c] for c in self.channels])
        if slope is None:
            slope = np.array([(self.slope or {}).get(c, 1.0) for c in self.channels])
        stock = X[[f"adstock_{c}" for c in self.channels]].to_numpy(float)
        return hill(stock, half, slope)

    def _block(
        self, X: pd.DataFrame, y: np.ndarray, half: np.ndarray | None = None, slope: np.ndarray | None = None
    ) -> tuple[Block, np.ndarray]:
        """Learn the columns and the controls' standardisation from `X`; this group's solver block (with the
        fitted curves, or the given ones) and its mean spend per day per channel."""
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        media_cols = {f"adstock_{c}" for c in self.channels}
        self.control_names_ = [c for c in X.columns if c not in media_cols]
        controls = self._controls(X)
        self.control_mean_ = controls.mean(axis=0) if controls.shape[1] else np.zeros(0)
        spread = controls.std(axis=0) if controls.shape[1] else np.zeros(0)
        self.control_scale_ = np.where(spread > 0, spread, 1.0)
        media = self._media(X, half, slope)
        y = np.asarray(y, float)
        A = np.column_stack([np.ones(len(y)), media, self._standardised(controls)])
        spend = np.array([X[f"adstock_{c}"].to_numpy(float).mean() for c in self.channels])
        roi_per_coef = np.where(spend > 0, media.mean(axis=0) / np.where(spend > 0, spend, 1.0), 0.0)
        signs = np.array([(self.control_signs or {}).get(c, 0) for c in self.control_names_], dtype=float)
        return Block(A, y, controls.shape[1], roi_per_coef, self.ridge, signs if signs.any() else None), spend

    def _keep(self, fitted: GroupCoefficients, curves: CurveDraws | None = None) -> None:
        n_media = len(self.channels)
        self.intercept_ = float(fitted.coef[0])
        self.media_coef_ = fitted.coef[1 : 1 + n_media]
        self.control_coef_ = fitted.coef[1 + n_media :]
        self.resid_std_ = fitted.resid_std
        self.coef_draws_ = fitted.draws
        self.curve_draws_ = curves
        self.curve_choices_: list | None = None

    def _curve_choices(self) -> list | None:
        """Per channel, its few distinct drawn curves (half-saturation, slope) and which one each refit uses; worked
        out once, as every plan the optimiser scores needs them (None without curve draws)."""
        curves = getattr(self, "curve_draws_", None)
        if curves is not None and getattr(self, "curve_choices_", None) is None:
            self.curve_choices_ = [
                np.unique(np.column_stack([curves.half[:, j], curves.slope[:, j]]), axis=0, return_inverse=True)
                for j in range(len(self.channels))
            ]
        return None if curves is None else self.curve_choices_

    def _controls(self, X: pd.DataFrame) -> np.ndarray:
        return X[self.control_names_].to_numpy(float) if len(self.control_names_) else np.zeros((len(X), 0))

    def _standardised(self, controls: np.ndarray) -> np.ndarray:
        return (controls - self.control_mean_) / self.control_scale_

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "media_coef_")
        z = self._standardised(self._controls(X))
        return self.intercept_ + self._media(X) @ self.media_coef_ + z @ self.control_coef_

    def predict_draws(self, X: pd.DataFrame) -> np.ndarray | None:
        """GMV per day under every bootstrap refit, shape (draws, rows); None when fitted without draws."""
        check_is_fitted(self, "media_coef_")
        coef: np.ndarray | None = getattr(self, "coef_draws_", None)
        if coef is None:
            return None
        z = self._standardised(self._controls(X))
        choices = self._curve_choices()
        if choices is None:
            return coef @ np.column_stack([np.ones(len(X)), self._media(X), z]).T
        n_media = len(self.channels)
        out = coef[:, :1] + coef[:, 1 + n_media :] @ z.T
        for j, c in enumerate(self.channels):  # each distinct drawn curve computed once
            stock = X[f"adstock_{c}"].to_numpy(float)
            unique, which = choices[j]
            columns = np.vstack([hill(stock, k, s) for k, s in unique])
            out += coef[:, 1 + j : 2 + j] * columns[np.ravel(which)]
        return out


class FittedMedia(NamedTuple):
    """One group's fitted media-mix model and its feature spec."""

    model: MediaMixModel
    spec: FeatureSpec


def _search_group(weekly: pd.DataFrame, template: FeatureSpec) -> SearchGroup:
    """One group's weeks as the carry-over and saturation search sees them."""
    days = weekly["days"].to_numpy(float)
    base = design_matrix(weekly, fitted_spec(weekly, template, {c: 0.0 for c in template.channels}))
    controls = base.drop(columns=[f"adstock_{c}" for c in template.channels])
    return SearchGroup(spend_rates(weekly, template.channels), controls, (weekly["gmv"] / weekly["days"]).to_numpy(float), days)


def _unfitted(
    weekly: pd.DataFrame, template: FeatureSpec, params: MediaParams, signs: dict[str, int] | None = None
) -> tuple[MediaMixRegression, FeatureSpec]:
    """An unfitted regression for these weeks with the chosen carry-over, saturation and ridge, and its spec."""
    level = positive_spend_level(spend_rates(weekly, template.channels), template.channels)
    half = {c: params.half_saturation_multiple[c] * level[c] for c in template.channels}
    slope = {c: params.slope.get(c, 1.0) for c in template.channels}
    spec = fitted_spec(weekly, template, params.decay, half, slope)
    regression = MediaMixRegression(
        channels=tuple(template.channels), half_saturation=half, ridge=params.ridge, slope=slope, control_signs=signs
    )
    return regression, spec


def _curve_draws(
    groups: dict[str, pd.DataFrame], channels: list[str], params: MediaParams, draws: int, seed: int
) -> dict[str, CurveDraws] | None:
    """Each group's saturation curve per bootstrap refit, drawn evenly among each channel's near ties (None when
    no channel has one: the curves are then what the data pin down and the refits keep them)."""
    if draws <= 0 or all(len(params.near_ties.get(c, [])) <= 1 for c in channels):
        return None
    rng = np.random.default_rng([seed, 2])  # apart from the week resampling's stream
    multiple, slope = np.empty((draws, len(channels))), np.empty((draws, len(channels)))
    for j, c in enumerate(channels):
        options = params.near_ties.get(c) or [(params.half_saturation_multiple[c], params.slope.get(c, 1.0))]
        picked = rng.integers(len(options), size=draws)
        multiple[:, j] = [options[i][0] for i in picked]
        slope[:, j] = [options[i][1] for i in picked]
    out = {}
    for g, weekly in groups.items():
        level = positive_spend_level(spend_rates(weekly, channels), channels)
        out[g] = CurveDraws(multiple * np.array([level[c] for c in channels]), slope)
    return out


def _evidence_rows(config: TrainConfig, groups: dict[str, pd.DataFrame], specs: dict[str, FeatureSpec]) -> list[LiftRow] | None:
    """The calibration rows from outside the weeks: lift tests and ROI priors (None when there are neither)."""
    rows = lift_rows(config.lift_tests, groups, specs) if config.lift_tests else []
    rows += prior_rows(config.roi_priors, groups, specs) if config.roi_priors else []
    return rows or None


def _block_weeks(groups: dict[str, pd.DataFrame], channels: list[str], config: TrainConfig) -> int:
    """The bootstrap's block length: MONTHLY_BLOCK_WEEKS when every group's spend moves only monthly."""
    if all(spend_moves_monthly(w, channels) for w in groups.values()):
        return max(config.bootstrap_block_weeks, MONTHLY_BLOCK_WEEKS)
    return config.bootstrap_block_weeks


def _lift_for_draw(
    config: TrainConfig, groups: dict[str, pd.DataFrame], specs: dict[str, FeatureSpec], curves: dict[str, CurveDraws]
) -> Callable[[int], list[LiftRow] | None] | None:
    """The lift tests' and ROI priors' rows made with refit i's curves (a test's GMV per unit coefficient depends
    on the curve)."""
    if config.lift_tests is None and config.roi_priors is None:
        return None

    def rows(i: int) -> list[LiftRow] | None:
        drawn = {
            g: replace(
                spec,
                half_saturation=dict(zip(spec.channels, curves[g].half[i])),
                slope=dict(zip(spec.channels, curves[g].slope[i])),
            )
            for g, spec in specs.items()
        }
        return _evidence_rows(config, groups, drawn)

    return rows


def _pooling_settings(pooling: Pooling | str, shrinkage: ShrinkageEstimate | None, channels: list[str]) -> dict:
    """The pooling used, for the manifest: the fixed weights, or the estimated ones with the spreads behind them."""
    if shrinkage is None:
        assert isinstance(pooling, Pooling)
        return {"groups": float(np.asarray(pooling.groups).mean()), "channels": pooling.channels}

    def finite(v: float) -> float | None:
        return float(v) if np.isfinite(v) else None

    groups = np.broadcast_to(np.asarray(shrinkage.pooling.groups, float), (len(channels),))
    return {
        "estimated": True,
        "groups": {c: float(w) for c, w in zip(channels, groups)},
        "channels": float(shrinkage.pooling.channels),
        "group_spread": {c: finite(v) for c, v in zip(channels, shrinkage.group_spread)},
        "channel_spread": finite(shrinkage.channel_spread),
    }


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
        self.media_params_: MediaParams | None = None  # the carry-over and saturation chosen (refits hold them)

    @classmethod
    def fit_groups(
        cls, groups: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig, validation: bool
    ) -> dict[str, FittedGroup]:
        """Carry-over, saturation and ridge shared by all groups (chosen by time-ordered CV on these weeks;
        channels in `config.transforms` keep the analyst's values), then every group's regression fitted
        jointly with partial pooling of channel ROI."""
        draws = 0 if validation else config.bootstrap_draws
        params = cls.search(groups, templates, config)
        fitted = cls.fit_with(groups, templates, config, params, draws=draws)
        for f in fitted.values():
            f.model.media_params_ = params
        return {g: FittedGroup(f.model, f.spec) for g, f in fitted.items()}

    @classmethod
    def refit_groups(
        cls, groups: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig, like: dict[str, FittedGroup]
    ) -> dict[str, FittedGroup]:
        """The joint fit with `like`'s carry-over and saturation held (no search, no bootstrap)."""
        params = next(iter(like.values())).model.media_params_  # type: ignore[attr-defined]
        fitted = cls.fit_with(groups, templates, config, params)
        for f in fitted.values():
            f.model.media_params_ = params
        return {g: FittedGroup(f.model, f.spec) for g, f in fitted.items()}

    @staticmethod
    def search(
        groups: dict[str, pd.DataFrame],
        templates: dict[str, FeatureSpec],
        config: TrainConfig,
        offsets: dict[str, np.ndarray] | None = None,
    ) -> MediaParams:
        """Carry-over, saturation and ridge shared by all groups, by time-ordered CV on these weeks.

        `offsets` (GMV per day per week) are subtracted from each group's target first: the part another
        model explains (the hybrid's forest)."""
        fixed = config.transforms
        if fixed is not None:
            fixed.check_channels(list(next(iter(templates.values())).channels))
        inputs = []
        for g, weekly in groups.items():
            group = _search_group(weekly, templates[g])
            inputs.append(group._replace(y=group.y - offsets[g]) if offsets else group)
        return choose_media_params(
            inputs,
            fixed_decay=fixed.decay if fixed else None,
            fixed_multiple=fixed.half_saturation_multiple if fixed else None,
            decay_grid=config.decay_grid,
            slope_grid=config.slope_grid,
            near_tie_wape=config.near_tie_wape,
        )

    @classmethod
    def fit_with(
        cls,
        groups: dict[str, pd.DataFrame],
        templates: dict[str, FeatureSpec],
        config: TrainConfig,
        params: MediaParams,
        offsets: dict[str, np.ndarray] | None = None,
        draws: int = 0,
    ) -> dict[str, FittedMedia]:
        """Every group's regression with these transforms, fitted jointly with partial pooling of channel ROI,
        to GMV per day minus `offsets` when given; `draws` bootstrap refits of the coefficients kept too."""
        unfitted = {g: _unfitted(weekly, templates[g], params, dict(config.monotone)) for g, weekly in groups.items()}
        pooling: Pooling | str = AUTO
        if config.pooling != AUTO:
            fixed = float(config.pooling)
            pooling = Pooling(groups=fixed, channels=fixed / CHANNEL_POOLING_DIVISOR)
        targets = [(w["gmv"] / w["days"]).to_numpy(float) for w in groups.values()]
        if offsets:
            targets = [y - offsets[g] for y, g in zip(targets, groups)]
        fit = [observed(w) for w in groups.values()]  # carry-over runs through missing weeks; they are not fitted
        designs = [design_matrix(w, spec) for w, (_est, spec) in zip(groups.values(), unfitted.values())]
        specs = {g: spec for g, (_est, spec) in unfitted.items()}
        channels = list(next(iter(specs.values())).channels)
        curves = _curve_draws(groups, channels, params, draws, config.seed)
        MediaMixRegression.fit_many(
            [est for est, _spec in unfitted.values()],
            [X[rows] for X, rows in zip(designs, fit)],
            [y[rows] for y, rows in zip(targets, fit)],
            pooling,
            lift=_evidence_rows(config, groups, specs),
            bootstrap=Bootstrap(draws, _block_weeks(groups, channels, config), config.seed, config.bootstrap_pooling_range),
            curves=None if curves is None else [curves[g] for g in groups],
            lift_for_draw=None if curves is None else _lift_for_draw(config, groups, specs, curves),
        )
        first = next(iter(unfitted.values()))[0]
        settings = _pooling_settings(pooling, getattr(first, "shrinkage_", None), channels)
        return {g: FittedMedia(cls(est, settings), spec) for g, (est, spec) in unfitted.items()}

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

    def media_response_draws(
        self,
        X: pd.DataFrame,
        spec: FeatureSpec,
        days: np.ndarray,
        variants: list[dict[str, np.ndarray]],
        carry_in: dict[str, float] | None = None,
    ) -> np.ndarray | None:
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

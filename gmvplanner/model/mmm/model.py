"""The media-mix regression (an estimator) and the `mmm` model kind built on it.

GMV per day = intercept + sum_c beta_c * hill(adstock_c, K_c) + controls. Media coefficients are constrained to be
non-negative (spend cannot destroy demand in this model), so a channel with no measurable effect comes out at
exactly zero and is flagged, not hidden. Carry-over and saturation are chosen by `search`, the coefficients of
every group are fitted jointly with partial pooling by `solver`, and lift tests enter through `calibration`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from ...features.design import FeatureSpec, design_matrix, fitted_spec, observed, spend_rates
from ...features.transforms import hill
from ..base import FittedGroup, GmvModel, Predictive, check_columns, register, spend_variants
from ..train_config import TrainConfig
from .calibration import lift_rows
from .search import MediaParams, SearchGroup, choose_media_params, positive_spend_level
from .solver import Block, Bootstrap, GroupCoefficients, LiftRow, Pooling, fit_jointly, roi_in_data_units

__all__ = ["MediaMixRegression", "MediaMixModel", "FittedMedia", "CHANNEL_POOLING_DIVISOR"]

CHANNEL_POOLING_DIVISOR = 10  # channels' shared ROIs are pulled towards one common ROI this many times more weakly


class MediaMixRegression(RegressorMixin, BaseEstimator):
    """Least squares with non-negative media coefficients on saturated adstock columns, ridge-shrunk controls."""

    def __init__(self, channels: tuple[str, ...] = (), half_saturation: dict | None = None, ridge: float = 1e-3):
        self.channels = channels
        self.half_saturation = half_saturation
        self.ridge = ridge

    @classmethod
    def fit_many(
        cls,
        estimators: list[MediaMixRegression],
        Xs: list[pd.DataFrame],
        ys: list[np.ndarray],
        pooling: Pooling = Pooling(),
        lift: list[LiftRow] | None = None,
        bootstrap: Bootstrap | None = None,
    ) -> list[MediaMixRegression]:
        """Fit several groups' regressions jointly (`solver.fit_jointly`: partial pooling of channel ROI across
        them, calibration by `lift`, bootstrap refits of the coefficients kept in `coef_draws_`)."""
        prepared = [est._block(X, y) for est, X, y in zip(estimators, Xs, ys)]
        blocks = roi_in_data_units([b for b, _ in prepared], [spend for _, spend in prepared])
        fitted = fit_jointly(blocks, len(estimators[0].channels), pooling, lift, bootstrap)
        for est, coefficients in zip(estimators, fitted):
            est._keep(coefficients)
        return estimators

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> MediaMixRegression:
        return self.fit_many([self], [X], [y])[0]

    def _media(self, X: pd.DataFrame) -> np.ndarray:
        if not self.channels:
            return np.zeros((len(X), 0))
        half = self.half_saturation or {}
        return np.column_stack([hill(X[f"adstock_{c}"].to_numpy(float), half[c]) for c in self.channels])

    def _block(self, X: pd.DataFrame, y: np.ndarray) -> tuple[Block, np.ndarray]:
        """Learn the columns and the controls' standardisation from `X`; this group's solver block and its mean
        spend per day per channel."""
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        media_cols = {f"adstock_{c}" for c in self.channels}
        self.control_names_ = [c for c in X.columns if c not in media_cols]
        controls = self._controls(X)
        self.control_mean_ = controls.mean(axis=0) if controls.shape[1] else np.zeros(0)
        spread = controls.std(axis=0) if controls.shape[1] else np.zeros(0)
        self.control_scale_ = np.where(spread > 0, spread, 1.0)
        media = self._media(X)
        y = np.asarray(y, float)
        A = np.column_stack([np.ones(len(y)), media, self._standardised(controls)])
        spend = np.array([X[f"adstock_{c}"].to_numpy(float).mean() for c in self.channels])
        roi_per_coef = np.where(spend > 0, media.mean(axis=0) / np.where(spend > 0, spend, 1.0), 0.0)
        return Block(A, y, controls.shape[1], roi_per_coef, self.ridge), spend

    def _keep(self, fitted: GroupCoefficients) -> None:
        n_media = len(self.channels)
        self.intercept_ = float(fitted.coef[0])
        self.media_coef_ = fitted.coef[1 : 1 + n_media]
        self.control_coef_ = fitted.coef[1 + n_media :]
        self.resid_std_ = fitted.resid_std
        self.coef_draws_ = fitted.draws

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
        if getattr(self, "coef_draws_", None) is None:
            return None
        z = self._standardised(self._controls(X))
        return self.coef_draws_ @ np.column_stack([np.ones(len(X)), self._media(X), z]).T


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


def _unfitted(weekly: pd.DataFrame, template: FeatureSpec, params: MediaParams) -> tuple[MediaMixRegression, FeatureSpec]:
    """An unfitted regression for these weeks with the chosen carry-over, saturation and ridge, and its spec."""
    level = positive_spend_level(spend_rates(weekly, template.channels), template.channels)
    half = {c: params.half_saturation_multiple[c] * level[c] for c in template.channels}
    spec = fitted_spec(weekly, template, params.decay, half)
    return MediaMixRegression(channels=tuple(template.channels), half_saturation=half, ridge=params.ridge), spec


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
    def fit_groups(
        cls, groups: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig, validation: bool
    ) -> dict[str, FittedGroup]:
        """Carry-over, saturation and ridge shared by all groups (chosen by time-ordered CV on these weeks;
        channels in `config.transforms` keep the analyst's values), then every group's regression fitted
        jointly with partial pooling of channel ROI."""
        draws = 0 if validation else config.bootstrap_draws
        fitted = cls.fit_with(groups, templates, config, cls.search(groups, templates, config), draws=draws)
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
        unfitted = {g: _unfitted(weekly, templates[g], params) for g, weekly in groups.items()}
        pooling = Pooling(groups=config.pooling, channels=config.pooling / CHANNEL_POOLING_DIVISOR)
        targets = [(w["gmv"] / w["days"]).to_numpy(float) for w in groups.values()]
        if offsets:
            targets = [y - offsets[g] for y, g in zip(targets, groups)]
        fit = [observed(w) for w in groups.values()]  # carry-over runs through missing weeks; they are not fitted
        designs = [design_matrix(w, spec) for w, (_est, spec) in zip(groups.values(), unfitted.values())]
        specs = {g: spec for g, (_est, spec) in unfitted.items()}
        MediaMixRegression.fit_many(
            [est for est, _spec in unfitted.values()],
            [X[rows] for X, rows in zip(designs, fit)],
            [y[rows] for y, rows in zip(targets, fit)],
            pooling,
            lift=lift_rows(config.lift_tests, groups, specs) if config.lift_tests else None,
            bootstrap=Bootstrap(draws, config.bootstrap_block_weeks, config.seed, config.bootstrap_pooling_range),
        )
        settings = {"groups": pooling.groups, "channels": pooling.channels}
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

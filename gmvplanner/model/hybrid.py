"""The hybrid model kind: a structural media part for the channels, a Random Forest for what it leaves unexplained.

The media part is the pooled media-mix regression (carry-over, saturation, non-negative channel effects, trend,
seasonality and linear controls). The forest sees only the product and order levers and the calendar (MRP,
discount, SLAs, payment and vertical mix, sale days, holidays, paydays, NPS), never spend, trend or season, so it
cannot blur or take the channels' effects. The two are fitted by backfitting: the forest is fitted to the media
part's residual, the media part is refitted to GMV minus the forest's out-of-bag prediction, and so on.
Channel effects, response curves and the optimiser read the media part; predictions add both.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor

from ..features.design import FeatureSpec, design_matrix, observed
from .base import FittedGroup, GmvModel, Predictive, register
from .forest import make_forest, tree_predictions
from .mmm import FittedMedia, MediaMixModel, MediaParams
from .train_config import TrainConfig

__all__ = ["HybridModel", "forest_columns"]

STRUCTURAL = ("trend", "month", "woy_sin", "woy_cos")  # the media part's, not the forest's: a forest cannot extrapolate


def forest_columns(feature_names: list[str]) -> list[str]:
    """The design columns the forest may use: everything but spend, trend and seasonality."""
    return [c for c in feature_names if not c.startswith(("adstock_", "season_")) and c not in STRUCTURAL]


class _Weeks(NamedTuple):
    """One group's weeks as the backfitting sees them."""

    rows: pd.DataFrame
    target: np.ndarray  # GMV per day
    fit: np.ndarray  # weeks with GMV (missing weeks only carry the stock)

    @classmethod
    def of(cls, weekly: pd.DataFrame) -> _Weeks:
        return cls(weekly, (weekly["gmv"] / weekly["days"]).to_numpy(float), observed(weekly))


class _ResidualForest(NamedTuple):
    """A forest on the media part's residual (None when it explains nothing) and its out-of-bag prediction."""

    forest: RandomForestRegressor | None
    oob: np.ndarray  # GMV per day for every week (0 where never out of bag or without GMV)


def _offsets(forests: dict[str, _ResidualForest]) -> dict[str, np.ndarray]:
    """What the forests explain, to be taken off the media part's target."""
    return {g: f.oob for g, f in forests.items()}


def _fit_residual_forest(weeks: _Weeks, media: FittedMedia, config: TrainConfig) -> _ResidualForest:
    """A forest on the lever columns fitted to what the media part leaves of GMV per day."""
    X = design_matrix(weeks.rows, media.spec)
    columns = forest_columns(list(X.columns))
    if not columns:
        return _ResidualForest(None, np.zeros(len(X)))
    return _residual_forest(X[columns], weeks.target - media.model.predict(X), config, weeks.fit)


def _residual_forest(X: pd.DataFrame, residual: np.ndarray, config: TrainConfig, fit: np.ndarray) -> _ResidualForest:
    """A forest on the residual of the weeks in `fit` (those with GMV) and its out-of-bag prediction for every
    week (0 where a week was never out of bag or has no GMV).

    When the out-of-bag prediction does not explain the residual (R² at or below 0), the forest would only add
    its own noise to the media part's target and to every prediction: it is dropped (None, zeros).
    """
    r = residual[fit]
    forest = make_forest(config, oob=True, min_samples_leaf=config.hybrid_min_leaf, columns=list(X.columns)).fit(X[fit], r)
    oob_fit = np.nan_to_num(forest.oob_prediction_)
    explained = 1.0 - float(((r - oob_fit) ** 2).sum()) / max(float(((r - r.mean()) ** 2).sum()), 1e-300)
    if explained <= 0.0:
        return _ResidualForest(None, np.zeros(len(residual)))
    oob = np.zeros(len(residual))
    oob[fit] = oob_fit
    return _ResidualForest(forest, oob)


@register
class HybridModel(GmvModel):
    """Media part (pooled media-mix regression) plus a lever forest on its residual."""

    name = "hybrid"
    description = (
        "media-mix regression for the channels, trend and season, plus a Random Forest per subcategory on what it "
        "leaves unexplained (product and order levers, never spend)"
    )
    smooth_in_spend = True  # the forest never sees spend, so GMV is as smooth in spend as the media part
    has_media_part = True  # --transforms and --lift-tests act on the media part

    def __init__(self, media: MediaMixModel, forest: RandomForestRegressor | None, columns: list[str], noise_sd: float):
        self.media = media
        self.forest = forest
        self.columns = columns
        self.noise_sd = noise_sd
        self.oob_: np.ndarray = np.zeros(0)  # the forest's out-of-bag prediction on the fitted weeks (backtest)
        self.fitted_rows_: np.ndarray | None = None  # which of those weeks had GMV
        self.media_params_: MediaParams | None = None  # the carry-over and saturation chosen (refits hold them)

    @classmethod
    def fit_groups(
        cls, groups: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig, validation: bool
    ) -> dict[str, FittedGroup]:
        """Backfit `config.backfit_rounds` rounds. Carry-over and saturation are chosen once, by time-ordered CV
        on GMV as the media-mix kind does (choosing them again on GMV minus the forest's out-of-bag estimate
        picked worse half-saturations: that estimate adds noise); each round refits the residual forests and
        then the media coefficients on GMV minus the forests' out-of-bag prediction."""
        return cls._fit_with_params(groups, templates, config, MediaMixModel.search(groups, templates, config), validation)

    @classmethod
    def refit_groups(
        cls, groups: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig, like: dict[str, FittedGroup]
    ) -> dict[str, FittedGroup]:
        """The backfitting with `like`'s carry-over and saturation held (no search)."""
        params = next(iter(like.values())).model.media_params_  # type: ignore[attr-defined]
        return cls._fit_with_params(groups, templates, config, params, True)

    @classmethod
    def _fit_with_params(
        cls,
        groups: dict[str, pd.DataFrame],
        templates: dict[str, FeatureSpec],
        config: TrainConfig,
        params: MediaParams,
        validation: bool,
    ) -> dict[str, FittedGroup]:
        """The backfitting rounds with these transforms; bootstrap refits for the shipped model."""
        weeks = {g: _Weeks.of(w) for g, w in groups.items()}
        media = MediaMixModel.fit_with(groups, templates, config, params)
        forests: dict[str, _ResidualForest] = {}
        for _round in range(config.backfit_rounds):
            forests = {g: _fit_residual_forest(weeks[g], media[g], config) for g in groups}
            if all(f.forest is None for f in forests.values()):
                break  # nothing left for a forest: the media part as fitted is the model
            media = MediaMixModel.fit_with(groups, templates, config, params, _offsets(forests))
        if not validation:  # the shipped model also keeps bootstrap refits of the media coefficients
            media = MediaMixModel.fit_with(groups, templates, config, params, _offsets(forests), draws=config.bootstrap_draws)
        fitted = {g: FittedGroup(cls._assemble(weeks[g], media[g], forests[g], validation), media[g].spec) for g in groups}
        for group in fitted.values():
            group.model.media_params_ = params  # type: ignore[attr-defined]
        return fitted

    @classmethod
    def _assemble(cls, weeks: _Weeks, media: FittedMedia, residual: _ResidualForest, validation: bool) -> HybridModel:
        """The hybrid of a fitted media part and its residual forest, with the noise of what both leave."""
        X = design_matrix(weeks.rows, media.spec)
        left = (weeks.target - media.model.predict(X) - residual.oob)[weeks.fit]
        noise = float(np.sqrt((left**2).sum() / max(len(left) - len(media.model.feature_names) - 1, 1)))
        if residual.forest is not None and not validation:
            residual.forest.set_params(n_jobs=1)  # scenarios are a few rows
        model = cls(media.model, residual.forest, forest_columns(list(X.columns)), noise)
        model.oob_ = residual.oob
        model.fitted_rows_ = weeks.fit
        return model

    @property
    def feature_names(self) -> list[str]:
        return self.media.feature_names

    def forest_part(self, X: pd.DataFrame) -> np.ndarray:
        """The forest's GMV per day for each row (0 without lever columns)."""
        if self.forest is None:
            return np.zeros(len(X))
        return tree_predictions(self.forest, X[self.columns]).mean(axis=0)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.media.predict(X) + self.forest_part(X)

    def predictive(self, X: pd.DataFrame) -> Predictive:
        """The mean with normal noise of the out-of-bag residual spread."""
        mean = self.predict(X)
        return Predictive(draws=mean[None, :], noise_sd=np.full(len(mean), self.noise_sd))

    def backtest(self, X: pd.DataFrame, n_train: int) -> np.ndarray:
        """Out-of-bag forest part on the fitted weeks, so training weeks are scored as honestly as held-out ones."""
        rates = self.predict(X)
        n = min(n_train, len(self.oob_))
        fitted = getattr(self, "fitted_rows_", None)
        rows = np.flatnonzero(fitted[:n] if fitted is not None else np.ones(n, bool))  # weeks without GMV: plain
        rates[rows] = self.media.predict(X.iloc[rows]) + self.oob_[rows]
        return rates

    def media_response(self, X, spec, days, variants, carry_in=None) -> np.ndarray:
        """Only the media part moves with spend; the forest's part is added once."""
        return self.media.media_response(X, spec, days, variants, carry_in) + float((self.forest_part(X) * days).sum())

    def media_response_draws(self, X, spec, days, variants, carry_in=None) -> np.ndarray | None:
        draws = self.media.media_response_draws(X, spec, days, variants, carry_in)
        return None if draws is None else draws + float((self.forest_part(X) * days).sum())

    def importances(self) -> pd.Series:
        """The media part's weights, plus the forest's importances scaled by the spread of its prediction."""
        media = self.media.importances()
        if self.forest is None:
            return media
        spread = float(np.std(self.oob_))  # GMV per day, like the media part's weights
        forest = pd.Series(self.forest.feature_importances_ * spread, index=[f"forest: {c}" for c in self.columns])
        return pd.concat([media, forest])

    def settings(self) -> dict:
        return {**self.media.settings(), "forest_columns": self.columns, "noise_sd": self.noise_sd}

"""The Random Forest model kind: one forest per subcategory on the weekly design, carry-over chosen by time-ordered CV."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import TimeSeriesSplit

from ..features.design import FeatureSpec, design_matrix, fitted_spec, observed
from .base import FittedGroup, GmvModel, Predictive, check_columns, register
from .train_config import TrainConfig

__all__ = ["ForestModel", "make_forest", "tree_predictions"]


def make_forest(
    config: TrainConfig,
    n_estimators: int | None = None,
    oob: bool = False,
    min_samples_leaf: int | None = None,
    columns: list[str] | None = None,
) -> RandomForestRegressor:
    """An unfitted, seeded Random Forest with the configured size (all cores while fitting); with `columns`, the
    configured monotone controls among them keep their sign."""
    signs = config.signs(columns) if columns is not None else []
    return RandomForestRegressor(
        monotonic_cst=signs if any(signs) else None,
        n_estimators=n_estimators or config.n_estimators,
        min_samples_leaf=min_samples_leaf or config.min_samples_leaf,
        max_features=config.max_features,
        oob_score=oob,
        bootstrap=True,
        random_state=config.seed,
        n_jobs=-1,
    )


def tree_predictions(forest: RandomForestRegressor, X: pd.DataFrame) -> np.ndarray:
    """Every tree's per-day prediction, shape (trees, rows).

    The columns are checked once against the forest's feature names, then each tree's compiled
    `tree_.predict` runs on one float32 array (what sklearn does inside, minus 300 re-validations),
    keeping a 12-week scenario well under 100 ms.
    """
    check_columns(list(forest.feature_names_in_), X)
    X32 = np.ascontiguousarray(X.to_numpy(dtype=np.float32))
    return np.stack([tree.tree_.predict(X32)[:, 0] for tree in forest.estimators_])


def _choose_decay(weekly: pd.DataFrame, template: FeatureSpec, config: TrainConfig) -> dict[str, float]:
    """One carry-over decay for every channel: the grid value with the lowest time-ordered CV WAPE (on the weeks
    with GMV; carry-over is computed through any missing weeks first)."""
    fit = observed(weekly)
    y = (weekly["gmv"] / weekly["days"]).to_numpy()[fit]
    gmv, days = weekly["gmv"].to_numpy()[fit], weekly["days"].to_numpy()[fit]
    n_splits = min(config.cv_splits, max(2, len(y) // 8 - 1))
    splitter = TimeSeriesSplit(n_splits=n_splits, test_size=max(4, len(y) // (n_splits + 3)))
    best, best_score = config.decay_grid[0], np.inf
    for decay in config.decay_grid:
        X = design_matrix(weekly, fitted_spec(weekly, template, {c: decay for c in template.channels}))[fit]
        err, total = 0.0, 0.0
        for train_idx, test_idx in splitter.split(X):
            trees = min(config.cv_estimators, config.n_estimators)
            forest = make_forest(config, trees, columns=list(X.columns)).fit(X.iloc[train_idx], y[train_idx])
            pred = forest.predict(X.iloc[test_idx]) * days[test_idx]
            err += np.abs(pred - gmv[test_idx]).sum()
            total += gmv[test_idx].sum()
        score = err / total if total > 0 else np.inf
        if score < best_score - 1e-9:
            best, best_score = decay, score
    return {c: best for c in template.channels}


@register
class ForestModel(GmvModel):
    """A Random Forest on the weekly design; its spread of trees gives the prediction interval."""

    name = "forest"
    description = "Random Forest per subcategory with carry-over features"
    smooth_in_spend = False  # a forest's prediction is a step function of spend

    def __init__(self, forest: RandomForestRegressor):
        self.forest = forest
        self.fitted_rows_: np.ndarray | None = None  # which of the fitted weeks had GMV (the out-of-bag rows)

    @classmethod
    def fit_groups(
        cls, groups: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig, validation: bool
    ) -> dict[str, FittedGroup]:
        """Per group: choose the carry-over by time-ordered CV on these weeks, then fit (out-of-bag scores
        kept for the validation model's backtest)."""
        out: dict[str, FittedGroup] = {}
        for group, weekly in groups.items():
            spec = fitted_spec(weekly, templates[group], _choose_decay(weekly, templates[group], config))
            fit = observed(weekly)
            y = (weekly["gmv"] / weekly["days"]).to_numpy()[fit]
            X = design_matrix(weekly, spec)
            forest = make_forest(config, oob=validation, columns=list(X.columns)).fit(X[fit], y)
            if not validation:
                forest.set_params(n_jobs=1)  # scenarios are a few rows: threads cost more than they save
            model = cls(forest)
            model.fitted_rows_ = fit
            out[group] = FittedGroup(model, spec)
        return out

    @classmethod
    def refit_groups(
        cls, groups: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig, like: dict[str, FittedGroup]
    ) -> dict[str, FittedGroup]:
        """Each group's forest with `like`'s carry-over held (no search)."""
        out: dict[str, FittedGroup] = {}
        for group, weekly in groups.items():
            spec = fitted_spec(weekly, templates[group], like[group].spec.decay)
            fit = observed(weekly)
            X = design_matrix(weekly, spec)
            forest = make_forest(config, columns=list(X.columns)).fit(X[fit], (weekly["gmv"] / weekly["days"]).to_numpy()[fit])
            out[group] = FittedGroup(cls(forest), spec)
        return out

    @property
    def feature_names(self) -> list[str]:
        return list(self.forest.feature_names_in_)

    def predictive(self, X: pd.DataFrame) -> Predictive:
        per_tree = tree_predictions(self.forest, X)
        return Predictive(draws=per_tree, noise_sd=np.zeros(per_tree.shape[1]))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return tree_predictions(self.forest, X).mean(axis=0)

    def backtest(self, X: pd.DataFrame, n_train: int) -> np.ndarray:
        """Out-of-bag predictions for the training weeks (where a week was out of bag), plain ones after."""
        rates = self.forest.predict(X)
        oob = getattr(self.forest, "oob_prediction_", None)
        if oob is not None:
            rows = getattr(self, "fitted_rows_", None)
            rows = np.flatnonzero(rows if rows is not None else np.ones(len(oob), bool))
            rates[rows] = np.where(np.isnan(oob), rates[rows], oob)
        return rates

    def importances(self) -> pd.Series:
        return pd.Series(self.forest.feature_importances_, index=self.feature_names)

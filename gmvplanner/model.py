"""One Random Forest per subcategory: carry-over chosen by time-ordered CV, honest holdout, naive baselines."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import TimeSeriesSplit

from .features import LEVERS, FeatureSpec, design_matrix

__all__ = ["TrainConfig", "SubcategoryModel", "TrainedSubcategory", "train_subcategory", "metrics", "predict_rates"]


@dataclass(frozen=True)
class TrainConfig:
    """Model and validation settings; `seed` makes every run reproducible."""

    holdout_weeks: int = 8
    n_estimators: int = 300
    min_samples_leaf: int = 2
    max_features: float = 0.6
    seed: int = 42
    decay_grid: tuple[float, ...] = (0.0, 0.3, 0.5, 0.7)
    cv_splits: int = 3
    cv_estimators: int = 100
    min_train_weeks: int = 20


@dataclass
class SubcategoryModel:
    """What prediction needs for one subcategory: the fitted forest and how to build its features."""

    subcategory: str
    forest: RandomForestRegressor
    spec: FeatureSpec
    carry_out: dict[str, float]  # adstock stock per channel after the last trained week
    last_week: pd.Timestamp
    lever_defaults: dict[str, float] = field(default_factory=dict)  # recent means of levers and mixes
    spend_share: float = 0.0  # the subcategory's share of company GMV over the last 13 weeks

    @property
    def feature_names(self) -> list[str]:
        return list(self.forest.feature_names_in_)


@dataclass
class TrainedSubcategory:
    """Training output for one subcategory."""

    model: SubcategoryModel
    backtest: pd.DataFrame
    metrics: dict[str, dict[str, float]]


def _forest(config: TrainConfig, n_estimators: int | None = None, oob: bool = False) -> RandomForestRegressor:
    return RandomForestRegressor(
        n_estimators=n_estimators or config.n_estimators,
        min_samples_leaf=config.min_samples_leaf,
        max_features=config.max_features,
        oob_score=oob,
        bootstrap=True,
        random_state=config.seed,
        n_jobs=-1,
    )


def predict_rates(forest: RandomForestRegressor, X: pd.DataFrame, coverage: float = 0.8):
    """Mean per-day prediction and the central `coverage` interval from the spread of the trees.

    The columns are checked once against the forest's feature names; then each tree's compiled
    `tree_.predict` runs on one float32 array (what sklearn does inside, minus 300 re-validations),
    which keeps a 12-week scenario well under 100 ms.
    """
    if list(X.columns) != list(forest.feature_names_in_):
        raise ValueError(f"features {list(X.columns)} differ from the model's {list(forest.feature_names_in_)}")
    X32 = np.ascontiguousarray(X.to_numpy(dtype=np.float32))
    per_tree = np.stack([tree.tree_.predict(X32)[:, 0] for tree in forest.estimators_])
    lo_q, hi_q = (1 - coverage) / 2, 1 - (1 - coverage) / 2
    return per_tree.mean(axis=0), np.quantile(per_tree, lo_q, axis=0), np.quantile(per_tree, hi_q, axis=0)


def metrics(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """WAPE, MAPE (both as fractions) and R² of weekly GMV."""
    actual, predicted = np.asarray(actual, float), np.asarray(predicted, float)
    err = np.abs(actual - predicted)
    ok = actual > 0
    ss_res = float(((actual - predicted) ** 2).sum())
    ss_tot = float(((actual - actual.mean()) ** 2).sum())
    return {
        "wape": float(err.sum() / actual.sum()) if actual.sum() > 0 else float("nan"),
        "mape": float((err[ok] / actual[ok]).mean()) if ok.any() else float("nan"),
        "r2": 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan"),
    }


def _spec(weekly: pd.DataFrame, channels: list[str], decay: float, mix_columns: list[str]) -> FeatureSpec:
    fill = {lever: float(weekly[lever].median()) for lever in LEVERS}
    fill["nps"] = float(weekly["nps"].median()) if weekly["nps"].notna().any() else 50.0
    fill = {k: (0.0 if np.isnan(v) else v) for k, v in fill.items()}
    return FeatureSpec(channels=channels, decay={c: decay for c in channels}, mix_columns=mix_columns, fill_values=fill)


def _choose_decay(weekly: pd.DataFrame, channels: list[str], mix_columns: list[str], config: TrainConfig) -> float:
    """The carry-over decay with the lowest time-ordered CV WAPE on the given (training) weeks."""
    y = (weekly["gmv"] / weekly["days"]).to_numpy()
    gmv = weekly["gmv"].to_numpy()
    n_splits = min(config.cv_splits, max(2, len(weekly) // 8 - 1))
    splitter = TimeSeriesSplit(n_splits=n_splits, test_size=max(4, len(weekly) // (n_splits + 3)))
    best, best_score = config.decay_grid[0], np.inf
    for decay in config.decay_grid:
        X = design_matrix(weekly, _spec(weekly, channels, decay, mix_columns))
        err, total = 0.0, 0.0
        for train_idx, test_idx in splitter.split(X):
            forest = _forest(config, min(config.cv_estimators, config.n_estimators)).fit(X.iloc[train_idx], y[train_idx])
            pred = forest.predict(X.iloc[test_idx]) * weekly["days"].to_numpy()[test_idx]
            err += np.abs(pred - gmv[test_idx]).sum()
            total += gmv[test_idx].sum()
        score = err / total if total > 0 else np.inf
        if score < best_score - 1e-9:
            best, best_score = decay, score
    return best


def train_subcategory(
    weekly: pd.DataFrame, channels: list[str], mix_columns: list[str], config: TrainConfig, gmv_share: float
) -> TrainedSubcategory:
    """Tune on the training weeks, score on the held-out last weeks, then refit on every week.

    `weekly` holds one subcategory's consecutive weeks (see `features.weekly_table`). The model
    predicts GMV per day of the week inside the window, so partial first and last weeks count fully.
    """
    weekly = weekly.sort_values("week_start").reset_index(drop=True)
    n_hold = config.holdout_weeks
    train, hold = weekly.iloc[: len(weekly) - n_hold], weekly.iloc[len(weekly) - n_hold :]
    decay = _choose_decay(train, channels, mix_columns, config)

    spec_train = _spec(train, channels, decay, mix_columns)
    X_train = design_matrix(train, spec_train)
    y_train = (train["gmv"] / train["days"]).to_numpy()
    validation = _forest(config, oob=True).fit(X_train, y_train)
    # holdout features continue the training stock, exactly as a forecast would
    X_all_val = design_matrix(weekly, spec_train)
    hold_rate = validation.predict(X_all_val.iloc[len(train) :])
    days = weekly["days"].to_numpy(float)
    train_rate = np.where(np.isnan(validation.oob_prediction_), validation.predict(X_train), validation.oob_prediction_)
    predicted = np.concatenate([train_rate, hold_rate]) * days

    backtest = pd.DataFrame(
        {
            "week_start": weekly["week_start"],
            "subcategory": weekly["subcategory"],
            "actual_gmv": weekly["gmv"],
            "predicted_gmv": predicted,
            "split": ["train"] * len(train) + ["holdout"] * len(hold),
        }
    )
    actual_hold = hold["gmv"].to_numpy()
    rates = y_train
    baselines = {
        "last_week": np.full(n_hold, rates[-1]) * hold["days"].to_numpy(),
        "mean_13_weeks": np.full(n_hold, rates[-13:].mean()) * hold["days"].to_numpy(),
    }
    scores = {"model": metrics(actual_hold, predicted[len(train) :])}
    scores.update({name: metrics(actual_hold, pred) for name, pred in baselines.items()})
    scores["model"]["decay"] = decay

    spec = _spec(weekly, channels, decay, mix_columns)
    X = design_matrix(weekly, spec)
    final = _forest(config).fit(X, (weekly["gmv"] / weekly["days"]).to_numpy())
    final.set_params(n_jobs=1)  # scenarios are a few rows: threads cost more than they save
    carry = {c: float(X[f"adstock_{c}"].iloc[-1]) for c in channels}
    recent = weekly.iloc[-13:]
    defaults = {lever: float(recent[lever].mean()) for lever in LEVERS}
    defaults.update({col: float(recent[col].mean()) for col in mix_columns if col in recent})
    defaults["nps"] = float(recent["nps"].iloc[-1]) if recent["nps"].notna().any() else spec.fill_values["nps"]
    defaults = {k: (spec.fill_values.get(k, 0.0) if np.isnan(v) else v) for k, v in defaults.items()}
    model = SubcategoryModel(
        subcategory=str(weekly["subcategory"].iloc[0]),
        forest=final,
        spec=spec,
        carry_out=carry,
        last_week=pd.Timestamp(weekly["week_start"].iloc[-1]),
        lever_defaults=defaults,
        spend_share=gmv_share,
    )
    return TrainedSubcategory(model=model, backtest=backtest, metrics=scores)

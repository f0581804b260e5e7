"""One model per subcategory (Random Forest by default): carry-over chosen by time-ordered CV, honest holdout,
naive baselines, then a refit on every week."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import TimeSeriesSplit

from .config import MMM_POOLING
from .features import FeatureSpec, design_matrix, spend_column, with_spend_rates
from .load import FixedTransforms
from .mmm import MediaMixRegression, choose_media_params, fit_jointly

__all__ = [
    "ModelKind",
    "TrainConfig",
    "SubcategoryModel",
    "TrainedSubcategory",
    "train_subcategory",
    "shared_media_params",
    "fit_media_mix",
    "feature_importances",
    "metrics",
    "predict_rates",
    "tree_predictions",
    "variant_totals",
]


class ModelKind(StrEnum):
    """The models a user can choose with --model."""

    FOREST = "forest"
    MMM = "mmm"

    @classmethod
    def parse(cls, text: str) -> ModelKind:
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown model '{text}'; choose one of {[k.value for k in cls]}") from None


@dataclass(frozen=True)
class TrainConfig:
    """Model and validation settings; `seed` makes every run reproducible."""

    holdout_weeks: int = 8
    model: ModelKind = ModelKind.FOREST
    n_estimators: int = 300
    min_samples_leaf: int = 2
    max_features: float = 0.6
    seed: int = 42
    decay_grid: tuple[float, ...] = (0.0, 0.3, 0.5, 0.7)
    cv_splits: int = 3
    cv_estimators: int = 100
    min_train_weeks: int = 20
    pooling: float = MMM_POOLING  # mmm: pull of a channel's ROI in a subcategory towards its ROI across subcategories
    transforms: FixedTransforms | None = None  # mmm: carry-over / saturation the analyst fixed for some channels


@dataclass
class SubcategoryModel:
    """What prediction needs for one subcategory (or weekly-table group): the estimator and its features."""

    subcategory: str
    estimator: RandomForestRegressor | MediaMixRegression
    spec: FeatureSpec
    carry_out: dict[str, float]  # adstock stock per channel after the last trained week
    last_week: pd.Timestamp
    lever_defaults: dict[str, float] = field(default_factory=dict)  # recent means of the controls
    spend_share: float = 0.0  # share of company spend this group receives in scenarios

    @property
    def feature_names(self) -> list[str]:
        return list(self.estimator.feature_names_in_)

    @property
    def kind(self) -> ModelKind:
        return ModelKind.MMM if isinstance(self.estimator, MediaMixRegression) else ModelKind.FOREST


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


def _check_columns(estimator, X: pd.DataFrame) -> None:
    if list(X.columns) != list(estimator.feature_names_in_):
        raise ValueError(f"features {list(X.columns)} differ from the model's {list(estimator.feature_names_in_)}")


def tree_predictions(forest: RandomForestRegressor, X: pd.DataFrame) -> np.ndarray:
    """Every tree's per-day prediction, shape (trees, rows).

    The columns are checked once against the forest's feature names, then each tree's compiled
    `tree_.predict` runs on one float32 array (what sklearn does inside, minus 300 re-validations),
    keeping a 12-week scenario well under 100 ms.
    """
    _check_columns(forest, X)
    X32 = np.ascontiguousarray(X.to_numpy(dtype=np.float32))
    return np.stack([tree.tree_.predict(X32)[:, 0] for tree in forest.estimators_])


def predict_rates(estimator, X: pd.DataFrame, coverage: float = 0.8):
    """Mean per-day prediction and a central `coverage` interval (for a forest, the spread of its trees)."""
    if isinstance(estimator, MediaMixRegression):
        _check_columns(estimator, X)
        return estimator.predict_interval(X, coverage)
    per_tree = tree_predictions(estimator, X)
    lo_q, hi_q = (1 - coverage) / 2, 1 - (1 - coverage) / 2
    return per_tree.mean(axis=0), np.quantile(per_tree, lo_q, axis=0), np.quantile(per_tree, hi_q, axis=0)


def variant_totals(
    model: SubcategoryModel,
    base: pd.DataFrame,
    days: np.ndarray,
    variants: list[dict[str, np.ndarray]],
    carry_in: dict[str, float] | None = None,
) -> np.ndarray:
    """Mean total GMV (₹) of many spend variants of one design matrix, predicted in one call.

    Each variant maps channels to their spend per day; only those channels' carry-over is recomputed.
    """
    blocks = [with_spend_rates(base, model.spec, variant, carry_in) for variant in variants]
    per_day = predict_rates(model.estimator, pd.concat(blocks, ignore_index=True))[0]
    return (per_day.reshape(len(variants), len(base)) * days).sum(axis=1)


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


def _spec(
    weekly: pd.DataFrame, template: FeatureSpec, decay: dict[str, float], half_saturation: dict[str, float] | None = None
) -> FeatureSpec:
    fill = {c: float(weekly[c].median()) if c in weekly and weekly[c].notna().any() else 0.0 for c in template.controls}
    if template.calendar:
        fill["nps"] = float(weekly["nps"].median()) if weekly["nps"].notna().any() else 50.0
    return FeatureSpec(
        channels=template.channels,
        decay=decay,
        controls=template.controls,
        fill_values=fill,
        calendar=template.calendar,
        half_saturation=half_saturation or {},
        fourier=template.fourier,
        trend=template.trend,
    )


def _forest_decay(weekly: pd.DataFrame, template: FeatureSpec, config: TrainConfig) -> dict[str, float]:
    """One carry-over decay for every channel: the grid value with the lowest time-ordered CV WAPE."""
    y = (weekly["gmv"] / weekly["days"]).to_numpy()
    gmv = weekly["gmv"].to_numpy()
    n_splits = min(config.cv_splits, max(2, len(weekly) // 8 - 1))
    splitter = TimeSeriesSplit(n_splits=n_splits, test_size=max(4, len(weekly) // (n_splits + 3)))
    best, best_score = config.decay_grid[0], np.inf
    for decay in config.decay_grid:
        X = design_matrix(weekly, _spec(weekly, template, {c: decay for c in template.channels}))
        err, total = 0.0, 0.0
        for train_idx, test_idx in splitter.split(X):
            forest = _forest(config, min(config.cv_estimators, config.n_estimators)).fit(X.iloc[train_idx], y[train_idx])
            pred = forest.predict(X.iloc[test_idx]) * weekly["days"].to_numpy()[test_idx]
            err += np.abs(pred - gmv[test_idx]).sum()
            total += gmv[test_idx].sum()
        score = err / total if total > 0 else np.inf
        if score < best_score - 1e-9:
            best, best_score = decay, score
    return {c: best for c in template.channels}


def _mmm_inputs(weekly: pd.DataFrame, template: FeatureSpec):
    """(spend per day per channel, control features, GMV per day, days) for the media-mix search."""
    days = weekly["days"].to_numpy(float)
    rates = pd.DataFrame({c: weekly[spend_column(c)].to_numpy(float) / days for c in template.channels})
    base = design_matrix(weekly, _spec(weekly, template, {c: 0.0 for c in template.channels}))
    controls = base.drop(columns=[f"adstock_{c}" for c in template.channels])
    return rates, controls, (weekly["gmv"] / weekly["days"]).to_numpy(float), days


def shared_media_params(
    groups: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig
) -> dict[str, tuple[dict, dict, float]]:
    """Carry-over, saturation and ridge shared by all groups: chosen on the training weeks (for the
    validation model) and, by the same procedure, on every week (for the shipped model). Channels in
    `config.transforms` keep the analyst's values."""
    fixed = config.transforms
    if fixed is not None:
        fixed.check_channels(list(next(iter(templates.values())).channels))
    out = {}
    for name, cut in (("validation", config.holdout_weeks), ("final", 0)):
        inputs = []
        for g, weekly in groups.items():
            weekly = weekly.sort_values("week_start").reset_index(drop=True)
            inputs.append(_mmm_inputs(weekly.iloc[: len(weekly) - cut], templates[g]))
        out[name] = choose_media_params(
            inputs,
            fixed_decay=fixed.decay if fixed else None,
            fixed_multiple=fixed.half_saturation_multiple if fixed else None,
        )
    return out


def _mmm_design(weekly: pd.DataFrame, template: FeatureSpec, hyper):
    """An unfitted media-mix regression for these weeks, its feature spec, design matrix and target."""
    decay, mult, ridge = hyper
    rates, _controls, y, _days = _mmm_inputs(weekly, template)
    level = {c: float(rates[c][rates[c] > 0].mean()) if (rates[c] > 0).any() else 1.0 for c in template.channels}
    half = {c: mult[c] * level[c] for c in template.channels}
    spec = _spec(weekly, template, decay, half)
    estimator = MediaMixRegression(channels=tuple(template.channels), half_saturation=half, ridge=ridge)
    return estimator, spec, design_matrix(weekly, spec), y


def fit_media_mix(
    groups: dict[str, pd.DataFrame],
    templates: dict[str, FeatureSpec],
    config: TrainConfig,
    media_params: dict[str, tuple[dict, dict, float]],
) -> dict[str, tuple[tuple, tuple]]:
    """Every group's media-mix regression, fitted jointly with partial pooling of channel ROI
    (`mmm.fit_jointly`): once on the training weeks with the validation hyperparameters, once on every
    week with the final ones. Returns group -> ((validation estimator, spec), (final estimator, spec))."""
    out: dict[str, list] = {g: [] for g in groups}
    for stage, cut in (("validation", config.holdout_weeks), ("final", 0)):
        designs = {}
        for g, weekly in groups.items():
            weekly = weekly.sort_values("week_start").reset_index(drop=True)
            designs[g] = _mmm_design(weekly.iloc[: len(weekly) - cut], templates[g], media_params[stage])
        fit_jointly(
            [d[0] for d in designs.values()],
            [d[2] for d in designs.values()],
            [d[3] for d in designs.values()],
            pool_groups=config.pooling,
            pool_channels=config.pooling / 10,
        )
        for g, (estimator, spec, _X, _y) in designs.items():
            out[g].append((estimator, spec))
    return {g: (pair[0], pair[1]) for g, pair in out.items()}


def _fit_forest(weekly: pd.DataFrame, template: FeatureSpec, config: TrainConfig, oob: bool = False):
    """Choose the carry-over by time-ordered CV on these weeks, then fit; returns (forest, spec)."""
    spec = _spec(weekly, template, _forest_decay(weekly, template, config))
    y = (weekly["gmv"] / weekly["days"]).to_numpy()
    return _forest(config, oob=oob).fit(design_matrix(weekly, spec), y), spec


def train_subcategory(
    weekly: pd.DataFrame,
    template: FeatureSpec,
    config: TrainConfig,
    spend_share: float,
    prefit: tuple[tuple, tuple] | None = None,
) -> TrainedSubcategory:
    """Tune on the training weeks and score on the held-out last weeks; then apply the same procedure
    (tune by time-ordered CV, fit) to every week for the shipped model. The holdout metrics therefore
    describe the procedure, and the holdout never touched the model they were computed from.

    `weekly` holds one group's consecutive weeks (see `features.weekly_table`); `template` names its
    channels and controls. The model predicts GMV per day of the week inside the window, so partial first
    and last weeks count fully.
    """
    weekly = weekly.sort_values("week_start").reset_index(drop=True)
    n_hold = config.holdout_weeks
    train, hold = weekly.iloc[: len(weekly) - n_hold], weekly.iloc[len(weekly) - n_hold :]
    if config.model is ModelKind.MMM and prefit is None:  # a group on its own: the same mechanism, one group
        group = {"one": weekly}
        prefit = fit_media_mix(group, {"one": template}, config, shared_media_params(group, {"one": template}, config))["one"]
    if prefit is not None:  # media-mix models, fitted jointly with the other groups (see fit_media_mix)
        (validation, spec_train), (final, spec) = prefit
    else:
        validation, spec_train = _fit_forest(train, template, config, oob=True)
        final, spec = _fit_forest(weekly, template, config)
    X_all = design_matrix(weekly, spec_train)  # holdout features continue the training stock, as a forecast would
    rates = validation.predict(X_all)
    if isinstance(validation, RandomForestRegressor):
        oob = validation.oob_prediction_
        rates[: len(train)] = np.where(np.isnan(oob), rates[: len(train)], oob)
    predicted = rates * weekly["days"].to_numpy(float)
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
    train_rates = (train["gmv"] / train["days"]).to_numpy()
    hold_days = hold["days"].to_numpy(float)
    baselines = {
        "last_week": np.full(n_hold, train_rates[-1]) * hold_days,
        "mean_13_weeks": np.full(n_hold, train_rates[-13:].mean()) * hold_days,
    }
    scores = {"model": metrics(actual_hold, predicted[len(train) :])}
    scores.update({name: metrics(actual_hold, pred) for name, pred in baselines.items()})
    scores["model"]["kind"] = config.model.value

    if isinstance(final, RandomForestRegressor):
        final.set_params(n_jobs=1)  # scenarios are a few rows: threads cost more than they save
    X = design_matrix(weekly, spec)
    carry = {c: float(X[f"adstock_{c}"].iloc[-1]) for c in template.channels}
    recent = weekly.iloc[-13:]
    defaults = {c: float(recent[c].mean()) for c in template.controls if c in recent}
    if template.calendar:
        defaults["nps"] = float(recent["nps"].iloc[-1]) if recent["nps"].notna().any() else spec.fill_values["nps"]
    defaults = {k: (spec.fill_values.get(k, 0.0) if np.isnan(v) else v) for k, v in defaults.items()}
    model = SubcategoryModel(
        subcategory=str(weekly["subcategory"].iloc[0]),
        estimator=final,
        spec=spec,
        carry_out=carry,
        last_week=pd.Timestamp(weekly["week_start"].iloc[-1]),
        lever_defaults=defaults,
        spend_share=spend_share,
    )
    return TrainedSubcategory(model=model, backtest=backtest, metrics=scores)


def feature_importances(model: SubcategoryModel) -> pd.DataFrame:
    """subcategory, feature, importance (sums to 1): impurity importance for a forest; for the regression,
    each feature's coefficient times its spread (saturated media columns are in [0, 1))."""
    est = model.estimator
    if isinstance(est, MediaMixRegression):
        weight = np.r_[np.abs(est.media_coef_) * 0.5, np.abs(est.control_coef_)]
        names = [f"adstock_{c}" for c in est.channels] + list(est.control_names_)
    else:
        weight, names = est.feature_importances_, list(est.feature_names_in_)
    total = weight.sum()
    frame = pd.DataFrame(
        {"subcategory": model.subcategory, "feature": names, "importance": weight / total if total > 0 else weight}
    )
    return frame.sort_values("importance", ascending=False, ignore_index=True)

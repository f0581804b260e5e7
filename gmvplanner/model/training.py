"""Train every group with any model kind: tune and score on held-out weeks, then apply the same procedure to all.

The saved per-subcategory bundle (`SubcategoryModel`) also lives here: the fitted model, its feature spec,
the carry-over stock at the end of training and the recent lever values that scenarios default to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import DEFAULT_MODEL, FOREST_TREES, HOLDOUT_WEEKS, MIN_TRAIN_WEEKS, MMM_POOLING, RECENT_WEEKS, SEED
from ..data.lift_tests import LiftTests
from ..features.design import FeatureSpec, design_matrix, observed
from .base import GmvModel, Predictive, model_kind
from .fixed_transforms import FixedTransforms
from .metrics import metrics

__all__ = ["TrainConfig", "SubcategoryModel", "TrainedSubcategory", "train_groups"]


@dataclass(frozen=True)
class TrainConfig:
    """Model and validation settings; `seed` makes every run reproducible."""

    holdout_weeks: int = HOLDOUT_WEEKS
    model: str = DEFAULT_MODEL  # a registered model kind (see `base.model_names`)
    n_estimators: int = FOREST_TREES
    min_samples_leaf: int = 2
    max_features: float = 0.6
    seed: int = SEED
    decay_grid: tuple[float, ...] = (0.0, 0.3, 0.5, 0.7)
    cv_splits: int = 3
    cv_estimators: int = 100
    min_train_weeks: int = MIN_TRAIN_WEEKS
    pooling: float = MMM_POOLING  # mmm: pull of a channel's ROI in a subcategory towards its ROI across subcategories
    transforms: FixedTransforms | None = None  # mmm: carry-over / saturation the analyst fixed for some channels
    backfit_rounds: int = 2  # hybrid: rounds of (forest on the media part's residual, media part refitted)
    hybrid_min_leaf: int = 5  # hybrid: smallest leaf of the residual forest (it fits noise below this)
    bootstrap_draws: int = 100  # hybrid, mmm: moving-block bootstrap refits behind intervals and the optimiser's risk
    bootstrap_block_weeks: int = 6  # about three half-lives of a 0.7 weekly carry-over
    # each refit's pooling weight times a log-uniform factor in this range: three subcategories cannot pin down how
    # much they share. On generated data the 80% ROI intervals held the truth for 46% of channels with the weight
    # fixed and 67% with this range (bench/bench_truth.py --pooling-range); the point estimates do not change.
    bootstrap_pooling_range: tuple[float, float] = (0.01, 1.0)
    lift_tests: LiftTests | None = None  # hybrid, mmm: experiments that calibrate the channel coefficients

    def __post_init__(self) -> None:
        model_kind(self.model)  # an unknown name fails here, listing the valid ones


@dataclass
class SubcategoryModel:
    """What prediction needs for one subcategory (or weekly-table group): the model and its features."""

    subcategory: str
    estimator: GmvModel  # any registered model kind
    spec: FeatureSpec
    carry_out: dict[str, float]  # adstock stock per channel after the last trained week
    last_week: pd.Timestamp
    lever_defaults: dict[str, float] = field(default_factory=dict)  # recent means of the controls
    spend_share: float = 0.0  # share of company spend this group receives in scenarios

    @property
    def feature_names(self) -> list[str]:
        return self.estimator.feature_names

    def carry_in(self, first_week: pd.Timestamp) -> dict[str, float] | None:
        """The trained stock, decayed over any weeks between the end of training and `first_week`
        (None: the scenario starts inside the training weeks, so the stock starts at its first rate)."""
        gap = (pd.Timestamp(first_week) - self.last_week).days // 7
        if gap < 1:
            return None
        return {c: s * self.spec.decay[c] ** (gap - 1) for c, s in self.carry_out.items()}

    def predictive(self, X: pd.DataFrame) -> Predictive:
        return self.estimator.predictive(X)


@dataclass
class TrainedSubcategory:
    """Training output for one subcategory."""

    model: SubcategoryModel
    backtest: pd.DataFrame
    metrics: dict[str, dict[str, float]]


Progress = Callable[[str, float], None]  # (message, fraction done)


def train_groups(
    groups: dict[str, pd.DataFrame],
    templates: dict[str, FeatureSpec],
    config: TrainConfig,
    spend_shares: dict[str, float],
    report: Progress | None = None,
) -> dict[str, TrainedSubcategory]:
    """Tune on the training weeks and score on the held-out last weeks; then apply the same procedure
    (tune by time-ordered CV, fit) to every week for the shipped model. The holdout metrics therefore
    describe the procedure, and the holdout never touched the model they were computed from.

    `groups` hold each group's consecutive weeks (see `features.table.weekly_table`); `templates` name their
    channels and controls. Models predict GMV per day of the week inside the window, so partial first and last
    weeks count fully.
    """
    report = report or (lambda msg, frac: None)
    kind = model_kind(config.model)
    groups = {g: rows.sort_values("week_start").reset_index(drop=True) for g, rows in groups.items()}
    cut = config.holdout_weeks
    report("tuning and fitting on the training weeks", 0.6)
    validation = kind.fit_groups({g: w.iloc[: len(w) - cut] for g, w in groups.items()}, templates, config, True)
    report("tuning and fitting on every week", 0.8)
    final = kind.fit_groups(groups, templates, config, False)
    trained = {}
    for group, weekly in groups.items():
        trained[group] = _score_and_package(
            weekly, templates[group], config, validation[group], final[group], spend_shares[group]
        )
    return trained


def _score_and_package(
    weekly: pd.DataFrame,
    template: FeatureSpec,
    config: TrainConfig,
    validation: tuple[GmvModel, FeatureSpec],
    final: tuple[GmvModel, FeatureSpec],
    spend_share: float,
) -> TrainedSubcategory:
    """Backtest and holdout metrics (beside two naive baselines) from the validation model; the shipped bundle
    from the final one."""
    n_hold = config.holdout_weeks
    train, hold = weekly.iloc[: len(weekly) - n_hold], weekly.iloc[len(weekly) - n_hold :]
    (checked, spec_train), (shipped, spec) = validation, final
    X_all = design_matrix(weekly, spec_train)  # holdout features continue the training stock, as a forecast would
    predicted = checked.backtest(X_all, len(train)) * weekly["days"].to_numpy(float)
    backtest = pd.DataFrame(
        {
            "week_start": weekly["week_start"],
            "subcategory": weekly["subcategory"],
            "actual_gmv": weekly["gmv"],
            "predicted_gmv": predicted,
            "split": ["train"] * len(train) + ["holdout"] * len(hold),
            "days": weekly["days"].to_numpy(int),
        }
    )
    # held-out weeks are scored on their full weeks: a partial last week (a few days of GMV) would otherwise
    # dominate R² and flatter every predictor (per day when fewer than two full weeks are held out)
    # (weeks without GMV, which a weekly table may have, are predicted but never scored)
    hold_days = hold["days"].to_numpy(float)
    has_gmv = observed(hold)
    if ((hold_days == 7) & has_gmv).sum() >= 2:
        full, per = (hold_days == 7) & has_gmv, np.ones(n_hold)
    else:
        full, per = has_gmv, 1.0 / hold_days
    actual_hold = hold["gmv"].to_numpy() * per
    known = train.loc[observed(train)]
    train_rates = (known["gmv"] / known["days"]).to_numpy()
    baselines = {
        "last_week": np.full(n_hold, train_rates[-1]) * hold_days,
        f"mean_{RECENT_WEEKS}_weeks": np.full(n_hold, train_rates[-RECENT_WEEKS:].mean()) * hold_days,
    }
    scores = {"model": metrics(actual_hold[full], (predicted[len(train) :] * per)[full])}
    scores.update({name: metrics(actual_hold[full], (pred * per)[full]) for name, pred in baselines.items()})
    scores["model"]["scored_weeks"] = int(full.sum())
    scores["model"]["kind"] = config.model

    X = design_matrix(weekly, spec)
    carry = {c: float(X[f"adstock_{c}"].iloc[-1]) for c in template.channels}
    recent = weekly.iloc[-RECENT_WEEKS:]
    defaults = {c: float(recent[c].mean()) for c in template.controls if c in recent}
    if template.calendar:
        defaults["nps"] = float(recent["nps"].iloc[-1]) if recent["nps"].notna().any() else spec.fill_values["nps"]
    defaults = {k: (spec.fill_values.get(k, 0.0) if np.isnan(v) else v) for k, v in defaults.items()}
    bundle = SubcategoryModel(
        subcategory=str(weekly["subcategory"].iloc[0]),
        estimator=shipped,
        spec=spec,
        carry_out=carry,
        last_week=pd.Timestamp(weekly["week_start"].iloc[-1]),
        lever_defaults=defaults,
        spend_share=spend_share,
    )
    return TrainedSubcategory(model=bundle, backtest=backtest, metrics=scores)

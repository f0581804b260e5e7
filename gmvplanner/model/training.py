"""Train every group with any model kind: tune and score on held-out weeks, then apply the same procedure to all."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from ..config import INTERVAL_COVERAGE, RECENT_WEEKS
from ..dates import DAYS_PER_WEEK
from ..features.design import FeatureSpec, design_matrix, observed
from .base import FittedGroup, GmvModel, model_kind
from .bundle import SubcategoryModel
from .forecast_choice import ForecastBlend, ForecastChoice, choose_forecast, fit_blend
from .metrics import metrics
from .train_config import TrainConfig

__all__ = ["TrainedSubcategory", "Scores", "train_groups", "Progress"]


@dataclass
class TrainedSubcategory:
    """Training output for one subcategory."""

    model: SubcategoryModel
    backtest: pd.DataFrame
    metrics: dict[str, Scores]  # predictor ("model", "last_week", ...) -> its holdout scores
    choice: ForecastChoice  # the forecaster chosen by time-ordered CV on the training weeks (shared by all groups)


Scores = dict[str, float | int | str]  # wape, mape, r2 (fractions); the model's also scored_weeks and kind
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
    report("tuning and fitting on the training weeks and on every week, side by side", 0.6)
    training = {g: w.iloc[: len(w) - cut] for g, w in groups.items()}
    jobs = [
        delayed(_validation_and_choice)(kind, training, templates, config),
        delayed(kind.fit_groups)(groups, templates, config, False),
    ]
    (validation, choice), final = Parallel(n_jobs=min(2, os.cpu_count() or 1))(jobs)
    trained = {}
    for group, weekly in groups.items():
        fits = _Fits(
            validation[group],
            fit_blend(choice, group, training[group], validation[group], config, oob=True),
            final[group],
            fit_blend(choice, group, weekly, final[group], config),
        )
        trained[group] = _score_and_package(weekly, templates[group], config, fits, spend_shares[group], choice)
    return trained


def _validation_and_choice(
    kind: type[GmvModel], training: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig
) -> tuple[dict[str, FittedGroup], ForecastChoice]:
    """The procedure on the training weeks (scored on the holdout) and the forecaster chosen by time-ordered CV on
    them: independent of the fit on every week, so the two run side by side (a process each on two cores)."""
    validation = kind.fit_groups(training, templates, config, True)
    return validation, choose_forecast(kind, training, templates, config, validation, fixed=not config.choose_forecaster)


@dataclass(frozen=True)
class _Fits:
    """One group's model and forecaster on the training weeks (scored on the holdout) and on every week (shipped)."""

    validation: FittedGroup
    validation_blend: ForecastBlend
    final: FittedGroup
    final_blend: ForecastBlend


def _score_and_package(
    weekly: pd.DataFrame, template: FeatureSpec, config: TrainConfig, fits: _Fits, spend_share: float, choice: ForecastChoice
) -> TrainedSubcategory:
    """Backtest and holdout metrics (beside two naive baselines) from the validation model and forecaster; the
    shipped bundle from the final ones."""
    n_train = len(weekly) - config.holdout_weeks
    validation = fits.validation
    X_all = design_matrix(weekly, validation.spec)  # holdout features continue the training stock, as a forecast would
    days = weekly["days"].to_numpy(float)
    model_rates = validation.model.backtest(X_all, n_train)
    blend = fits.validation_blend
    fitted_rows = observed(weekly.iloc[:n_train])
    rates = blend.backtest(model_rates, X_all, weekly["week_start"], fitted_rows)
    band = blend.predictive(validation.model.predictive(X_all), X_all, weekly["week_start"])
    _mean, low, high = band.interval(INTERVAL_COVERAGE)
    shift = rates - band.mean  # the band around the backtest's (out-of-bag) rates
    predicted = rates * days
    backtest = pd.DataFrame(
        {
            "week_start": weekly["week_start"],
            "subcategory": weekly["subcategory"],
            "actual_gmv": weekly["gmv"],
            "predicted_gmv": predicted,
            "lower": (low + shift) * days,
            "upper": (high + shift) * days,
            "split": ["train"] * n_train + ["holdout"] * config.holdout_weeks,
            "days": weekly["days"].to_numpy(int),
        }
    )
    hold = backtest.iloc[n_train:]
    scores = _holdout_scores(weekly.iloc[:n_train], weekly.iloc[n_train:], hold, config.model)
    bundle = _bundle(weekly, template, fits.final, spend_share, fits.final_blend)
    return TrainedSubcategory(model=bundle, backtest=backtest, metrics=scores, choice=choice)


def _holdout_scores(train: pd.DataFrame, hold: pd.DataFrame, backtest: pd.DataFrame, kind: str) -> dict[str, Scores]:
    """WAPE, MAPE and R² of the held-out weeks for the model and two naive baselines (last training week, mean of
    the last RECENT_WEEKS), and the share of them inside the model's 80% interval. Held-out weeks are scored on
    their full weeks: a partial last week (a few days of GMV) would otherwise dominate R² and flatter every
    predictor (per day when fewer than two full weeks are held out); weeks without GMV, which a weekly table may
    have, are predicted but never scored."""
    predicted = backtest["predicted_gmv"].to_numpy(float)
    n_hold = len(hold)
    hold_days = hold["days"].to_numpy(float)
    has_gmv = observed(hold)
    if ((hold_days == DAYS_PER_WEEK) & has_gmv).sum() >= 2:
        full, per = (hold_days == DAYS_PER_WEEK) & has_gmv, np.ones(n_hold)
    else:
        full, per = has_gmv, 1.0 / hold_days
    actual_hold = hold["gmv"].to_numpy() * per
    known = train.loc[observed(train)]
    train_rates = (known["gmv"] / known["days"]).to_numpy()
    baselines = {
        "last_week": np.full(n_hold, train_rates[-1]) * hold_days,
        f"mean_{RECENT_WEEKS}_weeks": np.full(n_hold, train_rates[-RECENT_WEEKS:].mean()) * hold_days,
    }
    actual = hold["gmv"].to_numpy(float)
    inside = (actual >= backtest["lower"].to_numpy(float)) & (actual <= backtest["upper"].to_numpy(float))
    model: Scores = {
        **metrics(actual_hold[full], (predicted * per)[full]),
        "coverage": float(inside[full].mean()) if full.any() else float("nan"),
        "scored_weeks": int(full.sum()),
        "kind": kind,
    }
    scores = {"model": model}
    scores.update({name: dict(metrics(actual_hold[full], (pred * per)[full])) for name, pred in baselines.items()})
    return scores


def _bundle(
    weekly: pd.DataFrame, template: FeatureSpec, final: FittedGroup, spend_share: float, forecast: ForecastBlend
) -> SubcategoryModel:
    """The shipped bundle: the final model, its carry-over stock after the last week and the recent lever values."""
    spec = final.spec
    X = design_matrix(weekly, spec)
    carry = {c: float(X[f"adstock_{c}"].iloc[-1]) for c in template.channels}
    recent = weekly.iloc[-RECENT_WEEKS:]
    defaults = {c: float(recent[c].mean()) for c in template.controls if c in recent}
    if template.calendar:
        defaults["nps"] = float(recent["nps"].iloc[-1]) if recent["nps"].notna().any() else spec.fill_values["nps"]
    defaults = {k: (spec.fill_values.get(k, 0.0) if np.isnan(v) else v) for k, v in defaults.items()}
    return SubcategoryModel(
        subcategory=str(weekly["subcategory"].iloc[0]),
        estimator=final.model,
        spec=spec,
        carry_out=carry,
        last_week=pd.Timestamp(weekly["week_start"].iloc[-1]),
        lever_defaults=defaults,
        spend_share=spend_share,
        forecast=forecast,
    )

"""The interface every model kind implements, its predictive distribution, and the registry behind `--model`.

Pipeline, effects, scenarios, the optimiser and the app talk to models only through `GmvModel`; a new kind is
a new module in this package that subclasses it and is decorated with `@register`. Nothing else learns its class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..config import INTERVAL_COVERAGE, interval_quantiles
from ..features.design import FeatureSpec
from ..features.transforms import geometric_adstock
from .registry import KIND_NAMES, check_model_name
from .train_config import TrainConfig

__all__ = [
    "Predictive",
    "PredictiveTotal",
    "GmvModel",
    "FittedGroup",
    "register",
    "model_kind",
    "model_kinds",
    "model_names",
    "check_columns",
    "spend_variants",
]


@dataclass(frozen=True)
class PredictiveTotal:
    """The predictive distribution of a total (₹): equally weighted draws plus independent normal noise.

    Totals of several groups add draw by draw (draw i of each group summed: a forest's tree i, a refit i)
    and variance by variance.
    """

    draws: np.ndarray  # (n_draws,)
    variance: float = 0.0

    def __add__(self, other: PredictiveTotal) -> PredictiveTotal:
        return PredictiveTotal(self.draws + other.draws, self.variance + other.variance)

    @property
    def mean(self) -> float:
        return float(self.draws.mean())

    def interval(self, coverage: float = INTERVAL_COVERAGE) -> tuple[float, float, float]:
        """Mean and a central `coverage` interval."""
        lo_q, hi_q = interval_quantiles(coverage)
        mean = self.mean
        spread_lo, spread_hi = np.quantile(self.draws, [lo_q, hi_q]) - mean
        z = float(norm.ppf(hi_q)) * np.sqrt(self.variance)
        return mean, mean + spread_lo - z, mean + spread_hi + z


@dataclass(frozen=True)
class Predictive:
    """The predictive distribution of GMV per day for some consecutive weeks: draws (e.g. one per tree) plus normal
    noise, correlated from one week to the next by `noise_corr` (first-order autoregressive: weeks k apart
    correlate by noise_corr**k), which a total over several weeks must carry."""

    draws: np.ndarray  # (n_draws, rows)
    noise_sd: np.ndarray  # (rows,)
    noise_corr: float = 0.0

    @property
    def mean(self) -> np.ndarray:
        return self.draws.mean(axis=0)

    def interval(self, coverage: float = INTERVAL_COVERAGE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-row mean and central `coverage` interval."""
        lo_q, hi_q = interval_quantiles(coverage)
        half = norm.ppf(hi_q) * self.noise_sd
        return self.mean, np.quantile(self.draws, lo_q, axis=0) - half, np.quantile(self.draws, hi_q, axis=0) + half

    def total(self, days: np.ndarray) -> PredictiveTotal:
        """The distribution of the GMV summed over these weeks (`days` per week); the noise's variance is that of
        a sum of correlated weeks, not of independent ones."""
        sd = self.noise_sd * days
        lag = np.abs(np.subtract.outer(np.arange(len(sd)), np.arange(len(sd))))
        variance = float(sd @ (self.noise_corr**lag) @ sd)
        return PredictiveTotal((self.draws * days).sum(axis=1), variance)


def spend_variants(
    X: pd.DataFrame, spec: FeatureSpec, variants: list[dict[str, np.ndarray]], carry_in: dict[str, float] | None = None
) -> pd.DataFrame:
    """One design matrix stacking a copy of `X` per spend variant (only the varied channels' carry-over recomputed;
    the same columns as `with_spend_rates` on each variant, built in numpy because the optimiser calls this often)."""
    columns = list(X.columns)
    n = len(X)
    stacked = np.tile(X.to_numpy(float), (len(variants), 1))
    layers = stacked.reshape(len(variants), n, len(columns))  # a view: one layer per variant
    for channel in dict.fromkeys(c for variant in variants for c in variant):
        which = [v for v, variant in enumerate(variants) if channel in variant]
        rates = np.column_stack([np.asarray(variants[v][channel], float) for v in which])  # (weeks, variants)
        start = rates[0] if carry_in is None else np.full(len(which), carry_in.get(channel, 0.0))
        # every variant's carry-over at once: one pass over the weeks, not one per variant (the flighting search
        # scores a hundred variants per step)
        layers[which, :, columns.index(f"adstock_{channel}")] = geometric_adstock(rates, spec.decay[channel], start).T
    return pd.DataFrame(stacked, columns=columns)


def check_columns(expected: list[str], X: pd.DataFrame) -> None:
    """Refuse a design matrix whose columns are not the model's, in its order."""
    if list(X.columns) != list(expected):
        raise ValueError(f"features {list(X.columns)} differ from the model's {list(expected)}")


class GmvModel(ABC):
    """A fitted model of one group's (subcategory's) GMV per day from its weekly design matrix."""

    name: ClassVar[str]  # the --model value
    description: ClassVar[str]  # one line for --help
    smooth_in_spend: ClassVar[bool]  # True: GMV is smooth in spend, so a gradient-based optimiser can use it directly
    has_media_part: ClassVar[bool] = False  # True: a structural media part, so --transforms and --lift-tests apply

    @classmethod
    @abstractmethod
    def fit_groups(
        cls, groups: dict[str, pd.DataFrame], templates: dict[str, FeatureSpec], config: TrainConfig, validation: bool
    ) -> dict[str, FittedGroup]:
        """Tune and fit every group on its weekly rows (already cut to the weeks to fit on).

        `templates` name each group's channels and controls; the returned spec records the chosen carry-over
        and saturation. `validation` is True for the model scored on held-out weeks, False for the shipped one.
        """

    @classmethod
    def refit_groups(
        cls,
        groups: dict[str, pd.DataFrame],
        templates: dict[str, FeatureSpec],
        config: TrainConfig,
        like: dict[str, FittedGroup],
    ) -> dict[str, FittedGroup]:
        """Fit these weeks as `like` was fitted, with its tuned settings held where the kind can (the forecaster
        choice's time-ordered folds refit many times); by default tuned again."""
        return cls.fit_groups(groups, templates, config, True)

    @property
    @abstractmethod
    def feature_names(self) -> list[str]:
        """The design-matrix columns, in the order the model expects them."""

    @abstractmethod
    def predictive(self, X: pd.DataFrame) -> Predictive:
        """The predictive distribution of GMV per day for each row of `X`."""

    @abstractmethod
    def importances(self) -> pd.Series:
        """Each feature's share of the model's explanation (sums to 1), indexed by feature name."""

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Mean GMV per day for each row of `X`."""
        return self.predictive(X).mean

    def backtest(self, X: pd.DataFrame, n_train: int) -> np.ndarray:
        """GMV per day for the rows the model was fitted on (the first `n_train`) and those after; a kind
        that can give honest in-sample figures (out-of-bag) does so."""
        return self.predict(X)

    def media_response(
        self,
        X: pd.DataFrame,
        spec: FeatureSpec,
        days: np.ndarray,
        variants: list[dict[str, np.ndarray]],
        carry_in: dict[str, float] | None = None,
    ) -> np.ndarray:
        """Mean total GMV (₹) of many spend variants of the design matrix `X`, predicted in one call.

        Each variant maps channels to their spend per day; only those channels' carry-over is recomputed.
        Effects, response curves and the optimiser all ask this question.
        """
        per_day = self.predict(spend_variants(X, spec, variants, carry_in))
        return (per_day.reshape(len(variants), len(X)) * days).sum(axis=1)

    def media_response_draws(
        self,
        X: pd.DataFrame,
        spec: FeatureSpec,
        days: np.ndarray,
        variants: list[dict[str, np.ndarray]],
        carry_in: dict[str, float] | None = None,
    ) -> np.ndarray | None:
        """`media_response` (same arguments) under every draw of the estimated effects, shape (variants, draws):
        what intervals on channel answers and the risk-aware optimiser need. None for a kind without such draws."""
        return None

    def settings(self) -> dict:
        """Fitted settings worth recording in the manifest (beyond the feature spec)."""
        return {}


class FittedGroup(NamedTuple):
    """One group's fitted model and the feature spec it was fitted with (carry-over and saturation chosen)."""

    model: GmvModel
    spec: FeatureSpec


MODEL_KINDS: dict[str, type[GmvModel]] = {}


def register(kind: type[GmvModel]) -> type[GmvModel]:
    """Class decorator: make a model kind selectable by its `name`."""
    MODEL_KINDS[kind.name] = kind
    KIND_NAMES.append(kind.name)
    return kind


def model_names() -> list[str]:
    """Every registered --model name."""
    return list(MODEL_KINDS)


def model_kinds() -> dict[str, type[GmvModel]]:
    """Every registered model kind by its --model name."""
    return dict(MODEL_KINDS)


def model_kind(name: str) -> type[GmvModel]:
    """The model kind called `name`; an unknown name lists the valid ones."""
    check_model_name(name)
    return MODEL_KINDS[name]

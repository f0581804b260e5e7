"""Lift tests (experiments) and ROI priors turned into the solver's calibration rows for the weeks being fitted."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from ...config import INTERVAL_COVERAGE, spend_column
from ...data.lift_tests import LiftTests
from ...data.roi_priors import RoiPriors
from ...features.design import FeatureSpec, observed
from ...features.transforms import geometric_adstock, hill
from .solver import LiftRow

__all__ = ["lift_rows", "prior_rows"]


def lift_rows(tests: LiftTests, groups: dict[str, pd.DataFrame], specs: dict[str, FeatureSpec]) -> list[LiftRow]:
    """Each lift test inside these weeks as a `LiftRow` for `solver.fit_jointly`.

    z is the saturated carry-over the test's extra spend adds, summed over the test's days: the model predicts
    coefficient x z of extra GMV per unit coefficient. Carry-over after the test's last day is not counted, as
    the test measured only its own days. A test reaching outside the fitted weeks (e.g. into a holdout) is left out.
    """
    channels = next(iter(specs.values())).channels
    names = list(groups)
    rows = []
    for test in tests.spread:
        z_by_group = _z_by_group(test, groups, specs, names)
        if z_by_group:
            rows.append(LiftRow(channels.index(test["channel"]), z_by_group, float(test["delta_gmv"]), float(test["sigma"])))
    return rows


def _z_by_group(test: dict, groups: dict[str, pd.DataFrame], specs: dict[str, FeatureSpec], names: list[str]) -> dict[int, float]:
    """Group position -> z for one test; empty when the test reaches outside any group's fitted weeks."""
    z_by_group = {}
    c = test["channel"]
    for g, extra in test["groups"].items():
        if g not in groups:
            continue
        weekly, spec = groups[g], specs[g]
        aligned = extra.set_index("week_start").reindex(pd.DatetimeIndex(weekly["week_start"]))
        if aligned["extra"].notna().sum() < len(extra):
            return {}
        days = weekly["days"].to_numpy(float)
        rate = weekly[spend_column(c)].to_numpy(float) / days
        more = np.maximum(rate + aligned["extra"].fillna(0.0).to_numpy() / days, 0.0)  # a cut stops at zero spend
        before, after = _saturated(rate, rate[0], spec, c), _saturated(more, rate[0], spec, c)
        z_by_group[names.index(g)] = float((aligned["test_days"].fillna(0.0).to_numpy() * (after - before)).sum())
    return z_by_group


def prior_rows(priors: RoiPriors, groups: dict[str, pd.DataFrame], specs: dict[str, FeatureSpec]) -> list[LiftRow]:
    """Each ROI prior as a `LiftRow` per subcategory it applies to: a measurement of the channel's incremental GMV
    over the fitted weeks of roi_mid x spend, with the standard deviation the 80% range implies (a normal prior on
    the ROI, as Meridian's ROI priors). The channel's incremental GMV is its coefficient times z, the saturated
    carry-over summed over the days (zero spend gives zero). Where the data say much, one such row weighs little.
    """
    channels = next(iter(specs.values())).channels
    z80 = NormalDist().inv_cdf(0.5 + INTERVAL_COVERAGE / 2)
    names = list(groups)
    rows = []
    for g, weekly in groups.items():
        spec = specs[g]
        fitted = observed(weekly)
        days = weekly["days"].to_numpy(float)
        for j, c in enumerate(channels):
            roi_range = priors.for_group(c, g)
            spend = weekly[spend_column(c)].to_numpy(float)
            total = float(spend[fitted].sum())
            if roi_range is None or total <= 0:
                continue
            rate = spend / days
            z = float((days * _saturated(rate, rate[0], spec, c))[fitted].sum())
            low, high = roi_range
            rows.append(LiftRow(j, {names.index(g): z}, (low + high) / 2 * total, (high - low) / (2 * z80) * total))
    return rows


def _saturated(rate: np.ndarray, initial: float, spec: FeatureSpec, channel: str) -> np.ndarray:
    """The channel's media column for this spend per day, as the model sees it: carry-over, then saturation."""
    stock = geometric_adstock(rate, spec.decay[channel], initial=initial)
    return hill(stock, spec.half_saturation[channel], spec.slope.get(channel, 1.0))

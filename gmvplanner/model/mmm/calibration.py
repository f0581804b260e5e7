"""Lift tests (experiments) turned into the solver's calibration rows for the weeks being fitted."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...config import spend_column
from ...data.lift_tests import LiftTests
from ...features.design import FeatureSpec
from ...features.transforms import geometric_adstock, hill
from .solver import LiftRow

__all__ = ["lift_rows"]


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
        before = hill(geometric_adstock(rate, spec.decay[c], initial=rate[0]), spec.half_saturation[c])
        after = hill(geometric_adstock(more, spec.decay[c], initial=rate[0]), spec.half_saturation[c])
        z_by_group[names.index(g)] = float((aligned["test_days"].fillna(0.0).to_numpy() * (after - before)).sum())
    return z_by_group

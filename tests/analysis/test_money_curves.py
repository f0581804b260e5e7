"""Response and marginal-ROAS curves in money: the curve at the historical spend is the model's own incremental GMV
there, the recommended spend lies on the curve, and the band holds the curve."""

import numpy as np
import pandas as pd

from gmvplanner.analysis.budget import even_plan
from gmvplanner.analysis.money_curves import historical_weekly, money_curves
from gmvplanner.analysis.scenarios import scenario_totals


def test_the_curve_at_historical_spend_is_the_models_incremental_gmv(mmm_art):
    art, n = mmm_art, 13
    found = money_curves(art, n, recommended={"TV": 1.5 * historical_weekly(art, n)[0] * n})
    weeks = pd.date_range(art.next_week, periods=n, freq="7D")
    base = historical_weekly(art, n) * n
    for j, channel in enumerate(art.channels[:3]):
        without = base.copy()
        without[j] = 0.0
        full = scenario_totals(art, even_plan(weeks, art.channels, base))[0]
        none = scenario_totals(art, even_plan(weeks, art.channels, without))[0]
        curve = found.curves.loc[found.curves["channel"] == channel]
        spend = art.money.to_base(base[j] / n)
        at = curve.loc[np.isclose(curve["spend"], spend, rtol=1e-9), "gmv"]
        assert len(at) == 1  # the historical spend is a point of the curve, not an interpolation
        np.testing.assert_allclose(at.iloc[0], (full - none) / n, rtol=1e-6)
    tv = found.curves.loc[found.curves["channel"] == "TV"]
    recommended = found.points.set_index("channel").loc["TV", "recommended"]
    assert np.isclose(tv["spend"], recommended, rtol=1e-9).sum() == 1
    assert (tv["gmv_lower"] <= tv["gmv_upper"] + 1e-9).all()
    assert tv["gmv"].iloc[0] == 0.0  # no spend on the channel: nothing incremental


def test_one_subcategorys_curves_add_up_to_all_of_them(mmm_art):
    art = mmm_art
    whole = money_curves(art, 4).curves.set_index(["channel", "spend"])["gmv"]
    parts = sum(money_curves(art, 4, scope=(s,)).curves.set_index(["channel", "spend"])["gmv"] for s in art.subcategories)
    np.testing.assert_allclose(parts.reindex(whole.index), whole, rtol=1e-6, atol=1e-6)


def test_a_split_equal_to_the_historical_one_leaves_the_slopes_finite(mmm_art):
    # the optimiser recommends the historical split itself when the evidence is weak: the two marks coincide
    art, n = mmm_art, 13
    same = dict(zip(art.channels, historical_weekly(art, n) * n * (1 + 1e-15)))
    curves = money_curves(art, n, recommended=same).curves
    assert np.isfinite(curves["mroas"]).all() and np.isfinite(curves["mroas_lower"]).all()

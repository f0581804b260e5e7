"""What a plan buys: the summary's figures agree with the forecasts they summarise, and the waterfall adds up."""

import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.scenario_summary import (
    budget_response,
    channel_waterfall,
    plan_figures,
    plan_gmv,
    scenario_summary,
    summarise,
)
from gmvplanner.analysis.scenarios import default_scenario, predict_scenario


def _gmv(art, plan):
    return float(predict_scenario(art, plan)["predicted_gmv"].sum())


def test_the_summary_agrees_with_the_forecasts(mmm_art):
    base = default_scenario(mmm_art, weeks=6)
    more_tv = base.assign(TV=base["TV"] * 1.5)
    summary = scenario_summary(mmm_art, {"base": base, "more TV": more_tv}, "base").set_index("scenario")
    for name, plan in (("base", base), ("more TV", more_tv)):
        row = summary.loc[name]
        assert row["gmv"] == pytest.approx(_gmv(mmm_art, plan), rel=1e-9)
        nothing = plan.assign(**{c: 0.0 for c in mmm_art.channels})
        assert row["incremental_gmv"] == pytest.approx(_gmv(mmm_art, plan) - _gmv(mmm_art, nothing), rel=1e-9)
        more = plan.assign(**{c: plan[c] * 1.01 for c in mmm_art.channels})
        assert row["marginal_roas"] == pytest.approx(
            (_gmv(mmm_art, more) - _gmv(mmm_art, plan)) / (0.01 * row["spend"]), rel=1e-6
        )
        assert row["roas"] == pytest.approx(row["incremental_gmv"] / row["spend"])
        assert row["gmv_lower"] <= row["gmv"] <= row["gmv_upper"]
    allocated = sum(m.spend_share for m in mmm_art.models.values()) * mmm_art.money.to_base(base["TV"].sum() * 0.5)
    assert summary.loc["more TV", "spend"] - summary.loc["base", "spend"] == pytest.approx(allocated)
    assert summary.loc["base", ["change", "change_lower", "change_upper"]].tolist() == [0.0, 0.0, 0.0]
    change = summary.loc["more TV", "gmv"] - summary.loc["base", "gmv"]
    assert summary.loc["more TV", "change"] == pytest.approx(change)
    assert summary.loc["more TV", "change_pct"] == pytest.approx(change / summary.loc["base", "gmv"] * 100)


def test_the_waterfall_adds_up_to_the_change(mmm_art):
    base = default_scenario(mmm_art, weeks=6)
    plan = base.assign(TV=base["TV"] * 2, SEM=0.0)
    steps = channel_waterfall(mmm_art, plan, base).set_index("step")["change"]
    assert steps.sum() == pytest.approx(plan_gmv(mmm_art, plan) - plan_gmv(mmm_art, base), rel=1e-9)
    assert steps["TV"] >= 0 and steps["SEM"] <= 0  # channel effects are never negative in the media-mix model
    assert (steps.drop(["TV", "SEM", "levers and overlap"]).abs() < 1e-6).all()  # untouched channels move nothing
    later = default_scenario(mmm_art, weeks=6, start=base["week_start"].iloc[0] + pd.Timedelta(weeks=1))
    assert list(channel_waterfall(mmm_art, later, base)["step"]) == ["whole plan"]  # other weeks: no channel split


def test_the_budget_response_passes_through_the_plan(mmm_art):
    base = default_scenario(mmm_art, weeks=6)
    curve = budget_response(mmm_art, base, np.linspace(0, 2, 5))
    assert curve.loc[curve["multiplier"] == 1.0, "gmv"].iloc[0] == pytest.approx(plan_gmv(mmm_art, base), rel=1e-9)
    assert curve.loc[0, "gmv"] == pytest.approx(curve["no_media"].iloc[0])
    assert (np.diff(curve["gmv"]) >= -1e-6).all()  # more spend never loses GMV under non-negative effects
    assert curve["budget"].iloc[-1] == pytest.approx(mmm_art.money.to_base(2 * base[mmm_art.channels].to_numpy().sum()))


def test_the_summary_is_built_from_each_plans_own_figures(mmm_art):
    """The app caches `plan_figures` per (model version, plan) and shares the baseline's across sessions: that is
    only right if a plan's figures do not depend on the plans it is compared with."""
    base = default_scenario(mmm_art, weeks=6)
    more_tv = base.assign(TV=base["TV"] * 1.5)
    whole = scenario_summary(mmm_art, {"base": base, "more TV": more_tv}, "base")
    figures = {"base": plan_figures(mmm_art, base), "more TV": plan_figures(mmm_art, more_tv)}
    pd.testing.assert_frame_equal(summarise(figures, "base"), whole)
    np.testing.assert_array_equal(plan_figures(mmm_art, more_tv).totals, figures["more TV"].totals)
    assert figures["base"].totals.shape[0] == 3 and figures["base"].totals.shape[1] > 1  # three variants, refits
    # the point-only path (waterfall, plan_gmv) gives the point estimate of the full one
    assert plan_gmv(mmm_art, more_tv) == pytest.approx(figures["more TV"].totals[0, 0], rel=1e-12)
    with pytest.raises(KeyError, match="baseline 'none'"):
        summarise(figures, "none")

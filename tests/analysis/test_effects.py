import numpy as np
import pytest

from gmvplanner.analysis.effects import window_gmv
from gmvplanner.model.artifacts import load_artifacts


def test_contributions_columns_and_roi(mmm_art):
    contributions = mmm_art.table("contributions")
    for col in ("subcategory", "channel", "spend", "incremental_gmv", "roi", "mroi"):
        assert col in contributions
    assert len(contributions) == 3 * 9
    active = contributions.loc[contributions["spend"] > 0]
    np.testing.assert_allclose(active["roi"], active["incremental_gmv"] / active["spend"])
    assert (contributions["incremental_gmv"] >= -1e-6).all()  # non-negative media effects


def test_zero_spend_gives_no_channel_effect_and_curves_rise(mmm_art):
    curves = mmm_art.table("response_curves")
    history = mmm_art.table("history")
    for sub, model in mmm_art.models.items():
        weekly = history.loc[history["subcategory"] == sub].reset_index(drop=True)
        contributions = mmm_art.table("contributions").query("subcategory == @sub").set_index("channel")
        base = window_gmv(model, weekly)
        for channel in model.spec.channels:
            curve = curves.query("subcategory == @sub and channel == @channel").sort_values("multiplier")
            at_zero = curve["gmv"].iloc[0]
            assert curve["spend"].iloc[0] == 0
            assert base - at_zero == pytest.approx(contributions.loc[channel, "incremental_gmv"], rel=1e-9, abs=1e-3)
            assert (np.diff(curve["gmv"].to_numpy()) >= -1e-6).all()  # more spend never lowers GMV here
            gains = np.diff(curve["gmv"].to_numpy())
            if model.spec.slope.get(channel, 1.0) == 1.0:  # plain diminishing returns; a steeper slope is S-shaped
                assert gains[-1] <= gains[0] + 1e-6


def test_contributions_add_up_for_an_additive_model(mmm_art):
    history = mmm_art.table("history")
    for sub, model in mmm_art.models.items():
        weekly = history.loc[history["subcategory"] == sub].reset_index(drop=True)
        no_media = window_gmv(model, weekly, {c: 0.0 for c in model.spec.channels})
        total = mmm_art.table("contributions").query("subcategory == @sub")["incremental_gmv"].sum()
        assert window_gmv(model, weekly) - no_media == pytest.approx(total, rel=1e-9)


def test_zero_or_unmeasurable_effects_are_flagged_not_silently_zero(mmm_art):
    contributions = mmm_art.table("contributions")
    flags = contributions["flag"].fillna("")
    no_effect = contributions["incremental_gmv"] <= 0
    assert (flags[no_effect] != "").all()
    assert flags[no_effect].str.contains("no positive effect|not measurable|no spend").all()


def test_channel_answers_carry_ordered_80_percent_intervals(trained_mmm):
    import pandas as pd

    contributions = pd.read_csv(trained_mmm / "contributions.csv")
    for low, mid, high in (
        ("incremental_gmv_lower", "incremental_gmv", "incremental_gmv_upper"),
        ("roi_lower", "roi", "roi_upper"),
        ("mroi_lower", "mroi", "mroi_upper"),
        ("share_lower", "share", "share_upper"),
    ):
        rows = contributions.dropna(subset=[mid])
        assert (rows[low] <= rows[mid] + 1e-6).all() and (rows[mid] <= rows[high] + 1e-6).all()
    assert (contributions["incremental_gmv_upper"] > contributions["incremental_gmv_lower"]).any()
    flagged = contributions.loc[contributions["incremental_gmv_lower"] <= 0]
    assert flagged["flag"].fillna("").ne("").all()  # an interval reaching zero is always said in words


@pytest.mark.parametrize("fixture", ["trained", "trained_mmm"])
def test_marginal_roi_flags_and_curves_agree(fixture, request):
    """What the Channels page shows agrees with itself, for the forest (a step function of spend) as for the
    media-mix model: a channel flagged 'no positive effect' gains nothing from more spend, and a step model's
    marginal ROI is the slope of its own response curve after 1x."""
    art = load_artifacts(request.getfixturevalue(fixture))
    contributions = art.table("contributions").assign(flag=lambda f: f["flag"].fillna(""))
    curves = art.table("response_curves")
    for row in contributions.itertuples():
        if row.flag.startswith("no positive effect"):
            assert row.incremental_gmv <= 0 and row.mroi <= 0
        if row.incremental_gmv <= 0 and row.mroi > 0:
            assert row.flag.startswith("erratic")
        model = art.models[row.subcategory]
        if not model.estimator.smooth_in_spend and row.spend > 0:
            curve = curves.query("subcategory == @row.subcategory and channel == @row.channel").set_index("multiplier")
            slope = (curve.loc[1.25, "gmv"] - curve.loc[1.0, "gmv"]) / (0.25 * row.spend)
            assert row.mroi == pytest.approx(slope, rel=1e-9, abs=1e-12)

"""The service layer the app calls (gmvplanner.service.planner): spend by week and by month, the Predict form as a
scenario, extrapolation warnings, the form's defaults and the tables the pages show."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.budget import BudgetResult, historical_split
from gmvplanner.config import RECENT_WEEKS
from gmvplanner.errors import InputError
from gmvplanner.service import planner

CHANNELS = ["TV", "SEM"]


def _weekly_plan(start="2016-06-27", weeks=6, seed=3):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"week_start": pd.date_range(start, periods=weeks, freq="7D")})
    for channel in CHANNELS:
        frame[channel] = rng.uniform(0.0, 1.0, weeks)
    return frame


# ---------------------------------------------------------------- weekly <-> monthly


def test_weekly_to_monthly_splits_a_week_by_its_days_in_each_month():
    # Monday 2016-06-27: four days in June (27-30), three in July
    plan = pd.DataFrame({"week_start": pd.to_datetime(["2016-06-27"]), "TV": [7.0], "SEM": [14.0]})
    monthly = planner.weekly_to_monthly(plan, CHANNELS)
    assert monthly["month"].tolist() == ["2016-06", "2016-07"]
    np.testing.assert_allclose(monthly["TV"], [4.0, 3.0])
    np.testing.assert_allclose(monthly["SEM"], [8.0, 6.0])


def test_weekly_to_monthly_keeps_every_channels_total():
    plan = _weekly_plan(weeks=13)
    monthly = planner.weekly_to_monthly(plan, CHANNELS)
    assert monthly["month"].tolist() == ["2016-06", "2016-07", "2016-08", "2016-09"]
    np.testing.assert_allclose(monthly[CHANNELS].sum(), plan[CHANNELS].sum(), rtol=1e-12)


def test_monthly_to_weekly_spreads_each_month_evenly_over_its_days_in_the_horizon():
    weeks = pd.date_range("2016-06-27", periods=5, freq="7D")  # 27 June to 31 July: 4 June days, 31 July days
    monthly = pd.DataFrame({"month": ["2016-06", "2016-07"], "TV": [4.0, 31.0], "SEM": [0.0, 62.0]})
    weekly = planner.monthly_to_weekly(monthly, weeks, CHANNELS)
    assert weekly["week_start"].tolist() == list(weeks)
    np.testing.assert_allclose(weekly["TV"], [4.0 + 3.0, 7.0, 7.0, 7.0, 7.0])  # 1 a day in June and in July
    np.testing.assert_allclose(weekly["SEM"], [6.0, 14.0, 14.0, 14.0, 14.0])
    np.testing.assert_allclose(weekly[CHANNELS].sum(), monthly[CHANNELS].sum(), rtol=1e-12)


def test_a_month_only_partly_in_the_horizon_is_spent_on_its_days_inside_it():
    weeks = pd.date_range("2016-07-04", periods=2, freq="7D")  # 4 to 17 July
    monthly = pd.DataFrame({"month": ["2016-07"], "TV": [14.0], "SEM": [28.0]})
    weekly = planner.monthly_to_weekly(monthly, weeks, CHANNELS)
    np.testing.assert_allclose(weekly["TV"], [7.0, 7.0])
    np.testing.assert_allclose(weekly["SEM"], [14.0, 14.0])


def test_months_outside_the_horizon_are_dropped_and_missing_months_spend_nothing():
    weeks = pd.date_range("2016-07-04", periods=2, freq="7D")
    monthly = pd.DataFrame({"month": ["2016-05", "2016-07"], "TV": [100.0, 14.0], "SEM": [100.0, 0.0]})
    weekly = planner.monthly_to_weekly(monthly, weeks, CHANNELS)
    assert weekly["TV"].sum() == pytest.approx(14.0)
    assert weekly["SEM"].sum() == 0.0
    none = planner.monthly_to_weekly(monthly.iloc[:1], weeks, CHANNELS)
    assert none[CHANNELS].to_numpy().sum() == 0.0


def test_weekly_to_monthly_and_back_keeps_each_channels_total():
    plan = _weekly_plan(weeks=13)  # 27 June to 25 September
    weekly = planner.monthly_to_weekly(planner.weekly_to_monthly(plan, CHANNELS), pd.DatetimeIndex(plan["week_start"]), CHANNELS)
    np.testing.assert_allclose(weekly[CHANNELS].sum(), plan[CHANNELS].sum(), rtol=1e-12)
    # within a month the spend is now even, so the weeks wholly inside July are equal
    assert weekly.set_index("week_start").loc["2016-07-04":"2016-07-25", "TV"].nunique() == 1


def test_an_even_daily_rate_survives_the_round_trip_unchanged():
    plan = _weekly_plan(weeks=13).assign(TV=7.0, SEM=14.0)
    weekly = planner.monthly_to_weekly(planner.weekly_to_monthly(plan, CHANNELS), pd.DatetimeIndex(plan["week_start"]), CHANNELS)
    np.testing.assert_allclose(weekly[CHANNELS], plan[CHANNELS], rtol=1e-12)


# ---------------------------------------------------------------- the Predict form as a scenario


def test_form_scenario_states_the_form_as_a_scenario_file(mmm_art):
    sub = mmm_art.subcategories[0]
    shares = {channel: 0.0 for channel in mmm_art.channels} | {"TV": 1.0, "SEM": 3.0}
    scenario = planner.form_scenario(
        mmm_art,
        pd.Timestamp("2016-07-06"),  # a Wednesday: the week starts on Monday 4 July
        3,
        sub,
        monthly_spend=0.52,
        channel_shares=shares,
        sla=5.0,
        sale_days=2,
        payment="Prepaid",
        vertical="recent mix",
    )
    assert scenario["week_start"].tolist() == list(pd.date_range("2016-07-04", periods=3, freq="7D"))
    weekly = 0.52 * 12 / 52
    np.testing.assert_allclose(scenario["TV"], weekly * 0.25)
    np.testing.assert_allclose(scenario["SEM"], weekly * 0.75)
    assert (scenario[[c for c in mmm_art.channels if c not in ("TV", "SEM")]] == 0).all().all()
    assert (scenario["subcategory"] == sub).all()
    assert (scenario["sla"] == 5.0).all() and (scenario["sale_days"] == 2.0).all()
    assert scenario["product_mrp"].isna().all() and scenario["procurement_sla"].isna().all()  # left to the model
    assert (scenario["prepaid_share"] == 1.0).all()
    assert scenario["vertical"].isna().all()


def test_form_scenario_defaults_to_the_historical_split_and_recent_mixes(mmm_art):
    scenario = planner.form_scenario(mmm_art, mmm_art.next_week, 1, mmm_art.subcategories[0], monthly_spend=1.0, vertical="Lens")
    split = historical_split(mmm_art)
    np.testing.assert_allclose(scenario[mmm_art.channels].iloc[0].to_numpy(), (12 / 52 * split).to_numpy())
    assert scenario["prepaid_share"].isna().all()  # 'recent mix'
    assert (scenario["vertical"] == "Lens").all()
    cod = planner.form_scenario(mmm_art, mmm_art.next_week, 1, mmm_art.subcategories[0], monthly_spend=1.0, payment="COD")
    assert (cod["prepaid_share"] == 0.0).all()


@pytest.mark.parametrize(
    "shares, message",
    [({"TV": 0.0}, "add up to 0"), ({"TV": 2.0, "SEM": -1.0}, "negative share for SEM")],
)
def test_form_scenario_refuses_a_split_it_cannot_use(mmm_art, shares, message):
    with pytest.raises(InputError, match=message):
        planner.form_scenario(mmm_art, mmm_art.next_week, 1, mmm_art.subcategories[0], monthly_spend=1.0, channel_shares=shares)


# ---------------------------------------------------------------- warnings, defaults, display tables


def test_no_warning_inside_the_training_ranges(mmm_art):
    sub = mmm_art.subcategories[0]
    defaults = {lever: r.default for lever, r in planner.lever_ranges(mmm_art, sub).items()}
    assert planner.extrapolation_warnings(mmm_art, sub, defaults, planner.recent_monthly_spend(mmm_art)) == []
    assert planner.extrapolation_warnings(mmm_art, sub, {"sla": float("nan"), "product_mrp": None}) == []


def test_levers_and_spend_outside_the_training_ranges_are_named(mmm_art):
    sub = mmm_art.subcategories[0]
    sla = planner.lever_ranges(mmm_art, sub)["sla"]
    warnings = planner.extrapolation_warnings(mmm_art, sub, {"sla": sla.high + 10}, monthly_spend=1e6)
    assert len(warnings) == 2
    assert warnings[0].startswith(f"delivery SLA {sla.high + 10:,.2f} days is outside the training range {sla.low:,.2f}")
    assert f"the forecast holds it at {sla.high:,.2f} (the edge)" in warnings[0]
    assert warnings[1].startswith("monthly spend 1,000,000.000 is outside the training range")
    assert "(crore ₹)" in warnings[1]


def test_verticals_are_the_ones_the_encoder_knows(mmm_art):
    sub = mmm_art.subcategories[0]
    names = planner.verticals(mmm_art, sub)
    history = mmm_art.table("history")
    assert names and "unknown" not in names
    assert all(isinstance(n, str) for n in names)
    # every vertical the model has its own mix column for can be chosen
    own = [c.removeprefix("mix_vertical_") for c in history if c.startswith("mix_vertical_") and "infrequent" not in c]
    rows = history.loc[history["subcategory"] == sub, [f"mix_vertical_{v}" for v in own]].dropna(axis=1, how="all")
    assert {c.removeprefix("mix_vertical_") for c in rows} <= set(names)
    assert planner.verticals(replace(mmm_art, encoders={}), sub) == []  # a weekly table has none


def test_recent_spend_defaults_are_the_last_recent_weeks_of_company_spend(mmm_art, trained_mmm):
    company = pd.read_csv(trained_mmm / "company_spend.csv")  # sorted by week already
    recent = company.iloc[-RECENT_WEEKS:]
    spend = recent[mmm_art.channels].to_numpy().sum()
    assert planner.recent_budget(mmm_art) == pytest.approx(spend, rel=1e-12)
    per_month = spend / recent["days"].sum() * 365.25 / 12
    assert planner.recent_monthly_spend(mmm_art) == pytest.approx(per_month, rel=1e-12)


def test_metrics_table_shows_errors_in_percent(mmm_art, trained_mmm):
    sub = mmm_art.subcategories[0]
    raw = pd.read_csv(trained_mmm / "metrics.csv").query("subcategory == @sub").reset_index(drop=True)
    table = planner.metrics_table(mmm_art, sub)
    assert table.columns.tolist() == ["predictor", "WAPE %", "MAPE %", "R²", "weeks in the 80% interval %"]
    plain = {
        "model": "model",
        "last_week": "naive: repeat the last training week",
        "mean_13_weeks": "naive: mean of the last 13 weeks",
    }
    assert table["predictor"].tolist() == raw["predictor"].map(plain).tolist()
    np.testing.assert_allclose(table["WAPE %"], raw["wape"] * 100)
    np.testing.assert_allclose(table["MAPE %"], raw["mape"] * 100)
    np.testing.assert_allclose(table["weeks in the 80% interval %"], raw["coverage"] * 100)  # the model's; blank for baselines
    assert 0 <= table["weeks in the 80% interval %"].iloc[0] <= 100
    np.testing.assert_allclose(table["R²"], raw["r2"])


def test_gmv_by_subcategory_and_uplift_percent():
    predictions = pd.DataFrame({"subcategory": ["b", "a", "b"], "predicted_gmv": [1.0, 2.0, 4.0]})
    assert planner.gmv_by_subcategory(predictions).to_dict() == {"a": 2.0, "b": 5.0}
    result = BudgetResult(pd.DataFrame(), pd.DatetimeIndex([]), (200.0, 0.0, 0.0), (230.0, 0.0, 0.0), "test")
    assert planner.uplift_percent(result) == pytest.approx(15.0)
    assert planner.uplift_percent(replace(result, historical_gmv=(0.0, 0.0, 0.0))) is None


def test_identification_caution_only_for_monthly_spend(mmm_art, forest_art):
    """The data-adequacy caution is for monthly spend; with weekly spend the caution only names what the data
    cannot tell (channels indistinguishable from none, or moving together), when there are such channels."""
    from gmvplanner.reporting.tables import cannot_tell

    weekly = planner.identification_caution(mmm_art)  # dated (weekly) spend
    assert weekly == cannot_tell(mmm_art) and (weekly is None or "once a month" not in weekly)
    assert "spend changes only once a month" in planner.identification_caution(forest_art)


def test_monthly_edits_change_only_the_edited_month_and_hit_its_total():
    weeks = pd.date_range("2016-07-04", periods=9, freq="7D")
    plan = pd.DataFrame({"week_start": weeks, "TV": np.arange(1.0, 10.0), "SEM": 2.0})
    shown = planner.weekly_to_monthly(plan, ["TV", "SEM"])
    unchanged = planner.apply_monthly_edits(plan, shown, shown.copy(), ["TV", "SEM"])
    pd.testing.assert_frame_equal(unchanged, plan)  # switching views is exact
    edited = shown.copy()
    edited.loc[edited["month"] == "2016-08", "TV"] = 30.0
    result = planner.apply_monthly_edits(plan, shown, edited, ["TV", "SEM"])
    again = planner.weekly_to_monthly(result, ["TV", "SEM"]).set_index("month")
    assert again.loc["2016-08", "TV"] == pytest.approx(30.0, rel=1e-3)  # straddling weeks are re-spread by day
    assert again.loc["2016-07", "TV"] == pytest.approx(shown.set_index("month").loc["2016-07", "TV"], rel=1e-2)
    np.testing.assert_allclose(result["SEM"], plan["SEM"])


def test_a_baseline_that_beats_the_model_is_said_plainly(mmm_art, monkeypatch):
    table = mmm_art.table("metrics")
    worse = table.assign(wape=np.where(table["predictor"] == "model", 0.99, table["wape"]))
    monkeypatch.setattr(mmm_art, "table", lambda name: worse.copy() if name == "metrics" else table)
    verdict = planner.baseline_verdict(mmm_art, "HomeAudio")
    assert verdict.startswith("On the held-out weeks a naive forecast") and "99.0%" in verdict


@pytest.mark.parametrize(
    "shares, said",
    [
        ({"TV": 60.0, "Digital": 50.79}, "add up to 110.79%, not 100%"),
        ({"TV": 30.0, "Digital": 40.0}, "add up to 70.00%, not 100%"),
        ({"TV": 33.33, "Digital": 33.33, "Radio": 33.33}, None),  # 99.99%: the shown shares' rounding
        ({"TV": 50.0, "Digital": 50.0}, None),
        ({"TV": 0.0, "Digital": 0.0}, None),  # refused by form_scenario, not rescaled
    ],
)
def test_shares_that_miss_100_percent_are_named_with_their_sum(shares, said):
    note = planner.share_note(shares)
    if said is None:
        assert note is None
    else:
        assert note is not None and said in note
        largest = max(shares, key=lambda c: shares[c])
        assert f"{largest} {shares[largest]:,.2f}% counts as {shares[largest] / sum(shares.values()) * 100:,.2f}%" in note


def test_the_note_matches_what_form_scenario_spends(mmm_art):
    shares = dict.fromkeys(mmm_art.channels, 0.0) | {mmm_art.channels[0]: 60.0, mmm_art.channels[1]: 50.79}
    plan = planner.form_scenario(
        mmm_art, mmm_art.next_week, 1, mmm_art.subcategories[0], monthly_spend=1.0, channel_shares=shares
    )
    spent = plan[mmm_art.channels].iloc[0]
    assert spent[mmm_art.channels[0]] / spent.sum() == pytest.approx(60.0 / 110.79)
    assert f"counts as {60.0 / 110.79 * 100:,.2f}%" in planner.share_note(shares)


def test_a_plan_of_weeks_offers_only_the_levers_the_model_learnt_from(mmm_art, monkeypatch):
    """The small data set has a sale calendar, holidays, MRP and SLAs; without a sale calendar (always 0 sale days
    in training) a plan setting sale days would change nothing, so it is not offered."""
    assert planner.calendar_levers(mmm_art) == ["sale_days", "holidays"]
    assert planner.plan_levers(mmm_art)[:2] == ["sale_days", "holidays"] and "sla" in planner.plan_levers(mmm_art)
    history = mmm_art.table("history").assign(sale_days=0.0)
    monkeypatch.setattr(mmm_art, "table", lambda name: history if name == "history" else None)
    assert planner.calendar_levers(mmm_art) == ["holidays"]


def test_a_budget_request_checks_itself_and_names_the_bad_field():
    """Issue 34 item 2: the Budget page's request is a frozen object that refuses what the optimiser cannot answer."""
    from gmvplanner.errors import InputError
    from gmvplanner.service.planner import BudgetGoal, BudgetRequest

    good = BudgetRequest(BudgetGoal.SPLIT, 12.0, 13, {}, "auto", 1.0, 1.0, None)
    assert hash(good.goal) and good.weeks == 13
    with pytest.raises(AttributeError):
        good.budget = 5.0  # type: ignore[misc]
    for goal, budget, weeks, weight, target, margins, field in [
        (BudgetGoal.SPLIT, 0.0, 13, 1.0, 1.0, None, "budget"),
        (BudgetGoal.SPLIT, 12.0, 0, 1.0, 1.0, None, "weeks"),
        (BudgetGoal.SPLIT, 12.0, 13, -1.0, 1.0, None, "new customer weight"),
        (BudgetGoal.TARGET, 0.0, 13, 1.0, 0.0, None, "target"),
        (BudgetGoal.PROFIT, 0.0, 13, 1.0, 1.0, {"HomeAudio": 1.5}, "margins"),
    ]:
        with pytest.raises(InputError, match=field):
            BudgetRequest(goal, budget, weeks, {}, "auto", weight, target, margins)
    assert BudgetRequest(BudgetGoal.TARGET, 0.0, 13, {}, "auto", 1.0, 0.5, None).target == 0.5  # no budget needed

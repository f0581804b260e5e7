"""The app on a model trained without spend (a shop's export of orders alone), through streamlit.testing.v1:
Predict and the Scenario planner forecast from the calendar and the levers, with no channel inputs and a plain note
on how to add spend data (issue 32)."""

import pytest
from streamlit.testing.v1 import AppTest

from gmvplanner.analysis.scenarios import default_scenario, predict_scenario
from gmvplanner.config import PLAN_WEEKS
from gmvplanner.model.artifacts import load_artifacts
from gmvplanner.service import planner

from ..helpers import ROOT


@pytest.fixture
def shop_app(trained_no_spend, monkeypatch, tmp_path):
    monkeypatch.setenv("GMV_ARTIFACTS", str(trained_no_spend))
    monkeypatch.setenv("GMV_DATABASE_URL", f"sqlite:///{tmp_path / 'library.sqlite'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    return at


def _page(at, path):
    at.switch_page(path).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _says_no_spend(at):
    notes = [i.value for i in at.info if "no marketing spend data" in i.value]
    assert len(notes) == 1 and "no channel inputs" in notes[0] and "--media" in notes[0], notes


def test_predict_forecasts_without_spend(shop_app, trained_no_spend):
    at = _page(shop_app, "app_pages/predict.py")
    _says_no_spend(at)
    assert at.get("plotly_chart")
    labels = [n.label for n in at.number_input]
    assert labels == ["Weeks to predict"]  # no spend, no channel split, no lever the shop's export never gave
    assert not at.slider  # no sale calendar in training: sale days would change nothing
    assert [s.label for s in at.selectbox] == ["Subcategory"]  # no payment type or vertical in the export
    # the form's defaults, forecast here without the app
    art = load_artifacts(trained_no_spend)
    scenario = planner.form_scenario(art, art.next_week, 4, "all")
    expected = predict_scenario(art, scenario)["predicted_gmv"]
    assert at.metric[0].value == art.money.format(expected.iloc[0]) == f"£ {expected.iloc[0] / 1e3:,.2f} thousand"
    assert at.metric[1].value == art.money.format(expected.sum())
    # another horizon is a new forecast, still without an error
    at.number_input(key="predict_weeks").set_value(6)
    next(b for b in at.button if b.label == "Predict").click().run()
    assert not at.exception and not at.error
    assert at.session_state["predict_scenario"]["week_start"].nunique() == 6
    assert at.metric[1].label == "Over 6 week(s)"


def test_scenario_planner_forecasts_a_plan_of_weeks_without_spend(shop_app, trained_no_spend):
    at = _page(shop_app, "app_pages/scenario_planner.py")
    _says_no_spend(at)
    art = load_artifacts(trained_no_spend)
    plan = at.session_state["plan"]
    assert list(plan.columns) == ["week_start"] and len(plan) == PLAN_WEEKS
    assert plan["week_start"].iloc[0] == art.next_week
    expected = predict_scenario(art, default_scenario(art, weeks=PLAN_WEEKS))["predicted_gmv"].sum()
    assert at.metric[0].label == f"all, {PLAN_WEEKS} weeks" and at.metric[0].value == art.money.format(expected)
    assert planner.plan_levers(art) == []  # orders alone: no sale calendar, holidays, prices or delivery times
    assert [c.value for c in at.caption if c.value.startswith("The model learnt no lever from this data")]
    charts = at.get("plotly_chart")
    assert len(charts) == 1  # the plan's forecast; no waterfall of channels
    assert not [s.value for s in at.subheader if s.value == "What each plan buys"]


def test_a_plan_of_weeks_is_saved_and_compared_without_spend(shop_app):
    at = _page(shop_app, "app_pages/scenario_planner.py")
    for name in ("Weeks A", "Weeks B"):
        at.text_input(key="scenario_name").set_value(name)
        at.button(key="save_scenario").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
    at.multiselect(key="library_compare").set_value(["Weeks A", "Weeks B"]).run()
    assert not at.exception and not at.error
    totals = next(d.value for d in at.dataframe if "% vs first" in d.value.columns)
    assert totals["% vs first"].tolist() == [0.0, 0.0]  # the same weeks, the same forecast


def test_customers_counts_invoices_not_lines(shop_app, trained_no_spend):
    """Issue 32 item 2: the shop's invoices hold two lines each; the page's orders, repeat share and mean order value
    are per invoice, with the lines shown apart, and no note that lines are counted."""
    import pandas as pd

    from .. import shop_exports as shop

    at = _page(shop_app, "app_pages/customers.py")
    table = next(d.value for d in at.dataframe if "repeat rate (%)" in d.value.columns)
    export = pd.read_csv(trained_no_spend.parent / "online_retail.csv", dtype=str, keep_default_na=False)
    kept = export.astype(str).drop_duplicates().loc[shop.plain_online_retail(export).index]
    assert table["orders"].sum() == kept["InvoiceNo"].nunique() and table["order lines"].sum() == len(kept)
    gmv = shop.plain_online_retail(export)["gmv"].sum()
    assert (table["GMV (£)"].sum() / table["orders"].sum()) == pytest.approx(gmv / kept["InvoiceNo"].nunique(), rel=1e-3)
    assert at.metric[1].label == "Buying more than once"
    assert not [i.value for i in at.info if "counts as an order" in i.value]

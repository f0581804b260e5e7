import pandas as pd

from gmvplanner.reporting import charts
from gmvplanner.units import OWN_UNITS


def test_forecast_figure_continues_history_with_a_band():
    history = pd.DataFrame({"week_start": pd.date_range("2016-01-04", periods=3, freq="7D"), "actual_gmv": [2e7, 3e7, 2.5e7]})
    forecast = pd.DataFrame(
        {
            "week_start": pd.date_range("2016-01-25", periods=2, freq="7D"),
            "predicted_gmv": [2.6e7, 2.7e7],
            "lower": [2.2e7, 2.3e7],
            "upper": [3.0e7, 3.1e7],
        }
    )
    fig = charts.forecast_figure(history, forecast, "HomeAudio")
    names = [t.name for t in fig.data]
    assert names == ["actual GMV", None, "80% interval", "predicted GMV"]
    assert list(fig.data[3].y) == [2.6, 2.7]  # crore
    assert fig.data[1].mode == "lines" and fig.data[2].fill == "tonexty"
    assert "crore" in fig.layout.yaxis.title.text


def test_own_units_label_the_axis_as_they_are():
    forecast = pd.DataFrame({"week_start": pd.date_range("2016-01-25", periods=1), "predicted_gmv": [11500.0]})
    forecast = forecast.assign(lower=11000.0, upper=12000.0)
    history = pd.DataFrame({"week_start": pd.date_range("2016-01-04", periods=1), "actual_gmv": [11400.0]})
    fig = charts.forecast_figure(history, forecast, "all", money=OWN_UNITS)
    assert list(fig.data[3].y) == [11500.0]
    assert fig.layout.yaxis.title.text == "GMV (units of the weekly table)"


def test_backtest_shades_the_holdout():
    backtest = pd.DataFrame(
        {
            "week_start": pd.date_range("2016-01-04", periods=4, freq="7D"),
            "subcategory": "A",
            "actual_gmv": [1e7] * 4,
            "predicted_gmv": [1.1e7] * 4,
            "split": ["train", "train", "holdout", "holdout"],
        }
    )
    fig = charts.backtest_figure(backtest, "A")
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].fillcolor == "orange"


def test_split_figure_bars():
    table = pd.DataFrame({"channel": ["TV", "SEM"], "historical_crore": [1.0, 2.0], "recommended_crore": [0.5, 2.5]})
    fig = charts.split_figure(table)
    assert [list(t.y) for t in fig.data] == [[1.0, 2.0], [0.5, 2.5]]


def test_channel_charts_draw_the_interval_when_the_table_has_one():
    contributions = pd.DataFrame(
        {
            "subcategory": "A",
            "channel": ["TV", "SEM"],
            "incremental_gmv": [2e7, 1e7],
            "incremental_gmv_lower": [1e7, 0.0],
            "incremental_gmv_upper": [3e7, 1.5e7],
            "roi": [2.0, 1.0],
            "roi_lower": [1.0, 0.0],
            "roi_upper": [3.0, 1.5],
            "mroi": [1.0, 0.5],
            "flag": ["", "uncertain"],
        }
    )
    bar = charts.contribution_figure(contributions, "A").data[0]
    assert list(bar.error_x.array) == [0.5, 1.0] and list(bar.error_x.arrayminus) == [1.0, 1.0]  # crore, sorted
    roi = charts.roi_figure(contributions, "A").data[0]
    assert list(roi.error_x.arrayminus) == [1.0, 1.0]
    without = charts.contribution_figure(contributions.drop(columns=["incremental_gmv_lower", "incremental_gmv_upper"]), "A")
    assert without.data[0].error_x.array is None


def _waterfall(changes: dict[str, float], base: float = 15.867812e7):
    steps = pd.DataFrame({"step": list(changes), "change": list(changes.values())})
    return charts.waterfall_figure(steps, base, base + sum(changes.values()))


def test_an_unchanged_plans_waterfall_has_a_level_first_and_distinct_ticks():
    fig = _waterfall({"TV": 0.0, "SEM": 1e-9})  # float noise: no step drawn
    bars = fig.data[0]
    assert list(bars.x) == ["baseline plan", "this plan"]
    assert list(bars.text) == ["15.87", "15.87"]  # levels: no "+"
    ticks = list(fig.layout.yaxis.ticktext)
    assert len(ticks) >= 3 and len(set(ticks)) == len(ticks), ticks
    assert all(len(t.split(".")[-1]) <= 3 for t in ticks), ticks  # readable: no 15.8678 repeated
    low, high = fig.layout.yaxis.range
    assert low < 15.8678 < high and all(low <= v <= high for v in fig.layout.yaxis.tickvals)


def test_a_waterfalls_steps_are_signed_and_its_ticks_cover_them():
    fig = _waterfall({"TV": 0.5e7, "SEM": -0.2e7})
    bars = fig.data[0]
    assert list(bars.measure) == ["absolute", "relative", "relative", "total"]
    assert list(bars.text) == ["15.87", "+0.50", "-0.20", "16.17"]
    values = list(fig.layout.yaxis.tickvals)
    assert values[0] <= 15.87 and values[-1] >= 16.37 and len(set(fig.layout.yaxis.ticktext)) == len(values)


def test_nice_ticks_are_round_and_distinct_on_any_range():
    from gmvplanner.reporting.charts.common import nice_ticks

    assert nice_ticks(0.0, 10.0).labels == ["0.0", "2.5", "5.0", "7.5", "10.0"]
    assert nice_ticks(0.0, 8.0).labels == ["0", "2", "4", "6", "8"]
    assert nice_ticks(15.8, 15.9).labels == ["15.800", "15.825", "15.850", "15.875", "15.900"]
    for low, high in [(15.86780, 15.86781), (1e6, 1e6 + 3), (-2.0, 2.0), (15.8678, 15.8678)]:
        labels = nice_ticks(low, high).labels
        assert len(labels) >= 2 and len(set(labels)) == len(labels), (low, high, labels)


def test_the_budget_curves_marked_labels_do_not_overlap():
    curve = pd.DataFrame(
        {"budget": [1e7, 2e7, 3e7], "allocated": [0.5e7, 1e7, 1.5e7], "gmv": [5e7, 6e7, 6.5e7], "no_media": [4e7] * 3}
    ).assign(gmv_lower=lambda f: f["gmv"] * 0.9, gmv_upper=lambda f: f["gmv"] * 1.1)
    points = pd.DataFrame({"label": ["historical split", "recommended split"], "budget": [2e7, 2e7], "gmv": [6e7, 6.02e7]})
    fig = charts.budget_response_figure(curve, points)
    marked = {t.name: t.textposition for t in fig.data if t.mode == "markers+text"}
    assert marked == {"historical split": "bottom right", "recommended split": "top left"}  # the higher one above

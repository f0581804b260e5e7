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

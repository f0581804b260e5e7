"""Tables as the app shows them: Predict's weekly forecast in the headline's unit with dates as dates."""

import datetime as dt

import pandas as pd
import pytest

from gmvplanner.reporting.tables import forecast_table
from gmvplanner.units import MoneyUnit


def _weeks(gmv: list[float]) -> pd.DataFrame:
    weeks = pd.date_range("2016-07-04", periods=len(gmv), freq="7D")
    frame = pd.DataFrame({"week_start": weeks, "subcategory": "CameraAccessory", "predicted_gmv": gmv})
    return frame.assign(lower=frame["predicted_gmv"] * 0.8, upper=frame["predicted_gmv"] * 1.25)


@pytest.mark.parametrize(
    "money, gmv, unit, shown",
    [
        (MoneyUnit.for_currency("INR"), [4_812_345.0, 5_100_000.0], "lakh ₹", [48.12, 51.0]),
        (MoneyUnit.for_currency("INR"), [12_345_678.0, 9_000_000.0], "crore ₹", [1.23, 0.9]),
        (MoneyUnit.for_currency("GBP"), [5_095.2, 5_133.17], "thousand £", [5.10, 5.13]),
    ],
)
def test_the_weekly_forecast_is_in_the_headlines_unit_with_dates(money, gmv, unit, shown):
    table = forecast_table(_weeks(gmv), money)
    assert list(table.columns) == [
        "week",
        f"predicted GMV ({unit})",
        f"80% interval, low ({unit})",
        f"80% interval, high ({unit})",
    ]
    assert table["week"].tolist() == [dt.date(2016, 7, 4), dt.date(2016, 7, 11)]  # dates, no 00:00:00
    assert table[f"predicted GMV ({unit})"].round(2).tolist() == shown
    assert money.format(gmv[0]).split()[-1] == unit.split()[0]  # the headline's own word (lakh, crore, thousand)


def _segments(order_ids: bool | None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "segment": ["new", "active"],
            "customers": [2, 3],
            "orders": [2, 7],
            "lines": [5, 13],
            "gmv": [100.0, 350.0],
            "mean_order_value": [50.0, 50.0],
            "repeat_rate": [0.0, 2 / 3],
        }
    )
    return frame if order_ids is None else frame.assign(order_ids=order_ids)


def test_segments_name_orders_and_lines_apart_and_say_when_orders_are_lines():
    from gmvplanner.reporting.tables import orders_note, segment_table

    money = MoneyUnit.for_currency("GBP")
    by_id = segment_table(_segments(True), money)
    assert by_id[["orders", "order lines"]].sum().tolist() == [9, 18] and "mean order value (£)" in by_id
    assert orders_note(_segments(True)) is None
    for lines in (_segments(False), _segments(None)):  # no order id column; artifacts from before
        table = segment_table(lines, money)
        assert "orders" not in table and "mean line value (£)" in table
        assert "each order line counts as an order" in orders_note(lines)

import numpy as np
import pandas as pd
import pytest

from gmvplanner.data.clean import clean_orders
from gmvplanner.data.orders import load_orders


def orders(rows):
    frame = pd.DataFrame(
        rows, columns=["order_date", "gmv", "units", "product_mrp", "sla", "procurement_sla", "subcategory", "exact_duplicate"]
    )
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["payment_type"] = "COD"
    frame["vertical"] = "Lens"
    return frame


def test_each_reason_counted_once_with_its_gmv():
    frame = orders(
        [
            ("2015-07-01 10:00:00", 100.0, 1, 200.0, 5, 3, "A", False),  # valid
            ("2015-07-01 10:00:00", 100.0, 1, 200.0, 5, 3, "A", True),  # duplicate
            ("2015-07-02 10:00:00", np.nan, 1, 200.0, 5, 3, "A", False),  # missing gmv
            ("2015-06-30 23:59:59", 50.0, 1, 200.0, 5, 3, "A", False),  # before the window
            ("2015-07-31 23:59:59", 70.0, 1, 200.0, 5, 3, "A", False),  # last day of the window: valid
            ("2015-07-03 10:00:00", 30.0, 1, 200.0, 5, 3, None, False),  # no subcategory
            ("2015-07-03 10:00:00", -5.0, 1, 200.0, 5, 3, "A", False),  # negative gmv
            ("2015-07-03 10:00:00", 80.0, 0, 200.0, 5, 3, "A", False),  # zero units
            ("2015-07-03 10:00:00", 900.0, 2, 200.0, 5, 3, "A", False),  # above units x MRP
            ("2015-07-04 10:00:00", 40.0, 1, 0.0, 1006, -1, "A", False),  # valid, odd values blanked
        ]
    )
    result = clean_orders(frame, pd.Timestamp("2015-07-01"), pd.Timestamp("2015-07-31"))
    report = result.report.set_index("reason")
    assert report.loc["exact duplicate row", "rows"] == 1
    assert report.loc["missing GMV", "rows"] == 1
    assert report.loc["outside modelling window", ["rows", "gmv"]].tolist() == [1, 50.0]
    assert report.loc["missing subcategory", "rows"] == 1
    assert report.loc["negative GMV", "rows"] == 1
    assert report.loc["units missing or below 1", "rows"] == 1
    assert report.loc["GMV above units x MRP", ["rows", "gmv"]].tolist() == [1, 900.0]
    assert report.loc["valid orders", ["rows", "gmv"]].tolist() == [3, 210.0]
    assert report.loc["MRP of 0 or less", "rows"] == 1
    kept = result.orders
    assert kept["gmv"].sum() == 210.0
    assert kept["product_mrp"].isna().sum() == 1 and kept["sla"].isna().sum() == 1
    dropped = report.loc[report["action"] == "dropped", "rows"].sum()
    assert dropped + report.loc["valid orders", "rows"] == report.loc["rows read", "rows"]


def test_input_is_not_modified():
    frame = orders([("2015-07-04 10:00:00", 40.0, 1, 0.0, 5, 3, "A", False)])
    before = frame.copy()
    clean_orders(frame, pd.Timestamp("2015-07-01"), pd.Timestamp("2015-07-31"))
    pd.testing.assert_frame_equal(frame, before)


def test_generated_file_counts_match_raw_text(small_data):
    raw = pd.read_csv(small_data["orders"], dtype=str, keep_default_na=False)
    loaded = load_orders(small_data["orders"])
    result = clean_orders(loaded, pd.Timestamp("2014-07-01"), pd.Timestamp("2016-06-30"))
    report = result.report.set_index("reason")
    assert report.loc["exact duplicate row", "rows"] == raw.duplicated().sum()
    first = raw.loc[~raw.duplicated()]
    assert report.loc["missing GMV", "rows"] == (first["gmv"] == "").sum()
    assert report.loc["rows read", "rows"] == len(raw)
    assert report.loc["valid orders", "gmv"] == pytest.approx(result.orders["gmv"].sum())

"""The mapping step's preview as text formatted by role."""

import pandas as pd

from gmvplanner.reporting.orders_preview import id_text, preview_table


def test_money_ids_quantities_and_dates_are_shown_by_type():
    frame = pd.DataFrame(
        {
            "order_date": ["2011-01-04 08:26:00", "2011-01-04 09:00:00"],
            "gmv": [15.299999999999999, 1234.5],
            "units": [6.0, 2.5],
            "customer_id": ["17850.0", None],
            "order_id": ["C536379", "536380"],
            "subcategory": ["Mugs", None],
        }
    )
    shown = preview_table(frame)
    assert shown.to_dict("list") == {
        "order_date": ["2011-01-04 08:26", "2011-01-04 09:00"],
        "gmv": ["15.30", "1,234.50"],
        "units": ["6", "2.500"],
        "customer_id": ["17850", ""],
        "order_id": ["C536379", "536380"],
        "subcategory": ["Mugs", ""],
    }


def test_dates_without_times_show_as_dates_and_ids_stay_as_written():
    assert preview_table(pd.DataFrame({"order_date": ["2016-07-01 00:00:00"]}))["order_date"].tolist() == ["2016-07-01"]
    assert [id_text(v) for v in ("00123", "1.5", "-1.01299130778588e+18", "17850.00", 17850.0)] == [
        "00123",
        "1.5",
        "-1.01299130778588e+18",
        "17850",
        "17850",
    ]

"""A shop's own export read through a column mapping (each preset's layout), against a plain-pandas reading of the
README's rules: GMV per day and group, returns and cancellations in the cleaning report, customers."""

import pandas as pd
import pytest

from gmvplanner.data.columns import PRESETS, parse_columns
from gmvplanner.data.ingest import aggregate_orders

from .. import shop_exports as shop

LAYOUTS = {
    "online_retail": (shop.online_retail, shop.plain_online_retail),
    "shopify": (shop.shopify, shop.plain_shopify),
}
LINES = {"online_retail": shop.online_retail_lines, "shopify": shop.shopify_lines}
WIDE = (pd.Timestamp("2010-01-01"), pd.Timestamp("2012-12-31"))


def _window(_aggregate):
    return WIDE


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("net", [False, True])
def test_gmv_per_day_and_group_matches_plain_pandas(tmp_path, layout, net):
    build, plain = LAYOUTS[layout]
    export = build(shop.lines())
    path = shop.write(export, tmp_path / "export.csv")
    aggregate = aggregate_orders(path, _window, PRESETS[layout], net_of_returns=net)
    expected = plain(pd.read_csv(path, dtype=str, keep_default_na=False), net=net)
    want = expected.groupby(["day", "subcategory"])["gmv"].sum()
    got = aggregate.valid_daily(*WIDE).set_index(["day", "subcategory"])["gmv"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False, atol=1e-6)
    assert aggregate.customers is not None
    assert aggregate.customers.customers == expected["customer"].dropna().nunique()


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_returns_and_cancellations_reported_with_their_value(tmp_path, layout):
    build, _plain = LAYOUTS[layout]
    export = build(shop.lines())
    path = shop.write(export, tmp_path / "export.csv")
    report = aggregate_orders(path, mapping=PRESETS[layout]).report(*WIDE, symbol="£").set_index("reason")
    lines = LINES[layout](pd.read_csv(path, dtype=str, keep_default_na=False))
    cancelled = lines.loc[lines["cancelled"]]
    returns = lines.loc[~lines["cancelled"] & (lines["gmv"] < 0)]
    assert len(cancelled) > 10 and len(returns) > 10
    assert report.loc["cancelled order", ["rows", "gmv"]].tolist() == [len(cancelled), pytest.approx(cancelled["gmv"].sum())]
    returned = report.loc["return (negative quantity or amount)", ["rows", "gmv"]].tolist()
    assert returned == [len(returns), pytest.approx(returns["gmv"].sum())]
    assert report.loc["exact duplicate row", "rows"] == len(export) - len(export.drop_duplicates())
    assert not any("₹" in r for r in report.index)


def test_net_of_returns_keeps_returns_and_counts_them_as_kept(tmp_path):
    path = shop.write(shop.shopify(shop.lines()), tmp_path / "export.csv")
    gross = aggregate_orders(path, mapping=PRESETS["shopify"]).report(*WIDE).set_index("reason")
    net = aggregate_orders(path, mapping=PRESETS["shopify"], net_of_returns=True).report(*WIDE).set_index("reason")
    returned = net.loc["return (negative quantity or amount)"]  # net, a cancelled order's negative lines are returns
    assert returned["action"].startswith("kept") and returned["rows"] > gross.loc[returned.name, "rows"]
    moved = returned["rows"] - gross.loc[returned.name, "rows"]
    assert net.loc["cancelled order", "rows"] == gross.loc["cancelled order", "rows"] - moved
    assert net.loc["valid orders", "rows"] == gross.loc["valid orders", "rows"] + returned["rows"]
    assert net.loc["valid orders", "gmv"] == pytest.approx(gross.loc["valid orders", "gmv"] + returned["gmv"])


def test_a_custom_mapping_with_a_line_amount_and_defaults(tmp_path):
    """gmv given directly, no units (one a line), no subcategory (one group 'all'), no customers."""
    path = tmp_path / "sales.csv"
    path.write_text("when,amount,ref\n2011-03-01 10:00:00,10.5,a\n2011-03-01 11:00:00,-2,b\n2011-03-02 09:00:00,4.25,c\n")
    aggregate = aggregate_orders(path, _window, parse_columns("order_date=when,gmv=amount,order_id=ref"))
    daily = aggregate.valid_daily(*WIDE)
    assert daily["subcategory"].unique().tolist() == ["all"]
    assert daily["gmv"].tolist() == [10.5, 4.25]
    assert daily["orders"].tolist() == [1, 1]
    assert aggregate.customers is None


def test_eleckart_report_has_no_returns_rows(tmp_path):
    from .files import ORDERS_HEADER, ROW, write

    path = write(tmp_path, "orders.csv", f"{ORDERS_HEADER}\n{ROW}\n")
    reasons = aggregate_orders(path, mapping=PRESETS["eleckart"]).report(*WIDE)["reason"].tolist()
    assert "cancelled order" not in reasons and "negative GMV" in reasons

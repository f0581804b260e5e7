"""Customers from the orders: segments and weekly tables add up to the cleaned orders, the segment rules hold on
hand-built orders, and no customer id or pincode reaches any artifact."""

import re

import numpy as np
import pandas as pd
import pytest

from gmvplanner.config import ORDER_COLUMNS
from gmvplanner.data.customers import NO_ID, SEGMENTS
from gmvplanner.data.ingest import aggregate_orders

from ..helpers import valid_orders_oracle


def test_customers_and_gmv_add_up_to_the_cleaned_orders(small_data):
    aggregate = aggregate_orders(small_data["orders"], lambda a: a.span)
    start, end = aggregate.span
    valid, _dropped = valid_orders_oracle(small_data["orders"], str(start.date()), str(end.date()))
    tables = aggregate.customers
    segments = tables.segments.set_index("segment")
    assert list(segments.index) == [*SEGMENTS, NO_ID]
    assert tables.customers == valid["cust_id"].nunique() == segments["customers"].sum()
    assert segments["gmv"].sum() == pytest.approx(valid["gmv_n"].sum(), abs=0.5)  # to the rupee
    assert segments["orders"].sum() == len(valid)
    weekly_gmv = tables.weekly[["new_gmv", "returning_gmv", "no_id_gmv"]].to_numpy().sum()
    assert weekly_gmv == pytest.approx(valid["gmv_n"].sum(), abs=0.5)
    assert tables.weekly["new_customers"].sum() == tables.customers  # every customer is new exactly once
    cohorts = tables.cohorts.loc[tables.cohorts["cohort"] == tables.cohorts["month"]]
    assert cohorts["customers"].sum() == tables.customers
    assert (tables.cohorts["customers"] <= tables.cohorts["cohort_size"]).all()
    assert 0.2 < segments.loc["active", "repeat_rate"] < 1  # the generated customers come back


def _orders(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """Orders in the ElecKart layout from (customer, day, gmv); everything else plausible and constant."""
    frame = pd.DataFrame(rows, columns=["cust_id", "day", "gmv"])
    out = pd.DataFrame({c: "" for c in ORDER_COLUMNS}, index=frame.index)
    out["fsn_id"], out["order_id"], out["order_item_id"] = "F1", np.arange(len(frame)) + 1, np.arange(len(frame)) + 100
    out["order_date"] = frame["day"] + " 10:00:00"
    out["Year"], out["Month"] = frame["day"].str[:4], frame["day"].str[5:7].str.lstrip("0")
    out["gmv"], out["units"], out["product_mrp"] = frame["gmv"], 1, 100_000
    out["cust_id"], out["pincode"] = frame["cust_id"], "560001"
    out["sla"], out["product_procurement_sla"], out["s1_fact.order_payment_type"] = 5, 3, "COD"
    out["product_analytic_super_category"], out["product_analytic_category"] = "CE", "Camera"
    out["product_analytic_sub_category"], out["product_analytic_vertical"] = "CameraAccessory", "Lens"
    out["deliverybdays"] = out["deliverycdays"] = "\\N"
    return out


def test_segment_rules_on_hand_built_orders(tmp_path):
    """Window 2015-01-01 to 2015-12-31 (the reference day is the last): each customer's history puts them in one
    segment, in the documented order."""
    rows = [
        ("N1", "2015-11-20", 500.0),  # first order in the last 90 days: new, even with a second one
        ("N1", "2015-12-01", 500.0),
        ("L1", "2015-02-01", 9000.0),  # 3 orders, top GMV, ordered within 180 days: loyal high-value
        ("L1", "2015-05-01", 9000.0),
        ("L1", "2015-09-01", 9000.0),
        ("A1", "2015-03-01", 100.0),  # last order 2015-08-15, within 180 days: active
        ("A1", "2015-08-15", 100.0),
        ("A2", "2015-01-05", 100.0),  # 3 orders but low GMV: active, not loyal
        ("A2", "2015-02-05", 100.0),
        ("A2", "2015-10-05", 100.0),
        ("R1", "2015-01-20", 300.0),  # last order 2015-06-01, 213 days before the end: at risk
        ("R1", "2015-06-01", 300.0),
        ("X1", "2015-01-01", 200.0),  # the window's first day, 364 days before its end: at risk
        ("", "2015-07-01", 50.0),  # no customer id
    ]
    path = tmp_path / "orders.csv"
    _orders(rows).to_csv(path, index=False)
    window = (pd.Timestamp("2015-01-01"), pd.Timestamp("2015-12-31"))
    tables = aggregate_orders(path, lambda a: window).customers
    segments = tables.segments.set_index("segment")
    assert segments["customers"].to_dict() == {
        "new": 1,
        "loyal high-value": 1,
        "active": 2,
        "at risk": 2,
        "lapsed": 0,
        NO_ID: 0,
    }
    assert segments.loc["loyal high-value", "gmv"] == 27000.0 and segments.loc[NO_ID, "gmv"] == 50.0
    assert segments.loc["new", "repeat_rate"] == 1.0 and segments.loc["at risk", "repeat_rate"] == 0.5
    assert segments.loc["active", "mean_order_value"] == pytest.approx(100.0)
    lapsed = tmp_path / "lapsed.csv"
    _orders([*rows, ("Z1", "2014-06-01", 10.0)]).to_csv(lapsed, index=False)
    wider = aggregate_orders(lapsed, lambda a: (pd.Timestamp("2014-06-01"), pd.Timestamp("2015-12-31"))).customers
    assert wider.segments.set_index("segment").loc["lapsed", "customers"] == 1  # more than 365 days ago


def test_no_customer_id_or_pincode_reaches_the_artifacts(trained, small_data):
    """Every artifact file, text or binary, is searched for every customer id and pincode of the orders."""
    raw = pd.read_csv(small_data["orders"], dtype=str, keep_default_na=False)
    secrets = {v for v in set(raw["cust_id"]) | set(raw["pincode"]) if v not in ("", "\\N")}
    assert len(secrets) > 1000
    written = list(trained.rglob("*"))
    assert any(p.name == "customer_segments.csv" for p in written)
    field = re.compile(rb'(?:^|[,\s"\[:])([0-9]{6,})(?=$|[,\s"\]])', re.MULTILINE)  # a whole value of 6+ digits
    for path in (p for p in written if p.is_file()):
        data = path.read_bytes()
        assert b"cust_id" not in data and b"pincode" not in data, path.name  # no such column, pickled or written
        if path.suffix in (".csv", ".json"):
            leaked = {t.decode() for t in field.findall(data)} & secrets
            assert not leaked, f"{path.name} holds {sorted(leaked)[:3]}"


def test_which_channels_bring_new_customers(mmm_art):
    """The new-customer answers are consistent with the GMV answers they rest on: a channel's new-customer GMV is its
    share of first orders times its incremental GMV, customers = that GMV / the mean first-order GMV of the modelled
    subcategories, cost = the spend they received / customers; shares lie in [0, 1]; media brings less first-order
    GMV than there is."""
    effects = mmm_art.table("new_customer_effects").set_index("channel")
    contributions = mmm_art.table("contributions").groupby("channel")[["spend", "incremental_gmv"]].sum()
    mine = mmm_art.table("customers_by_subcategory").query("subcategory in @mmm_art.subcategories")
    assert list(effects.index) == mmm_art.channels
    assert ((effects["share"] >= 0) & (effects["share"] <= 1)).all()
    assert (effects["share_lower"] <= effects["share_upper"]).all()
    np.testing.assert_allclose(effects["spend"], contributions["spend"].reindex(effects.index))
    np.testing.assert_allclose(
        effects["incremental_gmv"], effects["share"] * contributions["incremental_gmv"].reindex(effects.index), atol=1e-6
    )
    per_customer = mine["new_gmv"].sum() / mine["new_customers"].sum()
    np.testing.assert_allclose(effects["new_customers"], effects["incremental_gmv"] / per_customer)
    bought = effects["new_customers"] > 0
    np.testing.assert_allclose(
        effects.loc[bought, "cost_per_new_customer"], effects.loc[bought, "spend"] / effects.loc[bought, "new_customers"]
    )
    assert (effects["incremental_gmv_lower"] <= effects["incremental_gmv_upper"]).all()
    assert (effects["incremental_gmv_lower"] >= 0).all()
    assert 0 < effects["incremental_gmv"].sum() < mine["new_gmv"].sum()


def test_subcategory_weeks_add_up_to_the_company_weeks(mmm_art):
    """customers_by_subcategory is the company's weekly table split by subcategory: its GMV adds up week by week,
    and its customer counts never fall short (a first order can hold several subcategories)."""
    weekly = mmm_art.table("customers_weekly").set_index("week_start")
    split = mmm_art.table("customers_by_subcategory").groupby("week_start").sum(numeric_only=True).reindex(weekly.index)
    for column in ("new_gmv", "returning_gmv", "no_id_gmv"):
        np.testing.assert_allclose(split[column], weekly[column], rtol=1e-12)
    assert (split["new_customers"] >= weekly["new_customers"]).all()
    assert (split["new_customers"] > weekly["new_customers"]).any() or len(mmm_art.subcategories) == 1


def test_shares_are_recovered_from_exact_parts_and_shrink_towards_one_share():
    """Given the parts, the regression finds known shares (no penalty), and a large penalty pulls every channel
    to the one share of all media; cross-validation picks a penalty from the list."""
    from gmvplanner.analysis.new_customers import SHARE_PENALTIES, choose_penalty, fit_shares

    rng = np.random.default_rng(3)
    weeks, channels = 104, 5
    A = np.column_stack([rng.uniform(50, 80, weeks), rng.gamma(2.0, 5.0, (weeks, channels))])
    true = np.array([0.3, 0.9, 0.2, 0.6, 0.0, 1.0])
    y = A @ true + rng.normal(0, 0.5, weeks)
    np.testing.assert_allclose(fit_shares(A, y, 0.0), true, atol=0.05)
    shrunk = fit_shares(A, y, 1e6)
    assert np.ptp(shrunk[1:]) < 0.01 and abs(shrunk[0] - 0.3) < 0.1
    assert choose_penalty(A, y) in SHARE_PENALTIES
    assert choose_penalty(A, y) <= 0.1  # exact parts need little shrinking


def _invoices(tmp_path, rows):
    """An Online Retail export from (invoice, customer, day, line amounts): one line per amount, quantity 1."""
    lines = [
        {
            "InvoiceNo": invoice,
            "StockCode": f"S{i}",
            "Description": "MUG",
            "Quantity": 1,
            "InvoiceDate": f"{day} 10:00",
            "UnitPrice": amount,
            "CustomerID": customer,
            "Country": "United Kingdom",
        }
        for invoice, customer, day, amounts in rows
        for i, amount in enumerate(amounts)
    ]
    path = tmp_path / "online_retail.csv"
    pd.DataFrame(lines).to_csv(path, index=False)
    return path


INVOICES = [  # 4 customers, 7 invoices, 13 lines, £240
    ("536001", "1001", "3/1/2011", [10.0, 20.0, 30.0]),  # one order of three lines: not a repeat buyer
    ("536002", "1002", "3/2/2011", [5.0, 5.0]),  # two orders: a repeat buyer
    ("536003", "1002", "4/5/2011", [40.0]),
    ("536004", "1003", "3/3/2011", [25.0, 25.0, 25.0, 25.0]),  # one order of four lines
    ("536005", "1004", "3/4/2011", [10.0]),  # three orders
    ("536006", "1004", "4/4/2011", [10.0]),
    ("536007", "1004", "5/4/2011", [10.0]),
]


def test_orders_are_invoices_not_lines(tmp_path):
    """Issue 32: repeat buyers, the mean order value and the segments count invoices; the lines are kept apart."""
    from gmvplanner.data.columns import preset

    path = _invoices(tmp_path, INVOICES)
    tables = aggregate_orders(path, lambda a: a.span, mapping=preset("online_retail")).customers
    segments = tables.segments
    known = segments.loc[segments["customers"] > 0]
    assert tables.order_ids and segments["order_ids"].all()
    assert (segments["orders"].sum(), segments["lines"].sum(), tables.customers) == (7, 13, 4)
    assert (known["repeat_rate"] * known["customers"]).sum() / known["customers"].sum() == 0.5  # 1002 and 1004
    assert segments["gmv"].sum() / segments["orders"].sum() == pytest.approx(240.0 / 7)  # per order, not per line
    # the window ends 2011-05-04: every customer is new but 1004's three orders would make it loyal if older
    assert segments.set_index("segment").loc["new", "orders"] == 7


def test_loyal_needs_three_orders_not_three_lines(tmp_path):
    """Reference day 2011-12-30 (the last order): 1003's one order of four lines, with a top GMV and within 180
    days, is active (counting lines made it loyal); 1005's three orders make it loyal high-value."""
    from gmvplanner.data.columns import preset

    rows = [
        ("536001", "1001", "3/1/2011", [10.0, 20.0, 30.0]),
        ("536002", "1002", "3/2/2011", [50.0]),
        ("536004", "1003", "8/1/2011", [25.0, 25.0, 25.0, 25.0]),
        ("536005", "1004", "3/4/2011", [30.0]),
        ("536010", "1005", "7/15/2011", [100.0]),
        ("536011", "1005", "8/15/2011", [100.0]),
        ("536012", "1005", "9/15/2011", [100.0]),
        ("536099", "9999", "12/30/2011", [1.0]),
    ]
    tables = aggregate_orders(_invoices(tmp_path, rows), lambda a: a.span, mapping=preset("online_retail")).customers
    segments = tables.segments.set_index("segment")
    assert segments.loc["loyal high-value", ["customers", "orders"]].tolist() == [1, 3]  # 1005
    assert segments.loc["active", ["customers", "orders", "lines"]].tolist() == [1, 1, 4]  # 1003


def test_a_multi_line_invoice_files_orders_are_its_distinct_invoices(tmp_path):
    """The seeded shop export (two lines an invoice, cancellations, returns, duplicates, missing customers): the
    orders counted equal the distinct invoices among the kept lines, in plain pandas."""
    from gmvplanner.data.columns import preset

    from .. import shop_exports as shop

    path = shop.write(shop.online_retail(shop.lines()), tmp_path / "online_retail.csv")
    tables = aggregate_orders(path, lambda a: a.span, mapping=preset("online_retail")).customers
    export = pd.read_csv(path, dtype=str, keep_default_na=False)
    kept = export.astype(str).drop_duplicates().loc[shop.plain_online_retail(export).index]
    segments = tables.segments
    assert segments["orders"].sum() == kept["InvoiceNo"].nunique() < segments["lines"].sum() == len(kept)
    with_id = kept.loc[kept["CustomerID"] != ""]
    per_customer = with_id.groupby("CustomerID")["InvoiceNo"].nunique()
    assert segments.loc[segments["customers"] > 0, "orders"].sum() == per_customer.sum()


def test_without_an_order_id_orders_are_lines_and_say_so(tmp_path):
    from gmvplanner.data.columns import ColumnMapping

    path = _invoices(tmp_path, INVOICES)
    roles = {"order_date": "InvoiceDate", "price": "UnitPrice", "units": "Quantity", "customer_id": "CustomerID"}
    mapping = ColumnMapping(roles, date_format="%m/%d/%Y %H:%M")
    tables = aggregate_orders(path, lambda a: a.span, mapping=mapping).customers
    assert not tables.order_ids and not tables.segments["order_ids"].any()
    assert tables.segments["orders"].sum() == tables.segments["lines"].sum() == 13

"""Small seeded shop exports in each preset's layout (returns, cancellations, missing customer ids, duplicates), and
a plain-pandas reading of the README's rules to check the package against."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

START = pd.Timestamp("2011-01-03")  # a Monday


def lines(weeks: int = 40, per_day: int = 12, seed: int = 7) -> pd.DataFrame:
    """Order lines in a neutral form: day, order, qty, price, customer ('' when missing), category, status."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(START, periods=7 * weeks, freq="D")
    n = len(days) * per_day
    day = np.repeat(days.to_numpy(), per_day)
    order = np.arange(n) // 2  # two lines an order
    frame = pd.DataFrame(
        {
            "day": day + pd.to_timedelta(rng.integers(8 * 60, 18 * 60, n), unit="min"),
            "order": order,
            "qty": rng.integers(1, 6, n),
            "price": np.round(rng.uniform(0.5, 40.0, n), 2),
            "customer": np.where(rng.random(n) < 0.25, "", (1000 + rng.integers(0, 150, n)).astype(str)),
            "category": rng.choice(["Mugs", "Cards", "Lamps", "Bags"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "status": "paid",
        }
    )
    # the same order placed in one day by one customer
    frame["day"] = frame.groupby("order")["day"].transform("first")
    frame["customer"] = frame.groupby("order")["customer"].transform("first")
    returns = rng.random(n) < 0.03  # a line returned: negative quantity
    frame.loc[returns, "qty"] = -frame.loc[returns, "qty"]
    cancelled_orders = rng.choice(frame["order"].unique(), 25, replace=False)
    frame["cancelled"] = frame["order"].isin(cancelled_orders)
    frame.loc[frame["cancelled"], "status"] = "voided"
    duplicates = frame.sample(20, random_state=seed)
    return pd.concat([frame, duplicates], ignore_index=True).sort_values("day", kind="stable", ignore_index=True)


def online_retail(frame: pd.DataFrame) -> pd.DataFrame:
    """The UCI Online Retail layout: a cancelled order's invoice starts with C and its quantities are negative."""
    ts = pd.DatetimeIndex(frame["day"])
    invoice = (536000 + frame["order"]).astype(str)
    qty = frame["qty"].where(~frame["cancelled"], -frame["qty"].abs())
    return pd.DataFrame(
        {
            "InvoiceNo": np.where(frame["cancelled"], "C" + invoice, invoice),
            "StockCode": "85123A",
            "Description": frame["category"].str.upper(),
            "Quantity": qty,
            "InvoiceDate": [f"{d.month}/{d.day}/{d.year} {d.hour}:{d.minute:02d}" for d in ts],
            "UnitPrice": frame["price"],
            "CustomerID": frame["customer"],
            "Country": "United Kingdom",
        }
    )


def shopify(frame: pd.DataFrame) -> pd.DataFrame:
    """Shopify's orders export: #order names, the status on the order's first line only, a time-zone offset."""
    first = ~frame.duplicated("order")
    return pd.DataFrame(
        {
            "Name": "#" + (1000 + frame["order"]).astype(str),
            "Email": np.where(frame["customer"] == "", "", frame["customer"] + "@example.com"),
            "Financial Status": frame["status"].where(first, ""),
            "Created at": pd.DatetimeIndex(frame["day"]).strftime("%Y-%m-%d %H:%M:%S +0000"),
            "Lineitem quantity": frame["qty"],
            "Lineitem price": frame["price"],
            "Lineitem sku": "SKU-1",
            "Vendor": frame["category"],
            "Payment Method": "Shopify Payments",
            "Shipping Country": "GB",
        }
    )


def train_without_spend(folder: Path) -> Path:
    """Artifacts in `folder`/artifacts from the real training CLI on a seeded Online Retail export alone: orders
    only (no media, so no channels), in GBP; the export is `folder`/online_retail.csv."""
    from gmvplanner import cli

    export = write(online_retail(lines()), folder / "online_retail.csv")
    art = folder / "artifacts"
    argv = ["--orders", str(export), "--columns-preset", "online_retail", "--currency", "GBP", "--trees", "20"]
    if cli.training_main([*argv, "--artifacts", str(art), "--quiet"]) != 0:
        raise AssertionError(f"training on {export} failed")
    return art


def write(frame: pd.DataFrame, path: Path) -> Path:
    """The export as the shop writes it (text, blanks for missing)."""
    frame.to_csv(path, index=False)
    return path


def _kept(gmv: pd.Series, cancelled: pd.Series, net: bool) -> pd.Series:
    """The README's rules on one line each: a cancelled order's lines dropped (net of returns, its negative lines
    are kept); a negative quantity or amount dropped (net: kept, subtracting)."""
    negative = gmv < 0
    return (~cancelled | negative) if net else (~cancelled & ~negative)


def online_retail_lines(export: pd.DataFrame) -> pd.DataFrame:
    """An Online Retail export's distinct lines in plain pandas: day, gmv, customer, subcategory, cancelled."""
    kept = export.astype(str).drop_duplicates()
    return pd.DataFrame(
        {
            "day": pd.to_datetime(kept["InvoiceDate"], format="%m/%d/%Y %H:%M").dt.normalize(),
            "gmv": kept["Quantity"].astype(float) * kept["UnitPrice"].astype(float),
            "customer": kept["CustomerID"].replace({"": None, "nan": None}),
            "subcategory": "all",
            "cancelled": kept["InvoiceNo"].str.startswith("C"),
        }
    )


def shopify_lines(export: pd.DataFrame) -> pd.DataFrame:
    """A Shopify export's distinct lines: a voided/refunded/cancelled status on any line cancels the order."""
    kept = export.astype(str).drop_duplicates()
    status = kept["Financial Status"].str.lower().isin(["cancelled", "canceled", "voided", "refunded"])
    return pd.DataFrame(
        {
            "day": pd.to_datetime(kept["Created at"].str[:19]).dt.normalize(),
            "gmv": kept["Lineitem quantity"].astype(float) * kept["Lineitem price"].astype(float),
            "customer": kept["Email"].replace({"": None, "nan": None}),
            "subcategory": kept["Vendor"],
            "cancelled": status.groupby(kept["Name"]).transform("any"),
        }
    )


def plain_online_retail(export: pd.DataFrame, net: bool = False) -> pd.DataFrame:
    """The kept lines of an Online Retail export under the README's rules."""
    lines = online_retail_lines(export)
    return lines.loc[_kept(lines["gmv"], lines["cancelled"], net)]


def plain_shopify(export: pd.DataFrame, net: bool = False) -> pd.DataFrame:
    """The kept lines of a Shopify export under the README's rules."""
    lines = shopify_lines(export)
    return lines.loc[_kept(lines["gmv"], lines["cancelled"], net)]

"""The real orders file's faults, added on purpose: blank GMV, duplicates, out-of-window dates, impossible values."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["make_messy"]

OUT_OF_WINDOW_ID_SHIFT = 7  # an out-of-window copy's order_id and order_item_id are the original's plus this


def make_messy(rng: np.random.Generator, orders: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """A copy of `orders` with the real file's faults: blank GMV, exact duplicates, out-of-window dates (outside
    `days`), impossible values. `orders` is not changed."""
    n = len(orders)
    orders = orders.copy()
    for column in ("gmv", "product_mrp", "sla", "product_procurement_sla"):
        orders[column] = orders[column].astype(float)

    def pick(frac: float) -> np.ndarray:
        return rng.choice(n, int(n * frac), replace=False)

    orders.loc[pick(0.003), "gmv"] = np.nan
    above = pick(0.002)
    orders.loc[above, "gmv"] = orders.loc[above, "units"] * orders.loc[above, "product_mrp"] * 1.4
    orders.loc[pick(0.003), "product_mrp"] = 0.0
    orders.loc[pick(0.0005), "sla"] = 1006.0
    orders.loc[pick(0.01), "product_procurement_sla"] = -1.0
    orders.loc[pick(0.002), "product_procurement_sla"] = 1000.0
    vertical = orders["product_analytic_vertical"].to_numpy(dtype=object, copy=True)
    vertical[pick(0.0035)] = "\\N"
    orders["product_analytic_vertical"] = vertical
    outside = _out_of_window(rng, orders.iloc[pick(0.005)].copy(), days)
    duplicates = orders.iloc[pick(0.005)]
    return pd.concat([orders, outside, duplicates], ignore_index=True)


def _out_of_window(rng: np.random.Generator, outside: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """`outside` (a copy) moved to 1-24 days before or after the window, with new order ids."""
    shift = np.where(rng.random(len(outside)) < 0.5, -1, 1) * rng.integers(1, 25, len(outside))
    anchor = np.where(shift < 0, days[0].to_datetime64(), (days[-1] + pd.Timedelta(days=1)).to_datetime64())
    offset = np.where(shift < 0, shift, shift - 1).astype("timedelta64[D]")
    outside["order_date"] = anchor + offset + rng.integers(0, 86400, len(outside)).astype("timedelta64[s]")
    outside["order_id"] = outside["order_id"] + OUT_OF_WINDOW_ID_SHIFT
    outside["order_item_id"] = outside["order_item_id"] + OUT_OF_WINDOW_ID_SHIFT
    return outside

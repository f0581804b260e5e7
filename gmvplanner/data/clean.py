"""Clean order rows, keeping a report of every row and rupee dropped and why."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .limits import MAX_ORDER_LINE_RUPEES, MAX_UNITS

__all__ = ["CleanResult", "clean_orders", "MAX_SLA_DAYS"]

MAX_SLA_DAYS = 60  # an SLA beyond two months is a data error, not a promise


class CleanResult:
    """Valid orders plus the report: one row per reason, with rows and GMV (₹) affected."""

    def __init__(self, orders: pd.DataFrame, report: pd.DataFrame):
        self.orders = orders
        self.report = report


def clean_orders(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> CleanResult:
    """Drop what cannot be used, blank what is impossible but harmless, and report both.

    Dropped, in this order: exact duplicates, missing GMV, implausible amounts (GMV, MRP or units not finite or
    above the limits in `limits.py`), orders outside [start, end] (whole days), missing subcategory, negative GMV,
    units below 1, GMV above units x MRP. Implausible amounts are not summed into the report's GMV.
    Kept with the value set to missing: MRP of 0 or less, SLA or procurement SLA outside 0-60 days.
    """
    frame = orders
    keep = np.ones(len(frame), dtype=bool)
    units = frame["units"].to_numpy()
    mrp = frame["product_mrp"].to_numpy()
    raw_gmv = frame["gmv"].to_numpy()
    implausible = (
        np.isinf(raw_gmv)
        | (raw_gmv > MAX_ORDER_LINE_RUPEES)
        | np.isinf(mrp)
        | (mrp > MAX_ORDER_LINE_RUPEES)
        | np.isinf(units)
        | (units > MAX_UNITS)
    )
    gmv = np.where(implausible, np.nan, raw_gmv)  # reported GMV leaves out amounts that would swamp the sums
    day = frame["order_date"].dt.normalize()
    rules = [
        ("exact duplicate row", frame["exact_duplicate"].to_numpy()),
        ("missing GMV", np.isnan(raw_gmv)),
        (
            f"implausible amount (GMV or MRP not finite or above ₹{MAX_ORDER_LINE_RUPEES:,.0f}, or over {MAX_UNITS:,.0f} units)",
            implausible,
        ),
        ("outside modelling window", ((day < start) | (day > end)).to_numpy()),
        ("missing subcategory", frame["subcategory"].isna().to_numpy()),
        ("negative GMV", gmv < 0),
        ("units missing or below 1", ~(units >= 1)),
        ("GMV above units x MRP", (mrp > 0) & (gmv > units * mrp + 0.5)),
    ]
    rows = []
    for reason, hit in rules:
        hit = hit & keep
        rows.append((reason, "dropped", int(hit.sum()), float(np.nansum(gmv[hit]))))
        keep &= ~hit
    out = frame.loc[keep].drop(columns=["exact_duplicate"]).reset_index(drop=True)
    fixes = [
        ("MRP of 0 or less", "product_mrp", out["product_mrp"] <= 0),
        (f"SLA outside 0-{MAX_SLA_DAYS} days", "sla", (out["sla"] < 0) | (out["sla"] > MAX_SLA_DAYS)),
        (
            f"procurement SLA outside 0-{MAX_SLA_DAYS} days",
            "procurement_sla",
            (out["procurement_sla"] < 0) | (out["procurement_sla"] > MAX_SLA_DAYS),
        ),
    ]
    for reason, column, hit in fixes:
        rows.append((reason, "kept; value set to missing", int(hit.sum()), float(out.loc[hit, "gmv"].sum())))
        out.loc[hit, column] = np.nan
    rows.append(("valid orders", "kept", len(out), float(out["gmv"].sum())))
    rows.append(("rows read", "total", len(frame), float(np.nansum(gmv))))
    report = pd.DataFrame(rows, columns=["reason", "action", "rows", "gmv"])
    return CleanResult(out, report)

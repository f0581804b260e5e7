"""Orders -> the weekly table: one tidy row per (subcategory, ISO week) in natural units, with its calendar."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder

from ..config import PAYDAYS, spend_column
from ..dates import week_start
from .encoders import SubcategoryEncoders

__all__ = ["daily_calendar", "weekly_table"]


def daily_calendar(
    start: pd.Timestamp, end: pd.Timestamp, sales: pd.DataFrame | None, holidays: pd.DataFrame | None, nps: pd.DataFrame | None
) -> pd.DataFrame:
    """One row per day of the window: sale day, holiday, payday flags and the month's NPS."""
    days = pd.date_range(start, end, freq="D")
    cal = pd.DataFrame(index=days)
    cal["sale_days"] = days.isin(pd.DatetimeIndex(sales["date"])) if sales is not None else False
    cal["holidays"] = days.isin(pd.DatetimeIndex(holidays["date"])) if holidays is not None else False
    cal["paydays"] = days.day.isin(PAYDAYS)
    if nps is not None and len(nps):
        monthly = nps.assign(month=pd.DatetimeIndex(nps["date"]).to_period("M")).groupby("month")["NPS"].mean()
        cal["nps"] = monthly.reindex(days.to_period("M")).ffill().bfill().to_numpy()
    else:
        cal["nps"] = np.nan
    return cal


def _mix_by_week(mix: pd.DataFrame, kind: str, enc: OneHotEncoder) -> pd.DataFrame:
    """Mean one-hot row per week, from the valid orders' counts per value (the encoder sees only distinct values)."""
    counts = mix.loc[mix["kind"] == kind].groupby(["week_start", "value"], observed=True)["n"].sum().reset_index()
    values = counts["value"].drop_duplicates()
    onehot = pd.DataFrame(
        enc.transform(pd.DataFrame({kind: values.to_numpy()})),
        index=values.to_numpy(),
        columns=[f"mix_{n}" for n in enc.get_feature_names_out([kind])],
    )
    weighted = onehot.loc[counts["value"]].to_numpy() * counts["n"].to_numpy()[:, None]
    frame = pd.DataFrame(weighted, columns=onehot.columns)
    frame["week_start"] = counts["week_start"].to_numpy()
    summed = frame.groupby("week_start").sum()
    return summed.div(counts.groupby("week_start")["n"].sum(), axis=0)


def weekly_table(
    daily: pd.DataFrame,
    mix: pd.DataFrame,
    calendar: pd.DataFrame,
    spend: pd.DataFrame,
    encoders: dict[str, SubcategoryEncoders],
    subcategories: list[str],
) -> pd.DataFrame:
    """One row per (subcategory, ISO week) of the window, in natural units, from the per-day aggregates of the valid
    orders (`data.ingest.OrderAggregate`).

    Columns: subcategory, week_start, days (in the window), gmv (₹), orders, spend_<channel> (₹ allocated),
    the levers (mean MRP ₹, discount vs MRP as a fraction, SLA and procurement SLA in days), mix_* shares,
    sale_days / holidays / paydays (counts in the window) and nps.
    """
    weeks_cal = (
        calendar.assign(week_start=week_start(calendar.index), days=1)
        .groupby("week_start")
        .agg(
            days=("days", "sum"),
            sale_days=("sale_days", "sum"),
            holidays=("holidays", "sum"),
            paydays=("paydays", "sum"),
            nps=("nps", "mean"),
        )
    )
    daily = daily.assign(week_start=week_start(daily["day"]))
    mix = mix.assign(week_start=week_start(mix["day"]))
    frames = []
    for sub_name in subcategories:
        sums = daily.loc[daily["subcategory"] == sub_name].groupby("week_start").sum(numeric_only=True)
        agg = pd.DataFrame(index=sums.index)
        agg["gmv"] = sums["gmv"]
        agg["orders"] = sums["orders"]
        for lever in ("mrp", "sla", "procurement_sla"):
            known = sums[f"{lever}_n"]
            agg["product_mrp" if lever == "mrp" else lever] = sums[f"{lever}_sum"] / known.where(known > 0)
        agg["discount"] = 1.0 - sums["gmv_listed"] / sums["list_value"].where(sums["list_value"] > 0)
        enc = encoders[sub_name]
        mine = mix.loc[mix["subcategory"] == sub_name]
        mixes = [_mix_by_week(mine, "vertical", enc.vertical), _mix_by_week(mine, "payment", enc.payment)]
        week = weeks_cal.join(agg, how="left").join(mixes[0], how="left").join(mixes[1], how="left")
        week["gmv"] = week["gmv"].fillna(0.0)
        week["orders"] = week["orders"].fillna(0).astype(int)
        sp = spend.loc[spend["subcategory"] == sub_name].set_index("week_start").drop(columns="subcategory")
        sp.columns = [spend_column(c) for c in sp.columns]
        week = week.join(sp, how="left")
        week.insert(0, "subcategory", sub_name)
        frames.append(week.reset_index().rename(columns={"index": "week_start"}))
    out = pd.concat(frames, ignore_index=True)
    spend_cols = [c for c in out.columns if c.startswith("spend_")]
    out[spend_cols] = out[spend_cols].fillna(0.0)
    return out

"""`generate`: every table of a data set in memory, built step by step from one seeded random stream."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import PAYDAYS  # the generated world pays on the days the features assume
from ..dates import DAYS_PER_WEEK
from .customers import simulate_customers
from .faults import make_messy
from .orders import DayDrivers, base_scale, draw_order_days, draw_orders, subcategory_demand
from .truth import TrueProcess, correlated_weekly_spend, true_process, weekly_spend, world_true_process
from .world import FULL_SCALE_ORDERS, HOLIDAYS, SALES_2014, SALES_2015, SynthConfig
from .worlds import calendar_push, world, world_names

__all__ = ["generate"]

WORLD_STREAM = 7_000  # a benchmark world's parameters draw from default_rng([seed, this, the world's number])


def generate(config: SynthConfig) -> tuple[dict[str, pd.DataFrame], TrueProcess]:
    """Build every table in memory: orders (as strings in the ElecKart layout) and the calendars.

    Every step draws from one random stream in a fixed order (the customers from a stream of their own), so the
    same config gives the same tables; reordering the steps changes the data (bump `DATA_VERSION` then).
    """
    rng = np.random.default_rng(config.seed)
    scale = config.n_orders / FULL_SCALE_ORDERS
    days = pd.date_range(config.start, config.end, freq="D")
    weeks = pd.date_range(days[0] - pd.Timedelta(days=days[0].day_of_week), days[-1], freq="W-MON")
    subs = list(config.subcategories)
    kind = world(config.world)
    calendar = _calendar(days)
    spend = correlated_weekly_spend(rng, weeks, scale) if kind.correlated_spend else weekly_spend(rng, weeks, scale)
    if kind.sale_spend:
        sale_share = (calendar["sale"] != "").groupby(calendar.index.to_period("W-SUN").start_time).mean()
        spend = spend.mul(calendar_push(weeks, sale_share.reindex(weeks, fill_value=0.0).to_numpy()), axis=0)
    if kind.is_today:
        truth = true_process(rng, spend, subs, scale)
    else:  # the world's parameters come from a stream of their own
        sale_days = [str(d.date()) for d in days[(calendar["sale"] != "").to_numpy()]]
        world_rng = np.random.default_rng([config.seed, WORLD_STREAM, world_names().index(kind.name)])
        truth = world_true_process(kind, world_rng, spend, subs, scale, sale_days, days[0], days)
    nps = _monthly_nps(rng, days)
    drivers = DayDrivers.build(days, weeks, calendar, nps)
    demand = [subcategory_demand(rng, si, sub, drivers, truth, spend) for si, sub in enumerate(subs)]
    flat = draw_order_days(rng, demand, base_scale(config.n_orders, demand))
    orders = draw_orders(rng, flat, subs, days)
    orders["cust_id"], orders["pincode"], truth.customers = simulate_customers(
        config.seed, flat["day"], flat["media_share"], flat["new_media_share"]
    )
    if config.messy:
        orders = make_messy(rng, orders, days)
    orders = orders.iloc[rng.permutation(len(orders))].reset_index(drop=True)
    tables = {
        "orders": orders,
        "media_monthly": _monthly_media(spend, days),
        "media_weekly": spend.rename_axis("date").reset_index(),
        "sales": _dated(calendar.loc[calendar["sale"] != "", ["sale"]].rename(columns={"sale": "Sales Name"})),
        "holidays": _dated(calendar.loc[calendar["holiday"] != "", ["holiday"]].rename(columns={"holiday": "Holiday"})),
        "nps": pd.DataFrame({"Date": [f"{p.month}/1/{p.year}" for p in nps.index], "NPS": nps.to_numpy()}),
    }
    return tables, truth


def _calendar(days: pd.DatetimeIndex) -> pd.DataFrame:
    """Sale days, holidays and paydays for every day."""
    sale = pd.Series("", index=days)
    for first, n, name in SALES_2014 + SALES_2015:
        span = pd.date_range(first, periods=n, freq="D")
        sale[span[span.isin(days)]] = name
    holiday = pd.Series("", index=days)
    for date, name in HOLIDAYS:
        if pd.Timestamp(date) in holiday.index:
            holiday[pd.Timestamp(date)] = name
    return pd.DataFrame({"sale": sale, "holiday": holiday, "payday": days.day.isin(PAYDAYS)}, index=days)


def _monthly_nps(rng: np.random.Generator, days: pd.DatetimeIndex) -> pd.Series:
    """Monthly NPS, a slow random walk around 50 kept within 38-65, indexed by month (a PeriodIndex)."""
    months = pd.period_range(days[0], days[-1], freq="M")
    return pd.Series(np.clip(50 + np.cumsum(rng.normal(0, 2.5, len(months))), 38, 65).round(1), index=months)


def _monthly_media(spend: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Monthly company spend in crore in the ElecKart layout (stray space in ' Affiliates', blanks for 0)."""
    daily = spend.reindex(days, method="ffill") / DAYS_PER_WEEK
    monthly = daily.groupby([daily.index.year, daily.index.month]).sum()
    monthly.index.names = ["Year", "Month"]
    monthly = monthly.round(6)
    out = monthly.reset_index()
    out.insert(2, "Total Investment", monthly.sum(axis=1).round(6).to_numpy())
    out = out.rename(columns={"Affiliates": " Affiliates"})
    for col in ("Radio", "Other"):
        out[col] = out[col].where(out[col] > 0)  # blank when nothing was spent, as in the real file
    return out


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its day index as a first column `Date` in m/d/Y, as the real calendars have it."""
    out = frame.copy()
    out.insert(0, "Date", [f"{d.month}/{d.day}/{d.year}" for d in frame.index])
    return out.reset_index(drop=True)

"""Spread company spend over time and subcategories, preserving every total.

Rule: each media period's spend is spread evenly over its days; days are summed into ISO weeks
(Monday starts); a day's company spend is split across subcategories in proportion to each
subcategory's share of that calendar month's GMV (all subcategories, not just the modelled ones).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dates import week_start
from ..errors import InputError
from ..units import RUPEES_IN_CRORE, MoneyUnit
from .media import MediaSpend

__all__ = ["daily_spend_rupees", "monthly_gmv_shares", "allocate_daily", "weekly_allocated_spend"]


def daily_spend_rupees(
    media: MediaSpend | None, start: pd.Timestamp, end: pd.Timestamp, money: MoneyUnit = RUPEES_IN_CRORE
) -> pd.DataFrame:
    """Company spend per channel in the base unit (₹ for ElecKart) for each day of [start, end], which the media
    file (in `money`'s input unit) must cover; no media file: the days with no channel."""
    if media is None:
        return pd.DataFrame(index=pd.date_range(start, end, freq="D"))
    if start < media.start or end > media.end:
        raise InputError(
            media.source,
            f"covers {media.start.date()} to {media.end.date()}, but the modelling "
            f"window is {start.date()} to {end.date()}; narrow it with --start/--end",
        )
    return money.to_base(media.daily_crore.loc[start:end])


def monthly_gmv_shares(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Each subcategory's share of its calendar month's GMV: index month (Period), columns subcategories.

    `orders` has a `day` (or `order_date`), `subcategory` and `gmv` column: order rows or per-day aggregates.

    A month with no GMV at all splits evenly (there is nothing to weigh by).
    """
    dates = orders["day"] if "day" in orders else orders["order_date"]
    month = pd.DatetimeIndex(dates).to_period("M")
    gmv = orders.groupby([month, orders["subcategory"]], observed=True)["gmv"].sum().unstack(fill_value=0.0)
    months = pd.period_range(start, end, freq="M")
    gmv = gmv.reindex(months, fill_value=0.0)
    total = gmv.sum(axis=1)
    shares = gmv.div(total.where(total > 0), axis=0)
    return shares.fillna(1.0 / max(len(gmv.columns), 1))


def allocate_daily(daily: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Long frame: date, subcategory and one column per channel (₹), summing back to `daily` each day."""
    month_of_day = daily.index.to_period("M")
    share_by_day = shares.reindex(month_of_day).to_numpy()  # days x subcategories
    values = daily.to_numpy()  # days x channels
    alloc = share_by_day[:, :, None] * values[:, None, :]  # days x subs x channels
    n_days, n_subs, n_ch = alloc.shape
    out = pd.DataFrame(alloc.reshape(n_days * n_subs, n_ch), columns=daily.columns)
    out.insert(0, "subcategory", np.tile(shares.columns.to_numpy(), n_days))
    out.insert(0, "date", np.repeat(daily.index.to_numpy(), n_subs))
    return out


def weekly_allocated_spend(daily: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Allocated spend (₹) per ISO week and subcategory: columns week_start, subcategory, channels."""
    long = allocate_daily(daily, shares)
    long["week_start"] = week_start(long["date"])
    return long.drop(columns="date").groupby(["week_start", "subcategory"], as_index=False).sum()

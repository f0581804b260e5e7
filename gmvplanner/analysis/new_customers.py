"""Which channels bring new customers: the media-mix regression fitted to the company's weekly GMV from first orders.

The target is `customers_weekly.new_gmv` (GMV of customers' first orders, every subcategory), against the company's
spend per channel (not allocated: new customers are not a subcategory's), with the sale, holiday and payday share
of each week, a trend and yearly seasonality as controls. The answers come from the same channel-effect code as
GMV (`effects.channel_contributions`, with 80% intervals over the bootstrap refits): incremental new-customer GMV
per channel, the new customers it stands for (at the window's mean GMV of a first order) and the cost of each.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..config import spend_column
from ..dates import week_start
from ..features.design import FeatureSpec
from ..model.training import TrainConfig, train_groups
from ..units import MoneyUnit
from .effects import channel_contributions

__all__ = ["NEW_CUSTOMER_GROUP", "new_customer_weekly", "new_customer_effects"]

NEW_CUSTOMER_GROUP = "new customers"
CONTROLS = ("sale_share", "holiday_share", "payday_share")


def new_customer_weekly(
    customers_weekly: pd.DataFrame, company_spend: pd.DataFrame, calendar: pd.DataFrame, channels: list[str], money: MoneyUnit
) -> pd.DataFrame:
    """The weekly table the model fits: week_start, days, gmv (new-customer GMV), new_customers, spend_<channel>
    (base unit, the whole company's) and the calendar shares; `calendar` is per day (sale_days, holidays, paydays)."""
    weekly = company_spend.merge(customers_weekly, on="week_start", how="inner")
    counts = calendar[["sale_days", "holidays", "paydays"]].astype(float).groupby(week_start(calendar.index)).sum()
    counts.index.name = "week_start"
    weekly = weekly.merge(counts.reset_index(), on="week_start", how="left").fillna({"sale_days": 0, "holidays": 0, "paydays": 0})
    out = pd.DataFrame(
        {
            "subcategory": NEW_CUSTOMER_GROUP,
            "week_start": weekly["week_start"],
            "days": weekly["days"].astype(int),
            "gmv": weekly["new_gmv"].astype(float),
            "new_customers": weekly["new_customers"].astype(int),
        }
    )
    for channel in channels:
        out[spend_column(channel)] = money.to_base(weekly[channel].to_numpy(float))
    for control, column in zip(CONTROLS, ("sale_days", "holidays", "paydays")):
        out[control] = weekly[column].to_numpy(float) / out["days"].to_numpy(float)
    return out.sort_values("week_start", ignore_index=True)


def new_customer_effects(weekly: pd.DataFrame, channels: list[str], config: TrainConfig) -> pd.DataFrame:
    """Per channel: spend, incremental_gmv (new-customer GMV it brought, base unit), new_customers and
    cost_per_new_customer (base unit per customer), each with `_lower`/`_upper` (80% over the refits), and the flag."""
    template = FeatureSpec(channels=list(channels), decay={}, controls=list(CONTROLS), calendar=False, fourier=2, trend=True)
    media_config = replace(config, model="mmm", transforms=None, lift_tests=None)
    trained = train_groups({NEW_CUSTOMER_GROUP: weekly}, {NEW_CUSTOMER_GROUP: template}, media_config, {NEW_CUSTOMER_GROUP: 1.0})
    model = trained[NEW_CUSTOMER_GROUP].model
    effects = channel_contributions(model, weekly)
    per_customer = float(weekly["gmv"].sum() / max(weekly["new_customers"].sum(), 1))  # mean first-order GMV
    out = effects[["channel", "spend"]].copy()
    for suffix in ("", "_lower", "_upper"):
        column = f"incremental_gmv{suffix}"
        out[column] = effects[column] if column in effects else np.nan
        out[f"new_customers{suffix}"] = out[column] / per_customer
    with np.errstate(divide="ignore", invalid="ignore"):
        for suffix, source in (("", ""), ("_lower", "_upper"), ("_upper", "_lower")):  # more customers, lower cost
            customers = out[f"new_customers{source}"]
            out[f"cost_per_new_customer{suffix}"] = np.where(customers > 0, out["spend"] / customers, np.nan)
    out["flag"] = effects["flag"]
    out.attrs["holdout_wape"] = trained[NEW_CUSTOMER_GROUP].metrics["model"]["wape"]
    return out

"""Weekly features per subcategory: calendar, price, delivery, payment and vertical mix, carry-over of spend.

Two steps, shared by training and scenarios so they cannot drift apart:
`weekly_table` aggregates orders into one tidy row per (subcategory, week) in natural units;
`design_matrix` turns those rows into model features (per-day rates, adstocked spend, season).
Partial weeks are handled by working in per-day rates: `days` counts the week's days inside the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder

from .allocate import week_start
from .config import PAYDAYS
from .transforms import geometric_adstock

__all__ = [
    "FEATURE_SCHEMA",
    "LEVERS",
    "SubcategoryEncoders",
    "FeatureSpec",
    "fit_encoders",
    "daily_calendar",
    "weekly_table",
    "design_matrix",
    "adstock_feature",
    "with_spend_rates",
    "CALENDAR_FEATURES",
    "spend_column",
]

FEATURE_SCHEMA = 3  # bump when design_matrix changes meaning; artifacts from another schema are refused
LEVERS = ("product_mrp", "discount", "sla", "procurement_sla")


def spend_column(channel: str) -> str:
    """Name of a channel's spend column in the weekly table (₹ allocated to the subcategory)."""
    return f"spend_{channel}"


@dataclass
class SubcategoryEncoders:
    """Fitted encoders for one subcategory's categorical levers (mixes are mean one-hot rows)."""

    vertical: OneHotEncoder
    payment: OneHotEncoder

    def mix_columns(self) -> list[str]:
        return [f"mix_{n}" for n in self.vertical.get_feature_names_out(["vertical"])] + [
            f"mix_{n}" for n in self.payment.get_feature_names_out(["payment"])
        ]

    def mix(self, kind: str, weights: dict[str, float]) -> np.ndarray:
        """Encode a mix such as {'Lens': 0.6, 'Flash': 0.4} into the encoder's columns (weights normalised)."""
        enc = self.vertical if kind == "vertical" else self.payment
        names = list(weights)
        w = np.array([weights[n] for n in names], dtype=float)
        if w.sum() <= 0:
            raise ValueError(f"{kind} mix weights must add up to more than 0")
        onehot = enc.transform(pd.DataFrame({kind: names}))
        return (w[:, None] * onehot).sum(axis=0) / w.sum()


def _encoder() -> OneHotEncoder:
    return OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=8, sparse_output=False)


def fit_encoders(orders: pd.DataFrame, subcategory: str) -> SubcategoryEncoders:
    """Fit the vertical and payment-type encoders on one subcategory's orders."""
    sub = orders.loc[orders["subcategory"] == subcategory]
    vertical = _encoder().fit(pd.DataFrame({"vertical": sub["vertical"].astype(object).fillna("unknown")}))
    payment = _encoder().fit(pd.DataFrame({"payment": sub["payment_type"].astype(object).fillna("unknown")}))
    return SubcategoryEncoders(vertical=vertical, payment=payment)


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


def _mix_by_week(sub: pd.DataFrame, column: str, kind: str, enc: OneHotEncoder) -> pd.DataFrame:
    """Mean one-hot row per week, computed from counts so the encoder only sees the distinct values."""
    counts = sub.groupby(["week_start", sub[column].astype(object).fillna("unknown")], observed=True).size()
    counts = counts.rename("n").reset_index()
    values = counts[column].drop_duplicates()
    onehot = pd.DataFrame(
        enc.transform(pd.DataFrame({kind: values.to_numpy()})),
        index=values.to_numpy(),
        columns=[f"mix_{n}" for n in enc.get_feature_names_out([kind])],
    )
    weighted = onehot.loc[counts[column]].to_numpy() * counts["n"].to_numpy()[:, None]
    frame = pd.DataFrame(weighted, columns=onehot.columns)
    frame["week_start"] = counts["week_start"].to_numpy()
    summed = frame.groupby("week_start").sum()
    return summed.div(counts.groupby("week_start")["n"].sum(), axis=0)


def weekly_table(
    orders: pd.DataFrame,
    calendar: pd.DataFrame,
    spend: pd.DataFrame,
    encoders: dict[str, SubcategoryEncoders],
    subcategories: list[str],
) -> pd.DataFrame:
    """One row per (subcategory, ISO week) of the window, in natural units.

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
    orders = orders.assign(week_start=week_start(orders["order_date"]))
    mrp_ok = orders["product_mrp"].notna()
    orders = orders.assign(
        list_value=np.where(mrp_ok, orders["product_mrp"] * orders["units"], np.nan),
        gmv_listed=np.where(mrp_ok, orders["gmv"], np.nan),
    )
    frames = []
    for sub_name in subcategories:
        sub = orders.loc[orders["subcategory"] == sub_name]
        agg = sub.groupby("week_start").agg(
            gmv=("gmv", "sum"),
            orders=("gmv", "size"),
            product_mrp=("product_mrp", "mean"),
            sla=("sla", "mean"),
            procurement_sla=("procurement_sla", "mean"),
            list_value=("list_value", "sum"),
            gmv_listed=("gmv_listed", "sum"),
        )
        agg["discount"] = 1.0 - agg["gmv_listed"] / agg["list_value"].where(agg["list_value"] > 0)
        agg = agg.drop(columns=["list_value", "gmv_listed"])
        enc = encoders[sub_name]
        mixes = [
            _mix_by_week(sub, "vertical", "vertical", enc.vertical),
            _mix_by_week(sub, "payment_type", "payment", enc.payment),
        ]
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


CALENDAR_FEATURES = ("sale_share", "holiday_share", "payday_share", "nps", "month", "woy_sin", "woy_cos", "trend")
TREND_ORIGIN = pd.Timestamp("2000-01-03")  # trend = years since this Monday


@dataclass
class FeatureSpec:
    """How one group's weekly rows become features: channels, carry-over and saturation, controls, column order.

    `controls` are weekly-table columns used as they are (levers, mixes, or a weekly table's own
    controls); `calendar` adds the ElecKart calendar features. `half_saturation` (₹ per day) is used by
    the media-mix regression; the forest's splits do not change under a monotone transform, so it ignores it.
    """

    channels: list[str]
    decay: dict[str, float]
    controls: list[str]
    fill_values: dict[str, float] = field(default_factory=dict)  # medians for missing control values
    calendar: bool = True
    half_saturation: dict[str, float] = field(default_factory=dict)
    fourier: int = 0  # yearly sine/cosine pairs from the date (weekly tables, which bring no calendar)
    trend: bool = False  # a linear trend in years (the ElecKart calendar features include one already)

    def feature_names(self) -> list[str]:
        names = [f"adstock_{c}" for c in self.channels] + list(self.controls)
        if self.calendar:
            names += list(CALENDAR_FEATURES)
        names += [f"{f}{k}" for k in range(1, self.fourier + 1) for f in ("season_sin", "season_cos")]
        return names + ["trend"] if self.trend and not self.calendar else names


def adstock_feature(rate: np.ndarray, spec: FeatureSpec, channel: str, carry_in: dict[str, float] | None) -> np.ndarray:
    """One channel's carry-over column from its spend per day; without `carry_in` the stock starts at
    the first week's rate (as if that spend had run before)."""
    init = rate[0] if carry_in is None else carry_in.get(channel, 0.0)
    return geometric_adstock(rate, spec.decay[channel], initial=init)


def with_spend_rates(
    X: pd.DataFrame, spec: FeatureSpec, rates: dict[str, np.ndarray], carry_in: dict[str, float] | None = None
) -> pd.DataFrame:
    """A copy of design matrix `X` with the named channels' spend per day replaced (carry-over recomputed)."""
    out = X.copy()
    for channel, rate in rates.items():
        out[f"adstock_{channel}"] = adstock_feature(np.asarray(rate, float), spec, channel, carry_in)
    return out


def design_matrix(weekly: pd.DataFrame, spec: FeatureSpec, carry_in: dict[str, float] | None = None) -> pd.DataFrame:
    """Features for consecutive weeks of one group, in `spec.feature_names()` order.

    Spend enters as adstocked spend per day. `carry_in` is each channel's stock before the first week;
    without it the stock starts at the first week's rate (as if that spend had run before).
    """
    days = weekly["days"].to_numpy(float)
    X = {}
    for channel in spec.channels:
        col = spend_column(channel)
        rate = weekly[col].to_numpy(float) / days if col in weekly else np.zeros(len(days))
        X[f"adstock_{channel}"] = adstock_feature(rate, spec, channel, carry_in)
    for col in spec.controls:
        X[col] = weekly[col].to_numpy(float) if col in weekly else np.full(len(days), spec.fill_values.get(col, 0.0))
    if spec.calendar:
        X["sale_share"] = weekly["sale_days"].to_numpy(float) / days
        X["holiday_share"] = weekly["holidays"].to_numpy(float) / days
        X["payday_share"] = weekly["paydays"].to_numpy(float) / days
        X["nps"] = weekly["nps"].to_numpy(float)
        thursday = pd.DatetimeIndex(weekly["week_start"]) + pd.Timedelta(days=3)
        X["month"] = thursday.month.to_numpy(float)
        woy = thursday.isocalendar().week.to_numpy(float)
        X["woy_sin"] = np.sin(2 * np.pi * woy / 52.18)
        X["woy_cos"] = np.cos(2 * np.pi * woy / 52.18)
    starts = pd.DatetimeIndex(weekly["week_start"])
    if spec.calendar or spec.trend:
        X["trend"] = ((starts - TREND_ORIGIN).days / 365.25).to_numpy(float)
    doy = (starts + pd.Timedelta(days=3)).day_of_year.to_numpy(float)
    for k in range(1, spec.fourier + 1):
        X[f"season_sin{k}"] = np.sin(2 * np.pi * k * doy / 365.25)
        X[f"season_cos{k}"] = np.cos(2 * np.pi * k * doy / 365.25)
    frame = pd.DataFrame(X, index=weekly.index)[spec.feature_names()]
    for col, value in spec.fill_values.items():
        if col in frame:
            frame[col] = frame[col].fillna(value)
    return frame

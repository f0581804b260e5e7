"""The weekly design matrix: how a group's weekly rows become model features (shared by training and scenarios).

Spend enters as adstocked spend per day; partial weeks work because everything is per day of the week inside
the window (`days`). `FeatureSpec` records how one group's features are built, so a scenario is built the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import spend_column
from ..dates import DAYS_PER_WEEK, DAYS_PER_YEAR
from .transforms import geometric_adstock

__all__ = [
    "FEATURE_SCHEMA",
    "LEVERS",
    "CALENDAR_FEATURES",
    "FeatureSpec",
    "design_matrix",
    "adstock_feature",
    "with_spend_rates",
    "fitted_spec",
    "spend_rates",
    "observed",
    "spend_moves_monthly",
    "range_excess",
    "clamped_columns",
]

# bump when design_matrix or the saved model changes meaning; artifacts from another schema are refused
FEATURE_SCHEMA = 7  # 7: controls held at the edge of their training range (0.4.0); 6: curves with a slope (0.3.0)
LEVERS = ("product_mrp", "discount", "sla", "procurement_sla")
CALENDAR_FEATURES = ("sale_share", "holiday_share", "payday_share", "nps", "month", "woy_sin", "woy_cos", "trend")
TREND_ORIGIN = pd.Timestamp("2000-01-03")  # trend = years since this Monday
# a control that never varied in training: its range's width, for measuring how far outside it a value lies, is
# this fraction of its value (10%: a price 10% above its only training price is one width out)
RANGE_WIDTH_FLOOR = 0.1
ISO_WEEKS_PER_YEAR = 52.18  # mean ISO weeks per year (365.25 / 7, rounded): the period of the week-of-year cycle


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
    slope: dict[str, float] = field(default_factory=dict)  # Hill slope per channel (absent: 1)
    fourier: int = 0  # yearly sine/cosine pairs from the date (weekly tables, which bring no calendar)
    trend: bool = False  # a linear trend in years (the ElecKart calendar features include one already)
    # each control's lowest and highest value in the fitted weeks: beyond them a control is held at the edge, so a
    # price or SLA outside anything the model saw cannot run the forecast away (a linear term would)
    control_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

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
        X["woy_sin"] = np.sin(2 * np.pi * woy / ISO_WEEKS_PER_YEAR)
        X["woy_cos"] = np.cos(2 * np.pi * woy / ISO_WEEKS_PER_YEAR)
    starts = pd.DatetimeIndex(weekly["week_start"])
    if spec.calendar or spec.trend:
        X["trend"] = ((starts - TREND_ORIGIN).days / DAYS_PER_YEAR).to_numpy(float)
    doy = (starts + pd.Timedelta(days=3)).day_of_year.to_numpy(float)
    for k in range(1, spec.fourier + 1):
        X[f"season_sin{k}"] = np.sin(2 * np.pi * k * doy / DAYS_PER_YEAR)
        X[f"season_cos{k}"] = np.cos(2 * np.pi * k * doy / DAYS_PER_YEAR)
    frame = pd.DataFrame(X, index=weekly.index)[spec.feature_names()]
    for col, value in spec.fill_values.items():
        if col in frame:
            frame[col] = frame[col].fillna(value)
    return _held_in_range(frame, spec)


def clamped_columns(spec: FeatureSpec) -> list[str]:
    """The design columns held inside their training range: the controls, and NPS with the calendar."""
    return list(spec.controls) + (["nps"] if spec.calendar else [])


def _raw_column(weekly: pd.DataFrame, spec: FeatureSpec, col: str) -> np.ndarray:
    """A clamped column's values as given (before filling gaps and clamping)."""
    if col not in weekly:
        return np.full(len(weekly), spec.fill_values.get(col, np.nan))
    return weekly[col].to_numpy(float)


def range_excess(weekly: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """How far each clamped column lies outside its training range, in widths of that range (0 inside it, and
    for blanks); signed: negative below the range, positive above. Columns: those with a recorded range."""
    out = {}
    for col, (low, high) in spec.control_ranges.items():
        values = _raw_column(weekly, spec, col)
        width = high - low if high > low else max(abs(high), 1.0) * RANGE_WIDTH_FLOOR
        excess = np.where(values > high, (values - high) / width, np.where(values < low, (values - low) / width, 0.0))
        out[col] = np.nan_to_num(excess)
    return pd.DataFrame(out, index=weekly.index)


def fitted_spec(
    weekly: pd.DataFrame,
    template: FeatureSpec,
    decay: dict[str, float],
    half_saturation: dict[str, float] | None = None,
    slope: dict[str, float] | None = None,
) -> FeatureSpec:
    """`template` completed for these weeks: the chosen carry-over and saturation, and medians to fill gaps."""
    fill = {c: float(weekly[c].median()) if c in weekly and weekly[c].notna().any() else 0.0 for c in template.controls}
    if template.calendar:
        fill["nps"] = float(weekly["nps"].median()) if weekly["nps"].notna().any() else 50.0
    ranges = {}
    for col in clamped_columns(template):
        seen = weekly.loc[observed(weekly), col].dropna() if col in weekly else pd.Series(dtype=float)
        if not seen.empty:
            ranges[col] = (float(seen.min()), float(seen.max()))
    return FeatureSpec(
        channels=template.channels,
        decay=decay,
        controls=template.controls,
        fill_values=fill,
        calendar=template.calendar,
        half_saturation=half_saturation or {},
        slope=slope or {},
        fourier=template.fourier,
        trend=template.trend,
        control_ranges=ranges,
    )


def spend_rates(weekly: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """Each channel's spend per day of each week (base money unit)."""
    days = weekly["days"].to_numpy(float)
    return pd.DataFrame({c: weekly[spend_column(c)].to_numpy(float) / days for c in channels})


def observed(weekly: pd.DataFrame) -> np.ndarray:
    """Which weeks have GMV. A weekly table's missing weeks stay in the table, so carry-over runs on through
    them, but no model fits or scores them."""
    return weekly["gmv"].notna().to_numpy()


def spend_moves_monthly(weekly: pd.DataFrame, channels: list[str]) -> bool:
    """True when every channel's spend per day is the same in every full week of a calendar month, as happens
    when spend is given per month and spread over its days (the ElecKart layout)."""
    full = weekly.loc[weekly["days"] == DAYS_PER_WEEK]
    rates = spend_rates(full, channels).set_axis(pd.DatetimeIndex(full["week_start"]))
    starts = pd.DatetimeIndex(rates.index)
    inside = starts.month == (starts + pd.Timedelta(days=6)).month
    rates = rates.loc[inside]
    months = pd.DatetimeIndex(rates.index).to_period("M")
    if rates.empty or months.value_counts().max() < 2:
        return False
    spread = rates.groupby(months).agg(lambda s: s.max() - s.min())
    level = rates.abs().max().replace(0.0, 1.0)
    return bool((spread <= 1e-9 * level).all().all())


def _held_in_range(frame: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """Every control held at the edge of its training range, in one numpy clip (pandas' per-column clip was a
    quarter of a scenario's design time)."""
    held = [col for col in spec.control_ranges if col in frame]
    if held:
        low, high = (np.array([spec.control_ranges[col][i] for col in held], float) for i in (0, 1))
        frame[held] = np.clip(frame[held].to_numpy(float), low, high)
    return frame

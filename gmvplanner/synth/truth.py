"""The true generating process: weekly company spend per channel and the known media effect on GMV (`TrueProcess`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import DEFAULT_SUBCATEGORIES
from ..dates import DAYS_PER_WEEK, WEEK_FREQ
from ..features.transforms import geometric_adstock
from ..units import CRORE
from .world import CHANNEL_SPECS, NEW_SHARE_BY_CHANNEL, NEW_SHARE_OTHER_CHANNELS, SUBCATEGORY_SPECS
from .worlds import (
    CYCLE_LOADING,
    HALF_SATURATION_RANGE,
    HALF_SATURATION_SPREAD,
    HETEROGENEITY_SPREAD,
    NEARLY_USELESS,
    SLOPE_CHOICES,
    STEADY_CHANNEL,
    STEADY_VOLATILITY,
    WEIBULL_CARRYOVER,
    World,
    correlated_factor,
    daily_carryover,
    media_multiplier,
    saturation,
    weibull_kernel,
)

__all__ = ["TrueProcess", "weekly_spend", "true_process", "world_true_process", "new_shares"]

TV_ON_AIR = 0.8  # TV is flighted: this share of weeks on air
RADIO_MONTHS = [1, 3, 5, 10, 12]  # Radio and Other run in these months only
OTHER_MONTHS = [1, 3, 5, 11]


@dataclass
class TrueProcess:
    """The known media effect: GMV_s,w += m_s(w) * beta[s,c] * sat_c(carry-over of spend_c), where sat_c is a Hill
    curve with half-saturation K_c and slope (1 unless `slope` says otherwise), the carry-over is weekly geometric
    with `decay` or, for channels in `weibull`, a Weibull kernel over daily spend, and m_s(w) is 1 unless the world
    is multiplicative (`multiplier`)."""

    channels: list[str]
    subcategories: list[str]
    decay: dict[str, float]
    half_saturation_crore: dict[str, float]
    beta_rupees: dict[str, dict[str, float]]  # subcategory -> channel -> weekly rupees at saturation
    weekly_spend_crore: pd.DataFrame = field(repr=False)  # week_start index, channel columns (full weeks)
    customers: dict[str, Any] = field(default_factory=dict)  # the customer model and each class's size (`customers.py`)
    world: str = "today"
    slope: dict[str, float] = field(default_factory=dict)  # channel -> Hill slope (absent: 1)
    weibull: dict[str, list[float]] = field(default_factory=dict)  # channel -> [shape, scale in days] (daily carry-over)
    multiplier: dict[str, Any] = field(default_factory=dict)  # first_day, sale_days, norm (the multiplicative world)

    def media_gmv(
        self,
        weekly_spend_crore: pd.DataFrame,
        subcategory: str,
        carry_in: pd.Series | None = None,
        multiplied: bool = True,
    ) -> pd.DataFrame:
        """True weekly media-driven GMV (rupees) of one subcategory, one column per channel, for a path of weekly
        spend (`carry_in`: the geometric stock before it; worlds with daily carry-over take the whole path
        instead, see `plan_media_gmv`). `multiplied=False` leaves out the multiplicative world's factor."""
        out = {}
        for channel in self.channels:
            spend = (
                weekly_spend_crore[channel].to_numpy(float)
                if channel in weekly_spend_crore
                else np.zeros(len(weekly_spend_crore))
            )
            stock = self._carryover(channel, spend, carry_in)
            curve = saturation(stock, self.half_saturation_crore[channel], self.slope.get(channel, 1.0))
            out[channel] = self.beta_rupees[subcategory][channel] * curve
        frame = pd.DataFrame(out, index=weekly_spend_crore.index)
        if multiplied and self.multiplier:
            frame = frame.mul(self.weekly_multiplier(pd.DatetimeIndex(frame.index)), axis=0)
        return frame

    def _carryover(self, channel: str, spend: np.ndarray, carry_in: pd.Series | None) -> np.ndarray:
        if channel in self.weibull:
            if carry_in is not None:
                raise ValueError("daily carry-over needs the whole spend path, not a carried-in stock")
            shape, scale = self.weibull[channel]
            return daily_carryover(spend, weibull_kernel(shape, scale))
        init = 0.0 if carry_in is None else float(carry_in.get(channel, 0.0))
        return geometric_adstock(spend, self.decay[channel], initial=init)

    def daily_multiplier(self, days: pd.DatetimeIndex) -> np.ndarray:
        """The multiplicative world's factor on each day's media effect (ones elsewhere)."""
        if not self.multiplier:
            return np.ones(len(days))
        sale_days = {pd.Timestamp(d) for d in self.multiplier["sale_days"]}
        raw = media_multiplier(days, sale_days, pd.Timestamp(self.multiplier["first_day"]))
        return raw / float(self.multiplier["norm"])

    def weekly_multiplier(self, weeks: pd.DatetimeIndex) -> np.ndarray:
        """The daily factor averaged over each week's seven days."""
        days = pd.DatetimeIndex((weeks.to_numpy()[:, None] + np.arange(DAYS_PER_WEEK).astype("timedelta64[D]")).ravel())
        return self.daily_multiplier(days).reshape(len(weeks), DAYS_PER_WEEK).mean(axis=1)

    def plan_media_gmv(self, plan_crore: pd.DataFrame, subcategory: str) -> pd.DataFrame:
        """True weekly media GMV of the weeks of `plan_crore` (week_start index, channel columns) when it follows
        the generated history: the whole path is carried over, so any carry-over kernel gives the right stock."""
        first = pd.Timestamp(plan_crore.index[0])
        history = self.weekly_spend_crore.loc[self.weekly_spend_crore.index < first, self.channels]
        weeks = pd.date_range(history.index[0], plan_crore.index[-1], freq=WEEK_FREQ)
        path = pd.concat([history, plan_crore.reindex(columns=self.channels)]).reindex(weeks).fillna(0.0)
        return self.media_gmv(path, subcategory).loc[plan_crore.index]

    def new_customer_gmv(
        self, weekly_spend_crore: pd.DataFrame, subcategory: str, carry_in: pd.Series | None = None
    ) -> pd.DataFrame:
        """True weekly GMV of new customers' first orders that media brings (rupees), one column per channel: each
        channel's media GMV times its share of first orders (`customers["new_share_by_channel"]`)."""
        shares = self.customers["new_share_by_channel"]
        media = self.media_gmv(weekly_spend_crore, subcategory, carry_in)
        return media * pd.Series({c: shares.get(c, NEW_SHARE_OTHER_CHANNELS) for c in media.columns})

    def plan_new_customer_gmv(self, plan_crore: pd.DataFrame, subcategory: str) -> pd.DataFrame:
        """`new_customer_gmv` of a plan's weeks after the generated history (see `plan_media_gmv`)."""
        shares = self.customers["new_share_by_channel"]
        media = self.plan_media_gmv(plan_crore, subcategory)
        return media * pd.Series({c: shares.get(c, NEW_SHARE_OTHER_CHANNELS) for c in media.columns})

    def to_json(self) -> dict[str, Any]:
        """Parameters as plain JSON (spend is written to its own file)."""
        return {
            "customers": self.customers,
            "channels": self.channels,
            "subcategories": self.subcategories,
            "decay": self.decay,
            "half_saturation_crore": self.half_saturation_crore,
            "beta_rupees": self.beta_rupees,
            **(
                {}
                if self.world == "today"
                else {"world": self.world, "slope": self.slope, "weibull": self.weibull, "multiplier": self.multiplier}
            ),
        }

    @classmethod
    def from_files(cls, params_path: Path, weekly_spend_path: Path) -> TrueProcess:
        """Read back what `write_dataset` wrote."""
        params = json.loads(Path(params_path).read_text())
        params.pop("config", None)
        params.pop("data_version", None)
        spend = pd.read_csv(weekly_spend_path, parse_dates=["date"]).set_index("date")
        spend.index.name = "week_start"
        return cls(weekly_spend_crore=spend, **params)


def weekly_spend(rng: np.random.Generator, weeks: pd.DatetimeIndex, scale: float) -> pd.DataFrame:
    """Weekly company spend per channel in crore: a slowly wandering level times independent weekly moves.

    Spend is deliberately not tied to the festive season, so channel effects are measurable apart from
    seasonality (real plans are more confounded; see the benchmark notes). `scale` is n_orders / FULL_SCALE_ORDERS.
    """
    month = weeks.month.to_numpy()
    frame = {}
    for channel, spec in CHANNEL_SPECS.items():
        wander = np.exp(np.cumsum(rng.normal(0, 0.03, len(weeks))))
        wander /= wander.mean()
        moves = rng.lognormal(-0.5 * spec.volatility**2, spec.volatility, len(weeks))
        spend = spec.weekly_level_crore * scale * wander * moves
        if channel == "TV":
            spend *= rng.random(len(weeks)) < TV_ON_AIR  # flighting: some weeks off air
        if channel in ("Radio", "Other"):
            spend *= np.isin(month, RADIO_MONTHS if channel == "Radio" else OTHER_MONTHS)
        frame[channel] = spend
    return pd.DataFrame(frame, index=weeks)


def true_process(rng: np.random.Generator, spend: pd.DataFrame, subs: list[str], scale: float) -> TrueProcess:
    """Channel parameters with ROIs spread widely, subcategory weights that differ by channel."""
    decay: dict[str, float] = {}
    half: dict[str, float] = {}
    beta: dict[str, dict[str, float]] = {s: {} for s in subs}
    order_share = np.array([SUBCATEGORY_SPECS[s].order_share for s in subs])
    order_share = order_share / order_share.sum()
    value_share = order_share * np.array([SUBCATEGORY_SPECS[s].median_mrp for s in subs])
    value_share = value_share / value_share.sum()
    for channel, spec in CHANNEL_SPECS.items():
        level = spec.weekly_level_crore
        decay[channel] = spec.decay
        half[channel] = spec.half_saturation_multiple * level * scale
        tilt = rng.lognormal(0.0, 0.35, len(subs))
        weights = value_share * tilt / (value_share * tilt).sum()
        # at spend == half-saturation the hill is 0.5, so the ROI there is 0.5 * beta / spend
        total_beta = 2.0 * spec.roi * level * scale * CRORE
        for s, w in zip(subs, weights):
            beta[s][channel] = float(total_beta * w)
    return TrueProcess(list(CHANNEL_SPECS), subs, decay, half, beta, spend)


def new_shares(channels: pd.Index | list[str]) -> pd.Series:
    """Each channel's share of the orders it brings that are new customers' first orders."""
    return pd.Series({c: NEW_SHARE_BY_CHANNEL.get(c, NEW_SHARE_OTHER_CHANNELS) for c in channels})


def correlated_weekly_spend(rng: np.random.Generator, weeks: pd.DatetimeIndex, scale: float) -> pd.DataFrame:
    """`weekly_spend` with a shared budget cycle: every channel's log-spend follows one quarterly cycle and wander
    (`CYCLE_LOADING`), on top of smaller moves of its own; `STEADY_CHANNEL` barely varies at all."""
    factor = correlated_factor(rng, len(weeks))
    month = weeks.month.to_numpy()
    frame = {}
    for channel, spec in CHANNEL_SPECS.items():
        steady = channel == STEADY_CHANNEL
        vol = STEADY_VOLATILITY if steady else 0.35
        moves = rng.lognormal(-0.5 * vol**2, vol, len(weeks))
        shared = np.exp((0.0 if steady else CYCLE_LOADING) * factor)
        spend = spec.weekly_level_crore * scale * shared / shared.mean() * moves
        if channel == "TV":
            spend *= rng.random(len(weeks)) < TV_ON_AIR
        if channel in ("Radio", "Other"):
            spend *= np.isin(month, RADIO_MONTHS if channel == "Radio" else OTHER_MONTHS)
        frame[channel] = spend
    return pd.DataFrame(frame, index=weeks)


def world_true_process(
    world: World,
    rng: np.random.Generator,
    spend: pd.DataFrame,
    subs: list[str],
    scale: float,
    sale_days: list[str],
    first_day: pd.Timestamp,
    days: pd.DatetimeIndex,
) -> TrueProcess:
    """The true process of a benchmark world other than `today` (parameters drawn from `rng`, the world's own
    stream): each channel keeps its true ROI at its spend level, but its half-saturation, slope, carry-over and
    weights across subcategories follow the world."""
    value_share = np.array([SUBCATEGORY_SPECS[s].order_share * SUBCATEGORY_SPECS[s].median_mrp for s in subs])
    value_share = value_share / value_share.sum()
    decay: dict[str, float] = {}
    half: dict[str, float] = {}
    slope: dict[str, float] = {}
    beta: dict[str, dict[str, float]] = {s: {} for s in subs}
    modelled = [i for i, s in enumerate(subs) if s in DEFAULT_SUBCATEGORIES]
    for channel, spec in CHANNEL_SPECS.items():
        level = spec.weekly_level_crore * scale
        multiple = float(np.clip(rng.lognormal(0.0, HALF_SATURATION_SPREAD), *HALF_SATURATION_RANGE))
        slope[channel] = float(rng.choice(SLOPE_CHOICES)) if world.slopes else 1.0
        decay[channel] = spec.decay
        half[channel] = multiple * level
        tilt = rng.lognormal(0.0, HETEROGENEITY_SPREAD if world.heterogeneous else 0.35, len(subs))
        if world.heterogeneous and len(modelled) > 1:
            tilt[rng.choice(modelled)] *= NEARLY_USELESS
        weights = value_share * tilt / (value_share * tilt).sum()
        at_level = float(saturation(np.array([level]), half[channel], slope[channel])[0])
        total_beta = spec.roi * level * CRORE / at_level  # the true ROI at the level, whatever the curve
        for s, w in zip(subs, weights):
            beta[s][channel] = float(total_beta * w)
    truth = TrueProcess(list(CHANNEL_SPECS), subs, decay, half, beta, spend, world=world.name, slope=slope)
    if world.daily_carryover:
        truth.weibull = {c: list(WEIBULL_CARRYOVER[c]) for c in CHANNEL_SPECS}
    if world.multiplicative:
        sales = {pd.Timestamp(d) for d in sale_days}
        norm = float(media_multiplier(days, sales, first_day).mean())
        truth.multiplier = {"first_day": str(first_day.date()), "sale_days": sorted(sale_days), "norm": norm}
    return truth

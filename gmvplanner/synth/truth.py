"""The true generating process: weekly company spend per channel and the known media effect on GMV (`TrueProcess`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..features.transforms import geometric_adstock, hill
from ..units import CRORE
from .world import CHANNEL_SPECS, NEW_SHARE_BY_CHANNEL, NEW_SHARE_OTHER_CHANNELS, SUBCATEGORY_SPECS

__all__ = ["TrueProcess", "weekly_spend", "true_process", "new_shares"]

TV_ON_AIR = 0.8  # TV is flighted: this share of weeks on air
RADIO_MONTHS = [1, 3, 5, 10, 12]  # Radio and Other run in these months only
OTHER_MONTHS = [1, 3, 5, 11]


@dataclass
class TrueProcess:
    """The known media effect: GMV_s,w += beta[s,c] * hill(adstock(spend_c) / K_c)."""

    channels: list[str]
    subcategories: list[str]
    decay: dict[str, float]
    half_saturation_crore: dict[str, float]
    beta_rupees: dict[str, dict[str, float]]  # subcategory -> channel -> weekly rupees at saturation
    weekly_spend_crore: pd.DataFrame = field(repr=False)  # week_start index, channel columns (full weeks)
    customers: dict[str, Any] = field(default_factory=dict)  # the customer model and each class's size (`customers.py`)

    def media_gmv(self, weekly_spend_crore: pd.DataFrame, subcategory: str, carry_in: pd.Series | None = None) -> pd.DataFrame:
        """True weekly media-driven GMV (rupees) of one subcategory, one column per channel."""
        out = {}
        for channel in self.channels:
            spend = (
                weekly_spend_crore[channel].to_numpy(float)
                if channel in weekly_spend_crore
                else np.zeros(len(weekly_spend_crore))
            )
            init = 0.0 if carry_in is None else float(carry_in.get(channel, 0.0))
            stock = geometric_adstock(spend, self.decay[channel], initial=init)
            out[channel] = self.beta_rupees[subcategory][channel] * hill(stock, self.half_saturation_crore[channel])
        return pd.DataFrame(out, index=weekly_spend_crore.index)

    def new_customer_gmv(
        self, weekly_spend_crore: pd.DataFrame, subcategory: str, carry_in: pd.Series | None = None
    ) -> pd.DataFrame:
        """True weekly GMV of new customers' first orders that media brings (rupees), one column per channel: each
        channel's media GMV times its share of first orders (`customers["new_share_by_channel"]`)."""
        shares = self.customers["new_share_by_channel"]
        media = self.media_gmv(weekly_spend_crore, subcategory, carry_in)
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

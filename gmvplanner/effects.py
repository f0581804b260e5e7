"""What each channel added: incremental GMV, ROI, marginal ROI, response curves and measurability flags."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .features import design_matrix, spend_column
from .model import SubcategoryModel, predict_rates

__all__ = ["window_gmv", "channel_contributions", "response_curves", "CURVE_MULTIPLIERS", "MIN_ACTIVE_WEEKS"]

CURVE_MULTIPLIERS = tuple(np.round(np.linspace(0.0, 3.0, 13), 2))
MIN_ACTIVE_WEEKS = 8  # a channel on air fewer weeks than this cannot be told apart from the calendar
MIN_VARIATION = 0.1  # coefficient of variation of weekly spend below which an effect is not measurable


def window_gmv(model: SubcategoryModel, weekly: pd.DataFrame, multipliers: dict[str, float] | None = None) -> float:
    """The model's total GMV (₹) over these weeks with each channel's spend scaled by `multipliers`."""
    frame = weekly
    if multipliers:
        frame = weekly.copy()
        for channel, factor in multipliers.items():
            frame[spend_column(channel)] = frame[spend_column(channel)] * factor
    X = design_matrix(frame, model.spec)
    rates = predict_rates(model.estimator, X)[0]
    return float((rates * frame["days"].to_numpy(float)).sum())


def _flag(spend: pd.Series, days: pd.Series, incremental: float) -> str:
    rate = spend / days
    active = int((rate > 0).sum())
    if active == 0:
        return "no spend in the window"
    variation = float(rate.std() / rate.mean()) if rate.mean() > 0 else 0.0
    if active < MIN_ACTIVE_WEEKS or variation < MIN_VARIATION:
        return f"not measurable: spend ran {active} weeks with variation {variation:.2f}; effect cannot be separated"
    if incremental <= 0:
        return "no positive effect found: the model attributes no GMV to this channel"
    return ""


def channel_contributions(model: SubcategoryModel, weekly: pd.DataFrame) -> pd.DataFrame:
    """One row per channel: subcategory, channel, spend, incremental_gmv, roi, mroi, share, flag (₹).

    incremental = GMV with actual spend minus GMV with that channel's spend removed (carry-over too);
    roi = incremental / spend; mroi = GMV from the next 1% of spend / that 1%; share = the channel's part
    of the positive incremental GMV.
    """
    base = window_gmv(model, weekly)
    rows = []
    for channel in model.spec.channels:
        spend = float(weekly[spend_column(channel)].sum())
        incremental = base - window_gmv(model, weekly, {channel: 0.0})
        extra = window_gmv(model, weekly, {channel: 1.01}) - base if spend > 0 else 0.0
        rows.append(
            {
                "subcategory": model.subcategory,
                "channel": channel,
                "spend": spend,
                "incremental_gmv": incremental,
                "roi": incremental / spend if spend > 0 else np.nan,
                "mroi": extra / (0.01 * spend) if spend > 0 else np.nan,
                "flag": _flag(weekly[spend_column(channel)], weekly["days"], incremental),
            }
        )
    frame = pd.DataFrame(rows)
    positive = frame["incremental_gmv"].clip(lower=0)
    frame.insert(6, "share", positive / positive.sum() if positive.sum() > 0 else 0.0)
    return frame


def response_curves(
    model: SubcategoryModel, weekly: pd.DataFrame, multipliers: tuple[float, ...] = CURVE_MULTIPLIERS
) -> pd.DataFrame:
    """Predicted window GMV as each channel's spend is scaled from 0x to 3x, the others held at actual."""
    rows = []
    for channel in model.spec.channels:
        spend = float(weekly[spend_column(channel)].sum())
        for m in multipliers:
            rows.append(
                {
                    "subcategory": model.subcategory,
                    "channel": channel,
                    "multiplier": float(m),
                    "spend": spend * m,
                    "gmv": window_gmv(model, weekly, {channel: float(m)}),
                }
            )
    return pd.DataFrame(rows)

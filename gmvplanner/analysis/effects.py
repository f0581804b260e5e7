"""What each channel added: incremental GMV, ROI, marginal ROI, response curves and measurability flags."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import spend_column
from ..features.design import design_matrix, spend_rates
from ..model.training import SubcategoryModel

__all__ = [
    "window_gmv",
    "window_gmv_many",
    "window_gmv_draws",
    "channel_contributions",
    "response_curves",
    "CURVE_MULTIPLIERS",
    "MIN_ACTIVE_WEEKS",
]

CURVE_MULTIPLIERS = tuple(np.round(np.linspace(0.0, 3.0, 13), 2))
MIN_ACTIVE_WEEKS = 8  # a channel on air fewer weeks than this cannot be told apart from the calendar
MIN_VARIATION = 0.1  # coefficient of variation of weekly spend below which an effect is not measurable


def window_gmv(model: SubcategoryModel, weekly: pd.DataFrame, multipliers: dict[str, float] | None = None) -> float:
    """The model's total GMV (₹) over these weeks with each channel's spend scaled by `multipliers`."""
    return float(window_gmv_many(model, weekly, [multipliers or {}])[0])


def window_gmv_many(model: SubcategoryModel, weekly: pd.DataFrame, variants: list[dict[str, float]]) -> np.ndarray:
    """Total GMV for many spend variants at once: features are built once, only the scaled channels'
    carry-over columns are recomputed, and the model predicts every variant in one call."""
    days = weekly["days"].to_numpy(float)
    rates = spend_rates(weekly, model.spec.channels)
    scaled = [{c: rates[c].to_numpy() * factor for c, factor in variant.items()} for variant in variants]
    return model.estimator.media_response(design_matrix(weekly, model.spec), model.spec, days, scaled)


def window_gmv_draws(model: SubcategoryModel, weekly: pd.DataFrame, variants: list[dict[str, float]]) -> np.ndarray | None:
    """`window_gmv_many` under every bootstrap refit of the channel effects, shape (variants, draws); None for a
    model without draws."""
    days = weekly["days"].to_numpy(float)
    rates = spend_rates(weekly, model.spec.channels)
    scaled = [{c: rates[c].to_numpy() * factor for c, factor in variant.items()} for variant in variants]
    return model.estimator.media_response_draws(design_matrix(weekly, model.spec), model.spec, days, scaled)


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
    of the positive incremental GMV. Models with bootstrap refits of their channel effects (hybrid, mmm) add
    incremental_gmv_lower/upper and roi_lower/upper: the 80% interval over those refits (estimation uncertainty).
    """
    channels = model.spec.channels
    totals = window_gmv_many(model, weekly, [{}] + [{c: 0.0} for c in channels] + [{c: 1.01} for c in channels])
    base, without, extra = totals[0], totals[1 : len(channels) + 1], totals[len(channels) + 1 :] - totals[0]
    rows = []
    for j, channel in enumerate(channels):
        spend = float(weekly[spend_column(channel)].sum())
        incremental = float(base - without[j])
        rows.append(
            {
                "subcategory": model.subcategory,
                "channel": channel,
                "spend": spend,
                "incremental_gmv": incremental,
                "roi": incremental / spend if spend > 0 else np.nan,
                "mroi": float(extra[j]) / (0.01 * spend) if spend > 0 else np.nan,
                "flag": _flag(weekly[spend_column(channel)], weekly["days"], incremental),
            }
        )
    frame = pd.DataFrame(rows)
    positive = frame["incremental_gmv"].clip(lower=0)
    frame.insert(6, "share", positive / positive.sum() if positive.sum() > 0 else 0.0)
    draws = window_gmv_draws(model, weekly, [{}] + [{c: 0.0} for c in channels])
    if draws is not None:
        incremental = draws[0][None, :] - draws[1:]  # (channels, draws)
        point = frame["incremental_gmv"].to_numpy()
        lower, upper = np.quantile(incremental, [0.1, 0.9], axis=1)
        lower, upper = np.minimum(lower, point), np.maximum(upper, point)  # the interval always holds the estimate
        spend = frame["spend"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            roi_lower, roi_upper = np.where(spend > 0, lower / spend, np.nan), np.where(spend > 0, upper / spend, np.nan)
        frame["incremental_gmv_lower"], frame["incremental_gmv_upper"] = lower, upper
        frame["roi_lower"], frame["roi_upper"] = roi_lower, roi_upper
        uncertain = (lower <= 0) & (frame["flag"] == "") & (frame["incremental_gmv"] > 0)
        frame.loc[uncertain, "flag"] = "uncertain: its 80% interval reaches zero, so the data cannot tell this effect from none"
    return frame


def response_curves(
    model: SubcategoryModel, weekly: pd.DataFrame, multipliers: tuple[float, ...] = CURVE_MULTIPLIERS
) -> pd.DataFrame:
    """Predicted window GMV as each channel's spend is scaled from 0x to 3x, the others held at actual."""
    pairs = [(c, float(m)) for c in model.spec.channels for m in multipliers]
    totals = window_gmv_many(model, weekly, [{c: m} for c, m in pairs])
    return pd.DataFrame(
        {
            "subcategory": model.subcategory,
            "channel": [c for c, _ in pairs],
            "multiplier": [m for _, m in pairs],
            "spend": [float(weekly[spend_column(c)].sum()) * m for c, m in pairs],
            "gmv": totals,
        }
    )

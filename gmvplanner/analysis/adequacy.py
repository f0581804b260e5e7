"""Is there enough in the data to measure each channel? A data-adequacy check in the spirit of Meridian's.

Meridian's guide counts data points per estimated effect: about 4 per effect is too few to estimate a model
reliably, about 15 gives directional answers, and too little variation in spend hurts on top of that. Here a
data point is a week of one subcategory, except that spend given per month moves only once a month, so for the
channels a data point is a month. Channels whose spend moves together cannot be told apart either.
The check is written to the artifacts as `adequacy.csv` (one row per subcategory and channel) and read by the
optimiser: when the evidence is weak it stays near the historical split (`optimise.AUTO_MAX_CHANGE`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import spend_column
from ..features.design import spend_moves_monthly

__all__ = [
    "under_identified",
    "data_adequacy",
    "ADEQUACY_COLUMNS",
    "spend_moves_monthly",
    "spend_correlations",
    "evidence_is_weak",
    "FEW_POINTS_PER_PARAMETER",
    "ENOUGH_POINTS_PER_PARAMETER",
    "MAX_CORRELATION",
]

# below this the channel answers are too weak to act on. Meridian calls 4 too few for unshrunk effects; here the
# controls are ridge-shrunk and channels pooled across subcategories, and on generated data 104 weeks for 32
# effects (3.25 each) recover channel shares within 3 points.
FEW_POINTS_PER_PARAMETER = 3.0
# fewer data points than effects: the channels' effects are not identified by the data at all (the benchmark's
# `confounded` world, monthly spend, 25 levels for 27 effects: the split lost 48% of the achievable uplift while every
# refit agreed it would win)
UNDER_IDENTIFIED = 1.0
ENOUGH_POINTS_PER_PARAMETER = 15.0  # Meridian: about 15 gives directional answers
MAX_CORRELATION = 0.9  # two channels whose weekly spend correlates above this cannot be told apart


ADEQUACY_COLUMNS = (
    "channel",
    "data_points",
    "parameters",
    "points_per_parameter",
    "spend_moves_monthly",
    "spend_levels",
    "active_weeks",
    "max_correlation",
    "correlated_with",
    "channel_warning",
    "data_warning",
)


def _rates(weekly: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    days = weekly["days"].to_numpy(float)
    return pd.DataFrame({c: weekly[spend_column(c)].to_numpy(float) / days for c in channels}, index=weekly["week_start"])


def spend_correlations(weekly: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """Correlation of the channels' spend per day across weeks (0 where a channel's spend never moves)."""
    rates = _rates(weekly, channels)
    moving = rates.std() > 0
    corr = np.zeros((len(channels), len(channels)))
    if moving.sum() > 1:
        corr[np.ix_(moving.to_numpy(), moving.to_numpy())] = np.nan_to_num(rates.loc[:, moving].corr().to_numpy())
    np.fill_diagonal(corr, 1.0)
    return pd.DataFrame(corr, index=channels, columns=channels)


def data_adequacy(weekly: pd.DataFrame, channels: list[str], n_effects: int) -> pd.DataFrame:
    """One row per channel for one subcategory: data points, parameters, points per parameter, whether spend
    moves only monthly, its spend levels and active weeks, its strongest correlation with another channel,
    and plain-words warnings ("" when adequate): `channel_warning` for this channel alone, `data_warning` for
    every channel of the subcategory.

    Counted as Meridian does: `n_effects` is the subcategory model's intercept and design columns (controls,
    trend, season, one per channel), against its weeks. When spend moves only monthly, what carries the
    channels is the monthly levels, against three effects per channel (its effect, carry-over and saturation).
    """
    if "gmv" in weekly:  # only weeks with GMV are evidence (a weekly table may miss some)
        weekly = weekly.loc[weekly["gmv"].notna()]
    monthly = spend_moves_monthly(weekly, channels)
    months = pd.DatetimeIndex(weekly["week_start"]).to_period("M").nunique()
    points, n_parameters = (months, 3 * len(channels)) if monthly else (len(weekly), n_effects)
    per_parameter = points / max(n_parameters, 1)
    corr = spend_correlations(weekly, channels)
    rates = _rates(weekly, channels)
    data_warnings = []
    if monthly:
        data_warnings.append(
            f"spend changes only once a month, so {months} monthly levels carry every channel's effect, carry-over "
            "and saturation: treat channel answers as directional and test large moves"
        )
    if per_parameter < FEW_POINTS_PER_PARAMETER:
        what = "monthly spend levels" if monthly else "weeks"
        data_warnings.append(
            f"only {per_parameter:.1f} {what} per estimated effect ({points} for {n_parameters}; Meridian's guide: "
            f"about {ENOUGH_POINTS_PER_PARAMETER:.0f} give directional answers)"
        )
    rows = []
    for c in channels:
        others = corr.loc[c].drop(c).abs()
        partner = str(others.idxmax()) if len(others) else ""
        strongest = float(others.max()) if len(others) else 0.0
        together = strongest > MAX_CORRELATION
        rows.append(
            {
                "channel": c,
                "data_points": int(points),
                "parameters": int(n_parameters),
                "points_per_parameter": round(per_parameter, 2),
                "spend_moves_monthly": monthly,
                "spend_levels": int(rates[c].round(12).nunique()),
                "active_weeks": int((rates[c] > 0).sum()),
                "max_correlation": round(strongest, 3),
                "correlated_with": partner if together else "",
                "channel_warning": (
                    f"its spend moves with {partner}'s (correlation {corr.loc[c, partner]:.2f}): the data cannot "
                    "split the effect between the two"
                    if together
                    else ""
                ),
                "data_warning": "; ".join(data_warnings),
            }
        )
    return pd.DataFrame(rows, columns=list(ADEQUACY_COLUMNS))


def under_identified(adequacy: pd.DataFrame) -> bool:
    """True when spend moves only monthly and there are fewer monthly spend levels than effects to estimate: the data
    cannot tell the channels apart, whatever the fit (the bootstrap refits then share one bias and agree)."""
    if adequacy.empty:
        return False
    monthly = adequacy["spend_moves_monthly"].astype(bool)
    return bool((monthly & (adequacy["points_per_parameter"] < UNDER_IDENTIFIED)).any())


def evidence_is_weak(adequacy: pd.DataFrame) -> bool:
    """True when the data cannot support large moves: spend moves only monthly, or too few points per effect."""
    if adequacy.empty:
        return False
    return bool(adequacy["spend_moves_monthly"].any() or (adequacy["points_per_parameter"] < FEW_POINTS_PER_PARAMETER).any())

"""What each channel added: incremental GMV, ROI, marginal ROI, response curves and measurability flags."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import NUMERIC_FLOOR, interval_quantiles, spend_column
from ..features.design import design_matrix, spend_rates
from ..model.base import spend_variants
from ..model.bundle import SubcategoryModel
from .adequacy import MAX_CORRELATION, spend_correlations

__all__ = [
    "window_gmv",
    "window_gmv_many",
    "window_gmv_draws",
    "channel_contributions",
    "response_curves",
    "weekly_decomposition",
    "CURVE_MULTIPLIERS",
    "MIN_ACTIVE_WEEKS",
]

CURVE_MULTIPLIERS = tuple(np.round(np.linspace(0.0, 3.0, 13), 2))
SMOOTH_STEP = 0.01  # marginal ROI of a model smooth in spend: the return on the next 1%
CURVE_STEP = 0.25  # ... of a step-function model (forest): the next step of its response curve, as the chart shows
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


def _flag(
    spend: pd.Series, days: pd.Series, incremental: float, moves_with: tuple[str, float] | None = None, mroi: float = 0.0
) -> str:
    rate = spend / days
    active = int((rate > 0).sum())
    if active == 0:
        return "no spend in the window"
    variation = float(rate.std() / rate.mean()) if rate.mean() > 0 else 0.0
    if active < MIN_ACTIVE_WEEKS or variation < MIN_VARIATION:
        return f"not measurable: spend ran {active} weeks with variation {variation:.2f}; effect cannot be separated"
    if moves_with is not None:
        other, corr = moves_with
        return (
            f"not identifiable: its spend moves with {other}'s (correlation {corr:.2f}), so the data cannot split "
            "the effect between the two"
        )
    if incremental <= 0 and mroi > 0:
        return (
            "erratic: removing its spend costs no GMV, yet more spend adds some; the model's response to this channel "
            "is noise (a forest's prediction is a step function of spend: use the hybrid model for channel answers)"
        )
    if incremental <= 0:
        return "no positive effect found: the model attributes no GMV to this channel"
    return ""


def _quantiles(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """10th and 90th percentiles per row, NaN for rows without a finite value (a channel with no spend)."""
    lower, upper = np.full(len(values), np.nan), np.full(len(values), np.nan)
    for i, row in enumerate(values):
        row = row[np.isfinite(row)]
        if len(row):
            lower[i], upper[i] = np.quantile(row, interval_quantiles())
    return lower, upper


def _centred(values: np.ndarray, point: np.ndarray, floor: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's 80% interval over the refits, moved so the refits' median sits on the estimate (`point`): the
    refits' spread around their own middle, put around the number shown. The estimate then lies inside its interval
    as the refits' median lies inside theirs, never on an edge (the refits of a non-negative effect can all fall
    below the full fit's); `floor` clips the lower end (an effect is never negative)."""
    lower, upper = _quantiles(values)
    middle = np.full(len(values), np.nan)
    for i, row in enumerate(values):
        finite = row[np.isfinite(row)]
        if len(finite):
            middle[i] = float(np.median(finite))
    shift = np.where(np.isfinite(middle) & np.isfinite(point), point - middle, 0.0)
    lower, upper = lower + shift, upper + shift
    if floor is not None:
        lower = np.where(np.isnan(lower), lower, np.maximum(lower, floor))
    return lower, upper


def channel_contributions(model: SubcategoryModel, weekly: pd.DataFrame) -> pd.DataFrame:
    """One row per channel: subcategory, channel, spend, incremental_gmv, roi, mroi, share, flag (₹).

    incremental = GMV with actual spend minus GMV with that channel's spend removed (carry-over too);
    roi = incremental / spend; mroi = GMV from the next 1% of spend / that 1% (for a model that is not smooth in
    spend, such as the forest, the next 25%: the response curve's own next step, so the two agree); share = the channel's part
    of the positive incremental GMV. Models with bootstrap refits of their channel effects (hybrid, mmm) add
    `*_lower` / `*_upper` for incremental_gmv, roi, mroi and share: the 80% interval over those refits
    (estimation uncertainty): the refits' spread around their median, centred on the estimate (`_centred`), so an
    estimate never sits on the edge of, or outside, its own interval.
    """
    channels = model.spec.channels
    step = SMOOTH_STEP if model.estimator.smooth_in_spend else CURVE_STEP
    variants: list[dict[str, float]] = [{}] + [{c: 0.0} for c in channels] + [{c: 1.0 + step} for c in channels]
    totals = window_gmv_many(model, weekly, variants)
    base, without, extra = totals[0], totals[1 : len(channels) + 1], totals[len(channels) + 1 :] - totals[0]
    corr = spend_correlations(weekly, list(channels))
    rows = []
    for j, channel in enumerate(channels):
        spend = float(weekly[spend_column(channel)].sum())
        others = corr.loc[channel].drop(channel).abs()
        partner = str(others.idxmax()) if len(others) else None
        moves_with = (partner, float(corr.loc[channel, partner])) if partner and others.max() > MAX_CORRELATION else None
        incremental = float(base - without[j])
        mroi = float(extra[j]) / (step * spend) if spend > 0 else np.nan
        rows.append(
            {
                "subcategory": model.subcategory,
                "channel": channel,
                "spend": spend,
                "incremental_gmv": incremental,
                "roi": incremental / spend if spend > 0 else np.nan,
                "mroi": mroi,
                "flag": _flag(weekly[spend_column(channel)], weekly["days"], incremental, moves_with, mroi),
            }
        )
    frame = pd.DataFrame(rows)
    positive = frame["incremental_gmv"].clip(lower=0)
    frame.insert(6, "share", positive / positive.sum() if positive.sum() > 0 else 0.0)
    draws = window_gmv_draws(model, weekly, variants)
    if draws is not None:
        n = len(channels)
        spend = frame["spend"].to_numpy()
        paid = np.where(spend > 0, spend, np.nan)[:, None]
        incremental = draws[0][None, :] - draws[1 : n + 1]  # (channels, draws)
        positive = incremental.clip(min=0)
        total = positive.sum(axis=0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_draw = {
                "incremental_gmv": incremental,
                "roi": incremental / paid,
                "mroi": (draws[n + 1 :] - draws[0][None, :]) / (step * paid),
                "share": np.where(total > 0, positive / np.where(total > 0, total, 1.0), 0.0),
            }
        for name, values in per_draw.items():
            point = frame[name].to_numpy(float)
            lower, upper = _centred(values, point, floor=None if name == "mroi" else 0.0)
            frame[f"{name}_lower"], frame[f"{name}_upper"] = lower, upper
        uncertain = (frame["incremental_gmv_lower"] <= 0) & (frame["flag"] == "") & (frame["incremental_gmv"] > 0)
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


def weekly_decomposition(model: SubcategoryModel, weekly: pd.DataFrame) -> pd.DataFrame:
    """Each week's predicted GMV split into a baseline (the GMV with no spend on any channel) and one part per channel:
    week_start, part, gmv (base unit), adding up to the prediction.

    A channel's part is the GMV lost when only its spend (and carry-over) is removed, scaled with the others so that
    together they make up the week's GMV from media (with saturation, the parts alone add up to a little less or
    more than removing every channel at once).
    """
    channels = list(model.spec.channels)
    days = weekly["days"].to_numpy(float)
    n = len(weekly)
    zero = np.zeros(n)
    variants: list[dict[str, np.ndarray]] = [{}] + [{c: zero} for c in channels] + [{c: zero for c in channels}]
    X = design_matrix(weekly, model.spec)
    per_day = model.estimator.predict(spend_variants(X, model.spec, variants)).reshape(len(variants), n)
    gmv = per_day * days
    total, baseline = gmv[0], gmv[-1]
    lost = total[None, :] - gmv[1:-1]  # (channels, weeks)
    media = total - baseline
    summed = lost.sum(axis=0)
    scale = np.divide(media, summed, out=np.zeros(n), where=np.abs(summed) > NUMERIC_FLOOR)
    parts = {"baseline": baseline} | {c: lost[j] * scale for j, c in enumerate(channels)}
    return pd.concat(
        [pd.DataFrame({"week_start": weekly["week_start"].to_numpy(), "part": part, "gmv": v}) for part, v in parts.items()],
        ignore_index=True,
    )

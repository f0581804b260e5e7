"""Response and marginal-ROAS curves in money: each channel's weekly spend against the incremental GMV it earns
over a plan's horizon, with the band over the bootstrap draws and the spend levels the training data have seen."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import PLAN_WEEKS, interval_quantiles
from ..dates import week_start
from ..model.artifacts import Artifacts
from .budget import PlanScorer, historical_split, recent_budget, seen_range

__all__ = ["MoneyCurves", "money_curves", "historical_weekly", "CURVE_POINTS", "CURVE_TOP"]

CURVE_POINTS = 41  # spend levels per channel from 0 to the top of the chart (the marginal ROAS is their slope)
CURVE_TOP = 2.5  # the chart runs to this many times the larger of historical and recommended weekly spend ...
SEEN_MARGIN = 1.2  # ... and at least this far past the highest weekly spend the training data have seen
NEAR = 1e-3  # a grid point this close (share of the top) to a marked spend gives way to it: no near-zero slope steps


@dataclass(frozen=True)
class MoneyCurves:
    """Each channel's curves over one horizon, all amounts per week in the model's base unit (₹ for ElecKart).

    Attributes:
        curves: channel, spend (weekly spend on the channel, the others held at their historical weekly spend),
            gmv (incremental GMV per week over the horizon against no spend on the channel), mroas (its slope:
            GMV per unit of the next spend), and with bootstrap draws gmv_lower/gmv_upper, mroas_lower/mroas_upper
            (the 80% band over the draws).
        points: channel, historical (weekly spend), seen_lo, seen_hi (lowest and highest weekly spend the training
            weeks have shown), recommended (weekly spend of the split given, NaN without one).
        n_weeks: the horizon's length; scope: the subcategories whose GMV counts.
    """

    curves: pd.DataFrame
    points: pd.DataFrame
    n_weeks: int
    scope: tuple[str, ...]


class _ScopedScorer(PlanScorer):
    """A `PlanScorer` counting only the GMV of `scope`'s subcategories (all when empty)."""

    def __init__(self, artifacts: Artifacts, weeks: pd.DatetimeIndex, scope: tuple[str, ...]):
        margins = None if not scope else {s: 1.0 for s in scope}
        super().__init__(artifacts, weeks, artifacts.channels, margins)


def historical_weekly(artifacts: Artifacts, n_weeks: int) -> np.ndarray:
    """Each channel's historical weekly spend (input money unit) as the Budget optimiser takes it: the recent budget
    over `n_weeks` weeks split by the historical shares, per week."""
    share = historical_split(artifacts).reindex(artifacts.channels).fillna(0.0).to_numpy()
    return share * recent_budget(artifacts, n_weeks) / n_weeks


def _grid(historical: float, recommended: float, seen_hi: float) -> np.ndarray:
    """Weekly spend levels (input unit) from 0 past the marked spends, with the historical and recommended ones on it."""
    marked = max(historical, recommended if np.isfinite(recommended) else 0.0)
    top = max(CURVE_TOP * marked, SEEN_MARGIN * seen_hi if np.isfinite(seen_hi) else 0.0, 1e-9)
    apart = np.isfinite(recommended) and abs(recommended - historical) > NEAR * top  # else it is the historical point
    extra = np.array([historical, recommended] if apart else [historical])
    grid = np.linspace(0.0, top, CURVE_POINTS)
    near = (np.abs(grid[:, None] - extra[None, :]) < NEAR * top).any(axis=1)
    return np.unique(np.concatenate([grid[~near | (grid == 0.0)], extra]))


def _channel_frame(channel: str, spend: np.ndarray, gmv: np.ndarray, draws: np.ndarray | None) -> pd.DataFrame:
    """One channel's rows: incremental GMV per week and its slope, with the band over the draws when there are any."""
    frame = pd.DataFrame({"channel": channel, "spend": spend, "gmv": gmv, "mroas": np.gradient(gmv, spend)})
    if draws is not None:
        lo_q, hi_q = interval_quantiles()
        slopes = np.gradient(draws, spend, axis=0)
        frame["gmv_lower"], frame["gmv_upper"] = np.quantile(draws, [lo_q, hi_q], axis=1)
        frame["mroas_lower"], frame["mroas_upper"] = np.quantile(slopes, [lo_q, hi_q], axis=1)
    return frame


def money_curves(
    artifacts: Artifacts,
    n_weeks: int = PLAN_WEEKS,
    start: pd.Timestamp | None = None,
    recommended: dict[str, float] | None = None,
    scope: tuple[str, ...] = (),
) -> MoneyCurves:
    """Response and marginal-ROAS curves of every channel over the `n_weeks` from `start` (default: the weeks after
    the training data), each channel's weekly spend moved from 0 with the others at their historical weekly spend.

    `recommended`: channel -> amount over the horizon (input money unit), e.g. a budget result's split, marked on
    the curves (and put on their grid, so its point is exact). `scope`: the subcategories whose GMV counts (default:
    every modelled one, as the optimiser counts them). The GMV is the model's mean over the horizon per week; the
    band is the 80% interval over the bootstrap refits of the channel effects (none for a forest).
    """
    money, channels = artifacts.money, artifacts.channels
    first = week_start([start or artifacts.next_week], artifacts.week_starts_on)[0]
    weeks = pd.date_range(first, periods=n_weeks, freq="7D")
    scorer = _ScopedScorer(artifacts, weeks, tuple(scope))
    base = historical_weekly(artifacts, n_weeks)
    rec = np.array([(recommended or {}).get(c, np.nan) for c in channels], float) / n_weeks
    seen_lo, seen_hi = (v / n_weeks for v in seen_range(artifacts, n_weeks))
    grids = [_grid(base[j], rec[j], seen_hi[j]) for j in range(len(channels))]
    plans, owner = [], []
    for j, grid in enumerate(grids):
        rows = np.tile(base, (len(grid) + 1, 1))
        rows[:, j] = np.concatenate([[0.0], grid])
        plans.append(rows)
        owner.append(len(grid) + 1)
    plans_total = np.vstack(plans) * n_weeks  # PlanScorer takes amounts over the horizon
    mean = scorer.totals(plans_total)
    draws = scorer.draws(plans_total)
    frames, at = [], 0
    for j, grid in enumerate(grids):
        block = slice(at, at + owner[j])
        at += owner[j]
        gmv = (mean[block][1:] - mean[block][0]) / n_weeks
        per_draw = None if draws is None else (draws[block][1:] - draws[block][0]) / n_weeks
        frames.append(_channel_frame(channels[j], money.to_base(grid), gmv, per_draw))
    points = pd.DataFrame(
        {
            "channel": channels,
            "historical": money.to_base(base),
            "seen_lo": money.to_base(seen_lo),
            "seen_hi": money.to_base(seen_hi),
            "recommended": money.to_base(rec),
        }
    )
    return MoneyCurves(pd.concat(frames, ignore_index=True), points, n_weeks, tuple(scope))

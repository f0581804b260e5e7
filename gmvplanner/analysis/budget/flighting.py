"""Flighting: how each channel's total in a split is spread over the plan's weeks (a burst, a taper, or even).

The split (`search.optimise_budget`) fixes each channel's total over the horizon; flighting chooses its amount in
every week, within per-week bounds, so the totals stay those of the split. A plan is scored over the horizon and the
weeks after it in which the carry-over of its spend still pays (`tail_weeks`), as PyMC-Marketing's optimiser counts
carry-over past the budget period: without that tail, spend late in the horizon would look wasted and every shape
would front-load. In the tail every channel runs on at its even weekly rate, the same after every shape: spend does
not stop when a plan ends, and a tail without spend would pay the last week's burst for filling an empty stock.

The rule is the optimiser's (issue 31): the shape moves away from the even spread only as far as its uplift over the
even spread stays positive in at least 1 - `FLIGHT_QUANTILE` of the bootstrap refits of the channel effects; where
no shape does, the even spread is kept and the result says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...config import FLIGHT_MAX_CHANGE, NUMERIC_FLOOR, ROBUST_QUANTILE, interval_quantiles
from ...data import readers
from ...data.limits import MAX_AMOUNT
from ...dates import DAYS_PER_WEEK, week_start
from ...errors import InputError
from ...model.artifacts import Artifacts
from ...units import MoneyUnit
from ..scenarios import ScenarioDesign
from .bounds import exact_total
from .scoring import PlanScorer

__all__ = [
    "WeekBounds",
    "FlightResult",
    "FlightScorer",
    "flight_plan",
    "load_week_bounds",
    "spread_within",
    "project",
    "tail_weeks",
    "FLIGHT_QUANTILE",
    "FLIGHT_SPREAD_INFLATION",
    "FLIGHT_MAX_CHANGE",
    "KEPT_EVEN_NOTE",
]

FLIGHT_QUANTILE = ROBUST_QUANTILE  # a shape must beat the even spread in 80% of the refits, as a split must beat history
# each shape's uplift over the refits is widened around its median this many times before the quantile, the interval
# and P(beats) are read: the refits hold the carry-over and the curve's form fixed, and the truth's timing (a delayed
# peak, a season on the media effect) is one the model cannot see. On the tune seeds (bench/bench_flighting.py, worlds
# today, s_shaped, delayed, multiplicative, confounded, seeds 1-4) 1x lost in 5 of 12 data sets, 3x in 1 of 18
FLIGHT_SPREAD_INFLATION = 3.0
TAIL_SHARE = 0.01  # the tail runs until the slowest channel keeps less than this share of a week's spend
MAX_TAIL_WEEKS = 26
LINE_POINTS = 21  # points from the even spread to the solver's shape at which the refits judge the move
ASCENT_STEPS = 60  # gradient steps at most (each scores one variant per channel-week)
HALVINGS = 30  # halvings of a step before the search stops
FIRST_MOVE = 0.1
PROJECTION_STEPS = 100
MOVED = 0.05  # a channel counts as flighted when a week moves by more than this share of its even weekly amount
KEPT_EVEN_NOTE = (
    "No weekly shape within these bounds beats the even spread in at least "
    f"{1 - FLIGHT_QUANTILE:.0%} of the bootstrap refits of the channel effects, so each channel's total is spread "
    "evenly over the weeks."
)


@dataclass(frozen=True)
class WeekBounds:
    """The lowest and highest amount of each channel in each week (input money unit), shape (weeks, channels)."""

    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def free(cls, n_weeks: int, n_channels: int) -> WeekBounds:
        return cls(np.zeros((n_weeks, n_channels)), np.full((n_weeks, n_channels), np.inf))


def load_week_bounds(
    path: Path | str, channels: list[str], weeks: pd.DatetimeIndex, money: MoneyUnit, week_starts_on: int = 0
) -> WeekBounds:
    """Read `week_start,channel,min_<unit>,max_<unit>` (a blank week_start applies to every week; a dated row wins
    over it); unknown channels, weeks outside the plan, negatives and min > max name their row."""
    path = Path(path)
    min_col, max_col = money.column("min"), money.column("max")
    raw = readers.read_frame(path, ["week_start", "channel", min_col, max_col])
    lo = readers.numeric(path, min_col, raw[min_col], high=MAX_AMOUNT).fillna(0.0).to_numpy(float)
    hi = readers.numeric(path, max_col, raw[max_col], high=MAX_AMOUNT).fillna(np.inf).to_numpy(float)
    names = raw["channel"].astype(str).str.strip()
    readers.fail_at_first(
        path, ~names.isin(channels), lambda i: f"unknown channel '{names.iloc[i]}'; the model knows {channels}", "channel"
    )
    readers.fail_at_first(path, pd.Series((lo < 0) | (hi < lo)), lambda i: f"bounds {lo[i]} to {hi[i]} are not a valid range")
    text = raw["week_start"].astype("string").str.strip().fillna("")
    dated = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d", errors="coerce")
    readers.fail_at_first(
        path, (text != "") & dated.isna(), lambda i: f"'{text.iloc[i]}' is not a date (YYYY-MM-DD)", "week_start"
    )
    given = dated.notna()
    starts = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    starts[given] = week_start(pd.DatetimeIndex(dated[given]), week_starts_on)
    plan = f"the plan's weeks run {weeks[0].date()} to {weeks[-1].date()}"
    readers.fail_at_first(
        path, given & ~starts.isin(weeks), lambda i: f"week {text.iloc[i]} is not in the plan; {plan}", "week_start"
    )
    key = starts.astype(str) + "|" + names
    readers.fail_at_first(path, key.duplicated(), lambda i: f"a second row for '{names.iloc[i]}' in this week", "channel")
    bounds = WeekBounds.free(len(weeks), len(channels))
    for every in (True, False):  # rows for every week first, then the dated rows over them
        for i in np.flatnonzero((~given if every else given).to_numpy()):
            rows = slice(None) if every else weeks.get_loc(starts.iloc[i])
            bounds.lo[rows, channels.index(names.iloc[i])] = lo[i]
            bounds.hi[rows, channels.index(names.iloc[i])] = hi[i]
    return bounds


def spread_within(total: float, lo: np.ndarray, hi: np.ndarray, channel: str = "") -> np.ndarray:
    """The even spread of `total` over the weeks, moved inside each week's [lo, hi]: every week at one level, clipped
    (the closest shape to even that the bounds allow). Bounds that cannot hold the total are an InputError."""
    if lo.sum() > total * (1 + 1e-12) + NUMERIC_FLOOR or hi.sum() < total * (1 - 1e-12) - NUMERIC_FLOOR:
        raise InputError(
            "--week-bounds",
            f"'{channel}': its weekly bounds sum to {lo.sum():g} to {hi.sum():g}, which cannot hold its total {total:g}",
        )
    low, high = 0.0, max(float(total), float(lo.max(initial=0.0))) + 1.0
    for _ in range(200):  # bisection on the common level
        level = (low + high) / 2
        low, high = (level, high) if np.clip(level, lo, hi).sum() < total else (low, level)
    return exact_total(np.clip((low + high) / 2, lo, hi), lo, hi, total)


def tail_weeks(artifacts: Artifacts) -> int:
    """Weeks after the horizon until the slowest channel's carry-over keeps less than TAIL_SHARE of a week's spend."""
    decay = max((max(m.spec.decay.values(), default=0.0) for m in artifacts.models.values()), default=0.0)
    if decay <= 0:
        return 0
    return int(min(MAX_TAIL_WEEKS, np.ceil(np.log(TAIL_SHARE) / np.log(decay))))


class FlightScorer(PlanScorer):
    """Predicted GMV (₹) of many weekly shapes at once, over the horizon's weeks and the carry-over tail after them:
    `PlanScorer` with a shape per plan instead of channel totals.

    A shape is an array (weeks, channels) of spend per week in the input money unit; shapes stack on a first axis.
    """

    def _scored_weeks(self, artifacts: Artifacts, weeks: pd.DatetimeIndex) -> pd.DatetimeIndex:
        """The horizon and the carry-over tail after it, in which every channel keeps its even rate."""
        self.tail = tail_weeks(artifacts)
        return pd.date_range(weeks[0], periods=len(weeks) + self.tail, freq="7D")

    def _rows(self, shapes: np.ndarray) -> np.ndarray:
        return np.asarray(shapes, float).reshape(-1, self.n_weeks, len(self.channels))

    def _variants(self, design: ScenarioDesign, shapes: np.ndarray) -> list[dict[str, np.ndarray]]:
        per_day = self.money.to_base(np.clip(shapes, 0.0, None)) * design.bundle.spend_share / DAYS_PER_WEEK
        after = np.repeat(per_day.mean(axis=1, keepdims=True), self.tail, axis=1)  # each channel's even rate
        padded = np.concatenate([per_day, after], axis=1)
        return [{c: padded[v, :, j] for j, c in enumerate(self.channels)} for v in range(len(shapes))]


@dataclass
class FlightResult:
    """The recommended weekly spend, the even spread it is judged against, and how sure its uplift is.

    Attributes:
        shape, even: week_start then one column per channel, spend per week in the input money unit.
        uplift: the shape's median uplift over the even spread across the refits (₹, the horizon and its tail).
        uplift_interval: its 80% interval over the refits; None without refits.
        p_beats_even: the share of refits in which the shape beats the even spread.
        kept_even: True when the recommendation is the even spread (moved inside the week bounds).
        note: why the even spread was kept, when it was.
        rests_on: what the shape rests on, one sentence per reason.
        tail_weeks: weeks after the horizon whose carry-over GMV is counted.
        share_of_move: how far along the way from the even spread to the model's best shape the refits allowed (0-1).
    """

    shape: pd.DataFrame
    even: pd.DataFrame
    uplift: float
    uplift_interval: tuple[float, float] | None
    p_beats_even: float | None
    kept_even: bool
    note: str
    rests_on: tuple[str, ...]
    tail_weeks: int
    share_of_move: float


def flight_plan(
    artifacts: Artifacts,
    totals: np.ndarray | pd.Series,
    weeks: pd.DatetimeIndex,
    bounds: WeekBounds | None = None,
    margins: dict[str, float] | None = None,
    quantile: float = FLIGHT_QUANTILE,
    inflation: float = FLIGHT_SPREAD_INFLATION,
    max_change: float | None = FLIGHT_MAX_CHANGE,
) -> FlightResult:
    """Spread each channel's `totals` (input money unit, the model's channel order) over `weeks` to maximise
    predicted GMV (profit with `margins`), within the per-week `bounds` and within `max_change` (a fraction) of each
    week's even amount (None: no such limit), moving from the even spread only as far as the uplift's `quantile` over
    the refits stays above zero."""
    channels = artifacts.channels
    totals = np.asarray(totals, float)
    bounds = bounds or WeekBounds.free(len(weeks), len(channels))
    even = np.column_stack(
        [spread_within(t, bounds.lo[:, j], bounds.hi[:, j], c) for j, (c, t) in enumerate(zip(channels, totals))]
    )
    if not all(m.estimator.smooth_in_spend for m in artifacts.models.values()):
        note = "A forest's prediction is a step function of spend and cannot value timing; the spread stays even."
        return _flight_result(weeks, channels, even, even, None, note, (), 0, 0.0)
    scorer = FlightScorer(artifacts, weeks, channels, margins)
    if max_change is not None:  # the band around the even spread, inside the analyst's bounds (which hold `even`)
        bounds = WeekBounds(np.maximum(bounds.lo, even * (1 - max_change)), np.minimum(bounds.hi, even * (1 + max_change)))
    best = _solve(scorer, even, bounds, totals)
    line = even[None] + np.linspace(0.0, 1.0, LINE_POINTS)[:, None, None] * (best - even)[None]
    uplift = _widened(_uplift_draws(scorer, line, even), inflation)
    score = np.quantile(uplift, quantile, axis=1)
    pick = int(np.argmax(score))
    if score[pick] <= 0.0 or pick == 0:
        return _flight_result(weeks, channels, even, even, None, KEPT_EVEN_NOTE, (), scorer.tail, 0.0)
    shape = line[pick]
    reasons = rests_on(artifacts, scorer, shape, even)
    return _flight_result(weeks, channels, shape, even, uplift[pick], "", reasons, scorer.tail, pick / (LINE_POINTS - 1))


def _uplift_draws(scorer: FlightScorer, shapes: np.ndarray, even: np.ndarray) -> np.ndarray:
    """Each shape's uplift over the even spread under every refit (the point estimate when there are none)."""
    draws = scorer.draws(np.concatenate([even[None], shapes]))
    if draws is None:
        values = scorer.totals(np.concatenate([even[None], shapes]))
        return (values[1:] - values[0])[:, None]
    return draws[1:] - draws[0][None, :]


def _widened(uplift: np.ndarray, inflation: float) -> np.ndarray:
    middle = np.median(uplift, axis=1, keepdims=True)
    return middle + inflation * (uplift - middle)


def project(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """The closest shape to `y` (weeks, channels) within [lo, hi] whose columns sum to `totals`: each column shifted
    by one amount and clipped (bisection on the shift, every channel at once)."""
    span = np.abs(y).max(axis=0) + np.where(np.isfinite(hi), hi, 0.0).max(axis=0) + np.abs(totals) + 1.0
    low, high = -span, span
    for _ in range(PROJECTION_STEPS):
        shift = (low + high) / 2
        over = np.clip(y - shift, lo, hi).sum(axis=0) > totals
        low, high = np.where(over, shift, low), np.where(over, high, shift)
    x = np.clip(y - (low + high) / 2, lo, hi)
    return np.column_stack([exact_total(x[:, j], lo[:, j], hi[:, j], totals[j]) for j in range(len(totals))])


def _solve(scorer: FlightScorer, even: np.ndarray, bounds: WeekBounds, totals: np.ndarray) -> np.ndarray:
    """Projected gradient ascent on the model's mean GMV over every channel-week from the even spread, each channel's
    total held and every week within its bounds (a projection is exact where SLSQP on a hundred variables took
    seconds); forward differences give the gradient, one variant per channel-week, all scored in one call."""
    n_weeks, n_channels = even.shape
    step = np.maximum(even.mean(axis=0), NUMERIC_FLOOR) * 1e-4  # per channel, a forward difference's step
    x, value = even, float(scorer.totals(even)[0])
    rate = None
    for _ in range(ASCENT_STEPS):
        moved = np.repeat(x[None], n_weeks * n_channels + 1, axis=0)
        for k in range(n_weeks * n_channels):
            moved[k + 1].flat[k] += step[k % n_channels]
        values = scorer.totals(moved)
        grad = ((values[1:] - values[0]) / np.tile(step, n_weeks)).reshape(n_weeks, n_channels)
        grad -= grad.mean(axis=0)  # only moves between weeks keep a channel's total
        if not np.abs(grad).max() > 0:
            break
        if rate is None:  # the first step moves a week by at most a tenth of its channel's even amount
            rate = float(FIRST_MOVE * (np.abs(even).max(axis=0) / np.maximum(np.abs(grad).max(axis=0), NUMERIC_FLOOR)).min())
        for _ in range(HALVINGS):
            trial = project(x + rate * grad, bounds.lo, bounds.hi, totals)
            gained = float(scorer.totals(trial)[0])
            if gained > value:
                break
            rate /= 2
        else:
            break
        converged = gained - value <= 1e-9 * max(abs(value), 1.0)
        x, value, rate = trial, gained, rate * 2
        if converged:
            break
    return x


def rests_on(artifacts: Artifacts, scorer: FlightScorer, shape: np.ndarray, even: np.ndarray) -> tuple[str, ...]:
    """What the shape rests on, in words: each flighted channel's carry-over, its curve's form, the stock its past
    spend carries into the plan, and whether the sale calendar moved anything (it cannot in an additive model)."""
    design = scorer.designs[0]
    spec, reasons = design.bundle.spec, []
    flat = np.maximum(np.abs(even).max(axis=0), NUMERIC_FLOOR)
    for j, channel in enumerate(scorer.channels):
        if np.abs(shape[:, j] - even[:, j]).max() <= MOVED * flat[j]:
            continue
        words = [f"carry-over keeps {spec.decay.get(channel, 0.0):.0%} of a week's effect into the next"]
        slope = float(spec.slope.get(channel, 1.0))
        words.append(
            f"an S-shaped curve (slope {slope:g}) pays more in bursts" if slope > 1 else "a concave curve (diminishing returns)"
        )
        carried = (design.carry_in or {}).get(channel)
        rate = artifacts.money.to_base(even[0, j]) * design.bundle.spend_share / DAYS_PER_WEEK
        if carried is not None and rate > 0:
            words.append(f"the stock of past spend coming into the plan is {carried / rate:.1f}x the even rate")
        early = shape[: len(shape) // 2, j].sum() - even[: len(shape) // 2, j].sum()
        reasons.append(f"{channel} ({'earlier' if early > 0 else 'later'}): " + "; ".join(words))
    sales = design.weekly.get("sale_days")
    if sales is not None and sales.nunique() > 1:
        reasons.append(
            "The sale weeks do not move the shape: in this model a channel's effect adds to the baseline, the same in "
            "sale and ordinary weeks, so a burst before a sale is not something it can value."
        )
    return tuple(reasons)


def _flight_result(
    weeks: pd.DatetimeIndex,
    channels: list[str],
    shape: np.ndarray,
    even: np.ndarray,
    uplift: np.ndarray | None,
    note: str,
    reasons: tuple[str, ...],
    tail: int,
    share: float,
) -> FlightResult:
    """The shapes as frames and the uplift's median, 80% interval and P(beats) over the refits."""
    interval = p_beats = None
    middle = 0.0
    if uplift is not None:
        middle = float(np.median(uplift))
        if len(uplift) > 1:
            low, high = np.quantile(uplift, interval_quantiles())
            interval, p_beats = (float(low), float(high)), float((uplift > 0).mean())
    frame = lambda x: pd.DataFrame({"week_start": weeks, **{c: x[:, j] for j, c in enumerate(channels)}})  # noqa: E731
    return FlightResult(frame(shape), frame(even), middle, interval, p_beats, uplift is None, note, reasons, tail, share)

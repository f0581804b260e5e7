"""Where each channel's amount may go in a budget split: the analyst's bounds file, the limit on moves from the
historical split, a feasible start, and a plan that spends the budget exactly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import numpy as np

from ...config import (
    AUTO,
    AUTO_MAX_CHANGE,
    INTERVAL_COVERAGE,
    MOVE_RANGE,
    MOVE_SCALE,
    MOVE_SCALE_WEAK,
    NUMERIC_FLOOR,
    OWN,
    TRUST_STRETCH,
)
from ...data import readers
from ...data.limits import MAX_AMOUNT
from ...dates import DAYS_PER_WEEK
from ...errors import InputError
from ...model.artifacts import Artifacts
from ...units import MoneyUnit
from ..adequacy import evidence_is_weak, under_identified

__all__ = [
    "ChannelBounds",
    "LIFT_HINT",
    "bound_columns",
    "load_bounds",
    "resolve_max_change",
    "uncertainty_limits",
    "resolve_bounds",
    "feasible_start",
    "exact_total",
    "seen_range",
    "pinned_channels",
    "BUDGET_TOLERANCE",
]

BUDGET_TOLERANCE = 1e-9  # how far (input money unit) the bounds' sums may miss the budget and still count as meeting it
BISECTION_STEPS = 200  # halvings of the common shift in `feasible_start`: far below a rupee from any budget


@dataclass(frozen=True)
class ChannelBounds:
    """Each channel's lowest and highest amount over the horizon (input money unit), and the move limit applied.

    Attributes:
        lo, hi: per channel, in the model's channel order.
        max_change: the fraction each channel may move from its historical amount, when one limit applied to all.
        reason: why the limits applied ("as asked", or the adequacy check's words); empty without a limit.
        channel_limits: each channel's own limit (a fraction of its historical amount), when the limits came
            from each channel's uncertainty (`uncertainty_limits`).
    """

    lo: np.ndarray
    hi: np.ndarray
    max_change: float | None = None
    reason: str = ""
    channel_limits: np.ndarray | None = None
    seen_lo: np.ndarray | None = None
    seen_hi: np.ndarray | None = None
    seen_note: str = ""

    def outside_seen(self, x: np.ndarray, channels: list[str]) -> list[str]:
        """The channels whose amount in `x` lies outside the spend levels the training data have shown."""
        if self.seen_lo is None or self.seen_hi is None:
            return []
        slack = BUDGET_TOLERANCE + 1e-6 * np.maximum(np.abs(x), 1.0)
        out = (x < self.seen_lo - slack) | (x > self.seen_hi + slack)
        return [c for c, o in zip(channels, out) if o]


def bound_columns(money: MoneyUnit) -> tuple[str, str, str]:
    """The columns of a bounds file: channel, min_crore, max_crore (or min_units, max_units for a weekly table)."""
    return "channel", money.column("min"), money.column("max")


def load_bounds(path: Path | str, channels: list[str], money: MoneyUnit) -> dict[str, tuple[float, float]]:
    """Read `channel,min_crore,max_crore`; unknown channels, negatives and min > max name their row."""
    path = Path(path)
    name_col, min_col, max_col = bound_columns(money)
    raw = readers.read_frame(path, [name_col, min_col, max_col])
    lo = readers.numeric(path, min_col, raw[min_col], high=MAX_AMOUNT).fillna(0.0)
    hi = readers.numeric(path, max_col, raw[max_col], high=MAX_AMOUNT).fillna(np.inf)
    names = raw[name_col].astype(str).str.strip()
    readers.fail_at_first(
        path, ~names.isin(channels), lambda i: f"unknown channel '{names.iloc[i]}'; the model knows {channels}", name_col
    )
    readers.fail_at_first(
        path, names.duplicated(), lambda i: f"a second row for '{names.iloc[i]}'; give each channel one row", name_col
    )
    readers.fail_at_first(
        path, (lo < 0) | (hi < lo), lambda i: f"bounds {lo.iloc[i]} to {hi.iloc[i]} {money.name} are not a valid range"
    )
    return {name: (float(a), float(b)) for name, a, b in zip(names, lo, hi)}


def uncertainty_limits(artifacts: Artifacts, weak: bool) -> np.ndarray | None:
    """Each channel's move limit from its own uncertainty: MOVE_SCALE (MOVE_SCALE_WEAK when the evidence is weak)
    over the relative spread of its incremental GMV, clipped to MOVE_RANGE. A channel known to ±20% may move
    2.5x as far as one known to ±50%; one whose effect could be zero barely moves. None when the model keeps no
    intervals (a forest).

    The relative spread is the 80% interval's width over 2 x 1.28 (a normal's 80% half-width in standard
    deviations) over the estimate, with the subcategories' intervals summed (as if they moved together).
    """
    table = artifacts.table("contributions")
    if "incremental_gmv_lower" not in table or table["incremental_gmv_lower"].isna().all():
        return None
    summed = table.groupby("channel")[["incremental_gmv", "incremental_gmv_lower", "incremental_gmv_upper"]].sum()
    summed = summed.reindex(artifacts.channels).fillna(0.0)
    z = float(NormalDist().inv_cdf(0.5 + INTERVAL_COVERAGE / 2))
    width = (summed["incremental_gmv_upper"] - summed["incremental_gmv_lower"]).to_numpy() / (2 * z)
    estimate = summed["incremental_gmv"].to_numpy()
    relative = np.where(estimate > NUMERIC_FLOOR, width / np.maximum(estimate, NUMERIC_FLOOR), np.inf)
    scale = MOVE_SCALE_WEAK if weak else MOVE_SCALE
    with np.errstate(divide="ignore"):
        return np.clip(scale / relative, *MOVE_RANGE)


LIFT_HINT = "--max-change none lifts this"  # how the command line lifts the automatic limit (the app says its own)


def resolve_max_change(artifacts: Artifacts, max_change: float | str | None) -> tuple[float | None, str]:
    """The one limit on every channel's move (a fraction, or None) and why: `AUTO` means `AUTO_MAX_CHANGE` when
    the training data's adequacy check found the evidence weak, else no limit."""
    if max_change != AUTO:
        return (None, "") if max_change is None else (float(max_change), "as asked")
    if not evidence_is_weak(artifacts.table("adequacy")):
        return None, ""
    return AUTO_MAX_CHANGE, f"the data adequacy check found the evidence too weak for larger moves; {LIFT_HINT}"


def _limits(artifacts: Artifacts, max_change: float | str | None, n: int) -> tuple[np.ndarray | None, float | None, str]:
    """Per channel limit (or None), the one limit when all share it, and why. `OWN` gives each channel its
    `uncertainty_limits` (a forest, without intervals: `AUTO`); `AUTO` gives `AUTO_MAX_CHANGE` for every channel
    when the evidence is weak and no limit when it is strong, where the uplift's low quantile over the refits and
    the trust region already keep an uncertain channel near its historical amount (see config.MOVE_SCALE)."""
    weak = evidence_is_weak(artifacts.table("adequacy"))
    if max_change == OWN:
        own = uncertainty_limits(artifacts, weak)
        if own is not None:
            why = "each channel as far as its own uncertainty allows"
            if weak:
                why += "; the data adequacy check found the evidence weak, so the limits are halved"
            return own, None, why
        max_change = AUTO
    if max_change == AUTO and under_identified(artifacts.table("adequacy")):
        pinned = pinned_channels(artifacts)
        limits = np.array([AUTO_MAX_CHANGE if c in pinned else 0.0 for c in artifacts.channels])
        told = f"only {', '.join(c for c in artifacts.channels if c in pinned)} may move, informed by" if pinned else "run"
        why = (
            "the data hold fewer monthly spend levels than effects to estimate, so they cannot tell the channels "
            f"apart: each channel keeps its historical amount unless a lift test or an ROI prior informs it ({told} "
            f"lift tests; `experiments` proposes them); {LIFT_HINT}"
        )
        return limits, None, why
    limit, reason = resolve_max_change(artifacts, max_change)
    return (None if limit is None else np.full(n, limit)), limit, reason


def pinned_channels(artifacts: Artifacts) -> set[str]:
    """The channels a lift test or an analyst's ROI prior informed in training (from the manifest's settings)."""
    config = artifacts.manifest.train_config or {}
    tests = (config.get("lift_tests") or {}).get("channels", [])
    priors = [row.get("channel") for row in (config.get("roi_priors") or {}).get("priors", [])]
    return {str(c) for c in [*tests, *priors] if c}


def seen_range(artifacts: Artifacts, n_weeks: int, stretch: float = TRUST_STRETCH) -> tuple[np.ndarray, np.ndarray]:
    """Each channel's lowest and highest weekly company spend over the training weeks (full-week rates), times
    `n_weeks`, the lowest divided and the highest multiplied by `stretch`: the amounts over a horizon of that length,
    spread evenly, whose response the data have shown (or nearly). Beyond them a response curve is extrapolation,
    however well it fits the history."""
    company = artifacts.table("company_spend")
    days = company["days"].to_numpy(float) if "days" in company else np.full(len(company), float(DAYS_PER_WEEK))
    full = days > 0
    rates = company.loc[full, artifacts.channels].to_numpy(float) / days[full, None] * DAYS_PER_WEEK
    if not len(rates):
        return np.zeros(len(artifacts.channels)), np.full(len(artifacts.channels), np.inf)
    return rates.min(axis=0) * n_weeks / stretch, rates.max(axis=0) * n_weeks * stretch


def _within_seen(
    lo: np.ndarray, hi: np.ndarray, seen: tuple[np.ndarray, np.ndarray], budget: float, money: MoneyUnit
) -> tuple[np.ndarray, np.ndarray, str]:
    """`lo`/`hi` narrowed to the spend levels seen (the trust region); where that cannot hold the budget the seen
    levels are stretched in proportion until it can, and the note says so. The analyst's own bounds always win."""
    seen_lo, seen_hi = seen
    note = ""
    if seen_hi.sum() < budget - BUDGET_TOLERANCE:
        seen_hi = seen_hi * budget / max(seen_hi.sum(), NUMERIC_FLOOR)
        note = (
            f"the budget {budget:g} {money.name} is more than the training weeks ever spent at once, so every channel "
            "may go beyond the spend levels the data have shown, in proportion: the response there is extrapolated"
        )
    if seen_lo.sum() > budget + BUDGET_TOLERANCE:
        seen_lo = seen_lo * budget / max(seen_lo.sum(), NUMERIC_FLOOR)
        note = (
            f"the budget {budget:g} {money.name} is less than the training weeks ever spent at once, so channels may go "
            "below the spend levels the data have shown: the response there is extrapolated"
        )
    near_lo, near_hi = np.maximum(lo, seen_lo), np.minimum(hi, seen_hi)
    clash = near_lo > near_hi + NUMERIC_FLOOR
    near_lo, near_hi = np.where(clash, lo, near_lo), np.where(clash, hi, near_hi)
    if near_lo.sum() > budget + BUDGET_TOLERANCE or near_hi.sum() < budget - BUDGET_TOLERANCE:
        return lo, hi, "the bounds asked for take channels beyond the spend levels the data have shown"
    return near_lo, near_hi, note


def resolve_bounds(
    artifacts: Artifacts,
    budget: float,
    historical: np.ndarray,
    bounds: dict[str, tuple[float, float]],
    max_change: float | str | None,
    seen: tuple[np.ndarray, np.ndarray] | None = None,
) -> ChannelBounds:
    """The analyst's `bounds` (default 0 to the budget), narrowed to within `max_change` of each channel's
    `historical` amount and, with `seen` (`seen_range`), to the spend levels the training data have shown (the
    trust region: a move is not recommended where the model has never seen the response); refused in plain words
    when the analyst's bounds cannot hold the budget."""
    channels, money = artifacts.channels, artifacts.money
    lo = np.array([bounds.get(c, (0.0, budget))[0] for c in channels])
    hi = np.array([min(bounds.get(c, (0.0, budget))[1], budget) for c in channels])
    own, limit, reason = _limits(artifacts, max_change, len(channels))
    if own is not None:
        near_lo = np.maximum(lo, historical * np.maximum(1 - own, 0.0))
        near_hi = np.minimum(hi, historical * (1 + own))
        clash = near_lo > near_hi + NUMERIC_FLOOR
        if max_change in (AUTO, OWN):  # the automatic limits give way to the analyst's own bounds, and to the budget
            near_lo, near_hi = np.where(clash, lo, near_lo), np.where(clash, hi, near_hi)
            if near_lo.sum() > budget + BUDGET_TOLERANCE or near_hi.sum() < budget - BUDGET_TOLERANCE:
                near_lo, near_hi, own, limit, reason = lo, hi, None, None, ""
        elif clash.any():
            j = int(np.flatnonzero(clash)[0])
            raise InputError(
                "--max-change",
                f"'{channels[j]}' cannot stay within {limit:.0%} of its historical {historical[j]:.4g} {money.name} "
                f"and inside its bounds {bounds.get(channels[j])}; widen one of them",
            )
        lo, hi = near_lo, near_hi
    if lo.sum() > budget + BUDGET_TOLERANCE:
        raise InputError("--bounds", f"the minimums add up to {lo.sum():.4g} {money.name}, more than the budget {budget:g}")
    if hi.sum() < budget - BUDGET_TOLERANCE:
        raise InputError("--bounds", f"the maximums add up to {hi.sum():.4g} {money.name}, less than the budget {budget:g}")
    per_channel = own if own is not None and limit is None else None
    seen_note = ""
    if seen is not None:
        lo, hi, seen_note = _within_seen(lo, hi, seen, budget, money)
    seen_lo, seen_hi = seen if seen is not None else (None, None)
    return ChannelBounds(lo, hi, limit, reason, per_channel, seen_lo, seen_hi, seen_note)


def feasible_start(share: np.ndarray, lo: np.ndarray, hi: np.ndarray, budget: float) -> np.ndarray:
    """The historical split moved into the bounds while keeping the total (bisection on a common shift)."""

    def total(shift: float) -> float:
        return float(np.clip(share * budget + shift, lo, hi).sum())

    a, b = -budget - hi[np.isfinite(hi)].sum() - 1.0, budget + 1.0
    for _ in range(BISECTION_STEPS):
        mid = (a + b) / 2
        a, b = (mid, b) if total(mid) < budget else (a, mid)
    return np.clip(share * budget + (a + b) / 2, lo, hi)


def exact_total(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, budget: float) -> np.ndarray:
    """Remove the solver's rounding so the plan spends the budget exactly, staying within bounds."""
    x = x.copy()
    for _ in range(len(x) + 1):
        gap = budget - x.sum()
        if abs(gap) <= NUMERIC_FLOOR * max(budget, 1.0):
            break
        room = (hi - x) if gap > 0 else (x - lo)
        free = room > 0
        if not free.any():
            break
        step = np.minimum(room[free], abs(gap) * room[free] / room[free].sum())
        x[free] += np.sign(gap) * step
    return x

"""Where each channel's amount may go in a budget split: the analyst's bounds file, the limit on moves from the
historical split, a feasible start, and a plan that spends the budget exactly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import AUTO, AUTO_MAX_CHANGE, NUMERIC_FLOOR
from ..data import readers
from ..data.limits import MAX_AMOUNT
from ..errors import InputError
from ..model.artifacts import Artifacts
from ..units import MoneyUnit
from .adequacy import evidence_is_weak

__all__ = [
    "ChannelBounds",
    "bound_columns",
    "load_bounds",
    "resolve_max_change",
    "resolve_bounds",
    "feasible_start",
    "exact_total",
    "BUDGET_TOLERANCE",
]

BUDGET_TOLERANCE = 1e-9  # how far (input money unit) the bounds' sums may miss the budget and still count as meeting it
BISECTION_STEPS = 200  # halvings of the common shift in `feasible_start`: far below a rupee from any budget


@dataclass(frozen=True)
class ChannelBounds:
    """Each channel's lowest and highest amount over the horizon (input money unit), and the move limit applied.

    Attributes:
        lo, hi: per channel, in the model's channel order.
        max_change: the fraction each channel may move from its historical amount, when a limit applied.
        reason: why that limit applied ("as asked", or the adequacy check's words); empty without a limit.
    """

    lo: np.ndarray
    hi: np.ndarray
    max_change: float | None = None
    reason: str = ""


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


def resolve_max_change(artifacts: Artifacts, max_change: float | str | None) -> tuple[float | None, str]:
    """The limit on each channel's move (a fraction, or None) and why: `AUTO` means `AUTO_MAX_CHANGE` when the
    training data's adequacy check found the evidence weak, else no limit."""
    if max_change != AUTO:
        return (None, "") if max_change is None else (float(max_change), "as asked")
    if not evidence_is_weak(artifacts.table("adequacy")):
        return None, ""
    return AUTO_MAX_CHANGE, "the data adequacy check found the evidence too weak for larger moves; --max-change none lifts this"


def resolve_bounds(
    artifacts: Artifacts,
    budget: float,
    historical: np.ndarray,
    bounds: dict[str, tuple[float, float]],
    max_change: float | str | None,
) -> ChannelBounds:
    """The analyst's `bounds` (default 0 to the budget), narrowed to within `max_change` of each channel's
    `historical` amount; refused in plain words when they cannot hold the budget."""
    channels, money = artifacts.channels, artifacts.money
    lo = np.array([bounds.get(c, (0.0, budget))[0] for c in channels])
    hi = np.array([min(bounds.get(c, (0.0, budget))[1], budget) for c in channels])
    limit, reason = resolve_max_change(artifacts, max_change)
    if limit is not None:
        near_lo, near_hi = np.maximum(lo, historical * (1 - limit)), np.minimum(hi, historical * (1 + limit))
        clash = near_lo > near_hi + NUMERIC_FLOOR
        if max_change == AUTO:  # the automatic limit gives way to the analyst's own bounds, and to the budget
            near_lo, near_hi = np.where(clash, lo, near_lo), np.where(clash, hi, near_hi)
            if near_lo.sum() > budget + BUDGET_TOLERANCE or near_hi.sum() < budget - BUDGET_TOLERANCE:
                near_lo, near_hi, limit, reason = lo, hi, None, ""
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
    return ChannelBounds(lo, hi, limit, reason)


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

"""Channels locked at an amount over the horizon (a contract: "TV is booked, do not touch"): bounds with min = max,
which the optimiser keeps to the unit while it splits the rest of the budget."""

from __future__ import annotations

from ...errors import InputError
from ...units import MoneyUnit

__all__ = ["lock_bounds"]


def lock_bounds(
    bounds: dict[str, tuple[float, float]] | None,
    locks: dict[str, float],
    channels: list[str],
    budget: float | None,
    money: MoneyUnit,
    given_by: str = "--lock",
) -> dict[str, tuple[float, float]]:
    """`bounds` with each locked channel pinned at its amount (input money unit, over the horizon): (amount,
    amount). Refuses, naming `given_by`, a channel the model lacks, one that also has bounds, a negative amount and
    locks that add up to more than `budget` (None: a budget still to be found)."""
    bounds = dict(bounds or {})
    for channel, amount in locks.items():
        if channel not in channels:
            raise InputError(given_by, f"unknown channel '{channel}'; the model knows {', '.join(channels)}")
        if channel in bounds:
            raise InputError(given_by, f"'{channel}' is locked and also has bounds; give it in one place")
        if not amount >= 0:
            raise InputError(given_by, f"'{channel}' is locked at {amount:g} {money.name}; give an amount of 0 or more")
    total = sum(locks.values())
    if budget is not None and total > budget:
        raise InputError(given_by, f"the locked channels add up to {total:,.4g} {money.name}, more than the budget {budget:,.4g}")
    return bounds | {channel: (float(amount), float(amount)) for channel, amount in locks.items()}

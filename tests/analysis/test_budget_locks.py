"""A locked channel (min = max: "TV is contracted") keeps its amount in the budget split to the unit, while the other
channels still share the rest of the budget exactly; a fixed move limit it cannot keep is refused, as any bound."""

import pytest

from gmvplanner.analysis.budget import historical_split, optimise_budget
from gmvplanner.analysis.budget.locks import lock_bounds
from gmvplanner.errors import InputError


@pytest.mark.parametrize("max_change", ["auto", "own", None])
def test_a_locked_channel_is_unchanged_by_the_optimiser(mmm_art, max_change):
    budget = 2.5
    tv = round(historical_split(mmm_art)["TV"] * budget * 1.7, 7)  # far from its historical share: 1.7 times it
    bounds = lock_bounds(None, {"TV": tv}, mmm_art.channels, budget, mmm_art.money)
    result = optimise_budget(mmm_art, budget, 13, bounds=bounds, max_change=max_change)
    split = result.table.set_index("channel")[mmm_art.money.column("recommended")]
    assert split["TV"] == tv  # exactly, not within a tolerance
    assert split.sum() == pytest.approx(budget, rel=1e-12)
    free = result.table.set_index("channel").drop("TV")
    assert (free[mmm_art.money.column("recommended")] != free[mmm_art.money.column("historical")]).any()


def test_locks_that_cannot_hold_say_why(mmm_art):
    money, channels = mmm_art.money, mmm_art.channels
    far = {"TV": round(historical_split(mmm_art)["TV"] * 2.5 * 1.7, 7)}
    with pytest.raises(InputError, match="--max-change.*'TV' cannot stay within 20% of its historical"):
        optimise_budget(mmm_art, 2.5, 13, bounds=lock_bounds(None, far, channels, 2.5, money), max_change=0.2)
    with pytest.raises(InputError, match="unknown channel 'Telly'"):
        lock_bounds(None, {"Telly": 1.0}, channels, 2.0, money)
    with pytest.raises(InputError, match="'TV' is locked and also has bounds"):
        lock_bounds({"TV": (0.0, 1.0)}, {"TV": 0.5}, channels, 2.0, money)
    with pytest.raises(InputError, match="the locked channels add up to 3 crore ₹, more than the budget 2"):
        lock_bounds(None, {"TV": 1.0, "SEM": 2.0}, channels, 2.0, money)

"""Who placed each order: customers arriving over time, their classes, returns and pincodes (`simulate_customers`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .world import CUSTOMER_CLASSES, NEW_SHARE_BY_CHANNEL, NEW_SHARE_OF_BASE_ORDERS

__all__ = ["simulate_customers"]

CUSTOMER_STREAM = 15  # the customer simulation draws from default_rng([seed, CUSTOMER_STREAM])
RETURN_TRIES = 8  # a returning order whose pick has lapsed is drawn again this many times at most
ID_STEP = 7_919  # customer ids: a shuffled index times this prime, plus 10**12 and a jitter below it
PINCODE_RANGE = (110_001, 855_118)  # about the span of Indian pincodes (high end exclusive)


def simulate_customers(
    seed: int, day: np.ndarray, media_share: np.ndarray, new_media_share: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Who placed each order: customers arrive over time, more of them where media brings more orders, belong to a
    class (occasional, regular, loyal) that sets how often they come back and how long they stay, and keep one
    pincode. Uses its own random stream, so every other column of the data is the same as without customers.

    An order is a new customer's first with probability `new_media_share` (its day's share of orders brought by
    media, each channel's part times NEW_SHARE_BY_CHANNEL) + NEW_SHARE_OF_BASE_ORDERS x the share not from media;
    otherwise a customer who arrived earlier and is still active returns, chosen in proportion to their class's
    return chance. So a channel's true effect on new-customer GMV is its NEW_SHARE_BY_CHANNEL of its effect on GMV
    (`TrueProcess.new_customer_gmv`). `day` is each order's day index. Returns (cust_id, pincode, truth)."""
    rng = np.random.default_rng([seed, CUSTOMER_STREAM])
    order = np.argsort(day, kind="stable")
    p_new = new_media_share + NEW_SHARE_OF_BASE_ORDERS * (1 - media_share)
    is_new = rng.random(len(day)) < p_new[order]
    is_new[0] = True
    n_customers = int(is_new.sum())
    names = list(CUSTOMER_CLASSES)
    shares = np.array([CUSTOMER_CLASSES[c].share_of_new for c in names])
    klass = rng.choice(len(names), size=n_customers, p=shares / shares.sum())
    weight = np.array([CUSTOMER_CLASSES[c].return_weight for c in names])[klass]
    lifetime = rng.exponential(np.array([CUSTOMER_CLASSES[c].mean_active_days for c in names])[klass])
    who = np.empty(len(day), dtype=np.int64)  # customer index of each order, in time order
    who[np.flatnonzero(is_new)] = np.arange(n_customers)
    returning = np.flatnonzero(~is_new)
    who[returning] = _returning_customers(rng, day[order], is_new, returning, weight, lifetime)
    customer = np.empty(len(day), dtype=np.int64)
    customer[order] = who
    ids = rng.permutation(n_customers).astype(np.int64) * ID_STEP + 10**12 + rng.integers(0, ID_STEP, n_customers)
    pincodes = rng.integers(*PINCODE_RANGE, n_customers)
    truth = {
        "classes": {c: spec._asdict() for c, spec in CUSTOMER_CLASSES.items()},
        "new_share_by_channel": dict(NEW_SHARE_BY_CHANNEL),
        "new_share_of_base_orders": NEW_SHARE_OF_BASE_ORDERS,
        "customers": n_customers,
        "customers_by_class": {c: int((klass == i).sum()) for i, c in enumerate(names)},
    }
    return ids[customer], pincodes[customer], truth


def _returning_customers(
    rng: np.random.Generator,
    day_in_order: np.ndarray,
    is_new: np.ndarray,
    returning: np.ndarray,
    weight: np.ndarray,
    lifetime: np.ndarray,
) -> np.ndarray:
    """For each returning order (positions `returning` in time order), a customer who arrived before it, chosen in
    proportion to `weight`; a pick whose `lifetime` (days) ended before the order is drawn again."""
    first_day = day_in_order[is_new]
    cumulative = np.cumsum(weight)
    arrived = np.cumsum(is_new)  # customers who have arrived by each order (in time order)
    limit = cumulative[arrived[returning] - 1]  # the total weight of the customers who have arrived by then
    picks = np.zeros(len(returning), dtype=np.int64)
    todo = np.arange(len(returning))
    for _try in range(RETURN_TRIES):  # a lapsed customer does not come back: draw those again
        drawn = np.searchsorted(cumulative, rng.random(len(todo)) * limit[todo], side="right")
        picks[todo] = drawn
        lapsed = day_in_order[returning[todo]] - first_day[drawn] > lifetime[drawn]
        todo = todo[lapsed]
        if not len(todo):
            break
    return picks

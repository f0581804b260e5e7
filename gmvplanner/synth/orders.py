"""Order simulation: each subcategory's daily demand, the products on sale, and one row per order line."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..dates import DAYS_PER_WEEK
from .truth import TrueProcess, new_shares
from .world import SUBCATEGORY_SPECS

__all__ = ["DayDrivers", "SubcategoryDemand", "subcategory_demand", "base_scale", "draw_order_days", "draw_orders"]

ORDERS_FROM_DEMAND = 0.985  # the rest of n_orders is left for the faults (duplicates, out-of-window copies)
MRP_FACTOR_MEAN = 1.25  # about the mean of an order's MRP over its subcategory's median (lognormal spreads)
MEAN_UNITS = 1.1  # about the mean units per order
WEEKDAY_FACTOR = np.array([0.97, 0.96, 0.96, 0.97, 1.0, 1.06, 1.1])  # Monday first
PRODUCT_POPULARITY_EXPONENT = 0.9  # the k-th product of a subcategory sells in proportion to 1 / k**this
PROCUREMENT_DAYS = [0, 1, 2, 3, 5, 7, 10, 15]
PROCUREMENT_P = [0.05, 0.1, 0.2, 0.25, 0.2, 0.1, 0.06, 0.04]
FSN_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class DayDrivers(NamedTuple):
    """What moves demand on each day of the window (arrays with one value per day)."""

    days: pd.DatetimeIndex
    years: np.ndarray  # years since the first day
    weekday: np.ndarray  # WEEKDAY_FACTOR of the day
    season: np.ndarray  # yearly cycle, highest in late October
    is_sale: np.ndarray
    is_holiday: np.ndarray
    is_payday: np.ndarray
    nps: np.ndarray  # the month's NPS
    week: np.ndarray  # index of the day's week in the weekly spend

    @classmethod
    def build(cls, days: pd.DatetimeIndex, weeks: pd.DatetimeIndex, calendar: pd.DataFrame, nps: pd.Series) -> DayDrivers:
        """From the day calendar (`sale`, `holiday`, `payday`) and the monthly NPS (a monthly PeriodIndex)."""
        doy = days.day_of_year.to_numpy()
        return cls(
            days=days,
            years=np.arange(len(days)) / 365.0,
            weekday=WEEKDAY_FACTOR[days.day_of_week],
            season=1 + 0.12 * np.cos(2 * np.pi * (doy - 300) / 365.25),
            is_sale=(calendar["sale"] != "").to_numpy(),
            is_holiday=(calendar["holiday"] != "").to_numpy(),
            is_payday=calendar["payday"].to_numpy(),
            nps=nps.reindex(days.to_period("M")).to_numpy(),
            week=((days - weeks[0]).days // DAYS_PER_WEEK).to_numpy(),
        )


class SubcategoryDemand(NamedTuple):
    """One subcategory's levers and expected demand on each day."""

    discount: np.ndarray  # mean discount, a fraction of MRP
    sla: np.ndarray  # mean promised delivery days
    prepaid: np.ndarray  # share of prepaid orders
    shape: np.ndarray  # relative base (non-media) orders; `base_scale` turns it into orders
    aov: np.ndarray  # expected order value, rupees
    media: np.ndarray  # media-driven GMV, rupees
    new_media: np.ndarray  # the part of `media` from new customers' first orders, rupees


def subcategory_demand(
    rng: np.random.Generator, si: int, sub: str, d: DayDrivers, truth: TrueProcess, spend: pd.DataFrame
) -> SubcategoryDemand:
    """Daily levers (discount, SLA, prepaid share) and demand of subcategory number `si`, named `sub`."""
    share, mrp_median = SUBCATEGORY_SPECS[sub].order_share, SUBCATEGORY_SPECS[sub].median_mrp
    n_days, t = len(d.days), d.years
    disc = np.clip(0.22 + 0.14 * d.is_sale + 0.03 * np.sin(2 * np.pi * t * 3 + si) + rng.normal(0, 0.02, n_days), 0.02, 0.8)
    sla = np.clip(5.5 - 0.8 * d.is_sale + 0.6 * np.sin(2 * np.pi * t + si) + rng.normal(0, 0.4, n_days), 1, 12)
    prepaid = np.clip(0.22 + 0.12 * t + 0.08 * d.is_sale + rng.normal(0, 0.02, n_days), 0.05, 0.9)
    shape = (
        share
        * (1 + 0.08 * t)
        * d.season
        * d.weekday
        * (1 + (0.6 + 0.1 * si % 3) * d.is_sale)
        * (1 + 0.12 * d.is_holiday)
        * (1 + 0.05 * d.is_payday)
        * (1 + 0.012 * (d.nps - 50))
        * (1 + 1.2 * (disc - 0.22))
        * (1 - 0.025 * (sla - 5.5))
    )
    aov = mrp_median * MRP_FACTOR_MEAN * MEAN_UNITS * (1 - disc)
    by_channel = truth.media_gmv(spend, sub, multiplied=False)
    factor = truth.daily_multiplier(d.days)  # ones unless the world is multiplicative
    media = by_channel.sum(axis=1).to_numpy()[d.week] / DAYS_PER_WEEK * factor
    new_media = (by_channel * new_shares(by_channel.columns)).sum(axis=1).to_numpy()[d.week] / DAYS_PER_WEEK * factor
    return SubcategoryDemand(disc, sla, prepaid, shape, aov, media, new_media)


def base_scale(n_orders: int, demand: list[SubcategoryDemand]) -> float:
    """Orders per unit of `shape` so that base and media orders together come to about `n_orders`."""
    media_orders = sum((s.media / s.aov).sum() for s in demand)
    scale = (n_orders * ORDERS_FROM_DEMAND - media_orders) / sum(s.shape.sum() for s in demand)
    if scale <= 0:
        raise ValueError("n_orders too small for the media effect; raise n_orders")
    return float(scale)


def draw_order_days(rng: np.random.Generator, demand: list[SubcategoryDemand], scale: float) -> dict[str, np.ndarray]:
    """Poisson order counts per subcategory and day; one entry per order: its subcategory number (`sub`), day index
    (`day`), the day's levers, and the shares of the day's orders brought by media (`media_share`) and, of those,
    first orders (`new_media_share`)."""
    columns: dict[str, list[np.ndarray]] = {
        k: [] for k in ("sub", "day", "disc", "sla", "prepaid", "media_share", "new_media_share")
    }
    for si, s in enumerate(demand):
        expected_orders = scale * s.shape + s.media / s.aov
        counts = rng.poisson(expected_orders)
        day_idx = np.repeat(np.arange(len(s.shape)), counts)
        columns["sub"].append(np.full(len(day_idx), si))
        columns["day"].append(day_idx)
        columns["disc"].append(s.discount[day_idx])
        columns["sla"].append(s.sla[day_idx])
        columns["prepaid"].append(s.prepaid[day_idx])
        columns["media_share"].append((s.media / s.aov / expected_orders)[day_idx])
        columns["new_media_share"].append((s.new_media / s.aov / expected_orders)[day_idx])
    return {k: np.concatenate(v) for k, v in columns.items()}


def draw_orders(rng: np.random.Generator, flat: dict[str, np.ndarray], subs: list[str], days: pd.DatetimeIndex) -> pd.DataFrame:
    """The order rows in the ElecKart layout for the orders of `draw_order_days` (placeholder cust_id and pincode)."""
    catalogue = _catalogue(rng, subs)
    product = _pick_products(rng, flat["sub"], catalogue["sub"], len(subs))
    n = len(flat["day"])
    mrp = catalogue["mrp"][product]
    units = np.where(rng.random(n) < 0.92, 1, rng.integers(2, 4, n))
    discount = np.clip(flat["disc"] + rng.normal(0, 0.06, n), 0.0, 0.9)
    gmv = np.round(units * mrp * (1 - discount))
    sla_order = np.clip(np.round(flat["sla"] + rng.normal(0, 1.2, n)), 0, 30).astype(np.int64)
    prepaid = rng.random(n) < flat["prepaid"]
    seconds = rng.integers(0, 86400, n)
    order_ts = days.to_numpy()[flat["day"]] + seconds.astype("timedelta64[s]")
    # the dict's values are drawn in this order; keep it, or every later column of the data changes
    orders = pd.DataFrame(
        {
            "fsn_id": catalogue["fsn"][product],
            "order_date": order_ts,
            "order_id": 1_000_000_000_000_000 + rng.permutation(n).astype(np.int64) * 997 + rng.integers(0, 997, n),
            "gmv": gmv,
            "units": units,
            "deliverybdays": _mostly_unknown_days(rng, n),
            "deliverycdays": _mostly_unknown_days(rng, n),
            "s1_fact.order_payment_type": np.where(prepaid, "Prepaid", "COD"),
            "sla": sla_order,
            # placeholders that `simulate_customers` replaces; drawn so every later draw keeps its place in the stream
            "cust_id": rng.integers(-9_000_000_000_000_000_000, 9_000_000_000_000_000_000, n, dtype=np.int64),
            "pincode": rng.integers(-9_000_000_000_000_000_000, 9_000_000_000_000_000_000, n, dtype=np.int64),
            "product_analytic_super_category": "CE",
            "product_analytic_category": np.array([SUBCATEGORY_SPECS[s].category for s in subs])[flat["sub"]],
            "product_analytic_sub_category": np.array(subs)[flat["sub"]],
            "product_analytic_vertical": catalogue["vertical"][product],
            "product_mrp": mrp,
            "product_procurement_sla": catalogue["procurement_sla"][product],
        }
    )
    orders["order_item_id"] = orders["order_id"] + rng.integers(1, 10**6, n)
    return orders


def _mostly_unknown_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Delivery-delay days as in the real file: `\\N` for 80% of orders, else 0-8 as text."""
    return np.where(rng.random(n) < 0.8, "\\N", rng.integers(0, 9, n).astype(str))


def _pick_products(rng: np.random.Generator, order_sub: np.ndarray, product_sub: np.ndarray, n_subs: int) -> np.ndarray:
    """A catalogue row for each order, from its subcategory's products, the first ones most popular."""
    product = np.empty(len(order_sub), dtype=np.int64)
    for si in range(n_subs):
        rows = np.flatnonzero(order_sub == si)
        ids = np.flatnonzero(product_sub == si)
        pop = 1.0 / np.arange(1, len(ids) + 1) ** PRODUCT_POPULARITY_EXPONENT
        product[rows] = ids[np.searchsorted(np.cumsum(pop) / pop.sum(), rng.random(len(rows)))]
    return product


def _catalogue(rng: np.random.Generator, subs: list[str]) -> dict[str, np.ndarray]:
    """Products with fsn ids, verticals, MRPs (some zero, as in the real file) and procurement SLAs."""
    sub_idx, vertical, mrp = [], [], []
    for si, sub in enumerate(subs):
        spec = SUBCATEGORY_SPECS[sub]
        verts = spec.verticals
        n_products = max(40, int(25_000 * spec.order_share))
        v = rng.choice(len(verts), n_products, p=_zipf(len(verts)))
        sub_idx.append(np.full(n_products, si))
        vertical.append(np.array(verts)[v])
        level = np.exp(rng.normal(0, 0.25, len(verts)))[v]
        mrp.append(np.round(spec.median_mrp * level * rng.lognormal(0, 0.5, n_products), -1).clip(99))
    sub_arr, vert_arr, mrp_arr = np.concatenate(sub_idx), np.concatenate(vertical), np.concatenate(mrp)
    n = len(sub_arr)
    letters = np.frombuffer(FSN_LETTERS, dtype="S1")
    fsn = letters[rng.integers(0, len(letters), (n, 16))].view("S16").ravel().astype(str)
    procurement = rng.choice(PROCUREMENT_DAYS, n, p=PROCUREMENT_P)
    return {
        "sub": sub_arr,
        "vertical": vert_arr.astype(object),
        "mrp": mrp_arr,
        "fsn": fsn,
        "procurement_sla": procurement.astype(np.int64),
    }


def _zipf(k: int) -> np.ndarray:
    """Zipf probabilities of k items: the i-th in proportion to 1 / i."""
    p = 1.0 / np.arange(1, k + 1)
    return p / p.sum()

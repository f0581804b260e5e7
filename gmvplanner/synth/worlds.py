"""Benchmark worlds: generators whose true media effect breaks the model's assumptions the way real data does.

`today` is the original generator (weekly geometric carry-over, a Hill curve without a slope, every channel's
half-saturation at its own spend level, additive effects, one effect pattern shared by the subcategories up to a
mild tilt): the model's own equations, kept so old figures stay comparable. Every other world departs from it in
one way (and `mixed` in all of them at once), and in all of them each channel's half-saturation is drawn off the
model's grid, so some channels are saturated and some have headroom:

- `s_shaped`: Hill curves with a slope from 1 to 3, so small spend does little and a channel below its threshold
  looks useless;
- `delayed`: carry-over on daily spend with a delayed peak (a Weibull kernel, as PyMC-Marketing's WeibullAdstock)
  and long retention (up to 0.85 a week);
- `multiplicative`: the media effect scales with trend, season and sale days, as the baseline does;
- `heterogeneous`: a channel strong in one subcategory is nearly useless in another;
- `correlated`: budget cycles move every channel together, and one channel barely varies;
- `confounded`: spend rises in sale weeks and the festive season (as real plans do), so spend moves with the calendar
  and the season the baseline follows; carry-over is daily, and the effect scales with sale days and season.

The truth's own response maths lives here too, written apart from `features.transforms` on purpose: a benchmark
must not share the model's code for the curve it is testing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dates import DAYS_PER_WEEK

__all__ = [
    "World",
    "WORLDS",
    "world_names",
    "world",
    "weibull_kernel",
    "daily_carryover",
    "saturation",
    "correlated_factor",
    "WEIBULL_CARRYOVER",
    "STEADY_CHANNEL",
    "calendar_push",
]


@dataclass(frozen=True)
class World:
    """How one benchmark world departs from `today`.

    Attributes:
        name: the `--world` name.
        description: one line for tables and logs.
        varied_saturation: half-saturation multiples drawn off-grid per channel (lognormal around the level).
        slopes: Hill slopes from 1 to 3 per channel.
        daily_carryover: a Weibull carry-over kernel per channel on daily spend (`WEIBULL_CARRYOVER`).
        multiplicative: the media effect scales with trend, season and sale days.
        heterogeneous: channel weights differ strongly between subcategories.
        correlated_spend: a shared budget cycle moves every channel; `STEADY_CHANNEL` barely varies.
        sale_spend: spend rises in sale weeks and the festive season (`SALE_SPEND_PUSH`, `FESTIVE_SPEND_PUSH`).
    """

    name: str
    description: str
    varied_saturation: bool = True
    slopes: bool = False
    daily_carryover: bool = False
    multiplicative: bool = False
    heterogeneous: bool = False
    correlated_spend: bool = False
    sale_spend: bool = False

    @property
    def is_today(self) -> bool:
        return self.name == "today"


WORLDS: dict[str, World] = {
    w.name: w
    for w in (
        World("today", "the original generator: the model's own equations", varied_saturation=False),
        World("s_shaped", "Hill curves with slopes 1-3: small spend does little", slopes=True),
        World("delayed", "daily carry-over with a delayed peak and retention up to 0.85 a week", daily_carryover=True),
        World("multiplicative", "media effects scale with trend, season and sale days", multiplicative=True),
        World("heterogeneous", "a channel strong in one subcategory is nearly useless in another", heterogeneous=True),
        World("correlated", "budget cycles move channels together; one channel barely varies", correlated_spend=True),
        World(
            "mixed",
            "all of the above at once",
            slopes=True,
            daily_carryover=True,
            multiplicative=True,
            heterogeneous=True,
            correlated_spend=True,
        ),
        World(  # last, so the worlds before it keep their random streams
            "confounded",
            "spend rises in sale weeks and the festive season; daily carry-over; effects scale with sales",
            daily_carryover=True,
            multiplicative=True,
            sale_spend=True,
        ),
    )
}

# channel -> (shape k, scale in days) of the Weibull kernel over daily spend. k > 1 peaks after the spend (TV,
# sponsorship, radio); k = 1 is a plain daily geometric decay. Content Marketing's scale of 43 days keeps 0.85 of
# its effect from one week to the next.
WEIBULL_CARRYOVER: dict[str, tuple[float, float]] = {
    "TV": (2.0, 21.0),
    "Digital": (1.0, 7.0),
    "Sponsorship": (1.5, 35.0),
    "Content Marketing": (1.0, 43.0),
    "Online marketing": (1.0, 3.0),
    "Affiliates": (1.0, 2.0),
    "SEM": (1.0, 1.0),
    "Radio": (2.0, 10.0),
    "Other": (1.0, 10.0),
}
MAX_LAG_DAYS = 180  # the Weibull kernel is cut here (less than 1% of the longest kernel's weight lies beyond)
SLOPE_CHOICES = (1.0, 1.5, 2.0, 2.5, 3.0)
HALF_SATURATION_SPREAD = 0.5  # sigma of the lognormal multiple of each channel's level
HALF_SATURATION_RANGE = (0.35, 3.0)
HETEROGENEITY_SPREAD = 1.0  # sigma of the lognormal weight of a channel in each subcategory
NEARLY_USELESS = 0.03  # a channel's weight in the subcategory where it is nearly useless, relative to the others
STEADY_CHANNEL = "Affiliates"  # in the correlated world: spend that barely varies
STEADY_VOLATILITY = 0.05
CYCLE_WEEKS = 13  # the budget cycle: quarterly pushes
CYCLE_AMPLITUDE = 0.45
CYCLE_LOADING = 0.85  # how much of each channel's log-spend follows the shared cycle
SALE_SPEND_PUSH = 1.5  # confounded world: a week's spend is 1 + this x its share of sale days
FESTIVE_SPEND_PUSH = 0.5  # confounded world: spend this much higher in October and November
FESTIVE_MONTHS = (10, 11)
SALE_MEDIA_UPLIFT = 0.6  # multiplicative world: a sale day's media effect this much larger
TREND_PER_YEAR = 0.08  # as the baseline's trend
SEASON_AMPLITUDE, SEASON_PEAK_DAY = 0.12, 300  # as the baseline's season


def world_names() -> list[str]:
    return list(WORLDS)


def world(name: str) -> World:
    """The world called `name`; an unknown name lists the valid ones."""
    if name not in WORLDS:
        raise ValueError(f"unknown world '{name}'; choose one of {world_names()}")
    return WORLDS[name]


def weibull_kernel(shape: float, scale_days: float, max_lag: int = MAX_LAG_DAYS) -> np.ndarray:
    """Weights of spend l = 0..max_lag days ago, summing to 1 (so a steady spend carries over to itself)."""
    lag = np.arange(max_lag + 1, dtype=float) + 0.5  # mid-day, so a shape below 2 has no infinite first weight
    weights = (lag / scale_days) ** (shape - 1) * np.exp(-((lag / scale_days) ** shape))
    return weights / weights.sum()


def daily_carryover(weekly_spend: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Carried-over spend per week (the same unit as `weekly_spend`), averaged over each week's days: the weekly
    spend is spread evenly over its seven days, carried over day by day with `kernel`, and averaged back."""
    daily = np.repeat(np.asarray(weekly_spend, float), DAYS_PER_WEEK)
    stock = np.convolve(daily, kernel)[: len(daily)]
    return stock.reshape(-1, DAYS_PER_WEEK).mean(axis=1)


def saturation(x: np.ndarray, half: float, slope: float = 1.0) -> np.ndarray:
    """The truth's Hill curve x^s / (x^s + K^s): one half at K; S-shaped for a slope above 1."""
    x = np.clip(np.asarray(x, float), 0.0, None)
    if slope == 1.0:
        return x / (x + half)
    return x**slope / (x**slope + half**slope)


def correlated_factor(rng: np.random.Generator, n_weeks: int) -> np.ndarray:
    """The shared budget cycle in log-spend: quarterly pushes plus a slow AR(1) wander, mean zero."""
    phase = rng.uniform(0, 2 * np.pi)
    cycle = CYCLE_AMPLITUDE * np.sin(2 * np.pi * np.arange(n_weeks) / CYCLE_WEEKS + phase)
    wander = np.zeros(n_weeks)
    for t in range(1, n_weeks):
        wander[t] = 0.85 * wander[t - 1] + rng.normal(0, 0.15)
    factor = cycle + wander
    return factor - factor.mean()


def media_multiplier(days: pd.DatetimeIndex, sale_days: set[pd.Timestamp], first_day: pd.Timestamp) -> np.ndarray:
    """The multiplicative world's daily factor on the media effect (before normalising): trend, season and sale
    days, as the baseline has them."""
    years = (days - first_day).days.to_numpy() / 365.0
    season = 1 + SEASON_AMPLITUDE * np.cos(2 * np.pi * (days.day_of_year.to_numpy() - SEASON_PEAK_DAY) / 365.25)
    sale = np.array([d in sale_days for d in days], dtype=float)
    return (1 + TREND_PER_YEAR * years) * season * (1 + SALE_MEDIA_UPLIFT * sale)


def calendar_push(weeks: pd.DatetimeIndex, sale_share: np.ndarray) -> np.ndarray:
    """The confounded world's multiple on each week's spend: higher in sale weeks (`sale_share`: the week's share of
    sale days) and in the festive months, as plans that push spend into the peaks are."""
    festive = np.isin(weeks.month.to_numpy(), FESTIVE_MONTHS)
    return (1.0 + SALE_SPEND_PUSH * np.asarray(sale_share, dtype=float)) * (1.0 + FESTIVE_SPEND_PUSH * festive)

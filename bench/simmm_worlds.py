"""Benchmark worlds that nobody on this project wrote: pysimmmulator (a Python port of Meta's siMMMulator) in the
ElecKart file layout, with the true GMV of any budget split computed from the simulator's own transforms.

How a world is built (`build_world`), for one configuration and seed:
- One company run of the simulator over 3 years from 2014-07-01 draws the daily campaign spend per channel, its row-level
  CPM/CPC (so impressions and clicks) and the company baseline. The tool sees the first 2 years; the rest is "the
  future" the budget plans are scored on.
- Each of the 3 subcategories is its own simulator run on that same spend and media (the company buys media once):
  its own baseline (its share of the business, its own seasonality draw and noise, the sale days as pysimmmulator
  exogenous multipliers), its own row-level CVR draws, and, where the configuration says `share_effects=False`, its
  own true CVR per channel (a lognormal multiplier per subcategory and channel), so channels rank differently by
  subcategory. With `share_effects=True` every subcategory has the same CVRs: the same channel effects up to its size.
- Conversions per channel = saturation(adstock(impressions or clicks)) x CVR, revenue = conversions x revenue per
  conversion, exactly pysimmmulator's steps 5b-7; a subcategory's daily GMV = its baseline revenue + its ad revenue.
- One money scale (rupees per simulator unit) is chosen so that the orders come to about `n_orders`; spend is written
  in crore (weekly `MediaInvestmentWeekly.csv` and monthly `MediaInvestment.csv`, as `gmvplanner.synth` writes them),
  and each subcategory's daily GMV becomes order rows whose GMV sums to it exactly.

The true response (`SimmmWorld.plan_gmv`): a plan's channel totals are spread evenly over its days; that daily spend
replaces the world's own spend from the plan's first day on, is turned into impressions/clicks with the world's own
row-level CPM/CPC draws of those days, adstocked together with the whole history (so carry-over of the historical
spend counts), saturated with the inflection point the world's own series had (pysimmmulator recomputes it from
whatever series it is given; a counterfactual must not move it), and multiplied by each subcategory's row-level CVR
draws of those days. The GMV counted is that of the plan's days, as `bench_optimiser.true_plan_gmv` counts it.

    python bench/simmm_worlds.py --config example --seed 21      # generate one world and print its truth
"""

from __future__ import annotations

import argparse
import copy
import json
import pickle
import shutil
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
from pysimmmulator.load_parameters import create_all_parameters
from pysimmmulator.simulate import Simulate
from pysimmmulator.transforms import geometric_adstock, weibull_adstock

from gmvplanner.config import CHANNELS, DEFAULT_SUBCATEGORIES, ROOT
from gmvplanner.synth.customers import simulate_customers
from gmvplanner.synth.files import FILE_NAMES, _orders_csv
from gmvplanner.synth.orders import draw_orders
from gmvplanner.synth.world import HOLIDAYS, SALES_2014, SALES_2015, SUBCATEGORY_SPECS

__all__ = ["CONFIGS", "config_names", "SimmmWorld", "build_world", "world_dataset", "DATA_START", "DATA_END"]

DATA_START, DATA_END = "2014-07-01", "2016-06-30"  # the window the tool trains on (as bench_truth.run)
PLAN_START = "2016-07-04"  # the Monday after DATA_END: the first week the optimiser plans
SIM_YEARS = 3  # the simulator runs on past DATA_END so that the plan weeks have their own CPM/CPC/CVR draws
EXAMPLE_YEARS = 5  # pysimmmulator's example runs 5 years; its trend_p is scaled to SIM_YEARS to keep the trend rate
N_ORDERS = 200_000  # about this many order rows per world (3 subcategories, 2 years): one training well under a minute
SUB_WEIGHTS = {"CameraAccessory": 0.45, "HomeAudio": 0.25, "GamingAccessory": 0.30}  # share of the business
DIFFER_SIGMA = 0.6  # share_effects=False: each subcategory's CVR per channel times lognormal(0, this)
SALE_MULTIPLIER = 1.35  # baseline sales on the tool's sale days, as a pysimmmulator exogenous multiplier
NEW_SHARE_OF_MEDIA = 0.7  # of the orders media brings, this share are first orders (for the customer columns only)
CACHE = ROOT / "bench" / "results" / "simmm"

# pysimmmulator's example channels, renamed to ElecKart's: Amazon -> Online marketing, TV -> TV,
# Long-Form Video -> Content Marketing, Search -> SEM. Three more (Digital, Sponsorship, Affiliates) are added in the
# same style so the world has 7 of ElecKart's channels (Radio and Other stay unspent, blank as in the real file).
EXAMPLE_CHANNEL_NAMES = {"Amazon": "Online marketing", "TV": "TV", "Long-Form Video": "Content Marketing", "Search": "SEM"}
IMPRESSION_CHANNELS = ["Online marketing", "TV", "Content Marketing", "Digital", "Sponsorship"]
CLICK_CHANNELS = ["SEM", "Affiliates"]  # the first click channel takes what the others leave (pysimmmulator's rule)
SIM_CHANNELS = CLICK_CHANNELS + IMPRESSION_CHANNELS  # pysimmmulator's order: clicks first


def _example() -> dict:
    """pysimmmulator's examples/example_config.yaml (v0.6), its 4 channels renamed, 3 added, run for SIM_YEARS."""
    return {
        "basic_params": {
            "years": SIM_YEARS,
            "channels_impressions": list(IMPRESSION_CHANNELS),
            "channels_clicks": list(CLICK_CHANNELS),
            "frequency_of_campaigns": 1,
            "start_date": DATA_START.replace("-", "/"),
            "true_cvr": {
                "Online marketing": 0.006,
                "TV": 0.001,
                "Content Marketing": 0.002,
                "SEM": 0.007,
                "Digital": 0.003,  # added
                "Sponsorship": 0.0008,  # added
                "Affiliates": 0.02,  # added
            },
            "revenue_per_conv": 14,
        },
        "baseline_params": {
            "base_p": 100000,
            "trend_p": int(100000 * SIM_YEARS / EXAMPLE_YEARS),
            "temp_var": 8,
            "temp_coef_mean": 20,
            "temp_coef_sd": 3,
            "error_std": 90,
        },
        "ad_spend_params": {
            "campaign_spend_mean": 329000,
            "campaign_spend_std": 100000,
            "max_min_proportion_on_each_channel": {  # SEM (the example's Search) takes the rest
                "Online marketing": {"min": 0.10, "max": 0.35},
                "TV": {"min": 0.05, "max": 0.30},
                "Content Marketing": {"min": 0.01, "max": 0.10},
                "Digital": {"min": 0.03, "max": 0.10},
                "Sponsorship": {"min": 0.03, "max": 0.10},
                "Affiliates": {"min": 0.02, "max": 0.06},
            },
        },
        "media_params": {
            "true_cpm": {"Online marketing": 3.50, "TV": 12.50, "Content Marketing": 6.50, "Digital": 5.0, "Sponsorship": 15.0},
            "true_cpc": {"SEM": 2.60, "Affiliates": 1.20},
            "noisy_cpm_cpc": {
                "Online marketing": {"loc": 0.0, "scale": 0.25},
                "TV": {"loc": 0.0, "scale": 1.0},
                "Content Marketing": {"loc": 0.0, "scale": 1.0},
                "SEM": {"loc": 0.0, "scale": 0.25},
                "Digital": {"loc": 0.0, "scale": 0.5},
                "Sponsorship": {"loc": 0.0, "scale": 1.5},
                "Affiliates": {"loc": 0.0, "scale": 0.1},
            },
        },
        "cvr_params": {
            "noisy_cvr": {
                "Online marketing": {"loc": 0.0, "scale": 0.01},
                "TV": {"loc": 0.0, "scale": 0.0025},
                "Content Marketing": {"loc": 0.0, "scale": 0.005},
                "SEM": {"loc": 0.0, "scale": 0.01},
                "Digital": {"loc": 0.0, "scale": 0.005},
                "Sponsorship": {"loc": 0.0, "scale": 0.0025},
                "Affiliates": {"loc": 0.0, "scale": 0.01},
            }
        },
        "adstock_params": {
            "adstock": {
                "Online marketing": {"type": "geometric", "params": {"lambda": 0.1}},
                "TV": {"type": "geometric", "params": {"lambda": 0.2}},
                "Content Marketing": {"type": "geometric", "params": {"lambda": 0.15}},
                "SEM": {"type": "geometric", "params": {"lambda": 0.08}},
                "Digital": {"type": "geometric", "params": {"lambda": 0.15}},
                "Sponsorship": {"type": "geometric", "params": {"lambda": 0.25}},
                "Affiliates": {"type": "geometric", "params": {"lambda": 0.05}},
            },
            "saturation": {
                "Online marketing": {"type": "scurve", "params": {"alpha": 4.0, "gamma": 0.20}},
                "TV": {"type": "scurve", "params": {"alpha": 3.0, "gamma": 0.30}},
                "Content Marketing": {"type": "scurve", "params": {"alpha": 2.0, "gamma": 0.40}},
                "SEM": {"type": "scurve", "params": {"alpha": 1.0, "gamma": 0.50}},
                "Digital": {"type": "scurve", "params": {"alpha": 2.0, "gamma": 0.30}},
                "Sponsorship": {"type": "scurve", "params": {"alpha": 3.0, "gamma": 0.40}},
                "Affiliates": {"type": "scurve", "params": {"alpha": 1.0, "gamma": 0.40}},
            },
        },
        "output_params": {"aggregation_level": "daily"},
    }


def _noisier(cfg: dict) -> dict:
    """A baseline a shop would recognise: seasonality of about +-8% and daily noise of about 4% (the example's are
    0.2% and 0.1%)."""
    cfg["baseline_params"].update({"temp_coef_mean": 1000, "temp_coef_sd": 200, "error_std": 4000})
    return cfg


def _strong_saturation() -> dict:
    """Steep Hill curves (pysimmmulator's `hill`, alpha 6-8) with the inflection near the bulk of the history: spend
    below it buys little, the marginal return peaks near it at 2-2.5x the rate far above it, and falls to that rate
    within about +-50% of it (pysimmmulator's x * Hill(x) has a linear asymptote: no curve of it caps the response)."""
    cfg = _noisier(_example())
    alphas = {
        "Online marketing": 6.0,
        "TV": 8.0,
        "Content Marketing": 6.0,
        "SEM": 6.0,
        "Digital": 7.0,
        "Sponsorship": 8.0,
        "Affiliates": 6.0,
    }
    gammas = {
        "Online marketing": 0.45,
        "TV": 0.5,
        "Content Marketing": 0.4,
        "SEM": 0.5,
        "Digital": 0.45,
        "Sponsorship": 0.5,
        "Affiliates": 0.4,
    }
    cfg["adstock_params"]["saturation"] = {
        c: {"type": "hill", "params": {"alpha": alphas[c], "gamma": gammas[c]}} for c in SIM_CHANNELS
    }
    return cfg


def _long_carryover() -> dict:
    """Daily geometric decays of 0.6-0.95 (half-lives of 1.4-13.5 days; weekly decays 0.03-0.70) and a delayed Weibull
    (peak after 1-2 weeks, most of the effect within 4-6 weeks) for TV and Sponsorship; the example's S-curves."""
    cfg = _noisier(_example())
    lambdas = {"Online marketing": 0.85, "Content Marketing": 0.95, "SEM": 0.6, "Digital": 0.9, "Affiliates": 0.7}
    adstock = {c: {"type": "geometric", "params": {"lambda": v}} for c, v in lambdas.items()}
    adstock["TV"] = {"type": "weibull", "params": {"shape": 2.0, "scale": 14.0, "adstock_type": "pdf"}}
    adstock["Sponsorship"] = {"type": "weibull", "params": {"shape": 1.5, "scale": 20.0, "adstock_type": "pdf"}}
    # pysimmmulator's geometric adstock is not normalised (a unit of media counts 1 / (1 - lambda) times in all), its
    # Weibull is; the CVRs are rescaled so each channel's long-run effect per rupee stays the example's
    example = cfg["adstock_params"]["adstock"]
    for c, spec in adstock.items():
        cfg["basic_params"]["true_cvr"][c] *= _adstock_mass(example[c]) / _adstock_mass(spec)
    cfg["adstock_params"]["adstock"] = adstock
    return cfg


def _adstock_mass(spec: dict) -> float:
    """How many times pysimmmulator's adstock counts one unit of media in all."""
    return 1.0 / (1.0 - spec["params"]["lambda"]) if spec["type"] == "geometric" else 1.0


@dataclass(frozen=True)
class WorldConfig:
    """One family of worlds: the pysimmmulator configuration and whether subcategories share channel effects."""

    name: str
    build: object  # () -> pysimmmulator config dict
    share_effects: bool
    about: str


CONFIGS: dict[str, WorldConfig] = {
    c.name: c
    for c in (
        WorldConfig("example", _example, True, "pysimmmulator's example config; subcategories share channel effects"),
        WorldConfig("strong_saturation", _strong_saturation, False, "steep Hill curves near the history; subcategories differ"),
        WorldConfig(
            "long_carryover", _long_carryover, False, "long geometric and delayed Weibull carry-over; subcategories differ"
        ),
        WorldConfig("example_differ", _example, False, "the example, but each subcategory has its own CVR per channel"),
        WorldConfig("long_carryover_shared", _long_carryover, True, "long carry-over; subcategories share channel effects"),
    )
}
DEFAULT_CONFIGS = ("example", "strong_saturation", "long_carryover")


def config_names() -> list[str]:
    return list(CONFIGS)


def _config(name: str) -> WorldConfig:
    if name not in CONFIGS:
        raise ValueError(f"unknown simmm world {name!r}; valid: {', '.join(CONFIGS)}")
    return CONFIGS[name]


# --- the true transforms, with the saturation's inflection frozen at the world's own ---------------------------------


def _adstock(values: np.ndarray, spec: dict) -> np.ndarray:
    """pysimmmulator's adstock of one daily series (its own functions)."""
    series = pd.Series(values)
    if spec["type"] == "geometric":
        return geometric_adstock(series, spec["params"]["lambda"]).to_numpy()
    if spec["type"] == "weibull":
        return weibull_adstock(series, **spec["params"]).to_numpy()
    raise ValueError(f"adstock type {spec['type']!r}: geometric or weibull")


def _inflection(adstocked: np.ndarray, spec: dict) -> float:
    """The saturation's inflection point as pysimmmulator computes it from the series it transforms."""
    gamma = spec["params"]["gamma"]
    if spec["type"] == "scurve":
        return float(np.quantile(np.linspace(adstocked.min(), adstocked.max(), num=100), gamma))
    if spec["type"] == "hill":
        return float(gamma * adstocked.max() if gamma <= 1.0 else gamma)
    raise ValueError(f"saturation type {spec['type']!r}: scurve or hill")


def _saturate(x: np.ndarray, alpha: float, inflection: float) -> np.ndarray:
    """pysimmmulator's scurve / hill with a fixed inflection: x * x^a / (x^a + g^a)."""
    xa = np.power(np.maximum(x, 0.0), alpha)
    return xa / (xa + inflection**alpha) * x


@dataclass
class SimmmWorld:
    """Everything needed to recompute the world's GMV under another spend path (daily arrays over the simulator's days).

    Attributes:
        name, seed: the configuration and seed.
        days: the simulator's days (SIM_YEARS x 365 from DATA_START).
        spend: company spend per channel and day, simulator money (days x SIM_CHANNELS).
        unit_cost: the row-level CPM/1000 (impression channels) or CPC (click channels) per day and channel.
        cvr: subcategory -> row-level CVR per day and channel.
        adstock, saturation: subcategory -> channel -> pysimmmulator spec.
        inflection: subcategory -> channel -> the saturation's inflection on the world's own series.
        baseline_revenue: subcategory -> daily baseline revenue (simulator money).
        revenue_per_conv: simulator money per conversion.
        rupees_per_unit: rupees per unit of simulator money (the scale that gives about N_ORDERS orders).
    """

    name: str
    seed: int
    days: pd.DatetimeIndex
    spend: pd.DataFrame
    unit_cost: pd.DataFrame
    cvr: dict[str, pd.DataFrame]
    adstock: dict[str, dict[str, dict]]
    saturation: dict[str, dict[str, dict]]
    inflection: dict[str, dict[str, float]]
    baseline_revenue: dict[str, np.ndarray]
    revenue_per_conv: float
    rupees_per_unit: float = 1.0
    share_effects: bool = True
    cvr_multiplier: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_state(self) -> dict:
        """The fields as a plain dict (pickled as the world's truth; `SimmmWorld(**state)` rebuilds it)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def subcategories(self) -> list[str]:
        return list(self.cvr)

    @property
    def channels(self) -> list[str]:
        return list(self.spend.columns)

    def ad_revenue(self, sub: str, spend: pd.DataFrame | None = None) -> pd.DataFrame:
        """Daily ad revenue (simulator money) of `sub` per channel under a daily spend path (default: the world's)."""
        spend = self.spend if spend is None else spend
        out = {}
        for c in self.channels:
            units = spend[c].to_numpy() / self.unit_cost[c].to_numpy()  # impressions or clicks
            stock = _adstock(units, self.adstock[sub][c])
            sat = _saturate(stock, self.saturation[sub][c]["params"]["alpha"], self.inflection[sub][c])
            out[c] = sat * self.cvr[sub][c].to_numpy() * self.revenue_per_conv
        return pd.DataFrame(out, index=self.days)

    def media_gmv(self, sub: str, spend: pd.DataFrame | None = None) -> pd.DataFrame:
        """Daily media-driven GMV in rupees of `sub` per channel."""
        return self.ad_revenue(sub, spend) * self.rupees_per_unit

    def plan_spend(self, plan_crore: pd.DataFrame) -> pd.DataFrame:
        """The world's daily spend with the plan's days replaced by the plan (week_start index, crore per week and
        channel; each week's amount spread evenly over its 7 days)."""
        from gmvplanner.units import RUPEES_IN_CRORE  # noqa: PLC0415 - one units object for money

        spend = self.spend.copy()
        for week, row in plan_crore.iterrows():
            span = pd.date_range(pd.Timestamp(week), periods=7, freq="D")
            if span[-1] > self.days[-1]:
                raise ValueError(f"plan week {week} ends after the simulated days ({self.days[-1].date()})")
            for c in self.channels:
                spend.loc[span, c] = RUPEES_IN_CRORE.to_base(float(row.get(c, 0.0))) / self.rupees_per_unit / 7.0
        return spend

    def plan_gmv(self, plan_crore: pd.DataFrame, subs: list[str] | None = None) -> float:
        """True media GMV (rupees) of `subs` over the plan's days when the plan follows the world's history."""
        first = pd.Timestamp(plan_crore.index[0])
        last = pd.Timestamp(plan_crore.index[-1]) + pd.Timedelta(days=6)
        spend = self.plan_spend(plan_crore)
        inside = (self.days >= first) & (self.days <= last)
        return float(sum(self.media_gmv(s, spend).to_numpy()[inside].sum() for s in subs or self.subcategories))

    def plan_response(self, first: pd.Timestamp, n_weeks: int, subs: list[str] | None = None) -> PlanResponse:
        """The true GMV of even plans over `n_weeks` weeks from `first`, as a fast function of the channel totals
        (equal to `plan_gmv` of `even_plan`; see `PlanResponse`)."""
        return PlanResponse(self, pd.Timestamp(first), n_weeks, subs or self.subcategories)

    def true_roi(self, start: str = DATA_START, end: str = DATA_END) -> pd.DataFrame:
        """Media GMV / spend per subcategory and channel over a window (the company's spend: the rank within a
        subcategory does not depend on how the tool allocates spend to subcategories)."""
        inside = (self.days >= pd.Timestamp(start)) & (self.days <= pd.Timestamp(end))
        spend = self.spend.loc[inside].sum()
        return pd.DataFrame({s: self.ad_revenue(s).loc[inside].sum() / spend for s in self.subcategories}).T


class PlanResponse:
    """True media GMV (rupees) of the modelled subcategories over a plan's days, when each channel's total (crore) is
    spread evenly over the plan's days after the world's history.

    Adstock is linear, so over the plan's days each channel's stock is H + x U: H the carry-over of the world's own
    spend before the plan (the spend from the plan's first day on set to 0), U the stock of one crore spread evenly
    over the plan's days (with the world's CPM/CPC draws of those days). Saturation (inflection frozen at the world's)
    and the CVR draws then act day by day, and channels add up: `gmv(x) = sum_c curve_c(x_c)`.
    """

    def __init__(self, world: SimmmWorld, first: pd.Timestamp, n_weeks: int, subs: list[str]):
        from gmvplanner.units import RUPEES_IN_CRORE  # noqa: PLC0415

        self.channels = world.channels
        n_days = 7 * n_weeks
        start = world.days.get_loc(first)
        if start + n_days > len(world.days):
            raise ValueError(f"plan from {first.date()} for {n_weeks} weeks ends after the simulated days")
        inside = slice(start, start + n_days)
        per_crore = RUPEES_IN_CRORE.to_base(1.0) / world.rupees_per_unit / n_days  # simulator money per day per crore
        self.parts: dict[str, list[tuple[np.ndarray, np.ndarray, float, float, np.ndarray]]] = {c: [] for c in self.channels}
        for c in self.channels:
            cost = world.unit_cost[c].to_numpy()
            before = world.spend[c].to_numpy().copy()
            before[start:] = 0.0
            unit = np.zeros(len(world.days))
            unit[inside] = per_crore
            for s in subs:
                spec = world.adstock[s][c]
                carried = _adstock(before / cost, spec)[inside]
                one_crore = _adstock(unit / cost, spec)[inside]
                scale = world.cvr[s][c].to_numpy()[inside] * world.revenue_per_conv * world.rupees_per_unit
                alpha = world.saturation[s][c]["params"]["alpha"]
                self.parts[c].append((carried, one_crore, alpha, world.inflection[s][c], scale))

    def curve(self, channel: str, totals: np.ndarray) -> np.ndarray:
        """The channel's true GMV (rupees) for each of `totals` (crore over the plan)."""
        totals = np.atleast_1d(np.asarray(totals, dtype=float))
        out = np.zeros(len(totals))
        for carried, one_crore, alpha, inflection, scale in self.parts.get(channel, []):
            stock = carried[None, :] + totals[:, None] * one_crore[None, :]
            out += (_saturate(stock, alpha, inflection) * scale[None, :]).sum(axis=1)
        return out

    def gmv(self, channels: list[str], totals: np.ndarray) -> float:
        """True GMV of a split (`totals` in crore, in the order of `channels`; channels the world lacks add 0)."""
        return float(sum(self.curve(c, np.array([x]))[0] for c, x in zip(channels, totals)))


# --- building a world with pysimmmulator ----------------------------------------------------------------------------


def _sale_days() -> list[str]:
    return [str(d.date()) for first, n, _ in SALES_2014 + SALES_2015 for d in pd.date_range(first, periods=n, freq="D")]


def _sub_config(cfg: dict, weight: float, cvr_mult: dict[str, float]) -> dict:
    """A subcategory's own run: its share of the baseline, its CVRs, the sale days as exogenous multipliers."""
    sub = copy.deepcopy(cfg)
    base = sub["baseline_params"]
    for key in ("base_p", "trend_p", "temp_coef_mean", "temp_coef_sd", "error_std"):
        base[key] = base[key] * weight
    base["exogenous_factors"] = [{"name": "sale", "dates": _sale_days(), "impact": SALE_MULTIPLIER, "type": "multiplier"}]
    sub["basic_params"]["true_cvr"] = {c: min(1.0, v * weight * cvr_mult[c]) for c, v in cfg["basic_params"]["true_cvr"].items()}
    return sub


def build_world(name: str, seed: int, subcategories: tuple[str, ...] = DEFAULT_SUBCATEGORIES) -> SimmmWorld:
    """Run pysimmmulator for one configuration and seed (one company run for spend and media, one run per
    subcategory for baseline and CVR) and keep what the true response needs."""
    spec = _config(name)
    cfg = spec.build()
    params = create_all_parameters(cfg)
    company = Simulate(params["basic_params"], random_seed=[seed, 0])
    baseline = company.simulate_baseline(params["baseline_params"])
    spend_rows = company.simulate_ad_spend(baseline_sales_df=baseline, params=params["ad_spend_params"])
    spend_rows = company.simulate_media(spend_df=spend_rows, params=params["media_params"])
    n_days = SIM_YEARS * 365
    days = pd.date_range(DATA_START, periods=n_days, freq="D")
    # frequency_of_campaigns = 1: campaign i is day i
    by_channel = {c: spend_rows.loc[spend_rows["channel"] == c].sort_values("campaign_id") for c in SIM_CHANNELS}
    spend = pd.DataFrame({c: by_channel[c]["daily_spend"].to_numpy()[:n_days] for c in SIM_CHANNELS}, index=days)
    unit_cost = pd.DataFrame(
        {
            c: (by_channel[c]["noisy_cpc"] if c in CLICK_CHANNELS else by_channel[c]["noisy_cpm"] / 1000.0).to_numpy()[:n_days]
            for c in SIM_CHANNELS
        },
        index=days,
    )
    weights = np.array([SUB_WEIGHTS.get(s, 1.0) for s in subcategories])
    weights = weights / weights.sum()
    differ_rng = np.random.default_rng([seed, 99])
    cvr, adstock, saturation, inflection, base_rev, mults = {}, {}, {}, {}, {}, {}
    for k, sub in enumerate(subcategories):
        mult = {c: 1.0 for c in SIM_CHANNELS}
        if not spec.share_effects:
            mult = {c: float(v) for c, v in zip(SIM_CHANNELS, differ_rng.lognormal(0.0, DIFFER_SIGMA, len(SIM_CHANNELS)))}
        sub_cfg = _sub_config(cfg, float(weights[k]), mult)
        sub_params = create_all_parameters(sub_cfg)
        run = Simulate(sub_params["basic_params"], random_seed=[seed, k + 1])
        sub_base = run.simulate_baseline(sub_params["baseline_params"])
        rows = run.simulate_cvr(spend_df=spend_rows.copy(), params=sub_params["cvr_params"])
        cvr[sub] = pd.DataFrame(
            {c: rows.loc[rows["channel"] == c].sort_values("campaign_id")["noisy_cvr"].to_numpy()[:n_days] for c in SIM_CHANNELS},
            index=days,
        )
        adstock[sub] = sub_cfg["adstock_params"]["adstock"]
        saturation[sub] = sub_cfg["adstock_params"]["saturation"]
        inflection[sub] = {}
        for c in SIM_CHANNELS:
            stock = _adstock(spend[c].to_numpy() / unit_cost[c].to_numpy(), adstock[sub][c])
            inflection[sub][c] = _inflection(stock, saturation[sub][c])
        base_rev[sub] = np.round(sub_base["baseline_sales"].to_numpy()[:n_days]) * cfg["basic_params"]["revenue_per_conv"]
        mults[sub] = mult
    return SimmmWorld(
        name=name,
        seed=seed,
        days=days,
        spend=spend,
        unit_cost=unit_cost,
        cvr=cvr,
        adstock=adstock,
        saturation=saturation,
        inflection=inflection,
        baseline_revenue=base_rev,
        revenue_per_conv=float(cfg["basic_params"]["revenue_per_conv"]),
        share_effects=spec.share_effects,
        cvr_multiplier=mults,
    )


def check_against_pysimmmulator(world: SimmmWorld) -> float:
    """Largest relative gap between `SimmmWorld.ad_revenue` on the world's own spend and pysimmmulator's own
    saturation function on the same adstocked series (they must agree: the inflection is the series' own)."""
    from pysimmmulator.transforms import hill_saturation, scurve_saturation  # noqa: PLC0415

    gap = 0.0
    for sub in world.subcategories:
        for c in world.channels:
            stock = pd.Series(_adstock(world.spend[c].to_numpy() / world.unit_cost[c].to_numpy(), world.adstock[sub][c]))
            spec = world.saturation[sub][c]
            theirs = (scurve_saturation if spec["type"] == "scurve" else hill_saturation)(stock, **spec["params"]).to_numpy()
            ours = _saturate(stock.to_numpy(), spec["params"]["alpha"], world.inflection[sub][c])
            gap = max(gap, float(np.max(np.abs(ours - theirs)) / max(np.max(np.abs(theirs)), 1e-12)))
    return gap


# --- the ElecKart-layout files ---------------------------------------------------------------------------------------


def _aov(sub: str) -> float:
    """Expected order value of a subcategory (as gmvplanner.synth's orders come out: MRP x 1.25 x 1.1 units x 78%)."""
    return SUBCATEGORY_SPECS[sub].median_mrp * 1.25 * 1.1 * 0.78


def _orders(world: SimmmWorld, n_orders: int) -> pd.DataFrame:
    """Order rows whose GMV per subcategory and day is the world's GMV of that day."""
    rng = np.random.default_rng([world.seed, 17])
    window = (world.days >= pd.Timestamp(DATA_START)) & (world.days <= pd.Timestamp(DATA_END))
    days = world.days[window]
    subs = world.subcategories
    revenue = {s: world.baseline_revenue[s][window] + world.ad_revenue(s).to_numpy()[window].sum(axis=1) for s in subs}
    media = {s: world.ad_revenue(s).to_numpy()[window].sum(axis=1) for s in subs}
    world.rupees_per_unit = n_orders / sum(revenue[s].sum() / _aov(s) for s in subs)
    is_sale = days.isin(pd.to_datetime(_sale_days()))
    flat: dict[str, list[np.ndarray]] = {k: [] for k in ("sub", "day", "disc", "sla", "prepaid", "media_share")}
    for si, s in enumerate(subs):
        gmv = revenue[s] * world.rupees_per_unit
        counts = np.maximum(1, np.round(gmv / _aov(s))).astype(np.int64)
        day_idx = np.repeat(np.arange(len(days)), counts)
        n = len(day_idx)
        flat["sub"].append(np.full(n, si))
        flat["day"].append(day_idx)
        flat["disc"].append(np.clip(0.22 + 0.14 * is_sale[day_idx] + rng.normal(0, 0.02, n), 0.02, 0.8))
        flat["sla"].append(np.clip(5.5 + rng.normal(0, 0.4, n), 1, 12))
        flat["prepaid"].append(np.full(n, 0.3))
        flat["media_share"].append((media[s] / revenue[s])[day_idx])
    arrays = {k: np.concatenate(v) for k, v in flat.items()}
    orders = draw_orders(rng, arrays, subs, days)
    # each subcategory-day's GMV is rescaled to the world's exactly (the order draws only split it into rows)
    key = arrays["sub"] * len(days) + arrays["day"]
    target = np.concatenate([revenue[s] * world.rupees_per_unit for s in subs])
    drawn = np.bincount(key, weights=orders["gmv"].to_numpy(), minlength=len(subs) * len(days))
    orders["gmv"] = np.round(orders["gmv"].to_numpy() * (target / np.maximum(drawn, 1.0))[key]).clip(1)
    share = arrays["media_share"]
    orders["cust_id"], orders["pincode"], _ = simulate_customers(world.seed, arrays["day"], share, NEW_SHARE_OF_MEDIA * share)
    return orders.iloc[rng.permutation(len(orders))].reset_index(drop=True)


def _crore(world: SimmmWorld, frame: pd.DataFrame) -> pd.DataFrame:
    from gmvplanner.units import RUPEES_IN_CRORE  # noqa: PLC0415

    return frame * world.rupees_per_unit / RUPEES_IN_CRORE.to_base(1.0)


def _weekly_media(world: SimmmWorld) -> pd.DataFrame:
    """Weekly company spend in crore per Monday week covering the window (a partial first week at its daily mean)."""
    start, end = pd.Timestamp(DATA_START), pd.Timestamp(DATA_END)
    first = start - pd.Timedelta(days=start.day_of_week)
    weeks = pd.date_range(first, end, freq="7D")
    daily = _crore(world, world.spend)
    rows = [daily.loc[(daily.index >= w) & (daily.index < w + pd.Timedelta(days=7))].mean() * 7 for w in weeks]
    frame = pd.DataFrame(rows, index=weeks).reindex(columns=list(CHANNELS)).fillna(0.0)
    return frame.rename_axis("date").reset_index()


def _monthly_media(world: SimmmWorld) -> pd.DataFrame:
    """Monthly company spend in crore, ElecKart's layout (stray space in ' Affiliates', blanks for nothing spent)."""
    daily = _crore(world, world.spend).loc[DATA_START:DATA_END].reindex(columns=list(CHANNELS)).fillna(0.0)
    monthly = daily.groupby([daily.index.year, daily.index.month]).sum().round(6)
    monthly.index.names = ["Year", "Month"]
    out = monthly.reset_index()
    out.insert(2, "Total Investment", monthly.sum(axis=1).round(6).to_numpy())
    out = out.rename(columns={"Affiliates": " Affiliates"})
    for col in ("Radio", "Other"):
        out[col] = out[col].where(out[col] > 0)
    return out


def _dated(pairs: list[tuple[pd.Timestamp, str]], column: str) -> pd.DataFrame:
    return pd.DataFrame({"Date": [f"{d.month}/{d.day}/{d.year}" for d, _ in pairs], column: [v for _, v in pairs]})


def write_world(world: SimmmWorld, folder: Path, n_orders: int = N_ORDERS) -> dict[str, Path]:
    """The world's files in the layout `gmvplanner.synth.write_dataset` writes, plus `world.pkl` (the truth)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {role: folder / FILE_NAMES[role] for role in ("orders", "media", "media_weekly", "sales", "holidays", "nps")}
    orders = _orders(world, n_orders)  # sets world.rupees_per_unit
    _orders_csv(orders, paths["orders"])
    _monthly_media(world).to_csv(paths["media"], index=False)
    weekly = _weekly_media(world)
    weekly["date"] = weekly["date"].dt.strftime("%Y-%m-%d")
    weekly.round(6).to_csv(paths["media_weekly"], index=False)
    sales = [(d, name) for first, n, name in SALES_2014 + SALES_2015 for d in pd.date_range(first, periods=n, freq="D")]
    _dated(sales, "Sales Name").to_csv(paths["sales"], index=False)
    _dated([(pd.Timestamp(d), name) for d, name in HOLIDAYS], "Holiday").to_csv(paths["holidays"], index=False)
    months = pd.period_range(DATA_START, DATA_END, freq="M")
    nps = np.clip(50 + np.cumsum(np.random.default_rng([world.seed, 23]).normal(0, 2.5, len(months))), 38, 65).round(1)
    pd.DataFrame({"Date": [f"{p.month}/1/{p.year}" for p in months], "NPS": nps}).to_csv(paths["nps"], index=False)
    paths["world"] = folder / "world.pkl"
    paths["world"].write_bytes(pickle.dumps(world.to_state()))  # plain fields: loads whatever module name runs
    roi = world.true_roi()
    paths["truth"] = folder / "truth.json"
    paths["truth"].write_text(
        json.dumps(
            {
                "world": world.name,
                "seed": world.seed,
                "share_effects": world.share_effects,
                "rupees_per_unit": world.rupees_per_unit,
                "true_roi_gmv_per_rupee": roi.round(4).to_dict(orient="index"),
                "cvr_multiplier": world.cvr_multiplier,
                "orders": len(orders),
            },
            indent=1,
        )
    )
    return paths


def world_dataset(name: str, seed: int, n_orders: int = N_ORDERS) -> tuple[dict[str, Path], SimmmWorld]:
    """One world's files for one seed, generated once under bench/results/simmm/ (written to a temporary folder
    and moved into place, so an interrupted run leaves nothing half-written)."""
    folder = CACHE / f"{name}_seed{seed}_{n_orders}"
    pickle_path = folder / "world.pkl"
    roles = ("orders", "media", "media_weekly", "sales", "holidays", "nps")
    if pickle_path.exists() and all((folder / FILE_NAMES[r]).exists() for r in roles):
        paths = {r: folder / FILE_NAMES[r] for r in roles} | {"world": pickle_path, "truth": folder / "truth.json"}
        return paths, SimmmWorld(**pickle.loads(pickle_path.read_bytes()))
    world = build_world(name, seed)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".generating-", dir=folder.parent))
    try:
        write_world(world, tmp, n_orders)
        shutil.rmtree(folder, ignore_errors=True)
        tmp.replace(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return world_dataset(name, seed, n_orders)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="example", choices=config_names())
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--n-orders", type=int, default=N_ORDERS)
    args = parser.parse_args(argv)
    paths, world = world_dataset(args.config, args.seed, args.n_orders)
    print(f"{args.config} seed {args.seed}: {paths['orders'].parent}")
    print(
        f"pysimmmulator's saturation vs ours on the world's own series: max relative gap {check_against_pysimmmulator(world):.2e}"
    )
    weeks = pd.date_range(PLAN_START, periods=13, freq="7D")
    totals = np.random.default_rng(0).uniform(0.01, 0.2, len(world.channels))
    slow = world.plan_gmv(pd.DataFrame({c: [x / 13] * 13 for c, x in zip(world.channels, totals)}, index=weeks))
    fast = world.plan_response(weeks[0], 13).gmv(world.channels, totals)
    print(f"a random 13-week plan: PlanResponse {fast:,.0f} vs the whole daily path {slow:,.0f} rupees ({fast / slow - 1:.1e})")
    print("true ROI (media GMV per rupee of company spend, training window):")
    print(world.true_roi().round(3).to_string())
    window = slice(DATA_START, DATA_END)
    for s in world.subcategories:
        ads = world.ad_revenue(s).loc[window].sum().sum()
        base = world.baseline_revenue[s][: len(world.days[world.days <= DATA_END])].sum()
        print(f"{s}: media share of GMV {ads / (ads + base):.1%}")


if __name__ == "__main__":
    main()

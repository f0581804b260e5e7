"""Seeded generator of ElecKart-layout data whose true channel effects are known.

It writes the files a user has (orders, monthly media in crore, a dated weekly media file,
sale calendar, NPS, holidays) and keeps the generating process (`TrueProcess`) so tests and
benchmarks can check what the pipeline recovers against what was put in.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pac

from .config import DEFAULT_SUBCATEGORIES, ORDER_COLUMNS
from .features.transforms import geometric_adstock, hill
from .units import CRORE

__all__ = ["SynthConfig", "TrueProcess", "generate", "write_dataset", "lift_tests", "SUBCATEGORY_SPECS"]

log = logging.getLogger(__name__)

# subcategory -> (category, share of orders, median MRP in rupees, verticals)
SUBCATEGORY_SPECS: dict[str, tuple[str, float, float, tuple[str, ...]]] = {
    "CameraAccessory": (
        "CameraAccessory",
        0.15,
        1400.0,
        (
            "CameraBattery",
            "CameraTripod",
            "Lens",
            "Flash",
            "CameraBag",
            "CameraBatteryCharger",
            "Filter",
            "CameraRemoteControl",
            "CameraMount",
            "Strap",
        ),
    ),
    "HomeAudio": (
        "EntertainmentSmall",
        0.09,
        3500.0,
        ("HomeAudioSpeaker", "FMRadio", "HiFiSystem", "HomeTheatre", "BoomBox", "DockingStation", "Dock"),
    ),
    "GamingAccessory": (
        "GamingHardware",
        0.13,
        1600.0,
        (
            "GamePad",
            "GamingHeadset",
            "GamingMouse",
            "GamingKeyboard",
            "GamingAccessoryKit",
            "GamingMemoryCard",
            "GamingMousePad",
            "JoystickGamingWheel",
            "GamingAdapter",
        ),
    ),
    "Speaker": ("EntertainmentSmall", 0.28, 1100.0, ("LaptopSpeaker", "MobileSpeaker")),
    "Camera": ("Camera", 0.07, 18000.0, ("DSLR", "Point & Shoot", "Instant Cameras", "Camcorders", "SportsAndAction")),
    "TVVideoSmall": (
        "EntertainmentSmall",
        0.09,
        2200.0,
        ("SelectorBox", "RemoteControl", "VideoGlasses", "VideoPlayer", "TVOutCableAccessory"),
    ),
    "GameCDDVD": ("GameCDDVD", 0.07, 1900.0, ("PhysicalGame", "CodeInTheBoxGame")),
    "AudioMP3Player": ("EntertainmentSmall", 0.12, 1700.0, ("AudioMP3Player", "VoiceRecorder", "Microphone")),
}

# channel -> (weekly spend level in crore at full scale, carry-over decay per week,
#             half-saturation as a multiple of the level, true ROI at the level, spend volatility)
CHANNEL_SPECS: dict[str, tuple[float, float, float, float, float]] = {
    "TV": (0.15, 0.6, 1.0, 0.6, 0.8),
    "Digital": (0.08, 0.3, 1.0, 1.1, 0.8),
    "Sponsorship": (0.35, 0.5, 1.0, 0.35, 0.8),
    "Content Marketing": (0.03, 0.5, 1.0, 0.8, 0.8),
    "Online marketing": (0.25, 0.2, 1.0, 1.4, 0.8),
    "Affiliates": (0.08, 0.1, 1.0, 1.8, 0.8),
    "SEM": (0.18, 0.0, 1.0, 2.4, 0.8),
    "Radio": (0.03, 0.4, 1.0, 0.2, 0.8),
    "Other": (0.10, 0.3, 1.0, 0.1, 0.8),
}

FULL_SCALE_ORDERS = 1_650_000

SALES_2014 = [
    ("2014-07-28", 2, "Eid & Rathayatra sale"),
    ("2014-08-15", 3, "Independence Sale"),
    ("2014-08-09", 2, "Rakshabandhan Sale"),
    ("2014-10-02", 3, "Daussera sale"),
    ("2014-10-18", 8, "Big Diwali Sale"),
    ("2014-12-25", 10, "Christmas & New Year Sale"),
    ("2015-01-24", 3, "Republic Day"),
    ("2015-02-01", 2, "BED"),
    ("2015-02-14", 2, "Valentine's Day"),
    ("2015-02-20", 2, "FHSD"),
    ("2015-03-07", 3, "BSD-5"),
    ("2015-05-25", 3, "Pacman"),
]
SALES_2015 = [
    ("2015-07-18", 2, "Eid & Rathayatra sale"),
    ("2015-08-15", 3, "Independence Sale"),
    ("2015-08-28", 3, "Rakshabandhan Sale"),
    ("2015-10-15", 3, "Daussera sale"),
    ("2015-11-07", 8, "Big Diwali Sale"),
    ("2015-12-25", 10, "Christmas & New Year Sale"),
    ("2016-01-20", 3, "Republic Day"),
    ("2016-02-01", 2, "BED"),
    ("2016-02-14", 2, "Valentine's Day"),
    ("2016-02-20", 2, "FHSD"),
    ("2016-03-07", 3, "BSD-5"),
    ("2016-05-25", 3, "Pacman"),
]
HOLIDAYS = [
    ("2014-07-29", "Id-Ul-Fitr"),
    ("2014-08-15", "Independence Day"),
    ("2014-08-17", "Krishna Janmastami"),
    ("2014-08-29", "Ganesh Chaturthi"),
    ("2014-10-02", "Mahatma Gandhi Jayanthi"),
    ("2014-10-03", "Vijaya Dashami"),
    ("2014-10-23", "Diwali"),
    ("2014-11-06", "Guru Nanak Jayanthi"),
    ("2014-12-25", "Christmas"),
    ("2015-01-26", "Republic Day"),
    ("2015-02-17", "Maha Shivratri"),
    ("2015-03-06", "Holi"),
    ("2015-04-03", "Good Friday"),
    ("2015-05-01", "May Day"),
    ("2015-07-18", "Id-Ul-Fitr"),
    ("2015-08-15", "Independence Day"),
    ("2015-09-05", "Krishna Janmastami"),
    ("2015-09-17", "Ganesh Chaturthi"),
    ("2015-10-02", "Mahatma Gandhi Jayanthi"),
    ("2015-10-22", "Vijaya Dashami"),
    ("2015-11-11", "Diwali"),
    ("2015-12-25", "Christmas"),
    ("2016-01-26", "Republic Day"),
    ("2016-03-07", "Maha Shivratri"),
    ("2016-03-24", "Holi"),
    ("2016-03-25", "Good Friday"),
    ("2016-05-01", "May Day"),
    ("2016-05-21", "Buddha Purnima"),
]


@dataclass
class SynthConfig:
    """What to generate: the window, the number of orders and the seed."""

    start: str = "2014-07-01"
    end: str = "2016-06-30"
    n_orders: int = FULL_SCALE_ORDERS
    seed: int = 7
    subcategories: tuple[str, ...] = tuple(SUBCATEGORY_SPECS)
    messy: bool = True


@dataclass
class TrueProcess:
    """The known media effect: GMV_s,w += beta[s,c] * hill(adstock(spend_c) / K_c)."""

    channels: list[str]
    subcategories: list[str]
    decay: dict[str, float]
    half_saturation_crore: dict[str, float]
    beta_rupees: dict[str, dict[str, float]]  # subcategory -> channel -> weekly rupees at saturation
    weekly_spend_crore: pd.DataFrame = field(repr=False)  # week_start index, channel columns (full weeks)
    customers: dict = field(default_factory=dict)  # the customer model and each class's true size (see `_customers`)

    def media_gmv(self, weekly_spend_crore: pd.DataFrame, subcategory: str, carry_in: pd.Series | None = None) -> pd.DataFrame:
        """True weekly media-driven GMV (rupees) of one subcategory, one column per channel."""
        out = {}
        for channel in self.channels:
            spend = (
                weekly_spend_crore[channel].to_numpy(float)
                if channel in weekly_spend_crore
                else np.zeros(len(weekly_spend_crore))
            )
            init = 0.0 if carry_in is None else float(carry_in.get(channel, 0.0))
            stock = geometric_adstock(spend, self.decay[channel], initial=init)
            out[channel] = self.beta_rupees[subcategory][channel] * hill(stock, self.half_saturation_crore[channel])
        return pd.DataFrame(out, index=weekly_spend_crore.index)

    def new_customer_gmv(
        self, weekly_spend_crore: pd.DataFrame, subcategory: str, carry_in: pd.Series | None = None
    ) -> pd.DataFrame:
        """True weekly GMV of new customers' first orders that media brings (rupees), one column per channel: each
        channel's media GMV times its share of first orders (`customers["new_share_by_channel"]`)."""
        shares = self.customers["new_share_by_channel"]
        media = self.media_gmv(weekly_spend_crore, subcategory, carry_in)
        return media * pd.Series({c: shares.get(c, NEW_SHARE_OTHER_CHANNELS) for c in media.columns})

    def to_json(self) -> dict:
        """Parameters as plain JSON (spend is written to its own file)."""
        return {
            "customers": self.customers,
            "channels": self.channels,
            "subcategories": self.subcategories,
            "decay": self.decay,
            "half_saturation_crore": self.half_saturation_crore,
            "beta_rupees": self.beta_rupees,
        }

    @classmethod
    def from_files(cls, params_path: Path, weekly_spend_path: Path) -> TrueProcess:
        """Read back what `write_dataset` wrote."""
        params = json.loads(Path(params_path).read_text())
        params.pop("config", None)
        params.pop("data_version", None)
        spend = pd.read_csv(weekly_spend_path, parse_dates=["date"]).set_index("date")
        spend.index.name = "week_start"
        return cls(weekly_spend_crore=spend, **params)


def _weekly_spend(rng: np.random.Generator, weeks: pd.DatetimeIndex, scale: float) -> pd.DataFrame:
    """Weekly company spend per channel in crore: a slowly wandering level times independent weekly moves.

    Spend is deliberately not tied to the festive season, so channel effects are measurable apart from
    seasonality (real plans are more confounded; see the benchmark notes).
    """
    month = weeks.month.to_numpy()
    frame = {}
    for channel, (level, _decay, _half, _roi, vol) in CHANNEL_SPECS.items():
        wander = np.exp(np.cumsum(rng.normal(0, 0.03, len(weeks))))
        wander /= wander.mean()
        moves = rng.lognormal(-0.5 * vol**2, vol, len(weeks))
        spend = level * scale * wander * moves
        if channel == "TV":
            spend *= rng.random(len(weeks)) < 0.8  # flighting: some weeks off air
        if channel in ("Radio", "Other"):
            on = np.isin(month, [1, 3, 5, 10, 12]) if channel == "Radio" else np.isin(month, [1, 3, 5, 11])
            spend *= on
        frame[channel] = spend
    return pd.DataFrame(frame, index=weeks)


def _true_process(rng: np.random.Generator, weekly_spend: pd.DataFrame, subs: list[str], scale: float) -> TrueProcess:
    """Channel parameters with ROIs spread widely, subcategory weights that differ by channel."""
    decay, half, beta = {}, {}, {s: {} for s in subs}
    order_share = np.array([SUBCATEGORY_SPECS[s][1] for s in subs])
    order_share = order_share / order_share.sum()
    value_share = order_share * np.array([SUBCATEGORY_SPECS[s][2] for s in subs])
    value_share = value_share / value_share.sum()
    for channel, (level, dec, half_mult, roi, _vol) in CHANNEL_SPECS.items():
        decay[channel] = dec
        half[channel] = half_mult * level * scale
        tilt = rng.lognormal(0.0, 0.35, len(subs))
        weights = value_share * tilt / (value_share * tilt).sum()
        # at spend == half-saturation the hill is 0.5, so the ROI there is 0.5 * beta / spend
        total_beta = 2.0 * roi * level * scale * CRORE
        for s, w in zip(subs, weights):
            beta[s][channel] = float(total_beta * w)
    return TrueProcess(list(CHANNEL_SPECS), subs, decay, half, beta, weekly_spend)


def _calendar(days: pd.DatetimeIndex) -> pd.DataFrame:
    """Sale days, holidays and paydays for every day."""
    sale = pd.Series("", index=days)
    for first, n, name in SALES_2014 + SALES_2015:
        span = pd.date_range(first, periods=n, freq="D")
        sale[span[span.isin(days)]] = name
    holiday = pd.Series("", index=days)
    for date, name in HOLIDAYS:
        if pd.Timestamp(date) in holiday.index:
            holiday[pd.Timestamp(date)] = name
    return pd.DataFrame({"sale": sale, "holiday": holiday, "payday": days.day.isin([1, 15])}, index=days)


def generate(config: SynthConfig) -> tuple[dict[str, pd.DataFrame], TrueProcess]:
    """Build every table in memory: orders (as strings in the ElecKart layout) and the calendars."""
    rng = np.random.default_rng(config.seed)
    scale = config.n_orders / FULL_SCALE_ORDERS
    days = pd.date_range(config.start, config.end, freq="D")
    weeks = pd.date_range(days[0] - pd.Timedelta(days=days[0].day_of_week), days[-1], freq="W-MON")
    subs = list(config.subcategories)
    weekly_spend = _weekly_spend(rng, weeks, scale)
    truth = _true_process(rng, weekly_spend, subs, scale)
    cal = _calendar(days)
    n_days = len(days)
    week_of_day = ((days - weeks[0]).days // 7).to_numpy()

    # monthly NPS, a slow random walk around 50
    months = pd.period_range(days[0], days[-1], freq="M")
    nps = pd.Series(np.clip(50 + np.cumsum(rng.normal(0, 2.5, len(months))), 38, 65).round(1), index=months)
    nps_day = nps.reindex(days.to_period("M")).to_numpy()

    doy = days.day_of_year.to_numpy()
    t = np.arange(n_days) / 365.0
    dow = np.array([0.97, 0.96, 0.96, 0.97, 1.0, 1.06, 1.1])[days.day_of_week]
    season = 1 + 0.12 * np.cos(2 * np.pi * (doy - 300) / 365.25)
    is_sale = (cal["sale"] != "").to_numpy()
    is_hol = (cal["holiday"] != "").to_numpy()
    is_pay = cal["payday"].to_numpy()

    per_sub = []
    base_orders_unit, media_orders = [], []
    for si, sub in enumerate(subs):
        _cat, share, mrp_median, _verts = SUBCATEGORY_SPECS[sub]
        disc = np.clip(0.22 + 0.14 * is_sale + 0.03 * np.sin(2 * np.pi * t * 3 + si) + rng.normal(0, 0.02, n_days), 0.02, 0.8)
        sla = np.clip(5.5 - 0.8 * is_sale + 0.6 * np.sin(2 * np.pi * t + si) + rng.normal(0, 0.4, n_days), 1, 12)
        prepaid = np.clip(0.22 + 0.12 * t + 0.08 * is_sale + rng.normal(0, 0.02, n_days), 0.05, 0.9)
        shape = (
            share
            * (1 + 0.08 * t)
            * season
            * dow
            * (1 + (0.6 + 0.1 * si % 3) * is_sale)
            * (1 + 0.12 * is_hol)
            * (1 + 0.05 * is_pay)
            * (1 + 0.012 * (nps_day - 50))
            * (1 + 1.2 * (disc - 0.22))
            * (1 - 0.025 * (sla - 5.5))
        )
        aov = mrp_median * 1.25 * 1.1 * (1 - disc)  # lognormal mean factor times mean units
        by_channel = truth.media_gmv(weekly_spend, sub)
        media = by_channel.sum(axis=1).to_numpy()[week_of_day] / 7.0
        new_media = (by_channel * _new_shares(by_channel.columns)).sum(axis=1).to_numpy()[week_of_day] / 7.0
        per_sub.append((disc, sla, prepaid, shape, aov, media, new_media))
        base_orders_unit.append((shape * 1.0).sum())
        media_orders.append((media / aov).sum())
    base_scale = (config.n_orders * 0.985 - sum(media_orders)) / sum(base_orders_unit)
    if base_scale <= 0:
        raise ValueError("n_orders too small for the media effect; raise n_orders")

    columns: dict[str, list[np.ndarray]] = {
        k: [] for k in ("sub", "day", "disc", "sla", "prepaid", "media_share", "new_media_share")
    }
    for si, (disc, sla, prepaid, shape, aov, media, new_media) in enumerate(per_sub):
        expected_orders = base_scale * shape + media / aov
        counts = rng.poisson(expected_orders)
        day_idx = np.repeat(np.arange(n_days), counts)
        columns["sub"].append(np.full(len(day_idx), si))
        columns["day"].append(day_idx)
        columns["disc"].append(disc[day_idx])
        columns["sla"].append(sla[day_idx])
        columns["prepaid"].append(prepaid[day_idx])
        columns["media_share"].append((media / aov / expected_orders)[day_idx])  # share of the day's orders from media
        columns["new_media_share"].append((new_media / aov / expected_orders)[day_idx])  # ... that are first orders
    flat = {k: np.concatenate(v) for k, v in columns.items()}
    n = len(flat["day"])

    # product catalogue: fsn, vertical, MRP and procurement SLA per product
    catalogue = _catalogue(rng, subs)
    product = np.empty(n, dtype=np.int64)
    for si in range(len(subs)):
        rows = np.flatnonzero(flat["sub"] == si)
        ids = np.flatnonzero(catalogue["sub"] == si)
        pop = 1.0 / np.arange(1, len(ids) + 1) ** 0.9
        product[rows] = ids[np.searchsorted(np.cumsum(pop) / pop.sum(), rng.random(len(rows)))]
    mrp = catalogue["mrp"][product]
    units = np.where(rng.random(n) < 0.92, 1, rng.integers(2, 4, n))
    discount = np.clip(flat["disc"] + rng.normal(0, 0.06, n), 0.0, 0.9)
    gmv = np.round(units * mrp * (1 - discount))
    sla_order = np.clip(np.round(flat["sla"] + rng.normal(0, 1.2, n)), 0, 30).astype(np.int64)
    prepaid = rng.random(n) < flat["prepaid"]
    seconds = rng.integers(0, 86400, n)
    order_ts = days.to_numpy()[flat["day"]] + seconds.astype("timedelta64[s]")

    orders = pd.DataFrame(
        {
            "fsn_id": catalogue["fsn"][product],
            "order_date": order_ts,
            "order_id": 1_000_000_000_000_000 + rng.permutation(n).astype(np.int64) * 997 + rng.integers(0, 997, n),
            "gmv": gmv,
            "units": units,
            "deliverybdays": np.where(rng.random(n) < 0.8, "\\N", rng.integers(0, 9, n).astype(str)),
            "deliverycdays": np.where(rng.random(n) < 0.8, "\\N", rng.integers(0, 9, n).astype(str)),
            "s1_fact.order_payment_type": np.where(prepaid, "Prepaid", "COD"),
            "sla": sla_order,
            "cust_id": rng.integers(-9_000_000_000_000_000_000, 9_000_000_000_000_000_000, n, dtype=np.int64),
            "pincode": rng.integers(-9_000_000_000_000_000_000, 9_000_000_000_000_000_000, n, dtype=np.int64),
            "product_analytic_super_category": "CE",
            "product_analytic_category": np.array([SUBCATEGORY_SPECS[s][0] for s in subs])[flat["sub"]],
            "product_analytic_sub_category": np.array(subs)[flat["sub"]],
            "product_analytic_vertical": catalogue["vertical"][product],
            "product_mrp": mrp,
            "product_procurement_sla": catalogue["procurement_sla"][product],
        }
    )
    orders["order_item_id"] = orders["order_id"] + rng.integers(1, 10**6, n)
    orders["cust_id"], orders["pincode"], truth.customers = _customers(
        config.seed, flat["day"], flat["media_share"], flat["new_media_share"]
    )
    if config.messy:
        orders = _make_messy(rng, orders, days)
    orders = orders.iloc[rng.permutation(len(orders))].reset_index(drop=True)

    tables = {
        "orders": orders,
        "media_monthly": _monthly_media(weekly_spend, days),
        "media_weekly": weekly_spend.rename_axis("date").reset_index(),
        "sales": _dated(cal.loc[cal["sale"] != "", ["sale"]].rename(columns={"sale": "Sales Name"})),
        "holidays": _dated(cal.loc[cal["holiday"] != "", ["holiday"]].rename(columns={"holiday": "Holiday"})),
        "nps": pd.DataFrame({"Date": [f"{p.month}/1/{p.year}" for p in months], "NPS": nps.to_numpy()}),
    }
    return tables, truth


CUSTOMER_CLASSES = {  # class: (share of new customers, relative chance of coming back, mean active days)
    "occasional": (0.65, 1.0, 120.0),
    "regular": (0.28, 4.0, 360.0),
    "loyal": (0.07, 14.0, 900.0),
}
# the share of the orders each channel brings that are new customers' first orders: broad-reach channels find new
# customers, search and affiliates mostly catch people who already buy here
NEW_SHARE_BY_CHANNEL = {
    "TV": 0.9,
    "Digital": 0.75,
    "Sponsorship": 0.9,
    "Content Marketing": 0.7,
    "Online marketing": 0.6,
    "Affiliates": 0.5,
    "SEM": 0.35,
    "Radio": 0.85,
    "Other": 0.7,
}
NEW_SHARE_OTHER_CHANNELS = 0.7
NEW_SHARE_OF_BASE_ORDERS = 0.3  # of the other orders, this share is a first order


def _new_shares(channels) -> pd.Series:
    return pd.Series({c: NEW_SHARE_BY_CHANNEL.get(c, NEW_SHARE_OTHER_CHANNELS) for c in channels})


def _customers(
    seed: int, day: np.ndarray, media_share: np.ndarray, new_media_share: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Who placed each order: customers arrive over time, more of them where media brings more orders, belong to a
    class (occasional, regular, loyal) that sets how often they come back and how long they stay, and keep one
    pincode. Uses its own random stream, so every other column of the data is the same as without customers.

    An order is a new customer's first with probability `new_media_share` (its day's share of orders brought by
    media, each channel's part times NEW_SHARE_BY_CHANNEL) + NEW_SHARE_OF_BASE_ORDERS x the share not from media;
    otherwise a customer who arrived earlier and is still active returns, chosen in proportion to their class's
    return chance. So a channel's true effect on new-customer GMV is its NEW_SHARE_BY_CHANNEL of its effect on GMV
    (`TrueProcess.new_customer_gmv`). Returns (cust_id, pincode, truth)."""
    rng = np.random.default_rng([seed, 15])
    order = np.argsort(day, kind="stable")
    p_new = new_media_share + NEW_SHARE_OF_BASE_ORDERS * (1 - media_share)
    is_new = rng.random(len(day)) < p_new[order]
    is_new[0] = True
    n_customers = int(is_new.sum())
    names = list(CUSTOMER_CLASSES)
    shares = np.array([CUSTOMER_CLASSES[c][0] for c in names])
    klass = rng.choice(len(names), size=n_customers, p=shares / shares.sum())
    weight = np.array([CUSTOMER_CLASSES[c][1] for c in names])[klass]
    lifetime = rng.exponential(np.array([CUSTOMER_CLASSES[c][2] for c in names])[klass])
    first_day = day[order][is_new]
    cumulative = np.cumsum(weight)
    who = np.empty(len(day), dtype=np.int64)
    who[np.flatnonzero(is_new)] = np.arange(n_customers)
    arrived = np.cumsum(is_new)  # customers who have arrived by each order (in time order)
    returning = np.flatnonzero(~is_new)
    limit = cumulative[arrived[returning] - 1]  # the total weight of the customers who have arrived by then
    picks = np.zeros(len(returning), dtype=np.int64)
    todo = np.arange(len(returning))
    for _try in range(8):  # a lapsed customer does not come back: draw those again
        drawn = np.searchsorted(cumulative, rng.random(len(todo)) * limit[todo], side="right")
        picks[todo] = drawn
        lapsed = day[order][returning[todo]] - first_day[drawn] > lifetime[drawn]
        todo = todo[lapsed]
        if not len(todo):
            break
    who[returning] = picks
    customer = np.empty(len(day), dtype=np.int64)
    customer[order] = who
    ids = rng.permutation(n_customers).astype(np.int64) * 7_919 + 10**12 + rng.integers(0, 7_919, n_customers)
    pincodes = rng.integers(110_001, 855_118, n_customers)
    truth = {
        "classes": {
            c: {"share_of_new": v[0], "return_weight": v[1], "mean_active_days": v[2]} for c, v in CUSTOMER_CLASSES.items()
        },
        "new_share_by_channel": dict(NEW_SHARE_BY_CHANNEL),
        "new_share_of_base_orders": NEW_SHARE_OF_BASE_ORDERS,
        "customers": n_customers,
        "customers_by_class": {c: int((klass == i).sum()) for i, c in enumerate(names)},
    }
    return ids[customer], pincodes[customer], truth


def _catalogue(rng: np.random.Generator, subs: list[str]) -> dict[str, np.ndarray]:
    """Products with fsn ids, verticals, MRPs (some zero, as in the real file) and procurement SLAs."""
    sub_idx, vertical, mrp = [], [], []
    for si, sub in enumerate(subs):
        _cat, share, mrp_median, verts = SUBCATEGORY_SPECS[sub]
        n_products = max(40, int(25_000 * share))
        v = rng.choice(len(verts), n_products, p=_zipf(len(verts)))
        sub_idx.append(np.full(n_products, si))
        vertical.append(np.array(verts)[v])
        level = np.exp(rng.normal(0, 0.25, len(verts)))[v]
        mrp.append(np.round(mrp_median * level * rng.lognormal(0, 0.5, n_products), -1).clip(99))
    sub_arr, vert_arr, mrp_arr = np.concatenate(sub_idx), np.concatenate(vertical), np.concatenate(mrp)
    n = len(sub_arr)
    letters = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype="S1")
    fsn = letters[rng.integers(0, len(letters), (n, 16))].view("S16").ravel().astype(str)
    procurement = rng.choice([0, 1, 2, 3, 5, 7, 10, 15], n, p=[0.05, 0.1, 0.2, 0.25, 0.2, 0.1, 0.06, 0.04])
    return {
        "sub": sub_arr,
        "vertical": vert_arr.astype(object),
        "mrp": mrp_arr,
        "fsn": fsn,
        "procurement_sla": procurement.astype(np.int64),
    }


def _zipf(k: int) -> np.ndarray:
    p = 1.0 / np.arange(1, k + 1)
    return p / p.sum()


def _make_messy(rng: np.random.Generator, orders: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """The real file's faults: blank GMV, exact duplicates, out-of-window dates, impossible values."""
    n = len(orders)
    orders = orders.copy()
    orders["gmv"] = orders["gmv"].astype(float)
    orders["product_mrp"] = orders["product_mrp"].astype(float)
    orders["sla"] = orders["sla"].astype(float)
    orders["product_procurement_sla"] = orders["product_procurement_sla"].astype(float)
    pick = lambda frac: rng.choice(n, int(n * frac), replace=False)  # noqa: E731
    orders.loc[pick(0.003), "gmv"] = np.nan
    above = pick(0.002)
    orders.loc[above, "gmv"] = orders.loc[above, "units"] * orders.loc[above, "product_mrp"] * 1.4
    orders.loc[pick(0.003), "product_mrp"] = 0.0
    orders.loc[pick(0.0005), "sla"] = 1006.0
    orders.loc[pick(0.01), "product_procurement_sla"] = -1.0
    orders.loc[pick(0.002), "product_procurement_sla"] = 1000.0
    vertical = orders["product_analytic_vertical"].to_numpy(dtype=object, copy=True)
    vertical[pick(0.0035)] = "\\N"
    orders["product_analytic_vertical"] = vertical
    outside = orders.iloc[pick(0.005)].copy()
    shift = np.where(rng.random(len(outside)) < 0.5, -1, 1) * rng.integers(1, 25, len(outside))
    anchor = np.where(shift < 0, days[0].to_datetime64(), (days[-1] + pd.Timedelta(days=1)).to_datetime64())
    offset = np.where(shift < 0, shift, shift - 1).astype("timedelta64[D]")
    outside["order_date"] = anchor + offset + rng.integers(0, 86400, len(outside)).astype("timedelta64[s]")
    outside["order_id"] = outside["order_id"] + 7
    outside["order_item_id"] = outside["order_item_id"] + 7
    duplicates = orders.iloc[pick(0.005)]
    return pd.concat([orders, outside, duplicates], ignore_index=True)


def _monthly_media(weekly_spend: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Monthly company spend in crore in the ElecKart layout (stray space in ' Affiliates', blanks for 0)."""
    daily = weekly_spend.reindex(days, method="ffill") / 7.0
    monthly = daily.groupby([daily.index.year, daily.index.month]).sum()
    monthly.index.names = ["Year", "Month"]
    monthly = monthly.round(6)
    out = monthly.reset_index()
    out.insert(2, "Total Investment", monthly.sum(axis=1).round(6).to_numpy())
    out = out.rename(columns={"Affiliates": " Affiliates"})
    for col in ("Radio", "Other"):
        out[col] = out[col].where(out[col] > 0)  # blank when nothing was spent, as in the real file
    return out


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.insert(0, "Date", [f"{d.month}/{d.day}/{d.year}" for d in frame.index])
    return out.reset_index(drop=True)


def _orders_csv(orders: pd.DataFrame, path: Path) -> None:
    """Write orders fast, unquoted, with `\\N` and blanks where the real file has them."""
    ts = pa.array(orders["order_date"].to_numpy().astype("datetime64[s]"))
    cols = {
        "order_date": pac.strftime(ts, format="%Y-%m-%d %H:%M:%S"),
        "Year": pac.cast(pac.year(ts), pa.large_string()),
        "Month": pac.cast(pac.month(ts), pa.large_string()),
    }
    parts = []
    for name in ORDER_COLUMNS:
        if name in cols:
            arr = cols[name]
        else:
            values = orders[name]
            if values.dtype.kind == "f":
                whole = values.dropna()
                if (whole == np.round(whole)).all():
                    values = values.astype("Int64")
            arr = pa.array(values.to_numpy(dtype=object) if values.dtype == object else values, from_pandas=True)
        arr = pac.fill_null(pac.cast(arr, pa.large_string()), "")
        parts.append(arr)
    line = pac.binary_join_element_wise(*parts, pa.scalar(",", pa.large_string()))
    line = pac.binary_join_element_wise(line, pa.scalar("", pa.large_string()), pa.scalar("\n", pa.large_string()))
    if isinstance(line, pa.ChunkedArray):
        line = line.combine_chunks()
    buffers = line.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64, count=len(line) + 1, offset=line.offset * 8)
    with open(path, "wb") as fh:
        fh.write((",".join(ORDER_COLUMNS) + "\n").encode())
        fh.write(memoryview(buffers[2])[offsets[0] : offsets[-1]])


def lift_tests(truth: TrueProcess, subcategories: list[str], seed: int, n_tests: int = 3) -> pd.DataFrame:
    """Realistic lift tests from the true process: on each of the `n_tests` channels with the largest true effect,
    4 weeks with half as much spend again, in the year before the last 13 weeks. `delta_gmv` is the true extra GMV
    of `subcategories` over the test's days (carry-over after it is not measured) plus noise of the stated
    `sigma` (15% of the true lift, as a well-powered test reports). Its own random stream, so the other files do not change."""
    rng = np.random.default_rng(seed + 1_000)
    spend = truth.weekly_spend_crore
    effect = sum(truth.media_gmv(spend, sub).sum() for sub in subcategories)
    rows = []
    for k, channel in enumerate(effect.sort_values(ascending=False).index[:n_tests]):
        first = len(spend) - 13 - 40 + 12 * k
        weeks = spend.index[first : first + 4]
        extra = 0.5 * max(float(spend.loc[weeks, channel].sum()), float(spend[channel].mean()) * 4)
        more = spend.copy()
        more.loc[weeks, channel] += extra / 4
        true_lift = sum(
            (truth.media_gmv(more, sub)[channel] - truth.media_gmv(spend, sub)[channel]).loc[weeks].sum() for sub in subcategories
        )
        sigma = max(0.15 * true_lift, 1e4)
        rows.append(
            {
                "channel": channel,
                "start": weeks[0].strftime("%Y-%m-%d"),
                "end": (weeks[-1] + pd.Timedelta(days=6)).strftime("%Y-%m-%d"),
                "delta_spend": round(extra, 6),
                "delta_gmv": round(float(true_lift + rng.normal(0, sigma)), 2),
                "sigma": round(sigma, 2),
            }
        )
    return pd.DataFrame(rows)


def write_dataset(folder: Path, config: SynthConfig | None = None) -> dict[str, Path]:
    """Generate and write every file into `folder`; returns the paths by role."""
    config = config or SynthConfig()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables, truth = generate(config)
    paths = {
        "orders": folder / "ConsumerElectronics.csv",
        "media": folder / "MediaInvestment.csv",
        "media_weekly": folder / "MediaInvestmentWeekly.csv",
        "sales": folder / "SpecialSale.csv",
        "holidays": folder / "HolidayList.csv",
        "nps": folder / "MonthlyNPS.csv",
        "truth": folder / "truth.json",
        "lift_tests": folder / "LiftTests.csv",
    }
    _orders_csv(tables["orders"], paths["orders"])
    tables["media_monthly"].to_csv(paths["media"], index=False)
    weekly = tables["media_weekly"].copy()
    weekly["date"] = weekly["date"].dt.strftime("%Y-%m-%d")
    weekly.round(6).to_csv(paths["media_weekly"], index=False)
    tables["sales"].to_csv(paths["sales"], index=False)
    tables["holidays"].to_csv(paths["holidays"], index=False)
    tables["nps"].to_csv(paths["nps"], index=False)
    paths["truth"].write_text(
        json.dumps(
            {
                "data_version": DATA_VERSION,
                "config": config.__dict__ | {"subcategories": list(config.subcategories)},
                **truth.to_json(),
            },
            indent=1,
        )
    )
    lift_tests(truth, list(DEFAULT_SUBCATEGORIES), config.seed).to_csv(paths["lift_tests"], index=False)
    log.info("wrote %d order rows to %s", len(tables["orders"]), paths["orders"])
    return paths


DEFAULT_FILES = (
    "ConsumerElectronics.csv",
    "MediaInvestment.csv",
    "MediaInvestmentWeekly.csv",
    "SpecialSale.csv",
    "HolidayList.csv",
    "MonthlyNPS.csv",
    "truth.json",
    "LiftTests.csv",
)


DATA_VERSION = 3  # bump when the generator changes what it writes (2: returning customers; 3: new share per channel)


def _data_version(truth: Path) -> int | None:
    try:
        return json.loads(Path(truth).read_text()).get("data_version")
    except (OSError, ValueError, AttributeError):
        return None


def ensure_default_data(folder: Path, config: SynthConfig | None = None) -> dict[str, Path]:
    """Generate the embedded default data set into `folder` unless it is already complete.

    Files are generated in a temporary sibling folder and moved in at the end, so an interrupted
    run never leaves a half-written orders file that later runs would trust.
    """
    import shutil
    import tempfile

    folder = Path(folder)
    roles = ("orders", "media", "media_weekly", "sales", "holidays", "nps", "truth", "lift_tests")
    paths = {role: folder / name for role, name in zip(roles, DEFAULT_FILES)}
    if all(p.exists() for p in paths.values()) and _data_version(paths["truth"]) == DATA_VERSION:
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    log.info("generating the embedded default data set into %s (about 15 s, once)", folder)
    tmp = Path(tempfile.mkdtemp(prefix=".generating-", dir=folder))
    try:
        written = write_dataset(tmp, config)
        for role, path in written.items():
            Path(path).replace(paths[role])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return paths

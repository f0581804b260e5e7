"""Read out one finished lift test from the orders (and spend) covering it: the tested subcategories' weekly GMV,
the untested ones as the counterfactual's regressors, `readout.counterfactual` and its placebos, and the row ready
for `--lift-tests` with the checks said in words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import SEED
from ..data.ingest import aggregate_orders
from ..data.lift_tests import LIFT_COLUMNS
from ..data.media import load_media
from ..dates import DAYS_PER_WEEK, week_start
from ..errors import InputError
from ..units import MoneyUnit
from .readout import MIN_PRE_WEEKS, PLACEBO_WINDOWS, Z80, Counterfactual, Placebos, counterfactual, placebos

__all__ = [
    "FinishedTest",
    "ReadoutSeries",
    "LiftReadout",
    "parse_test",
    "weekly_series",
    "read_out",
    "readout_words",
    "MAX_DONORS",
    "SPEND_SHIFT",
]

MAX_DONORS = 5  # untested subcategories used as regressors, the largest by GMV: more would fit the pre-period's noise
SPEND_SHIFT = 0.5  # recorded spend in the test's weeks this much above or below the weeks before is said to confound it


@dataclass(frozen=True)
class FinishedTest:
    """What was tested: `delta_spend` (input money unit) more on `channel` from `start` to `end` (inclusive)."""

    channel: str
    start: pd.Timestamp
    end: pd.Timestamp
    delta_spend: float


def parse_test(text: str) -> FinishedTest:
    """`channel,start,end,delta_spend` (dates as YYYY-MM-DD); a bad part is named."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise InputError("--test", f"give channel,start,end,delta_spend (4 parts); got {len(parts)}: '{text}'")
    channel, start, end, amount = parts
    try:
        first, last = pd.Timestamp(start), pd.Timestamp(end)
    except ValueError:
        raise InputError("--test", f"'{start}' or '{end}' is not a date (YYYY-MM-DD)") from None
    try:
        delta = float(amount)
    except ValueError:
        raise InputError("--test", f"delta_spend '{amount}' is not a number") from None
    if last < first:
        raise InputError("--test", f"the test ends ({end}) before it starts ({start})")
    if delta == 0 or not np.isfinite(delta):
        raise InputError("--test", "delta_spend must be a number other than 0: nothing was tested")
    return FinishedTest(channel, first, last, delta)


@dataclass(frozen=True)
class ReadoutSeries:
    """The weekly series a readout needs: `tested` GMV (the scope's), the `donors`' GMV and the test's weeks."""

    tested: pd.Series
    donors: pd.DataFrame
    test: np.ndarray


def weekly_series(daily: pd.DataFrame, scope: list[str], test: FinishedTest, first_weekday: int = 0) -> ReadoutSeries:
    """From daily GMV per subcategory (day, subcategory, gmv): full weeks only, up to the test's last week; the tested
    series sums `scope`; the donors are the other subcategories with GMV in every week, the largest MAX_DONORS."""
    days = daily.assign(week_start=week_start(daily["day"], first_weekday))
    per_week = days.pivot_table(index="week_start", columns="subcategory", values="gmv", aggfunc="sum").fillna(0.0)
    counts = days.groupby("week_start")["day"].nunique().reindex(per_week.index)
    per_week = per_week.loc[(counts == DAYS_PER_WEEK).to_numpy()]
    per_week = per_week.loc[per_week.index <= test.end]
    missing = [s for s in scope if s not in per_week.columns]
    if missing:
        raise InputError("--orders", f"no orders of {missing}; the orders have {sorted(per_week.columns)}", column="subcategory")
    others = per_week.drop(columns=scope)
    others = others.loc[:, (others > 0).all()]
    donors = others[others.sum().sort_values(ascending=False).index[:MAX_DONORS]]
    weeks = per_week.index
    inside = (weeks + pd.Timedelta(days=6) >= test.start) & (weeks <= test.end)
    return ReadoutSeries(per_week[scope].sum(axis=1), donors, np.asarray(inside))


@dataclass(frozen=True)
class LiftReadout:
    """A finished test read out: its counterfactual, placebos, the row for --lift-tests and notes on the design."""

    test: FinishedTest
    scope: tuple[str, ...]
    subcategory: str | None
    donors: tuple[str, ...]
    found: Counterfactual
    placebos: Placebos
    notes: tuple[str, ...]

    @property
    def row(self) -> pd.DataFrame:
        """The lift-test row (`LIFT_COLUMNS` and subcategory), ready for `--lift-tests`."""
        values = {
            "channel": self.test.channel,
            "start": f"{self.test.start:%Y-%m-%d}",
            "end": f"{self.test.end:%Y-%m-%d}",
            "delta_spend": self.test.delta_spend,
            "delta_gmv": round(self.found.delta, 2),
            "sigma": round(self.found.sigma, 2),
        }
        return pd.DataFrame([values])[list(LIFT_COLUMNS)].assign(subcategory=self.subcategory or "")

    @property
    def detectable(self) -> bool:
        """Whether the effect stands out from what the placebo windows show by chance (beyond their 80% range)."""
        spread = self.placebos.spread
        return bool(np.isfinite(spread) and abs(self.found.delta) > Z80 * spread)


def _spend_note(media: Path | None, test: FinishedTest, weeks: pd.DatetimeIndex, money: MoneyUnit) -> str:
    """What the media file says of recorded spend in the test's weeks (it should hold only the usual spend)."""
    if media is None:
        return ""
    spend = load_media(media, money.max_spend)
    if spend.start > weeks[0] or spend.end < test.end:
        raise InputError(
            media,
            f"covers {spend.start.date()} to {spend.end.date()}, not the weeks read ({weeks[0].date()} to {test.end.date()})",
        )
    if test.channel not in spend.channels:
        raise InputError("--test", f"unknown channel '{test.channel}'; the media file has {spend.channels}")
    daily = spend.daily_crore.sum(axis=1)
    during = float(daily.loc[test.start : test.end].mean())
    length = (test.end - test.start).days + 1
    before = float(daily.loc[test.start - pd.Timedelta(days=length) : test.start - pd.Timedelta(days=1)].mean())
    if before > 0 and abs(during / before - 1) > SPEND_SHIFT:
        return (
            f"recorded spend during the test was {during / before - 1:+.0%} against the same number of days before it: "
            "other media moved with the test, and the readout counts their effect too"
        )
    return ""


def read_out(
    orders: Path,
    test: FinishedTest,
    money: MoneyUnit,
    subcategories: list[str],
    media: Path | None = None,
    first_weekday: int = 0,
    seed: int = SEED,
) -> LiftReadout:
    """Read out `test` on the GMV of `subcategories` (one: the row names it; several: the row counts them all, as
    --lift-tests reads a row without a subcategory) from `orders` (the ElecKart layout or the model's)."""
    aggregate = aggregate_orders(orders)
    daily = aggregate.daily[["day", "subcategory", "gmv"]]
    series = weekly_series(daily, list(subcategories), test, first_weekday)
    donors = series.donors if series.donors.shape[1] else None
    found = counterfactual(series.tested, donors, series.test, seed=seed)
    checks = placebos(series.tested, donors, series.test, PLACEBO_WINDOWS, seed=seed)
    notes = [n for n in (_spend_note(media, test, series.tested.index[series.test], money),) if n]
    if donors is None:
        notes.append("no untested subcategory has GMV in every week: the counterfactual is the tested series' own level")
    single = subcategories[0] if len(subcategories) == 1 else None
    return LiftReadout(test, tuple(subcategories), single, tuple(series.donors.columns), found, checks, tuple(notes))


def readout_words(readout: LiftReadout, money: MoneyUnit) -> list[str]:
    """The readout in sentences: the estimate, the pre-period fit, the placebos and whether the design saw it."""
    found, checks, fmt = readout.found, readout.placebos, money.format
    lo, hi = found.interval
    against = ", ".join(readout.donors) if readout.donors else "the tested series' own level"
    words = [
        f"delta_gmv {fmt(found.delta)} (80% interval {fmt(lo)} to {fmt(hi)}), sigma {fmt(found.sigma)}, over "
        f"{len(found.weeks)} weeks from {found.weeks[0].date()}, against a counterfactual fitted on the weeks before "
        f"(structural time series: a local level with {against} as regressors, which the test must not have reached).",
        f"Pre-period fit: one-week-ahead WAPE {found.pre_wape:.1f}%.",
    ]
    if len(checks.deltas):
        words.append(
            f"{len(checks.deltas)} placebo windows of the same length before the test (no test there) moved by "
            f"{fmt(checks.spread)} (root mean square); {checks.share_as_large(found.delta):.0%} of them as far as the "
            f"test, and their 80% intervals held 0 in {checks.covered:.0%}."
        )
        if not readout.detectable:
            words.append(
                "The effect is below what the placebo windows show by chance: this design could not tell it from "
                "noise. Give the row to --lift-tests only as the weak evidence it is, or run a longer or larger test."
            )
    else:
        words.append(
            f"No placebo window fits before the test (each needs {MIN_PRE_WEEKS} weeks before it): the design is unchecked."
        )
    if lo <= 0 <= hi:
        words.append("The 80% interval includes 0.")
    return words + [n[0].upper() + n[1:] + "." for n in readout.notes]

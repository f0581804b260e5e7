"""Candidate models side by side: which fit the held-out weeks about as well as the best, where their channel answers
(ROI ranking, direction of the recommended move) agree, and which lift test would decide where they do not.

Pure functions of the tables a candidates run writes (`pipeline.candidates`): no model is fitted here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import INTERVAL_COVERAGE, NUMERIC_FLOOR, SEED, interval_quantiles

__all__ = [
    "CandidateSet",
    "HOLDOUT_RESAMPLES",
    "HOLD_TOLERANCE",
    "RANK_SPREAD",
    "SEPARATION",
    "TEST_WEEKS",
    "ERROR_COLUMNS",
    "holdout_comparison",
    "company_roi",
    "move_direction",
    "channel_agreement",
    "deciding_tests",
]

# resamples of the held-out weeks behind each candidate's WAPE gap to the best (paired: the same weeks for all)
HOLDOUT_RESAMPLES = 2000
# a recommended amount within this fraction of the channel's historical amount counts as "hold", not a move: the
# optimiser's own moves on weak evidence are capped at 30%, and a 5% step is below what a month's noise can show
HOLD_TOLERANCE = 0.05
# candidates agree on a channel's ROI rank when their ranks lie at most this many places apart (neighbouring ranks of
# channels whose ROIs are within each other's intervals swap from one fit to the next)
RANK_SPREAD = 1
# a lift test tells candidates apart when their predicted results lie at least this many of the test's standard
# errors apart: the measured result then falls clearly nearer one end of their range (2 standard errors: about 84%
# of results land on the right side of the midpoint)
SEPARATION = 2.0
TEST_WEEKS = (4, 8, 13, 26)  # lengths of the lift tests weighed per channel (experiments proposes 8 by default)
ERROR_COLUMNS = ("candidate", "subcategory", "week_start", "actual", "predicted")


def _wape(actual: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Pooled WAPE along the last axis (weeks), for arrays of resamples."""
    return np.abs(actual - predicted).sum(axis=-1) / np.maximum(np.abs(actual).sum(axis=-1), NUMERIC_FLOOR)


def holdout_comparison(errors: pd.DataFrame, resamples: int = HOLDOUT_RESAMPLES, seed: int = SEED) -> pd.DataFrame:
    """Each candidate's pooled holdout WAPE (every subcategory's scored held-out weeks) and its gap to the best one,
    with the gap's 80% interval over paired resamples of the held-out weeks (all subcategories' figures of a week are
    drawn together, for every candidate alike).

    A candidate fits `about_as_well` as the best when that interval reaches 0: in at least 10% of the resamples it
    fits as well or better. `errors` has ERROR_COLUMNS, one row per candidate, subcategory and scored week.
    Returns candidate, wape, gap, gap_lower, gap_upper, about_as_well, in the candidates' first order.
    """
    names = list(dict.fromkeys(errors["candidate"]))
    wide = errors.pivot_table(index=["week_start", "subcategory"], columns="candidate", values=["actual", "predicted"])
    actual = wide["actual"][names[0]].to_numpy(float)
    predicted = wide["predicted"][names].to_numpy(float).T  # (candidates, rows)
    weeks = wide.index.get_level_values("week_start")
    codes, unique = pd.factorize(weeks)
    rng = np.random.default_rng(seed)
    picks = rng.integers(len(unique), size=(resamples, len(unique)))
    # each resample's row weights: how often each week was drawn, repeated for its subcategories
    counts = np.stack([np.bincount(p, minlength=len(unique)) for p in picks])[:, codes]
    abs_err = np.abs(actual[None, :] - predicted)  # (candidates, rows)
    sampled = (counts[:, None, :] * abs_err[None, :, :]).sum(axis=-1) / np.maximum(counts @ np.abs(actual), NUMERIC_FLOOR)[
        :, None
    ]
    wape = _wape(actual[None, :], predicted)
    best = int(np.argmin(wape))
    gaps = sampled - sampled[:, [best]]  # (resamples, candidates)
    lo_q, hi_q = interval_quantiles(INTERVAL_COVERAGE)
    lower, upper = np.quantile(gaps, [lo_q, hi_q], axis=0)
    return pd.DataFrame(
        {
            "candidate": names,
            "wape": wape,
            "gap": wape - wape[best],
            "gap_lower": lower,
            "gap_upper": upper,
            "about_as_well": lower <= 0.0,
        }
    )


def company_roi(contributions: pd.DataFrame) -> pd.DataFrame:
    """Each channel's ROI over every subcategory (incremental GMV summed over spend summed) and its rank, 1 the
    highest; a channel without spend has no rank. Returns channel, roi, rank in the contributions' channel order."""
    by = contributions.groupby("channel", sort=False)[["incremental_gmv", "spend"]].sum()
    roi = (by["incremental_gmv"] / by["spend"].where(by["spend"] > 0)).astype(float)
    rank = roi.rank(ascending=False, method="min")
    return pd.DataFrame({"channel": by.index, "roi": roi.to_numpy(), "rank": rank.to_numpy()})


def move_direction(historical: float, recommended: float, tolerance: float = HOLD_TOLERANCE) -> str:
    """'up', 'down' or 'hold': where the recommended amount lies against the historical one (within `tolerance`
    of it: hold)."""
    if historical <= NUMERIC_FLOOR:
        return "up" if recommended > NUMERIC_FLOOR else "hold"
    change = recommended / historical - 1.0
    if abs(change) <= tolerance:
        return "hold"
    return "up" if change > 0 else "down"


def _directions(values: pd.Series) -> str:
    """The candidates' directions for one channel in words: 'hold' when they agree, else 'up 2, hold 3'."""
    counts = values.value_counts()
    if len(counts) == 1:
        return str(counts.index[0])
    return ", ".join(f"{d} {counts[d]}" for d in ("up", "hold", "down") if d in counts)


def channel_agreement(channels: pd.DataFrame, fitting: list[str], spread: int = RANK_SPREAD) -> pd.DataFrame:
    """Per channel, whether the candidates in `fitting` (those that fit about as well) agree on its ROI rank (within
    `spread` places) and on the direction of its recommended move.

    `channels` has candidate, channel, rank, direction. Returns channel, rank_low, rank_high, directions (in words),
    rank_agrees, direction_agrees, agrees, in the channels' order.
    """
    rows = channels.loc[channels["candidate"].isin(fitting)]
    out = []
    for channel, own in rows.groupby("channel", sort=False):
        ranks = own["rank"].dropna()
        low, high = (float(ranks.min()), float(ranks.max())) if len(ranks) else (np.nan, np.nan)
        rank_agrees = bool(len(ranks) == len(own) and high - low <= spread)
        direction_agrees = own["direction"].nunique() == 1
        out.append(
            {
                "channel": channel,
                "rank_low": low,
                "rank_high": high,
                "directions": _directions(own["direction"]),
                "rank_agrees": rank_agrees,
                "direction_agrees": bool(direction_agrees),
                "agrees": rank_agrees and bool(direction_agrees),
            }
        )
    return pd.DataFrame(out)


def deciding_tests(tests: pd.DataFrame, channels: list[str], fitting: list[str], separation: float = SEPARATION) -> pd.DataFrame:
    """For each of `channels`, the lift test that would tell the candidates in `fitting` apart: the shortest test
    (then the one moving spend least) whose predicted results under those candidates lie `separation` standard
    errors apart; when none does, the one that comes closest (decides False).

    `tests` has channel, candidate, weeks, start, end, delta_spend, predicted_gmv (the test's extra GMV under that
    candidate, ₹) and sigma (the test's standard error, ₹). Returns channel, weeks, start, end, delta_spend, low,
    high (the candidates' range of predicted results), sigma, separation (the range in standard errors), decides.
    """
    rows = tests.loc[tests["channel"].isin(channels) & tests["candidate"].isin(fitting)]
    keys = ["channel", "weeks", "delta_spend"]
    ranged = rows.groupby(keys, sort=False).agg(
        start=("start", "first"),
        end=("end", "first"),
        low=("predicted_gmv", "min"),
        high=("predicted_gmv", "max"),
        sigma=("sigma", "first"),
    )
    ranged["separation"] = (ranged["high"] - ranged["low"]) / ranged["sigma"].clip(lower=NUMERIC_FLOOR)
    ranged["decides"] = ranged["separation"] >= separation
    ranged = ranged.reset_index()
    ranged["size"] = ranged["delta_spend"].abs()
    picked = []
    for channel in channels:
        own = ranged.loc[ranged["channel"] == channel]
        if own.empty:
            continue
        deciding = own.loc[own["decides"]].sort_values(["weeks", "size"])
        picked.append(deciding.iloc[0] if len(deciding) else own.sort_values("separation", ascending=False).iloc[0])
    columns = ["channel", "weeks", "start", "end", "delta_spend", "low", "high", "sigma", "separation", "decides"]
    return pd.DataFrame(picked, columns=ranged.columns)[columns].reset_index(drop=True)


@dataclass(frozen=True)
class CandidateSet:
    """A candidates run: what it belongs to and the three tables it wrote.

    Attributes:
        meta: manifest_sha256 (the checksum of the manifest of the model the candidates were refitted from), created,
            budget (input money unit) and plan_weeks of the splits, bootstrap_draws, money, seconds.
        candidates: candidate, differs, model, seconds, wape, gap, gap_lower, gap_upper, about_as_well.
        channels: candidate, channel, roi, rank, historical_share, recommended_share, direction.
        tests: channel, candidate, weeks, start, end, delta_spend, predicted_gmv, sigma (see `deciding_tests`).
    """

    meta: dict
    candidates: pd.DataFrame
    channels: pd.DataFrame
    tests: pd.DataFrame

    @property
    def fitting(self) -> list[str]:
        """The candidates that fit the held-out weeks about as well as the best."""
        return list(self.candidates.loc[self.candidates["about_as_well"].astype(bool), "candidate"])

    def agreement(self) -> pd.DataFrame:
        """`channel_agreement` among the candidates that fit about as well."""
        return channel_agreement(self.channels, self.fitting)

    def deciding(self) -> pd.DataFrame:
        """`deciding_tests` for the channels those candidates disagree on."""
        agreement = self.agreement()
        disputed = list(agreement.loc[~agreement["agrees"], "channel"]) if len(agreement) else []
        return deciding_tests(self.tests, disputed, self.fitting)

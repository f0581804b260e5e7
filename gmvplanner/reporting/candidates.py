"""The candidate models as the Model report shows them: one row per candidate, where they agree, the tests that would
decide where they do not, and the sentences around them."""

from __future__ import annotations

import pandas as pd

from ..analysis.candidates import HOLD_TOLERANCE, RANK_SPREAD, SEPARATION, TEST_WEEKS, CandidateSet
from ..config import INTERVAL_LABEL
from ..units import MoneyUnit

__all__ = ["ARROWS", "THRESHOLD_NOTE", "candidates_table", "agreement_table", "deciding_table", "candidate_sentences"]

ARROWS = {"up": "↑", "down": "↓", "hold": "="}
THRESHOLD_NOTE = (
    "A candidate fits about as well as the best when the holdout cannot tell them apart: resampling the held-out "
    f"weeks (the same weeks for every candidate), the {INTERVAL_LABEL} of its WAPE gap to the best reaches 0, i.e. it "
    "fits as well or better in at least 1 resample in 10. Candidates are refitted with fewer bootstrap refits and "
    "without the forecaster blend, so their WAPE is the model's own. Candidates agree on a channel when their ROI "
    f"ranks are at most {RANK_SPREAD} place apart and they move it the same way (within {HOLD_TOLERANCE:.0%} of its "
    "historical amount counts as hold)."
)


def _rank(value: float) -> str:
    return "–" if pd.isna(value) else f"#{int(value)}"


def candidates_table(found: CandidateSet) -> pd.DataFrame:
    """One row per candidate: what differs, holdout WAPE (%), the gap to the best with its 80% interval (points),
    whether it fits about as well, and per channel its ROI rank, recommended share of the budget (%) and move."""
    table = found.candidates
    rows = pd.DataFrame(
        {
            "candidate": table["candidate"],
            "what differs": table["differs"],
            "holdout WAPE %": (100 * table["wape"]).round(2),
            f"gap to the best, points ({INTERVAL_LABEL})": [
                "the best" if g == 0 else f"{100 * g:+.2f} ({100 * lo:+.2f} to {100 * hi:+.2f})"
                for g, lo, hi in zip(table["gap"], table["gap_lower"], table["gap_upper"])
            ],
            "fits about as well": ["yes" if ok else "no" for ok in table["about_as_well"]],
        }
    )
    channels = found.channels
    for channel in dict.fromkeys(channels["channel"]):
        own = channels.loc[channels["channel"] == channel].set_index("candidate").reindex(table["candidate"])
        rows[channel] = [
            f"{_rank(r)} · {100 * s:.1f}% {ARROWS.get(d, '?')}"
            for r, s, d in zip(own["rank"], own["recommended_share"], own["direction"])
        ]
    return rows


def agreement_table(found: CandidateSet) -> pd.DataFrame:
    """Per channel, among the candidates that fit about as well: their ROI ranks, their moves, the historical share
    (%) and whether they agree."""
    agreement = found.agreement()
    if agreement.empty:
        return pd.DataFrame(columns=["channel", "ROI rank", "recommended move", "historical share %", "candidates agree"])
    historical = found.channels.drop_duplicates("channel").set_index("channel")["historical_share"]
    ranks = [
        "–" if pd.isna(lo) else (f"#{int(lo)}" if lo == hi else f"#{int(lo)} to #{int(hi)}")
        for lo, hi in zip(agreement["rank_low"], agreement["rank_high"])
    ]
    return pd.DataFrame(
        {
            "channel": agreement["channel"],
            "ROI rank": ranks,
            "recommended move": agreement["directions"],
            "historical share %": (100 * agreement["channel"].map(historical)).round(1).to_numpy(),
            "candidates agree": ["yes" if a else "no" for a in agreement["agrees"]],
        }
    )


def _apart(separation: float, decides: bool) -> str:
    if decides:
        return f"yes ({separation:.1f} standard errors apart)"
    return f"not within {max(TEST_WEEKS)} weeks (at best {separation:.1f} apart)"


def deciding_table(found: CandidateSet, money: MoneyUnit) -> pd.DataFrame:
    """The lift test that would decide each disputed channel: what to do, the spend it moves, the range of results
    the candidates predict, the test's standard error and whether it tells them apart."""
    tests = found.deciding()
    columns = ["channel", "test", "spend change", "candidates predict", "standard error", "tells them apart"]
    if tests.empty:
        return pd.DataFrame(columns=columns)
    what = [
        f"{'double' if d > 0 else 'stop'} its spend for {int(w)} weeks, {s} to {e}"
        for d, w, s, e in zip(tests["delta_spend"], tests["weeks"], tests["start"], tests["end"])
    ]
    return pd.DataFrame(
        {
            "channel": tests["channel"],
            "test": what,
            "spend change": [money.format(money.to_base(float(d))) for d in tests["delta_spend"]],
            "candidates predict": [f"{money.format(lo)} to {money.format(hi)}" for lo, hi in zip(tests["low"], tests["high"])],
            "standard error": [f"± {money.format(s)}" for s in tests["sigma"]],
            "tells them apart": [
                f"yes ({sep:.1f} standard errors apart)"
                if ok
                else f"not within {max(TEST_WEEKS)} weeks (at best {sep:.1f} apart)"
                for sep, ok in zip(tests["separation"], tests["decides"])
            ],
        }
    )


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def candidate_sentences(found: CandidateSet) -> list[str]:
    """What the candidates say, plainly: how many fit about as well, what they agree on, what the data cannot decide."""
    fitting, total = found.fitting, len(found.candidates)
    out = [
        f"{len(fitting)} of {total} candidates fit the held-out weeks about as well as the best"
        + (
            f" ({_names([c for c in found.candidates['candidate'] if c not in fitting])} do not)."
            if len(fitting) < total
            else "."
        )
    ]
    agreement = found.agreement()
    if agreement.empty:
        return out
    agreed = list(agreement.loc[agreement["agrees"], "channel"])
    disputed = list(agreement.loc[~agreement["agrees"], "channel"])
    if agreed:
        out.append(f"They agree on {_names(agreed)}: the same ROI rank (within {RANK_SPREAD}) and the same move.")
    moves = found.channels.loc[found.channels["candidate"].isin(fitting), "direction"]
    if (moves == "hold").all():
        out.append("Every one of them keeps the historical split: under none of them does the evidence support moving money.")
    if disputed:
        how = "rank" if agreement["direction_agrees"].all() else "rank or move"
        out.append(
            f"They disagree on {_names(disputed)}: these models fit the data about equally well and {how} these "
            "channels differently, so the data cannot decide between them. A lift test can: "
            f"one whose result the candidates predict at least {SEPARATION:g} standard errors apart tells them apart."
        )
    return out

"""Candidate models compared (analysis/candidates.py) and their folder (pipeline/candidate_files.py), on small frames
built in code: which fit about as well, where they agree, which test decides, and candidates of another version."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.candidates import (
    CandidateSet,
    channel_agreement,
    company_roi,
    deciding_tests,
    holdout_comparison,
    move_direction,
)
from gmvplanner.errors import ArtifactError
from gmvplanner.pipeline.candidate_files import StaleCandidates, candidates_dir, read_candidates, write_candidates
from gmvplanner.reporting.candidates import agreement_table, candidate_sentences, candidates_table, deciding_table
from gmvplanner.units import RUPEES_IN_CRORE

WEEKS = pd.date_range("2016-05-02", periods=8, freq="7D")


def _errors(offsets: dict[str, np.ndarray]) -> pd.DataFrame:
    """Two subcategories' 8 held-out weeks, each candidate predicting actual x (1 + its offset of that week)."""
    rng = np.random.default_rng(3)
    actual = {sub: 1e6 * (1 + 0.1 * rng.standard_normal(len(WEEKS))) for sub in ("A", "B")}
    rows = []
    for name, offset in offsets.items():
        for sub, values in actual.items():
            rows.append(
                pd.DataFrame(
                    {
                        "candidate": name,
                        "subcategory": sub,
                        "week_start": WEEKS,
                        "actual": values,
                        "predicted": values * (1 + offset),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def test_a_candidate_worse_on_every_week_does_not_fit_about_as_well_and_a_noisy_tie_does():
    signs = np.array([1, -1, 1, -1, 1, -1, 1, -1], float)
    table = holdout_comparison(
        _errors({"best": 0.02 * signs, "tie": 0.02 * np.roll(signs, 1) * [1, 2, 1, 0.5, 1, 1.5, 1, 1], "bad": 0.10 * signs})
    ).set_index("candidate")
    assert table.loc["best", "gap"] == 0 and table.loc["best", "wape"] == pytest.approx(0.02)
    assert table.loc["bad", "wape"] == pytest.approx(0.10)
    assert table.loc["bad", "gap_lower"] > 0.07 and not table.loc["bad", "about_as_well"]  # 8 points worse every week
    assert table.loc["tie", "gap_lower"] <= 0 <= table.loc["tie", "gap_upper"] and table.loc["tie", "about_as_well"]
    assert list(table.index) == ["best", "tie", "bad"]


def test_the_resamples_are_seeded_so_the_same_errors_give_the_same_verdict():
    errors = _errors({"a": np.full(8, 0.03), "b": np.linspace(-0.05, 0.05, 8)})
    pd.testing.assert_frame_equal(holdout_comparison(errors), holdout_comparison(errors))


def test_company_roi_pools_subcategories_and_ranks_channels_without_spend_last():
    contributions = pd.DataFrame(
        {
            "subcategory": ["A", "A", "A", "B", "B", "B"],
            "channel": ["TV", "SEM", "Radio"] * 2,
            "spend": [10.0, 5.0, 0.0, 30.0, 5.0, 0.0],
            "incremental_gmv": [10.0, 20.0, 0.0, 50.0, 0.0, 0.0],
        }
    )
    roi = company_roi(contributions).set_index("channel")
    assert roi.loc["TV", "roi"] == pytest.approx(60 / 40) and roi.loc["SEM", "roi"] == pytest.approx(20 / 10)
    assert roi.loc["SEM", "rank"] == 1 and roi.loc["TV", "rank"] == 2 and np.isnan(roi.loc["Radio", "rank"])


@pytest.mark.parametrize(
    ("historical", "recommended", "expected"),
    [
        (100.0, 104.9, "hold"),
        (100.0, 95.1, "hold"),
        (100.0, 106.0, "up"),
        (100.0, 80.0, "down"),
        (0.0, 5.0, "up"),
        (0.0, 0.0, "hold"),
    ],
)
def test_a_move_within_five_percent_of_the_historical_amount_is_hold(historical, recommended, expected):
    assert move_direction(historical, recommended) == expected


def _channels() -> pd.DataFrame:
    """Three candidates' ranks and moves: TV agreed (ranks 1-2, up), SEM ranked apart, Radio moved apart; 'poor' (which
    does not fit) disagrees with everything and must not count."""
    rows = [
        ("a", "TV", 1, "up"), ("a", "SEM", 2, "hold"), ("a", "Radio", 3, "down"),
        ("b", "TV", 2, "up"), ("b", "SEM", 1, "hold"), ("b", "Radio", 3, "hold"),
        ("c", "TV", 1, "up"), ("c", "SEM", 3, "hold"), ("c", "Radio", 2, "down"),
        ("poor", "TV", 3, "down"), ("poor", "SEM", 1, "up"), ("poor", "Radio", 2, "up"),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["candidate", "channel", "rank", "direction"])
    frame["roi"], frame["historical_share"], frame["recommended_share"] = 1.0, 1 / 3, 1 / 3
    return frame


def test_candidates_agree_on_a_channel_only_with_neighbouring_ranks_and_one_move_among_those_that_fit():
    agreement = channel_agreement(_channels(), ["a", "b", "c"]).set_index("channel")
    assert agreement.loc["TV", "agrees"] and (agreement.loc["TV", "rank_low"], agreement.loc["TV", "rank_high"]) == (1, 2)
    assert not agreement.loc["SEM", "rank_agrees"] and agreement.loc["SEM", "direction_agrees"]
    assert agreement.loc["Radio", "rank_agrees"] and not agreement.loc["Radio", "direction_agrees"]
    assert agreement.loc["Radio", "directions"] == "hold 1, down 2"
    assert not channel_agreement(_channels(), ["a", "b", "c", "poor"]).set_index("channel").loc["TV", "agrees"]


def _tests() -> pd.DataFrame:
    """SEM: a 4-week test separates the candidates by 1 standard error, an 8-week one by 2.5; Radio: never by 2."""
    rows = []
    for channel, weeks, sigma, predicted in [
        ("SEM", 4, 10.0, {"a": 0.0, "b": 10.0, "c": 5.0}),
        ("SEM", 8, 14.0, {"a": 0.0, "b": 35.0, "c": 20.0}),
        ("Radio", 4, 10.0, {"a": 1.0, "b": 2.0, "c": 3.0}),
        ("Radio", 8, 14.0, {"a": 1.0, "b": 9.0, "c": 3.0}),
    ]:
        for name, value in {**predicted, "poor": 1e6}.items():
            rows.append(
                {
                    "channel": channel,
                    "candidate": name,
                    "weeks": weeks,
                    "start": "2016-07-04",
                    "end": "2016-08-28",
                    "delta_spend": 0.5,
                    "predicted_gmv": value,
                    "sigma": sigma,
                }
            )
    return pd.DataFrame(rows)


def test_the_deciding_test_is_the_shortest_that_separates_the_candidates_that_fit_by_two_standard_errors():
    tests = deciding_tests(_tests(), ["SEM", "Radio"], ["a", "b", "c"]).set_index("channel")
    assert tests.loc["SEM", "weeks"] == 8 and tests.loc["SEM", "decides"]
    assert tests.loc["SEM", "separation"] == pytest.approx(35 / 14)
    assert (tests.loc["SEM", "low"], tests.loc["SEM", "high"]) == (0.0, 35.0)  # 'poor' left out
    assert not tests.loc["Radio", "decides"] and tests.loc["Radio", "separation"] == pytest.approx(8 / 14)


def _found(key: str = "abc") -> CandidateSet:
    candidates = pd.DataFrame(
        {
            "candidate": ["a", "b", "c", "poor"],
            "differs": ["x"] * 4,
            "model": ["mmm"] * 4,
            "seconds": [1.0] * 4,
            "wape": [0.05, 0.04, 0.045, 0.2],
            "gap": [0.01, 0.0, 0.005, 0.16],
            "gap_lower": [-0.01, 0.0, -0.002, 0.1],
            "gap_upper": [0.02, 0.0, 0.01, 0.2],
            "about_as_well": [True, True, True, False],
        }
    )
    meta = {"manifest_sha256": key, "created": "2026-01-01T00:00:00+00:00", "budget": 1.5, "plan_weeks": 13, "seconds": 9.0}
    return CandidateSet(meta, candidates, _channels(), _tests())


def test_the_page_tables_say_who_fits_where_they_agree_and_which_test_decides():
    found = _found()
    table = candidates_table(found)
    assert list(table["fits about as well"]) == ["yes", "yes", "yes", "no"]
    assert table.loc[0, "TV"] == "#1 · 33.3% ↑" and table.loc[1, "gap to the best, points (80% interval)"] == "the best"
    agreement = agreement_table(found).set_index("channel")
    assert agreement.loc["TV", "candidates agree"] == "yes" and agreement.loc["SEM", "ROI rank"] == "#1 to #3"
    tests = deciding_table(found, RUPEES_IN_CRORE)
    assert list(tests["channel"]) == ["SEM", "Radio"]  # TV is agreed on: no test proposed for it
    assert tests["tells them apart"].iloc[0].startswith("yes") and tests["tells them apart"].iloc[1].startswith("not within")
    words = " ".join(candidate_sentences(found))
    assert "3 of 4 candidates fit" in words and "(poor do not)" in words
    assert "They agree on TV" in words and "They disagree on SEM and Radio" in words


def test_candidates_are_read_back_only_for_the_model_version_they_were_made_from(tmp_path):
    art = tmp_path / "artifacts"
    art.mkdir()
    folder = candidates_dir(art)
    assert folder == tmp_path / "artifacts.candidates"
    assert candidates_dir(tmp_path / "artifacts-versions" / "20260101") == tmp_path / "artifacts-candidates" / "20260101"
    assert read_candidates(folder, "abc") is None
    write_candidates(_found("abc"), folder)
    back = read_candidates(folder, "abc")
    assert back is not None and back.fitting == ["a", "b", "c"] and back.meta["budget"] == 1.5
    pd.testing.assert_frame_equal(back.channels, _channels())
    with pytest.raises(StaleCandidates, match="another version of the model"):
        read_candidates(folder, "retrained")
    write_candidates(_found("def"), folder)  # replaced whole
    assert read_candidates(folder, "def") is not None and not list(tmp_path.glob(".artifacts.candidates*"))


def test_candidates_never_overwrite_a_folder_of_other_files(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(ArtifactError, match="not GMV Planner candidates"):
        write_candidates(_found(), tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"

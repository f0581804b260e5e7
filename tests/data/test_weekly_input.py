import json

import numpy as np
import pandas as pd
import pytest

from gmvplanner.data.weekly_input import load_weekly_table, missing_weeks
from gmvplanner.errors import InputError
from gmvplanner.features.design import FeatureSpec, design_matrix
from gmvplanner.model.artifacts import load_artifacts

from ..helpers import run_cli, weekly_table


def _train_weekly(path, *options):
    """The real training CLI on a weekly table with date_week, target y and channels c, d."""
    return run_cli(
        "ecommerce_training.py", "--weekly", path, "--date-col", "date_week", "--target", "y", "--channels", "c,d", *options
    )


@pytest.mark.slow  # the training CLI in a subprocess
def test_weekly_table_trains_end_to_end(weekly_csv, tmp_path):
    out = tmp_path / "art"
    result = _train_weekly(weekly_csv, "--controls", "event", "--model", "mmm", "--artifacts", out)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["subcategories"] == ["all"] and manifest["kind"] == "weekly"
    contributions = pd.read_csv(out / "contributions.csv").set_index("channel")
    _, truth = weekly_table()
    assert contributions.loc["c", "incremental_gmv"] == pytest.approx(truth["c"], rel=0.1)
    assert contributions.loc["d", "incremental_gmv"] < 0.05 * truth["c"]
    assert len(pd.read_csv(out / "backtest.csv")) == 120


@pytest.mark.slow  # the training CLI in a subprocess
def test_group_column_gives_one_model_per_group(tmp_path):
    a, _ = weekly_table(seed=1)
    b, _ = weekly_table(seed=2)
    table = pd.concat([a.assign(region="north"), b.assign(region="south")])
    path = tmp_path / "grouped.csv"
    table.to_csv(path, index=False)
    result = _train_weekly(path, "--group-col", "region", "--model", "forest", "--trees", "30", "--artifacts", tmp_path / "art")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "art" / "manifest.json").read_text())
    assert manifest["subcategories"] == ["north", "south"] and manifest["model"] == "forest"


def test_weekly_errors_name_file_column_row(tmp_path):
    frame, _ = weekly_table(n_weeks=40)
    path = tmp_path / "w.csv"
    frame.drop(columns="d").to_csv(path, index=False)
    with pytest.raises(InputError, match="column 'd' missing"):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)
    frame.loc[3, "c"] = -1
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 5, column 'c': negative spend"):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)
    frame.loc[3, "c"] = 1
    pd.concat([frame, frame.iloc[[7]]]).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 42, column 'date_week': a second row for the week of 2019-02-25"):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)
    frame["y"] = frame["y"].astype(object)
    frame.loc[5, "y"] = "n/a"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 7, column 'y': cannot read number 'n/a'"):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)


def test_real_weeks_from_1989_are_read_and_dates_past_the_plan_horizon_are_refused(tmp_path):
    """Dominick's scanner weeks start in 1989: a table of them reads whole. A week later than today plus the plan
    horizon, or before 1900, is a typing error named by file, column and row."""
    from gmvplanner.data.limits import latest_history_date

    frame, _ = weekly_table(n_weeks=40)
    path = tmp_path / "w.csv"
    frame.assign(date_week=pd.date_range("1989-09-11", periods=40, freq="7D").strftime("%Y-%m-%d")).to_csv(path, index=False)
    table = load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)
    assert table["week_start"].iloc[0] == pd.Timestamp("1989-09-11") and len(table) == 40
    latest = latest_history_date()
    late = latest + pd.Timedelta(days=7)
    weeks = pd.date_range(end=late, periods=40, freq="7D")
    frame.assign(date_week=weeks.strftime("%Y-%m-%d")).to_csv(path, index=False)
    expected = (
        rf"w.csv row 41, column 'date_week': date {late:%Y-%m-%d} is outside 1900-01-01 to {latest:%Y-%m-%d} "
        r"\(today plus the 13-week plan horizon\)"
    )
    with pytest.raises(InputError, match=expected):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)
    frame.assign(date_week=pd.date_range(end=latest, periods=40, freq="7D").strftime("%Y-%m-%d")).to_csv(path, index=False)
    assert load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)["week_start"].iloc[-1] == latest
    frame.assign(date_week=pd.date_range("1899-12-04", periods=40, freq="7D").strftime("%Y-%m-%d")).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 2, column 'date_week': date 1899-12-04 is outside 1900-01-01"):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)


@pytest.mark.slow  # the training CLI in a subprocess
def test_weekly_needs_channels(weekly_csv):
    result = run_cli("ecommerce_training.py", "--weekly", weekly_csv)
    assert result.returncode == 2 and "--weekly needs --channels" in result.stderr


@pytest.mark.slow  # the training CLI in a subprocess
def test_analyst_fixed_transforms_are_used_and_recorded(weekly_csv, tmp_path):
    """--transforms keeps the analyst's carry-over and saturation for channel c (here its true ones) and
    leaves channel d to the CV search; the manifest says which were fixed."""
    fixed = tmp_path / "transforms.csv"
    fixed.write_text("channel,decay,half_saturation_multiple\nc,0,1\nd,,\n")
    out = tmp_path / "art"
    result = _train_weekly(weekly_csv, "--controls", "event", "--model", "mmm", "--transforms", fixed, "--artifacts", out)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    params = manifest["media_params"]["all"]
    frame, truth = weekly_table()
    assert params["decay"]["c"] == 0.0
    assert params["half_saturation"]["c"] == pytest.approx(frame["c"].mean() / 7)  # 1 x mean spend per day
    assert manifest["train_config"]["transforms"] == {
        "source": str(fixed),
        "decay": {"c": 0.0},
        "half_saturation_multiple": {"c": 1.0},
    }
    contributions = pd.read_csv(out / "contributions.csv").set_index("channel")
    assert contributions.loc["c", "incremental_gmv"] == pytest.approx(truth["c"], rel=0.03)


@pytest.mark.slow  # the training CLI in a subprocess
@pytest.mark.parametrize(
    "text, expected",
    [
        ("channel,decay,half_saturation_multiple\nc,1.2,1\n", "row 2, column 'decay': decay 1.2 is not in [0, 1)"),
        ("channel,decay,half_saturation_multiple\nc,0.5,1\nTV,0.5,1\n", "unknown channel(s) ['TV']; the data has ['c', 'd']"),
        ("channel,decay\nc,0.5\n", "column 'half_saturation_multiple' missing"),
        ("channel,decay,half_saturation_multiple\nc,0.5,\nc,,2\n", "row 3, column 'channel': channel 'c' appears twice"),
        ("channel,decay,half_saturation_multiple\nc,0.5,0\n", "row 2, column 'half_saturation_multiple': 0.0 is not a positive"),
    ],
)
def test_bad_transforms_file_is_a_plain_error(weekly_csv, tmp_path, text, expected):
    fixed = tmp_path / "transforms.csv"
    fixed.write_text(text)
    result = _train_weekly(weekly_csv, "--model", "mmm", "--transforms", fixed, "--artifacts", tmp_path / "art")
    assert result.returncode == 2 and str(fixed) in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "art").exists()


@pytest.mark.slow  # the training CLI in a subprocess
def test_transforms_need_the_media_mix_model(weekly_csv, tmp_path):
    fixed = tmp_path / "transforms.csv"
    fixed.write_text("channel,decay,half_saturation_multiple\nc,0,1\n")
    result = _train_weekly(weekly_csv, "--model", "forest", "--transforms", fixed, "--artifacts", tmp_path / "art")
    assert result.returncode == 2
    assert "--transforms does not apply to --model forest; use one of ['mmm', 'hybrid']" in result.stderr


def _as_teams_keep_it(tmp_path):
    """The generated table as the public ElecKart weekly table comes: weeks starting on Sunday, a partial first
    week (Wednesday 2 January, 4 days, spend and GMV of 4/7 of a week) and a three-week gap (weeks 60-62 absent).
    Returns the file and the true incremental GMV of channel c over the weeks present."""
    frame, _ = weekly_table()
    frame["date_week"] = (pd.to_datetime(frame["date_week"]) - pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d")
    first = frame.iloc[[0]].assign(date_week="2019-01-02", y=frame["y"].iloc[0] * 4 / 7, c=frame["c"].iloc[0] * 4 / 7)
    first["d"] = first["d"] * 4 / 7
    table = pd.concat([first, frame.drop(index=[60, 61, 62])], ignore_index=True)
    path = tmp_path / "as_teams_keep_it.csv"
    table.to_csv(path, index=False)
    c = frame["c"].drop(index=[60, 61, 62]).to_numpy()
    effect = 3000 * c / (c + 1.0)
    return path, float(effect.sum() + 4 / 7 * effect[0])


def test_sunday_weeks_a_partial_first_week_and_a_gap_are_read_as_they_are(tmp_path):
    path, _ = _as_teams_keep_it(tmp_path)
    weekly = load_weekly_table(path, "date_week", "y", ["c", "d"], ["event"], None)
    assert len(weekly) == 121  # 120 weeks + the partial one, the three absent weeks added back
    assert weekly["week_start"].iloc[0] == pd.Timestamp("2019-01-02") and weekly["days"].iloc[0] == 4
    assert (weekly["week_start"].iloc[1:].dt.day_name() == "Sunday").all() and (weekly["days"].iloc[1:] == 7).all()
    gap = weekly.loc[weekly["gmv"].isna()]
    assert list(gap["week_start"].dt.strftime("%Y-%m-%d")) == ["2020-03-01", "2020-03-08", "2020-03-15"]
    assert (gap[["spend_c", "spend_d"]] == 0).all().all()
    assert missing_weeks(weekly) == {"all": ["2020-03-01", "2020-03-08", "2020-03-15"]}
    # carry-over runs on through the gap: with no spend there, the stock decays by the decay each week
    spec = FeatureSpec(channels=["c", "d"], decay={"c": 0.5, "d": 0.0}, controls=[], calendar=False)
    stock = design_matrix(weekly, spec)["adstock_c"].to_numpy()
    before = int(gap.index[0]) - 1
    assert stock[before + 1 : before + 4] == pytest.approx(stock[before] * 0.5 ** np.arange(1, 4))


@pytest.mark.slow  # the training CLI in a subprocess
def test_a_table_as_teams_keep_it_trains_predicts_the_gap_and_keeps_its_week_labels(tmp_path):
    path, true_c = _as_teams_keep_it(tmp_path)
    out = tmp_path / "art"
    result = _train_weekly(path, "--controls", "event", "--model", "mmm", "--artifacts", out)
    assert result.returncode == 0, result.stderr
    assert "3 week(s) without GMV (2020-03-01, 2020-03-08, 2020-03-15) are predicted but not fitted" in result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["window"]["missing_weeks"] == {"all": ["2020-03-01", "2020-03-08", "2020-03-15"]}
    assert manifest["window"]["start"] == "2019-01-02"
    backtest = pd.read_csv(out / "backtest.csv")
    source = pd.read_csv(path)
    assert set(source["date_week"]) <= set(backtest["week_start"])  # the table's own week labels
    gap = backtest.loc[backtest["week_start"].isin(["2020-03-01", "2020-03-08", "2020-03-15"])]
    assert gap["actual_gmv"].isna().all() and gap["predicted_gmv"].between(8000, 14000).all()
    assert backtest["days"].iloc[0] == 4
    contributions = pd.read_csv(out / "contributions.csv").set_index("channel")
    assert contributions.loc["c", "incremental_gmv"] == pytest.approx(true_c, rel=0.1)
    # forecasts continue on the table's weekday; a scenario's dates move to the start of their Sunday week
    art = load_artifacts(out)
    assert art.next_week == pd.Timestamp("2021-04-25") and art.week_starts_on == 6
    scenario = tmp_path / "scenario.csv"
    scenario.write_text("week_start,c,d\n2021-04-26,1,1\n2021-05-05,1,1\n")
    predicted = tmp_path / "predicted.csv"
    result = run_cli("ecommerce_testing.py", "predict", "--artifacts", out, "--scenario", scenario, "--out", predicted)
    assert result.returncode == 0, result.stderr
    assert list(pd.read_csv(predicted)["week_start"]) == ["2021-04-25", "2021-05-02"]


def test_a_days_column_marks_a_partial_last_week_and_blank_targets_are_missing_weeks(tmp_path):
    frame, _ = weekly_table(n_weeks=60)
    frame["days"] = 7
    frame.loc[59, "days"] = 3
    frame["y"] = frame["y"].astype(object)
    frame.loc[20, "y"] = ""  # GMV unknown that week; its spend is as given
    path = tmp_path / "w.csv"
    frame.to_csv(path, index=False)
    weekly = load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)
    assert weekly["days"].iloc[-1] == 3 and weekly["gmv"].isna().sum() == 1
    assert weekly["spend_c"].iloc[20] == pytest.approx(frame["c"].iloc[20])
    frame.loc[30, "days"] = 5
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 32, column 'days': 5 days in the week of .*only a group's first or last"):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)


def test_a_week_off_the_cadence_in_the_middle_names_its_row(tmp_path):
    frame, _ = weekly_table(n_weeks=40)
    frame.loc[10, "date_week"] = "2019-03-19"  # a Tuesday among Mondays
    path = tmp_path / "w.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(
        InputError,
        match=r"row 12, column 'date_week': the week of 2019-03-19 starts on a Tuesday, but the "
        r"table's weeks start on Mondays",
    ):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)

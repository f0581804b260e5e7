"""The real scripts, run as a user runs them: outputs, exit codes and one-line errors."""

import shutil

import pandas as pd
import pytest

from ..helpers import ROOT, optimize_cli, run_cli, snapshot


def test_help_explains_both_scripts():
    train_help = run_cli("ecommerce_training.py", "--help")
    assert train_help.returncode == 0 and "--holdout-weeks" in train_help.stdout and "crore" in train_help.stdout
    test_help = run_cli("ecommerce_testing.py", "predict", "--help")
    assert test_help.returncode == 0 and "--scenario" in test_help.stdout


def test_training_prints_metrics_against_baselines(trained):
    metrics = pd.read_csv(trained / "metrics.csv")
    assert set(metrics["predictor"]) == {"model", "last_week", "mean_13_weeks"}
    assert len(metrics) == 9


def _predict_example(artifacts, out):
    """The real predict CLI on the committed example scenario."""
    scenario = ROOT / "data" / "example_scenario.csv"
    return run_cli("ecommerce_testing.py", "predict", "--artifacts", artifacts, "--scenario", scenario, "--out", out)


def test_predict_example_scenario_end_to_end(trained, tmp_path):
    out = tmp_path / "pred.csv"
    result = _predict_example(trained, out)
    assert result.returncode == 0, result.stderr
    pred = pd.read_csv(out)
    assert list(pred.columns) == ["week_start", "subcategory", "predicted_gmv", "lower", "upper"]
    assert len(pred) == 12 * 3
    assert (pred["lower"] <= pred["predicted_gmv"]).all() and (pred["predicted_gmv"] <= pred["upper"]).all()
    assert (pred["predicted_gmv"] > 0).all()
    again = tmp_path / "again.csv"
    _predict_example(trained, again)
    pd.testing.assert_frame_equal(pred, pd.read_csv(again))


def _readme_scenario() -> str:
    """The scenario example docs/predict.md shows under Scenario format (the csv block after its marker)."""
    readme = (ROOT / "docs" / "predict.md").read_text()
    block = readme.split("<!-- scenario-example -->", 1)[1].split("```csv\n", 1)[1]
    return block.split("```", 1)[0]


def test_the_docs_scenario_with_blank_and_named_subcategories_predicts(trained, tmp_path):
    scenario, out = tmp_path / "readme_scenario.csv", tmp_path / "pred.csv"
    scenario.write_text(_readme_scenario())
    result = run_cli("ecommerce_testing.py", "predict", "--artifacts", trained, "--scenario", scenario, "--out", out)
    assert result.returncode == 0, result.stderr
    pred = pd.read_csv(out)
    assert len(pred) == 2 * 3  # two weeks, every subcategory: the named row adds no week of its own
    assert set(pred["subcategory"]) == {"CameraAccessory", "HomeAudio", "GamingAccessory"}
    assert (pred["predicted_gmv"] > 0).all()


def test_predict_refuses_tampered_artifacts(artifacts_copy, tmp_path):
    target = artifacts_copy / "model_CameraAccessory.joblib"
    target.write_bytes(target.read_bytes() + b"x")
    result = _predict_example(artifacts_copy, tmp_path / "p.csv")
    assert result.returncode == 2
    assert "checksum of model_CameraAccessory.joblib" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "p.csv").exists()


def _bad_orders(small_data, tmp_path, kind):
    text = small_data["orders"].read_text().splitlines()
    path = tmp_path / "orders.csv"
    if kind == "missing column":
        text[0] = text[0].replace(",gmv,", ",gmv_rs,")
    elif kind == "bad date":
        parts = text[5].split(",")
        parts[1] = "2015-13-45 99:00:00"
        text[5] = ",".join(parts)
    elif kind == "empty":
        text = []
    elif kind == "not a table":
        path.write_bytes(b"PK\x03\x04\x00\x00 zip archive bytes")
        return path
    path.write_text("\n".join(text) + ("\n" if text else ""))
    return path


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("missing column", "column 'gmv' missing (did you mean 'gmv_rs'?)"),
        ("bad date", "row 6, column 'order_date': cannot read date '2015-13-45 99:00:00'"),
        ("empty", "file is empty"),
        ("not a table", "not a table"),
    ],
)
def test_bad_orders_one_line_error_and_artifacts_untouched(kind, expected, small_data, artifacts_copy, tmp_path):
    before = snapshot(artifacts_copy)
    orders = _bad_orders(small_data, tmp_path, kind)
    result = run_cli(
        "ecommerce_training.py",
        "--orders",
        orders,
        "--media",
        small_data["media"],
        "--artifacts",
        artifacts_copy,
        "--trees",
        "10",
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert str(orders) in lines[0] and expected in lines[0]
    assert snapshot(artifacts_copy) == before


def test_negative_spend_one_line_error(small_data, artifacts_copy, tmp_path):
    before = snapshot(artifacts_copy)
    media = tmp_path / "MediaInvestment.csv"
    lines = small_data["media"].read_text().splitlines()
    parts = lines[4].split(",")
    parts[3] = "-0.5"  # TV, month 4
    lines[4] = ",".join(parts)
    media.write_text("\n".join(lines) + "\n")
    result = run_cli("ecommerce_training.py", "--orders", small_data["orders"], "--media", media, "--artifacts", artifacts_copy)
    assert result.returncode == 2, result.stderr
    assert f"error: {media} row 5, column 'TV': negative spend -0.5" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(artifacts_copy) == before


def test_unknown_subcategory_lists_the_ones_found(small_data, tmp_path):
    result = run_cli(
        "ecommerce_training.py",
        "--orders",
        small_data["orders"],
        "--media",
        small_data["media"],
        "--subcategories",
        "Drones",
        "--artifacts",
        tmp_path / "a",
    )
    assert result.returncode == 2
    assert "subcategory 'Drones' has no valid orders" in result.stderr and "HomeAudio" in result.stderr
    assert not (tmp_path / "a").exists()


def test_media_without_orders_is_a_usage_error(small_data):
    """Orders alone train (forecasts without channels, issue 26); a media file alone has nothing to model."""
    result = run_cli("ecommerce_training.py", "--media", small_data["media"])
    assert result.returncode == 2 and "--media goes with --orders" in result.stderr


def test_weekly_media_file_trains_too(small_data, tmp_path):
    shutil.copy(small_data["media_weekly"], tmp_path / "weekly.csv")
    result = run_cli(
        "ecommerce_training.py",
        "--orders",
        small_data["orders"],
        "--media",
        tmp_path / "weekly.csv",
        "--start",
        "2014-07-01",
        "--end",
        "2016-06-30",
        "--subcategories",
        "HomeAudio",
        "--trees",
        "20",
        "--artifacts",
        tmp_path / "art",
    )
    assert result.returncode == 0, result.stderr
    manifest = pd.read_json(tmp_path / "art" / "manifest.json", typ="series")
    assert manifest["window"]["media_layout"] == "dated"


def test_unreadable_window_date_is_a_plain_error(small_data, tmp_path):
    result = run_cli(
        "ecommerce_training.py",
        "--orders",
        small_data["orders"],
        "--media",
        small_data["media"],
        "--start",
        "first of july",
        "--artifacts",
        tmp_path / "a",
    )
    assert result.returncode == 2 and "argument --start: cannot read date 'first of july'" in result.stderr
    assert "Traceback" not in result.stderr


def test_mmm_records_its_pooling_and_refuses_a_negative_one(trained_mmm, small_data, tmp_path):
    manifest = pd.read_json(trained_mmm / "manifest.json", typ="series")
    pooling = manifest["media_params"]["HomeAudio"]["pooling"]  # estimated from the data (--pooling auto, the default)
    assert pooling["estimated"] is True and set(pooling["groups"]) == set(manifest["channels"])
    assert all(w > 0 for w in pooling["groups"].values()) and pooling["channels"] > 0
    assert set(pooling["group_spread"]) == set(manifest["channels"])
    result = run_cli("ecommerce_training.py", "--model", "mmm", "--pooling", "-1", "--artifacts", tmp_path / "a")
    assert result.returncode == 2 and "--pooling" in result.stderr and "must be a finite value from 0" in result.stderr
    assert not (tmp_path / "a").exists()


@pytest.fixture(scope="module")
def weekly_artifacts(weekly_csv, tmp_path_factory):
    """Media-mix artifacts from a weekly table whose GMV is about 11,500 a week, in the table's own unit."""
    out = tmp_path_factory.mktemp("weekly_units") / "art"
    result = run_cli(
        "ecommerce_training.py",
        *("--weekly", weekly_csv, "--date-col", "date_week", "--target", "y", "--channels", "c,d"),
        *("--controls", "event", "--model", "mmm", "--artifacts", out),
    )
    assert result.returncode == 0, result.stderr
    return out


def test_weekly_table_artifacts_predict_in_their_own_units(weekly_artifacts, tmp_path):
    """The money bug: predict used to divide by 1e7 and print '0.005 crore ₹' for such artifacts."""
    last = pd.read_csv(weekly_artifacts / "history.csv")["week_start"].max()
    weeks = pd.date_range(pd.Timestamp(last) + pd.Timedelta(weeks=1), periods=4, freq="7D")
    scenario = tmp_path / "scenario.csv"
    pd.DataFrame({"week_start": weeks.strftime("%Y-%m-%d"), "c": 1.0, "d": 1.0}).to_csv(scenario, index=False)
    out = tmp_path / "pred.csv"
    result = run_cli("ecommerce_testing.py", "predict", "--artifacts", weekly_artifacts, "--scenario", scenario, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "units of the weekly table" in result.stdout and "crore" not in result.stdout
    pred = pd.read_csv(out)
    assert 9_000 < pred["predicted_gmv"].mean() < 14_000  # a week of this table's GMV, not a fraction of a crore
    total_line = next(line for line in result.stdout.splitlines() if line.startswith("all"))
    assert float(total_line.split()[1]) == pytest.approx(pred["predicted_gmv"].sum(), rel=1e-3)


def test_a_weekly_table_knows_no_new_customers(weekly_artifacts):
    """--new-customer-weight needs customer ids: a model from a weekly table refuses it in plain words."""
    result = run_cli(
        "ecommerce_testing.py", "optimize", "--artifacts", weekly_artifacts, "--budget", "13", "--weeks", "13",
        "--new-customer-weight", "2",
    )  # fmt: skip
    assert result.returncode == 2, result.stdout
    assert "--new-customer-weight" in result.stderr and "cust_id" in result.stderr and "Traceback" not in result.stderr


def test_weekly_table_artifacts_optimise_in_their_own_units(weekly_artifacts, tmp_path):
    result, out = optimize_cli(weekly_artifacts, tmp_path, "channel,min_units,max_units\nd,0,3\n", "13", "13")
    assert result.returncode == 0, result.stderr
    split = pd.read_csv(out).set_index("channel")
    assert list(split.columns) == ["min_units", "max_units", "historical_units", "recommended_units", "change_units"]
    assert split["recommended_units"].sum() == pytest.approx(13.0)
    assert split.loc["d", "recommended_units"] <= 3.0 + 1e-9
    assert "budget 13 (units of the weekly table)" in result.stdout and "crore" not in result.stdout


def test_lift_tests_calibrate_training_and_are_recorded(small_data, tmp_path):
    lift = pd.read_csv(small_data["lift_tests"])
    assert len(lift) == 3 and (lift["sigma"] > 0).all()  # the generator writes three tests from its truth
    args = ["--start", "2014-07-01", "--end", "2016-06-30", "--subcategories", "HomeAudio,CameraAccessory,GamingAccessory"]
    result = run_cli(
        "ecommerce_training.py",
        *("--orders", small_data["orders"], "--media", small_data["media_weekly"], *args),
        *("--model", "mmm", "--lift-tests", small_data["lift_tests"], "--artifacts", tmp_path / "art"),
    )
    assert result.returncode == 0, result.stderr
    manifest = pd.read_json(tmp_path / "art" / "manifest.json", typ="series")
    assert manifest["train_config"]["lift_tests"]["tests"] == 3
    forest = run_cli("ecommerce_training.py", "--model", "forest", "--lift-tests", small_data["lift_tests"])
    assert forest.returncode == 2 and "--lift-tests does not apply to --model forest" in forest.stderr


def test_roi_priors_enter_training_and_bad_rows_are_refused(small_data, tmp_path):
    """The README's example priors through the real CLI: recorded in the manifest, and a prior the monthly data
    cannot contradict puts Radio's ROI inside its range; a bad row is one line naming file, row and column."""
    example = ROOT / "data" / "example_roi_priors.csv"
    priors = pd.read_csv(example)
    args = ["--start", "2014-07-01", "--end", "2016-06-30", "--subcategories", "HomeAudio,CameraAccessory,GamingAccessory"]
    result = run_cli(
        "ecommerce_training.py",
        *("--orders", small_data["orders"], "--media", small_data["media"], *args),
        *("--model", "mmm", "--roi-priors", example, "--artifacts", tmp_path / "art"),
    )
    assert result.returncode == 0, result.stderr
    manifest = pd.read_json(tmp_path / "art" / "manifest.json", typ="series")
    assert len(manifest["train_config"]["roi_priors"]["priors"]) == len(priors)
    contributions = pd.read_csv(tmp_path / "art" / "contributions.csv")
    low, high = priors.set_index("channel").loc["Radio", ["roi_low", "roi_high"]]
    radio = contributions.loc[contributions["channel"] == "Radio", "roi"]
    assert radio.between(low * 0.8, high * 1.2).all(), radio.tolist()
    bad = tmp_path / "bad.csv"
    bad.write_text("channel,roi_low,roi_high\nTV,0.5,0.2\n")
    refused = run_cli("ecommerce_training.py", "--roi-priors", bad, "--artifacts", tmp_path / "never")
    assert refused.returncode == 2 and "bad.csv" in refused.stderr and "row 2" in refused.stderr
    assert "roi_high" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "never").exists()


def test_scenario_weeks_far_from_the_training_data_are_predicted_with_a_warning(trained, tmp_path):
    example = pd.read_csv(ROOT / "data" / "example_scenario.csv")
    near, early = tmp_path / "near.csv", tmp_path / "early.csv"
    example.to_csv(near, index=False)
    weeks = pd.date_range("2007-07-02", periods=len(example), freq="7D").strftime("%Y-%m-%d")
    example.assign(week_start=weeks).to_csv(early, index=False)
    fine = run_cli("ecommerce_testing.py", "predict", "--artifacts", trained, "--scenario", near, "--out", tmp_path / "a.csv")
    assert fine.returncode == 0 and "warning" not in fine.stderr, fine.stderr
    result = run_cli("ecommerce_testing.py", "predict", "--artifacts", trained, "--scenario", early, "--out", tmp_path / "b.csv")
    assert result.returncode == 0, result.stderr
    assert "weeks from 2007-07-02 start more than a year before the training data" in result.stderr
    ahead = run_cli(
        "ecommerce_testing.py", "optimize", "--artifacts", trained, "--budget", "1", "--weeks", "4", "--start", "2030-01-07"
    )
    assert ahead.returncode == 0, ahead.stderr
    assert "end more than two years after the training data" in ahead.stderr

import numpy as np
import pandas as pd
import pytest

from gmvplanner.manifest import TrainingWindow
from gmvplanner.model.artifacts import load_artifacts
from gmvplanner.model.metrics import metrics

from .helpers import valid_orders_oracle


def test_metrics_values():
    m = metrics(np.array([100.0, 200.0]), np.array([110.0, 180.0]))
    assert m["wape"] == pytest.approx(30 / 300)
    assert m["mape"] == pytest.approx((0.1 + 0.1) / 2)
    assert m["r2"] == pytest.approx(1 - (100 + 400) / 5000)


def test_weekly_gmv_equals_sum_of_valid_orders(forest_art, small_data):
    history = forest_art.table("history")
    valid, _ = valid_orders_oracle(small_data["orders"], "2014-07-01", "2016-06-30")
    valid = valid.assign(week_start=valid["day"] - pd.to_timedelta(valid["day"].dt.day_of_week, unit="D"))
    expected = valid.groupby(["subcategory", "week_start"])["gmv_n"].sum()
    got = history.set_index(["subcategory", "week_start"])["gmv"]
    for sub in ("CameraAccessory", "HomeAudio", "GamingAccessory"):
        np.testing.assert_allclose(got.loc[sub].to_numpy(), expected.loc[sub].reindex(got.loc[sub].index).to_numpy())
    assert got.sum() == pytest.approx(expected.loc[["CameraAccessory", "HomeAudio", "GamingAccessory"]].sum())


def test_partial_weeks_counted_by_days_in_window(forest_art):
    history = forest_art.table("history")
    sub = history.loc[history["subcategory"] == "HomeAudio"].sort_values("week_start")
    # 2014-07-01 is a Tuesday and 2016-06-30 a Thursday
    assert sub["week_start"].iloc[0] == pd.Timestamp("2014-06-30") and sub["days"].iloc[0] == 6
    assert sub["week_start"].iloc[-1] == pd.Timestamp("2016-06-27") and sub["days"].iloc[-1] == 4
    assert (sub["days"].iloc[1:-1] == 7).all()
    backtest = forest_art.table("backtest")
    bt = backtest.loc[backtest["subcategory"] == "HomeAudio"].sort_values("week_start")
    last_rate = bt["predicted_gmv"].iloc[-1] / 4
    prev_rate = bt["predicted_gmv"].iloc[-2] / 7
    assert 0.67 < last_rate / prev_rate < 1.5  # a 4-day week is predicted as 4 days, not 7


def test_backtest_covers_every_week_with_holdout_last(forest_art):
    backtest = forest_art.table("backtest")
    assert list(backtest.columns) == [
        *("week_start", "subcategory", "actual_gmv", "predicted_gmv", "lower", "upper", "split", "days")
    ]
    assert (backtest["lower"] <= backtest["predicted_gmv"]).all() and (backtest["predicted_gmv"] <= backtest["upper"]).all()
    for _sub, rows in backtest.groupby("subcategory"):
        rows = rows.sort_values("week_start")
        assert len(rows) == forest_art.manifest.window.weeks
        assert rows["split"].tolist() == ["train"] * (len(rows) - 8) + ["holdout"] * 8


def test_manifest_has_provenance(forest_art, small_data):
    manifest = forest_art.manifest
    assert manifest.window == TrainingWindow(start="2014-07-01", end="2016-06-30", weeks=105, media_layout="monthly")
    assert manifest.subcategories == ["CameraAccessory", "HomeAudio", "GamingAccessory"]
    assert len(manifest.channels) == 9
    assert set(manifest.inputs) == {"orders", "media", "sale_calendar", "nps", "holidays"}
    assert len(manifest.inputs["orders"]["sha256"]) == 64
    for sub in manifest.subcategories:
        for predictor in ("model", "last_week", "mean_13_weeks"):
            assert 0 <= manifest.metrics[sub][predictor]["wape"] < 1
        assert any(name.startswith("adstock_") for name in manifest.feature_names[sub])
    assert "scikit-learn" in manifest.libraries


def test_window_ends_with_the_orders_when_media_runs_longer(small_data, tmp_path):
    from gmvplanner.model.train_config import TrainConfig
    from gmvplanner.pipeline import TrainingInputs, train

    media = pd.read_csv(small_data["media_weekly"])
    assert pd.Timestamp(media["date"].iloc[-1]) + pd.Timedelta(days=6) > pd.Timestamp("2016-06-30")  # media runs on
    inputs = TrainingInputs(orders=small_data["orders"], media=small_data["media_weekly"])
    result = train(inputs, tmp_path / "art", ["HomeAudio"], TrainConfig(model="forest", n_estimators=10, decay_grid=(0.0,)))
    assert result.manifest.window.end == "2016-06-30"  # the last order day, not the media file's last day
    last = load_artifacts(result.artifacts).table("history").sort_values("week_start").iloc[-1]
    assert last["days"] == 4  # Monday 27 June to Thursday 30 June: spend and orders over the same four days


def test_trains_from_a_folder_of_parquet_files(small_data, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from gmvplanner.model.train_config import TrainConfig
    from gmvplanner.pipeline import TrainingInputs, train

    table = pa.Table.from_pandas(pd.read_csv(small_data["orders"], dtype=str, keep_default_na=False))
    lake = tmp_path / "lake"
    lake.mkdir()
    third = table.num_rows // 3
    for part, start in enumerate((0, third, 2 * third)):
        pq.write_table(table.slice(start, third if part < 2 else None), lake / f"part-{part}.parquet")
    inputs = TrainingInputs(orders=lake, media=small_data["media"])
    result = train(inputs, tmp_path / "art", ["HomeAudio"], TrainConfig(model="forest", n_estimators=10, decay_grid=(0.0,)))
    assert len(result.manifest.inputs["orders"]["sha256"]) == 64  # the folder's files, checksummed
    csv_result = train(
        TrainingInputs(orders=small_data["orders"], media=small_data["media"]),
        tmp_path / "art_csv",
        ["HomeAudio"],
        TrainConfig(model="forest", n_estimators=10, decay_grid=(0.0,)),
    )
    history = load_artifacts(result.artifacts).table("history")
    pd.testing.assert_frame_equal(history, load_artifacts(csv_result.artifacts).table("history"))


def test_holdout_is_scored_on_its_full_weeks(forest_art):
    backtest = forest_art.table("backtest")
    hold = backtest.loc[(backtest["split"] == "holdout") & (backtest["subcategory"] == "HomeAudio")]
    assert (hold["days"] < 7).any()  # the last week of the window is partial
    full = hold.loc[hold["days"] == 7]
    expected = metrics(full["actual_gmv"].to_numpy(), full["predicted_gmv"].to_numpy())
    assert forest_art.manifest.metrics["HomeAudio"]["model"]["wape"] == pytest.approx(expected["wape"])
    assert forest_art.manifest.metrics["HomeAudio"]["model"]["scored_weeks"] == len(full)

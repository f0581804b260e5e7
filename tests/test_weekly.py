import json

import pandas as pd
import pytest

from gmvplanner.errors import InputError
from gmvplanner.weekly import load_weekly_table

from .conftest import run_cli, weekly_table


def _train_weekly(path, *options):
    """The real training CLI on a weekly table with date_week, target y and channels c, d."""
    return run_cli(
        "ecommerce_training.py", "--weekly", path, "--date-col", "date_week", "--target", "y", "--channels", "c,d", *options
    )


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


def test_group_column_gives_one_model_per_group(tmp_path):
    a, _ = weekly_table(seed=1)
    b, _ = weekly_table(seed=2)
    table = pd.concat([a.assign(region="north"), b.assign(region="south")])
    path = tmp_path / "grouped.csv"
    table.to_csv(path, index=False)
    result = _train_weekly(path, "--group-col", "region", "--trees", "30", "--artifacts", tmp_path / "art")
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
    frame.drop(index=10).to_csv(path, index=False)
    with pytest.raises(InputError, match="must follow each other"):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)


def test_weekly_needs_channels(weekly_csv):
    result = run_cli("ecommerce_training.py", "--weekly", weekly_csv)
    assert result.returncode == 2 and "--weekly needs --channels" in result.stderr

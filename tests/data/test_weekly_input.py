import json

import pandas as pd
import pytest

from gmvplanner.data.weekly_input import load_weekly_table
from gmvplanner.errors import InputError

from ..helpers import run_cli, weekly_table


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
    frame.drop(index=10).to_csv(path, index=False)
    with pytest.raises(InputError, match="must follow each other"):
        load_weekly_table(path, "date_week", "y", ["c", "d"], [], None)


def test_weekly_needs_channels(weekly_csv):
    result = run_cli("ecommerce_training.py", "--weekly", weekly_csv)
    assert result.returncode == 2 and "--weekly needs --channels" in result.stderr


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


def test_transforms_need_the_media_mix_model(weekly_csv, tmp_path):
    fixed = tmp_path / "transforms.csv"
    fixed.write_text("channel,decay,half_saturation_multiple\nc,0,1\n")
    result = _train_weekly(weekly_csv, "--model", "forest", "--transforms", fixed, "--artifacts", tmp_path / "art")
    assert result.returncode == 2
    assert "--transforms does not apply to --model forest; use one of ['mmm', 'hybrid']" in result.stderr

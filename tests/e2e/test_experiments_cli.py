"""`ecommerce_testing.py experiments` as a user runs it: the file, the printout, plain errors."""

import pandas as pd

from ..helpers import run_cli, snapshot


def test_experiments_end_to_end_write_a_lift_test_file_to_fill_in(trained_mmm, tmp_path):
    out = tmp_path / "experiments.csv"
    before = snapshot(trained_mmm)
    result = run_cli("ecommerce_testing.py", "experiments", "--artifacts", trained_mmm, "--n", "2", "--out", out)
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == ["channel", "start", "end", "delta_spend", "expected_sigma", "expected_value", "cost", "why"]
    assert len(table) == 2
    assert "tests ranked by the expected extra GMV" in result.stdout and "add delta_gmv" in result.stdout
    assert table["channel"].iloc[0] in result.stdout and "proposed 2 tests" in result.stderr
    assert snapshot(trained_mmm) == before  # the artifacts are only read
    again = tmp_path / "again.csv"
    run_cli("ecommerce_testing.py", "experiments", "--artifacts", trained_mmm, "--n", "2", "--out", again)
    pd.testing.assert_frame_equal(table, pd.read_csv(again))


def test_experiments_on_a_forest_is_one_plain_line(trained, tmp_path):
    result = run_cli("ecommerce_testing.py", "experiments", "--artifacts", trained, "--out", tmp_path / "e.csv")
    assert result.returncode == 2
    assert "no bootstrap refits" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "e.csv").exists()


def test_experiments_option_errors_are_one_line(trained_mmm):
    result = run_cli("ecommerce_testing.py", "experiments", "--artifacts", trained_mmm, "--max-weeks", "0")
    assert result.returncode == 2 and "--max-weeks" in result.stderr and "Traceback" not in result.stderr

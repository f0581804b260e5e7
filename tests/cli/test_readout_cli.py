"""`ecommerce_testing.py readout`: a bad --test is refused with exit 2 before any work; on the small data set the
command writes a row that --lift-tests reads, and an unknown channel is named."""

from __future__ import annotations

import pytest

from gmvplanner.cli import testing as testing_cli
from gmvplanner.cli.readout import readout
from gmvplanner.data.lift_tests import load_lift_tests

from ..helpers import run_cli


def test_the_readout_subcommand_parses_its_test():
    args = testing_cli.testing_parser().parse_args(["readout", "--test", "SEM,2015-06-29,2015-07-26,0.5", "--orders", "o.csv"])
    assert args.work is readout and args.test == ("SEM", "2015-06-29", "2015-07-26", 0.5)


@pytest.mark.parametrize(
    "text, said",
    [
        ("SEM,2015-06-29,0.5", "channel,start,end,delta_spend"),
        ("SEM,2015-07-26,2015-06-29,0.5", "before it starts"),
        ("SEM,2015-06-29,2015-07-26,0", "other than 0"),
        ("SEM,29/06/2015,2015-07-26,1", "YYYY-MM-DD"),
    ],
)
def test_a_bad_test_exits_2_naming_what_is_wrong(text, said, capsys):
    with pytest.raises(SystemExit) as stop:
        testing_cli.testing_main(["readout", "--test", text, "--orders", "o.csv"])
    assert stop.value.code == 2
    assert said in capsys.readouterr().err


@pytest.mark.slow
def test_the_readout_writes_a_row_lift_tests_reads(trained_mmm, small_data, tmp_path):
    out = tmp_path / "row.csv"
    args = ["--orders", small_data["orders"], "--media", small_data["media_weekly"], "--artifacts", trained_mmm]
    run = run_cli("ecommerce_testing.py", "readout", "--test", "SEM,2016-03-07,2016-04-03,0.5", *args, "--out", out)
    assert run.returncode == 0, run.stderr
    row = load_lift_tests(out).table
    assert list(row["channel"]) == ["SEM"] and row["sigma"].iloc[0] > 0
    assert "placebo windows" in run.stdout and "Pre-period fit" in run.stdout
    bad = run_cli("ecommerce_testing.py", "readout", "--test", "Billboards,2016-03-07,2016-04-03,0.5", *args)
    assert bad.returncode == 2 and "unknown channel 'Billboards'" in bad.stderr

"""The command lines' parsing in-process: the optimise alias, help text built from the constants, the plain-words types."""

from __future__ import annotations

import argparse

import pytest

from gmvplanner.cli import testing as testing_cli  # a module: pytest would collect a bare testing_parser
from gmvplanner.cli.common import bounded, check_out, max_change
from gmvplanner.cli.optimise import optimise
from gmvplanner.cli.training import training_parser
from gmvplanner.config import AUTO, RECENT_WEEKS
from gmvplanner.errors import InputError


@pytest.mark.parametrize("command", ["optimize", "optimise"])
def test_optimise_is_an_alias_of_optimize(command):
    args = testing_cli.testing_parser().parse_args([command, "--budget", "5", "--weeks", "8", "--max-change", "none"])
    assert args.work is optimise
    assert (args.budget, args.weeks, args.max_change, args.new_customer_weight) == (5.0, 8, None, 1.0)


def test_report_help_states_the_recent_weeks_constant(capsys):
    with pytest.raises(SystemExit):
        testing_cli.testing_parser().parse_args(["report", "--help"])
    assert f"the last {RECENT_WEEKS} weeks' spend" in " ".join(capsys.readouterr().out.split())


def test_training_options_keep_their_defaults():
    args = training_parser().parse_args([])
    assert args.weekly is None and args.engine == "duckdb" and args.controls == ()


def test_bounded_types_name_the_range_and_reject_nan():
    positive = bounded(int, 1, "a whole number", maximum=10)
    assert positive("3") == 3
    with pytest.raises(argparse.ArgumentTypeError, match="from 1 to 10, got 11"):
        positive("11")
    with pytest.raises(argparse.ArgumentTypeError, match="expected a number, got 'x'"):
        bounded(float, 0, "a number")("x")
    with pytest.raises(argparse.ArgumentTypeError, match="finite"):
        bounded(float, 0, "a number")("nan")
    assert max_change("None") is None and max_change(" auto ") == AUTO and max_change("0.3") == 0.3
    assert max_change(" Own ") == "own"


def test_out_inside_the_artifacts_folder_is_refused(tmp_path):
    art = tmp_path / "art"
    art.mkdir()
    with pytest.raises(InputError, match="inside the artifacts folder"):
        check_out(art / "sub" / "x.csv", art)
    with pytest.raises(InputError, match="is a folder"):
        check_out(tmp_path, art)
    check_out(tmp_path / "x.csv", art)  # a file beside it is fine


def test_which_subcategories_train_by_layout():
    """The ElecKart layout keeps its three (benchmarks unchanged); a mapped export takes its largest by GMV."""
    from gmvplanner.cli.orders_layout import chosen_subcategories, column_mapping
    from gmvplanner.config import DEFAULT_SUBCATEGORIES

    parse = training_parser().parse_args
    eleckart = parse(["--orders", "o.csv"])
    assert chosen_subcategories(eleckart, column_mapping(eleckart)) == DEFAULT_SUBCATEGORIES
    top = parse(["--orders", "o.csv", "--top-subcategories", "2"])
    assert chosen_subcategories(top, column_mapping(top)) is None
    shop = parse(["--orders", "o.csv", "--columns-preset", "online_retail"])
    assert chosen_subcategories(shop, column_mapping(shop)) is None
    named = parse(["--orders", "o.csv", "--columns-preset", "online_retail", "--subcategories", "all"])
    assert chosen_subcategories(named, column_mapping(named)) == ("all",)


def test_returns_options_need_a_shops_export():
    from gmvplanner.cli.orders_layout import column_mapping

    with pytest.raises(InputError, match="--net-of-returns"):
        column_mapping(training_parser().parse_args(["--orders", "o.csv", "--net-of-returns"]))
    argv = ["--orders", "o.csv", "--columns-preset", "shopify", "--cancelled-prefix", "X"]
    mapping = column_mapping(training_parser().parse_args(argv))
    assert mapping is not None and mapping.cancelled_prefix == "X" and mapping.columns["status"] == "Financial Status"

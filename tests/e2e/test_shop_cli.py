"""A shop's own export through the real CLI entry functions (issue 26): trained with a preset, in pounds, without
media; its weekly GMV against a plain-pandas reading of the README's rules; no rupee words anywhere; the commands
that need spend exit 2; and bad mappings exit 2 with one line, writing nothing."""

import logging

import pandas as pd
import pytest

from gmvplanner import cli

from .. import shop_exports as shop

INR_WORDS = ("crore", "lakh", "₹")


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return shop.write(shop.online_retail(shop.lines()), tmp_path_factory.mktemp("shop") / "online_retail.csv")


@pytest.fixture(scope="module")
def trained_shop(export, tmp_path_factory):
    """Artifacts from the export alone in GBP, and everything the training logged and printed."""
    art = tmp_path_factory.mktemp("art") / "artifacts"
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("gmvplanner").addHandler(handler)
    try:
        argv = ["--orders", str(export), "--columns-preset", "online_retail", "--currency", "GBP", "--trees", "20"]
        assert cli.training_main([*argv, "--artifacts", str(art)]) == 0
    finally:
        logging.getLogger("gmvplanner").removeHandler(handler)
    return art, records


def test_weekly_gmv_adds_up_to_the_exports_sales(trained_shop, export):
    art, log_lines = trained_shop
    expected = shop.plain_online_retail(pd.read_csv(export, dtype=str, keep_default_na=False))
    history = pd.read_csv(art / "history.csv")
    assert history["subcategory"].unique().tolist() == ["all"]
    assert history["gmv"].sum() == pytest.approx(expected["gmv"].sum(), abs=0.005)  # to the penny
    segments = pd.read_csv(art / "customer_segments.csv")
    assert segments["customers"].sum() == expected["customer"].dropna().nunique()
    assert any("largest subcategories by GMV: all" in line for line in log_lines)


def test_no_rupee_words_in_any_output(trained_shop, tmp_path, capsys):
    art, log_lines = trained_shop
    page = tmp_path / "one_pager.html"
    assert cli.testing_main(["report", "--artifacts", str(art), "--out", str(page)]) == 0
    texts = {p.name: p.read_text(encoding="utf-8") for p in [*art.glob("*.csv"), art / "manifest.json", page]}
    texts["log"] = "\n".join(log_lines) + capsys.readouterr().out
    found = [(name, word) for name, text in texts.items() for word in INR_WORDS if word in text]
    assert not found
    assert "money in £" in texts["one_pager.html"] and "£" in texts["cleaning_report.csv"]
    cleaning = pd.read_csv(art / "cleaning_report.csv").set_index("reason")
    assert cleaning.loc["cancelled order", "rows"] > 0 and cleaning.loc["cancelled order", "gmv"] < 0


@pytest.mark.parametrize("command", [["optimise", "--budget", "10", "--weeks", "4"], ["experiments"]])
def test_commands_needing_spend_exit_2(trained_shop, command, capsys):
    art, _ = trained_shop
    assert cli.testing_main([command[0], "--artifacts", str(art), *command[1:]]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "needs marketing spend data" in errors[0] and "--media" in errors[0]


def test_a_plan_of_weeks_alone_predicts_on_a_model_without_spend(trained_shop, tmp_path, capsys):
    """Issue 32: a scenario of `week_start` only is a whole plan when the model has no channels; each week gets a
    forecast with its interval, the same as the weeks with their calendar left blank."""
    art, _ = trained_shop
    weeks = ["2011-10-10", "2011-10-17", "2011-10-24"]
    alone, blank = tmp_path / "weeks.csv", tmp_path / "weeks_blank_levers.csv"
    alone.write_text("week_start\n" + "\n".join(weeks) + "\n")
    blank.write_text("week_start,sale_days,subcategory\n" + "".join(f"{w},,\n" for w in weeks))
    outs = [tmp_path / "alone.csv", tmp_path / "blank.csv"]
    for scenario, out in zip([alone, blank], outs):
        assert cli.testing_main(["predict", "--artifacts", str(art), "--scenario", str(scenario), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "wrote 3 rows" in printed and "£" in printed
    result = pd.read_csv(outs[0])
    assert result["week_start"].tolist() == weeks and result["subcategory"].tolist() == ["all"] * 3
    assert ((result["lower"] < result["predicted_gmv"]) & (result["predicted_gmv"] < result["upper"])).all()
    history = pd.read_csv(art / "history.csv")["gmv"]  # the shop's own scale: a few thousand £ a week
    assert result["predicted_gmv"].between(0.5 * history.min(), 2 * history.max()).all()
    pd.testing.assert_frame_equal(result, pd.read_csv(outs[1]))


def _edited(export, tmp_path, edit):
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    edit(frame)
    return shop.write(frame, tmp_path / "bad.csv")


def _set(column, row, value):
    def edit(frame):
        frame.loc[row, column] = value

    return edit


@pytest.mark.parametrize(
    "options, edit, words",
    [
        (["--columns", "order_date=InvoiceDate,price=Price,units=Quantity"], None, "column 'Price' (role price) missing"),
        (["--columns", "order_date=InvoiceDate,price=UnitPrice,price=Quantity"], None, "role 'price' is given twice"),
        (["--columns", "order_date=InvoiceDate,price=UnitPrice,units=UnitPrice"], None, "column 'UnitPrice' is given two"),
        (["--columns-preset", "online_retail"], _set("InvoiceDate", 4, "13/45/2011 9:00"), "row 6, column 'InvoiceDate'"),
        (["--columns-preset", "online_retail"], _set("UnitPrice", 2, "2,50 GBP"), "row 4, column 'UnitPrice': cannot read"),
        (["--columns-preset", "online_retail", "--currency", "pounds"], None, "not an ISO 4217 code"),
        (["--columns-preset", "online_retail", "--columns", "order_date=A,gmv=B"], None, "give one"),
    ],
)
def test_bad_mappings_exit_2_and_write_nothing(export, tmp_path, capsys, options, edit, words):
    orders = _edited(export, tmp_path, edit) if edit else export
    art = tmp_path / "artifacts"
    try:
        code = cli.training_main(["--orders", str(orders), *options, "--artifacts", str(art), "--quiet"])
    except SystemExit as exc:  # argparse-level errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error:") and words in err, err
    assert not art.exists()

"""`ecommerce_testing.py scenarios` as a user runs it: save, list, show, export, rename, duplicate and delete in a
library file, with one-line errors for names that are taken or unknown."""

import pandas as pd
import pytest

from ..helpers import ROOT, run_cli

EXAMPLE = ROOT / "data" / "example_scenario.csv"


def _scenarios(library, *args):
    return run_cli("ecommerce_testing.py", "scenarios", *args, "--database", f"sqlite:///{library}")


def test_save_list_show_export_and_delete(trained, tmp_path):
    library = tmp_path / "team.sqlite"
    saved = _scenarios(library, "save", "--name", "Base plan", "--scenario", EXAMPLE, "--artifacts", trained, "--author", "asha")
    assert saved.returncode == 0, saved.stderr
    assert "saved 'Base plan'" in saved.stdout and "12 weeks" in saved.stdout
    predicted = tmp_path / "pred.csv"
    run_cli("ecommerce_testing.py", "predict", "--artifacts", trained, "--scenario", EXAMPLE, "--out", predicted)
    gmv = pd.read_csv(predicted)["predicted_gmv"].sum()
    listed = _scenarios(library, "list")
    assert listed.returncode == 0 and "Base plan" in listed.stdout and "asha" in listed.stdout
    assert f"{gmv:,.0f}" in listed.stdout  # the GMV it was saved with is the one predict gives
    shown = _scenarios(library, "show", "Base plan")
    assert "author: asha" in shown.stdout and "model trained" in shown.stdout.split("made on: ")[1]
    out = tmp_path / "exported.csv"
    assert _scenarios(library, "export", "Base plan", "--out", out).returncode == 0
    again = tmp_path / "again.csv"
    run_cli("ecommerce_testing.py", "predict", "--artifacts", trained, "--scenario", out, "--out", again)
    pd.testing.assert_frame_equal(pd.read_csv(again), pd.read_csv(predicted))
    assert _scenarios(library, "duplicate", "Base plan", "Copy").returncode == 0
    assert _scenarios(library, "rename", "Copy", "Plan B").returncode == 0
    assert _scenarios(library, "delete", "Base plan").returncode == 0
    listed = _scenarios(library, "list", "--search", "plan")
    assert "Plan B" in listed.stdout and "Base plan" not in listed.stdout


def test_taken_and_unknown_names_are_one_line_errors(trained, tmp_path):
    library = tmp_path / "team.sqlite"
    _scenarios(library, "save", "--name", "A", "--scenario", EXAMPLE, "--artifacts", trained)
    taken = _scenarios(library, "save", "--name", "A", "--scenario", EXAMPLE, "--artifacts", trained)
    assert taken.returncode == 2
    expected = "error: scenario library: a scenario named 'A' is already saved; pick another name or replace it"
    assert taken.stderr.strip() == expected
    unknown = _scenarios(library, "show", "B")
    assert unknown.returncode == 2 and "no scenario named 'B' (saved: 'A')" in unknown.stderr
    assert "Traceback" not in unknown.stderr + taken.stderr
    assert _scenarios(library, "save", "--name", "A", "--scenario", EXAMPLE, "--artifacts", trained, "--replace").returncode == 0


def test_compare_says_what_plan_b_adds_over_plan_a(trained, tmp_path):
    from gmvplanner.analysis.budget import subcategory_margins
    from gmvplanner.analysis.profit import plan_increment
    from gmvplanner.analysis.scenario_summary import plan_figures
    from gmvplanner.analysis.scenarios import known_verticals, weekly_controls
    from gmvplanner.data.scenario_files import load_scenario
    from gmvplanner.model.artifacts import load_artifacts

    library = tmp_path / "team.sqlite"
    more_tv = tmp_path / "more_tv.csv"
    frame = pd.read_csv(EXAMPLE)
    frame.assign(TV=frame["TV"] * 3).to_csv(more_tv, index=False)
    for name, path in (("Base", EXAMPLE), ("More TV", more_tv)):
        assert _scenarios(library, "save", "--name", name, "--scenario", path, "--artifacts", trained).returncode == 0
    compared = _scenarios(library, "compare", "Base", "More TV", "--margin", "0.25", "--artifacts", trained)
    assert compared.returncode == 0, compared.stderr
    art = load_artifacts(trained)
    plans = [
        load_scenario(p, art.channels, known_verticals(art), art.week_starts_on, controls=weekly_controls(art), money=art.money)
        for p in (EXAMPLE, more_tv)
    ]
    figures = [plan_figures(art, p) for p in plans]
    want = plan_increment(figures[0], figures[1], subcategory_margins(art, 0.25))
    money = art.money
    assert f"extra spend: {money.format(want['extra spend'].value)}" in compared.stdout
    assert f"incremental GMV: {money.format(want['incremental GMV'].value)}" in compared.stdout
    assert f"incremental ROAS: {want['incremental ROAS'].value:.2f}" in compared.stdout
    assert f"incremental profit: {money.format(want['incremental profit'].value)}" in compared.stdout
    assert want["extra spend"].value > 0 and "80% interval" in compared.stdout
    same = _scenarios(library, "compare", "Base", "Base", "--artifacts", trained)
    assert same.returncode == 2 and "name two different saved scenarios" in same.stderr


def test_export_as_an_xlsx_workbook_that_predict_reads_back(trained_mmm, tmp_path, capsys):
    from openpyxl import load_workbook

    from gmvplanner import cli

    database = ["--database", f"sqlite:///{tmp_path / 'team.sqlite'}"]
    save = ["scenarios", "save", "--name", "Q3", "--scenario", str(EXAMPLE), "--artifacts", str(trained_mmm), "--author", "asha"]
    assert cli.testing_main([*save, *database]) == 0
    book = tmp_path / "q3.xlsx"
    assert cli.testing_main(["scenarios", "export", "Q3", "--format", "xlsx", "--out", str(book), *database]) == 0
    assert "sheets plan, totals, notes" in capsys.readouterr().out
    sheets = load_workbook(book, read_only=True)
    notes = dict(sheets["notes"].iter_rows(min_row=2, values_only=True))
    assert notes["by"] == "asha" and notes["scenario"] == "Q3" and "model trained" in notes["model version"]
    assert len(notes["model checksum (manifest sha256)"]) == 64 and notes["spend unit"] == "crore ₹"
    totals = pd.DataFrame(sheets["totals"].iter_rows(min_row=2, values_only=True)).set_index(0)
    assert totals.loc["total", 1] == pytest.approx(pd.read_csv(EXAMPLE)["TV"].sum(), rel=1e-12)  # column 1 is TV
    from_csv, from_xlsx = tmp_path / "csv_pred.csv", tmp_path / "xlsx_pred.csv"
    for scenario, out in ((EXAMPLE, from_csv), (book, from_xlsx)):
        argv = ["predict", "--artifacts", str(trained_mmm), "--scenario", str(scenario), "--out", str(out)]
        assert cli.testing_main(argv) == 0
    pd.testing.assert_frame_equal(pd.read_csv(from_xlsx), pd.read_csv(from_csv))
    wrong = cli.testing_main(["scenarios", "export", "Q3", "--format", "xlsx", "--out", str(tmp_path / "q3.csv"), *database])
    assert wrong == 2 and "does not end in .xlsx" in capsys.readouterr().err

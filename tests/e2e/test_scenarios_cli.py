"""`ecommerce_testing.py scenarios` as a user runs it: save, list, show, export, rename, duplicate and delete in a
library file, with one-line errors for names that are taken or unknown."""

import pandas as pd

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

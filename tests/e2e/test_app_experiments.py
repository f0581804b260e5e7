"""The Experiments page through AppTest: the proposals, results entered as a file, plain errors and a calibrated
retrain into a new model version."""

import json
import shutil
import time

import pytest
from streamlit.testing.v1 import AppTest

from gmvplanner.service import retraining

from ..helpers import ROOT, snapshot

PAGE = "app_pages/experiments.py"


def _open(artifacts, monkeypatch):
    monkeypatch.setenv("GMV_ARTIFACTS", str(artifacts))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def mmm_copy(trained_mmm, tmp_path):
    """A private copy of the media-mix artifacts, so retrained versions land in this test's folder."""
    dest = tmp_path / "artifacts"
    shutil.copytree(trained_mmm, dest)
    return dest


def _results(at, tmp_path, **dates):
    """The page's proposals (as the page's results table holds them) with results added, as a CSV file."""
    proposals = next(d.value for d in at.dataframe if "delta_spend" in d.value.columns)
    done = proposals.assign(delta_gmv=[-1.9e5] + [4e5] * (len(proposals) - 1), sigma=5e5, **dates)
    path = tmp_path / "results.csv"
    done.to_csv(path, index=False)
    return path


def test_the_page_proposes_tests_with_cost_length_precision_and_value(trained_mmm, monkeypatch):
    at = _open(trained_mmm, monkeypatch)
    assert not at.error, [e.value for e in at.error]
    assert at.header[0].value == "Experiments"
    shown = next(d.value for d in at.dataframe if "expected value" in d.value.columns)
    assert len(shown) == 3 and (shown["weeks"] == 8).all()
    assert {"expected precision (±)", "cost (crore ₹)", "spend change (crore ₹)"} <= set(shown.columns)
    assert sum("changes the best budget split" in m.value for m in at.markdown) == 3
    at.number_input(key="exp_weeks").set_value(4)
    at.number_input(key="exp_n").set_value(2)
    at.button[0].click().run()  # the form's submit button
    shown = next(d.value for d in at.dataframe if "expected value" in d.value.columns)
    assert len(shown) == 2 and (shown["weeks"] == 4).all()


def test_a_forest_gets_a_plain_note_instead_of_proposals(trained, monkeypatch):
    at = _open(trained, monkeypatch)
    assert not at.error
    assert any("No tests can be proposed" in i.value and "no bootstrap refits" in i.value for i in at.info)


def test_results_after_the_data_ask_for_newer_data(mmm_copy, tmp_path, monkeypatch):
    at = _open(mmm_copy, monkeypatch)
    before = snapshot(mmm_copy)
    path = _results(at, tmp_path)  # the proposals' own dates: the weeks after the data
    at.file_uploader(key="exp_results_upload").set_value((path.name, path.read_bytes(), "text/csv")).run()
    at.button(key="exp_retrain").click().run()
    errors = [e.value for e in at.error]
    assert any("data end on" in e and "upload orders and media that cover the tests' weeks" in e for e in errors), errors
    assert "retrain_job" not in at.session_state and snapshot(mmm_copy) == before


def test_results_inside_the_data_retrain_a_calibrated_new_version(mmm_copy, tmp_path, monkeypatch):
    at = _open(mmm_copy, monkeypatch)
    before = snapshot(mmm_copy)
    path = _results(at, tmp_path, start="2016-01-04", end="2016-02-28")  # one result against its spend change
    at.file_uploader(key="exp_results_upload").set_value((path.name, path.read_bytes(), "text/csv")).run()
    at.button(key="exp_retrain").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    job = retraining.get_job(at.session_state["retrain_job"])
    deadline = time.time() + 300
    while job.state == "running" and time.time() < deadline:
        time.sleep(0.5)
    assert job.state == "done", job.error
    at.run()
    assert any("into a new model version" in s.value for s in at.success)
    manifest = json.loads((job.result / "manifest.json").read_text())
    old = json.loads((mmm_copy / "manifest.json").read_text())
    assert manifest["train_config"]["lift_tests"]["tests"] == 3 and manifest["model"] == old["model"] == "mmm"
    assert manifest["subcategories"] == old["subcategories"] and manifest["window"] == old["window"]
    assert snapshot(mmm_copy) == before  # the version in use is never touched


def test_results_kept_in_the_team_library_serve_another_session(mmm_copy, tmp_path, monkeypatch):
    import pandas as pd

    from gmvplanner.library import open_library

    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    monkeypatch.setenv("GMV_DATABASE_URL", url)
    at = _open(mmm_copy, monkeypatch)
    path = _results(at, tmp_path)
    at.file_uploader(key="exp_results_upload").set_value((path.name, path.read_bytes(), "text/csv")).run()
    at.text_input(key="exp_save_name").set_value("Q3 tests").run()
    at.button(key="exp_save").click().run()
    assert any("Saved 'Q3 tests'" in s.value for s in at.success), [e.value for e in at.error]
    saved = open_library(url).experiment("Q3 tests").tests
    pd.testing.assert_frame_equal(saved, pd.read_csv(path), check_dtype=False)
    other = _open(mmm_copy, monkeypatch)  # another analyst, nothing entered
    assert any("Enter or upload the results" in i.value for i in other.info)
    other.selectbox(key="exp_library_pick").set_value("Q3 tests").run()
    assert not other.exception and "exp_retrain" in {b.key for b in other.button}

"""The app's first start on a fresh install: every session opening it while the default model trains waits for the
one training (its stages on the page), then opens Predict; a training that fails says why in words."""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

import gmvplanner.service.first_start as fs
from gmvplanner.errors import InputError

from ..helpers import ROOT
from ..service.test_first_start import PIPELINE_CALLS


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty artifacts folder for the app, a library of its own and no first-start job from another test."""
    artifacts = tmp_path / "artifacts"
    monkeypatch.setenv("GMV_ARTIFACTS", str(artifacts))
    monkeypatch.setenv("GMV_DATABASE_URL", f"sqlite:///{tmp_path / 'library.sqlite'}")
    monkeypatch.setattr(fs, "_JOBS", {})
    return artifacts


def test_a_fresh_install_trains_once_with_its_stages_then_opens_predict(fresh, trained_mmm, monkeypatch):
    trainings = []

    def fake_training(path, progress=None):  # the default model's progress calls, then the model (copied)
        trainings.append(path)
        for message, fraction in [*PIPELINE_CALLS, ("train", 0.95), ("write", 1.0)]:
            progress(message, fraction)
        shutil.copytree(trained_mmm, path)
        return True

    monkeypatch.setattr(fs, "ensure_trained", fake_training)
    first = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    second = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    for at in (first, second):
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        assert at.header[0].value == "Predict weekly GMV"
        assert at.metric  # the forecast is drawn
    assert len(trainings) == 1
    job = fs.first_start(fresh)
    assert [s.state for s in job.view().stages] == ["done"] * len(fs.STAGES)


def test_a_failed_first_training_is_a_sentence_on_the_page(fresh, monkeypatch):
    def failing(path, progress=None):
        raise InputError("orders.csv", "column 'gmv' missing; found ['order_date']")

    monkeypatch.setattr(fs, "ensure_trained", failing)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("column 'gmv' missing" in e.value for e in at.error), [e.value for e in at.error]

"""The first start: one training per artifacts folder, its stages as the page shows them, and a second process
that waits for the first one's model instead of training its own."""

import fcntl
import threading
import time

import pytest

import gmvplanner.service.first_start as fs
from gmvplanner.service.app_model import GENERATING_DEFAULT_DATA

# the progress calls of a first start, in the order ensure_trained and the pipeline make them
PIPELINE_CALLS = [
    (GENERATING_DEFAULT_DATA, 0.0),
    ("reading and cleaning orders (DuckDB)", 0.0),
    ("load", 0.25),
    ("clean", 0.35),
    ("allocate", 0.45),
    ("features", 0.55),
    ("tuning and fitting on the training weeks and on every week, side by side", 0.6),
]


def test_stages_are_done_running_or_waiting_with_what_the_running_one_does():
    job = fs.FirstStart(path=None)  # type: ignore[arg-type]  # progress and view never touch the path
    for message, fraction in PIPELINE_CALLS:
        job.progress(message, fraction)
    view = job.view()
    states = [s.state for s in view.stages]
    assert states == ["done", "done", "done", "done", "done", "running", "waiting"]
    assert view.stages[5].label == "Train and backtest each subcategory's model"
    assert view.detail == "tuning and fitting on the training weeks and on every week, side by side"
    done = sum(usual for _, _, usual in fs.STAGES[:5])
    total = sum(usual for _, _, usual in fs.STAGES)
    assert done / total <= view.fraction <= (done + fs.RUNNING_CAP * fs.STAGES[5][2]) / total
    job.progress("train", 0.95)
    job.progress("which channels bring new customers", 0.95)  # a step the list does not name: detail of "write"
    job.progress("write", 1.0)
    assert [s.state for s in job.view().stages] == ["done"] * len(fs.STAGES)


def test_the_bar_weighs_stages_by_their_usual_seconds_and_data_already_there_by_none(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(fs.time, "time", lambda: clock[0])
    job = fs.FirstStart(path=None)  # type: ignore[arg-type]
    job.progress("reading and cleaning orders (DuckDB)", 0.0)  # no data to generate
    assert job.view().stages[0].state == "done"
    for name in ("load", "clean", "allocate", "features"):
        job.progress(name, 0.5)
    total = sum(usual for name, _, usual in fs.STAGES if name != "data")
    before_train = sum(usual for name, _, usual in fs.STAGES if name in ("load", "clean", "allocate", "features"))
    assert job.view().fraction == pytest.approx(before_train / total)
    half = fs.STAGES[5][2] / 2
    clock[0] += half  # half the usual training time: the bar moves without a message
    assert job.view().fraction == pytest.approx((before_train + half) / total)
    clock[0] += 1000  # far longer than usual: the bar waits below the stage's end
    assert job.view().fraction == pytest.approx((before_train + fs.RUNNING_CAP * fs.STAGES[5][2]) / total)
    assert job.view().stages[5].seconds == pytest.approx(half + 1000)


def test_sessions_share_one_training_and_a_failure_is_kept_for_the_page(tmp_path, monkeypatch):
    calls, release = [], threading.Event()

    def fake_train(path, progress=None):
        calls.append(path)
        release.wait(5)
        raise fs.ArtifactError("orders.csv: column 'gmv' missing")

    monkeypatch.setattr(fs, "ensure_trained", fake_train)
    monkeypatch.setattr(fs, "_JOBS", {})
    first, second = fs.first_start(tmp_path / "artifacts"), fs.first_start(tmp_path / "artifacts")
    assert first is second
    release.set()
    for _ in range(100):
        if first.state != "running":
            break
        time.sleep(0.05)
    assert len(calls) == 1 and first.state == "failed"
    assert isinstance(first.failure, fs.ArtifactError) and "column 'gmv' missing" in first.view().error


def test_a_second_process_waits_for_the_first_ones_lock(tmp_path, monkeypatch):
    art = tmp_path / "artifacts"
    lock = fs.lock_path(art)
    monkeypatch.setattr(fs, "ensure_trained", lambda path, progress=None: False)  # the other process's model is there
    monkeypatch.setattr(fs, "_JOBS", {})
    with open(lock, "a+") as held:  # another server process training into the same folder
        fcntl.flock(held, fcntl.LOCK_EX)
        job = fs.first_start(art)
        time.sleep(0.3)
        assert job.state == "running" and job.view().detail == fs.WAITING
        fcntl.flock(held, fcntl.LOCK_UN)
    for _ in range(100):
        if job.state != "running":
            break
        time.sleep(0.05)
    assert job.state == "done" and not job.trained

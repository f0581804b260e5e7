"""The load bench's log of server runs: whole-page runs and fragment reruns each written once."""

import pandas as pd

from app_pages.reruns import RERUN_LOG_ENV, timed


def read_log(path) -> pd.DataFrame:
    return pd.read_csv(path, names=["at", "seconds", "kind", "cpu_seconds"])


def test_each_run_is_one_line_with_its_kind(tmp_path, monkeypatch):
    log = tmp_path / "reruns.csv"
    monkeypatch.setenv(RERUN_LOG_ENV, str(log))
    with timed("app"):
        with timed("fragment"):  # a fragment drawn by a whole-page run: part of that run's line
            pass
    with timed("fragment"):  # a fragment rerun on its own (app.py's main never runs)
        with timed("fragment"):  # a fragment inside it
            pass
    runs = read_log(log)
    assert runs["kind"].tolist() == ["app", "fragment"]
    assert (runs["seconds"] >= 0).all() and (runs["cpu_seconds"] >= 0).all()


def test_a_run_that_raises_is_still_logged_and_the_next_one_too(tmp_path, monkeypatch):
    log = tmp_path / "reruns.csv"
    monkeypatch.setenv(RERUN_LOG_ENV, str(log))
    try:
        with timed("app"):
            raise RuntimeError("a page failed")
    except RuntimeError:
        pass
    with timed("fragment"):
        pass
    assert read_log(log)["kind"].tolist() == ["app", "fragment"]


def test_nothing_is_written_without_the_bench(tmp_path, monkeypatch):
    monkeypatch.delenv(RERUN_LOG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    with timed("app"):
        pass
    assert list(tmp_path.iterdir()) == []

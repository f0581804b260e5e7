"""Work shared by model version, not by session (issue 33 item 1): two sessions on one model version compute the
planner's bootstrap figures and the optimiser's answer once; a session on another version never reads them."""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import app_pages.common as common
from gmvplanner.analysis.scenario_summary import plan_gmv
from gmvplanner.model.artifacts import load_artifacts
from gmvplanner.service import planner

from ..helpers import ROOT


@pytest.fixture
def calls(monkeypatch, tmp_path):
    """The plan figures and optimiser answers computed (not read from a cache), as (manifest checksum, what); the
    caches start empty. The app's pages import `app_pages.common` from sys.modules, so they see the counters."""
    monkeypatch.setenv("GMV_DATABASE_URL", f"sqlite:///{tmp_path / 'library.sqlite'}")
    st.cache_data.clear()
    made: list[tuple[str, str]] = []
    figures, answer = common.plan_figures, planner.answer_budget

    def counted_figures(art, plan):
        made.append((planner.artifacts_key(art.path), "figures"))
        return figures(art, plan)

    def counted_answer(art, request):
        made.append((planner.artifacts_key(art.path), "answer"))
        return answer(art, request)

    monkeypatch.setattr(common, "plan_figures", counted_figures)
    monkeypatch.setattr(planner, "answer_budget", counted_answer)
    yield made
    st.cache_data.clear()  # no counted result outlives the test


def _session(path, monkeypatch) -> AppTest:
    monkeypatch.setenv("GMV_ARTIFACTS", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    assert not at.exception
    return at


def _planner(at: AppTest) -> AppTest:
    at.switch_page("app_pages/scenario_planner.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def test_two_sessions_compute_the_planners_figures_once(trained_mmm, monkeypatch, calls):
    key = planner.artifacts_key(trained_mmm)
    first = _planner(_session(trained_mmm, monkeypatch))
    computed = len(calls)
    assert computed >= 1 and set(calls) == {(key, "figures")}  # the default plan (the baseline is the same plan)
    second = _planner(_session(trained_mmm, monkeypatch))
    assert len(calls) == computed  # the second analyst reads the first one's figures
    assert [m.value for m in second.markdown if "GMV" in m.value] == [m.value for m in first.markdown if "GMV" in m.value]
    second.number_input(key="quick_pct").set_value(35.0)
    next(b for b in second.button if b.key == "quick_apply_channel").click().run()
    assert not second.exception
    assert len(calls) == computed + 1  # only the changed plan: the baseline's figures are shared


def test_a_retrained_version_never_reads_the_old_versions_figures(trained_mmm, trained, monkeypatch, calls):
    """Another model version (here the forest trained on the same orders) has another manifest checksum: its
    figures are computed on its own model, even for the very plan whose figures the old version has cached."""
    old_key, new_key = planner.artifacts_key(trained_mmm), planner.artifacts_key(trained)
    assert old_key != new_key
    plan = _planner(_session(trained_mmm, monkeypatch)).session_state["plan"]
    assert (old_key, "figures") in calls
    before = len(calls)
    _planner(_session(trained, monkeypatch))
    assert (new_key, "figures") in calls[before:] and (old_key, "figures") not in calls[before:]
    old_art, new_art = load_artifacts(trained_mmm), load_artifacts(trained)
    on_old = common.cached_plan_figures(old_art, old_key, plan).totals[0, 0]
    on_new = common.cached_plan_figures(new_art, new_key, plan).totals[0, 0]
    assert on_old == pytest.approx(plan_gmv(old_art, plan), rel=1e-12)
    assert on_new == pytest.approx(plan_gmv(new_art, plan), rel=1e-12)
    assert on_new != pytest.approx(on_old, rel=1e-6)  # two models, two numbers: neither read the other's


def test_two_sessions_share_the_optimisers_answer(trained_mmm, monkeypatch, calls):
    sessions = [_session(trained_mmm, monkeypatch) for _ in range(2)]
    shown = []
    for at in sessions:
        at.switch_page("app_pages/budget_optimiser.py").run()
        next(b for b in at.button if b.label == "Optimise").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        shown.append([m.value for m in at.metric])
    assert [what for _, what in calls].count("answer") == 1
    assert shown[0] == shown[1]

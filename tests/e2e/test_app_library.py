"""The Scenario planner's team library through AppTest (issue 32): a delete confirmation belongs to the plan it
names and is cleared once used, the table and picker are drawn afresh after every change, and a delete can be undone
for UNDO_SECONDS."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.scenario_library import UNDO_SECONDS, DeletedPlan
from gmvplanner.library import open_library

from ..helpers import ROOT


@pytest.fixture
def app(trained_mmm, monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'library.sqlite'}"
    monkeypatch.setenv("GMV_DATABASE_URL", url)
    monkeypatch.setenv("GMV_ARTIFACTS", str(trained_mmm))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/scenario_planner.py").run()
    for name in ("scratch A", "Q3 TV +50%"):
        at.text_input(key="scenario_name").set_value(name).run()
        at.button(key="save_scenario").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.library_url = url
    return at


def _listed(at) -> list[str]:
    return next(d.value for d in at.dataframe if "author" in d.value.columns)["name"].tolist()


def _sure(at, name):
    return next(c for c in at.checkbox if c.label == f"Yes, delete '{name}'")


def _ok(at):
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def test_a_delete_confirmation_does_not_carry_over_and_the_list_is_refreshed(app):
    app.selectbox(key="library_pick").set_value("scratch A").run()
    _sure(app, "scratch A").check().run()
    assert not app.button(key="library_delete").disabled
    _ok(app.button(key="library_delete").click().run())
    assert _listed(app) == ["Q3 TV +50%"]  # the table and the picker without the deleted plan, on the same click
    assert app.selectbox(key="library_pick").options == ["Q3 TV +50%"]
    assert app.selectbox(key="library_pick").value == "Q3 TV +50%"
    assert not _sure(app, "Q3 TV +50%").value  # the tick confirmed 'scratch A' only
    assert app.button(key="library_delete").disabled
    assert any(s.value == "Deleted 'scratch A'." for s in app.success)
    assert not any(c.label == "Yes, delete 'scratch A'" for c in app.checkbox)


def test_a_delete_can_be_undone_for_thirty_seconds(app):
    app.selectbox(key="library_pick").set_value("scratch A").run()
    before = open_library(app.library_url).scenario("scratch A")
    _sure(app, "scratch A").check().run()
    _ok(app.button(key="library_delete").click().run())
    assert any("'scratch A' was deleted; it can be brought back for" in c.value for c in app.caption)
    _ok(app.button(key="library_undo").click().run())
    assert sorted(_listed(app)) == ["Q3 TV +50%", "scratch A"]
    assert app.selectbox(key="library_pick").value == "scratch A"
    assert any(s.value == "Restored 'scratch A'." for s in app.success)
    back = open_library(app.library_url).scenario("scratch A")
    assert (back.author, back.created, back.updated) == (before.author, before.created, before.updated)
    assert not _sure(app, "scratch A").value  # the used confirmation is gone: restoring does not re-arm Delete
    assert "library_undo" not in [b.key for b in app.button]


def test_undo_is_gone_after_thirty_seconds(app):
    saved = open_library(app.library_url).scenario("scratch A")
    open_library(app.library_url).delete_scenario("scratch A")
    app.session_state["library_deleted"] = DeletedPlan(saved, time.time() - UNDO_SECONDS - 1)
    _ok(app.run())
    assert "library_undo" not in [b.key for b in app.button]
    assert _listed(app) == ["Q3 TV +50%"]


def test_duplicate_and_rename_show_the_new_list_at_once(app):
    app.selectbox(key="library_pick").set_value("scratch A").run()
    app.text_input(key="library_new_name").set_value("scratch B").run()
    _ok(app.button(key="library_duplicate").click().run())
    assert sorted(_listed(app)) == ["Q3 TV +50%", "scratch A", "scratch B"]
    assert app.selectbox(key="library_pick").value == "scratch B"
    assert app.text_input(key="library_new_name").value == ""  # used, then cleared
    assert any(s.value == "Copied 'scratch A' to 'scratch B'." for s in app.success)
    app.text_input(key="library_new_name").set_value("scratch C").run()
    _ok(app.button(key="library_rename").click().run())
    assert sorted(_listed(app)) == ["Q3 TV +50%", "scratch A", "scratch C"]
    assert app.selectbox(key="library_pick").options[0] == "scratch C"  # newest change first
    assert app.selectbox(key="library_pick").value == "scratch C"

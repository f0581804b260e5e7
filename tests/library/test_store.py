"""The scenario library on SQLite and PostgreSQL: what goes in comes out, names are never overwritten unasked, and a
library made by an older schema opens."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import sqlalchemy as sa

from gmvplanner.library import LibraryError, close_library, open_library, upgrade


def _plan(scale: float = 1.0) -> pd.DataFrame:
    weeks = pd.date_range("2016-07-04", periods=4, freq="W-MON")
    return pd.DataFrame(
        {
            "week_start": weeks,
            "TV": [0.25 * scale, 0.5 * scale, 1 / 3 * scale, 0.0],
            "Digital": [0.1, 0.2, 0.3, 0.4],
            "subcategory": ["CameraAccessory", "1", "GamingAccessory", "HomeAudio"],  # '1' stays text
            "sla": [2.5, None, 3.0, 4.0],
        }
    )


RESULTS = {"weeks": 4, "spend": 2.083, "gmv": {"CameraAccessory": 1.5e7}, "gmv_total": 1.5e7, "money": "crore ₹"}


def _save(library, name: str, plan: pd.DataFrame | None = None, replace: bool = False, author: str = "asha"):
    return library.save_scenario(
        name,
        _plan() if plan is None else plan,
        author=author,
        model_version="hybrid model trained 2026-12-01 10:00 UTC",
        model_key="abc123",
        results=RESULTS,
        replace=replace,
    )


def test_a_saved_scenario_comes_back_as_it_went_in(library_url):
    library = open_library(library_url)
    saved = _save(library, "Diwali push")
    again = open_library(library_url).scenario("Diwali push")
    pd.testing.assert_frame_equal(again.plan, _plan(), check_dtype=False, rtol=1e-14)
    assert again.plan["subcategory"].tolist()[1] == "1"
    assert pd.isna(again.plan["sla"].iloc[1])
    assert (again.author, again.model_version, again.model_key) == ("asha", saved.model_version, "abc123")
    assert again.results == RESULTS
    assert again.created.tzinfo is not None and again.created == again.updated
    listed = library.scenarios()
    assert listed[["name", "author", "weeks", "spend", "gmv"]].to_dict("records") == [
        {"name": "Diwali push", "author": "asha", "weeks": 4, "spend": 2.083, "gmv": 1.5e7}
    ]


def test_a_name_is_never_overwritten_unless_asked(library_url):
    library = open_library(library_url)
    first = _save(library, "Plan A")
    with pytest.raises(LibraryError, match="'Plan A' is already saved"):
        _save(library, "Plan A", _plan(2.0), author="ben")
    assert library.scenario("Plan A").plan["TV"].iloc[0] == 0.25
    replaced = _save(library, "Plan A", _plan(2.0), replace=True, author="ben")
    assert replaced.plan["TV"].iloc[0] == 0.5
    assert replaced.author == "asha" and replaced.created == first.created and replaced.updated > first.updated


def test_search_rename_duplicate_and_delete(library_url):
    library = open_library(library_url)
    _save(library, "TV heavy")
    _save(library, "Digital 50%_off", author="Ben")
    assert library.scenarios("tv")["name"].tolist() == ["TV heavy"]
    assert library.scenarios("BEN")["name"].tolist() == ["Digital 50%_off"]
    assert library.scenarios("50%_")["name"].tolist() == ["Digital 50%_off"]  # % and _ are literal
    assert library.scenarios("0%x").empty
    library.rename_scenario("TV heavy", "TV heavier")
    with pytest.raises(LibraryError, match="'Digital 50%_off' is already saved"):
        library.rename_scenario("TV heavier", "Digital 50%_off")
    copy = library.duplicate_scenario("TV heavier", "TV copy", author="chen")
    assert copy.author == "chen" and copy.plan.equals(library.scenario("TV heavier").plan)
    library.delete_scenario("TV heavier")
    assert sorted(library.scenarios()["name"]) == ["Digital 50%_off", "TV copy"]
    with pytest.raises(LibraryError, match=r"no scenario named 'TV heavier' \(saved: 'Digital 50%_off', 'TV copy'\)"):
        library.scenario("TV heavier")


def test_names_must_be_given_and_short(library_url):
    library = open_library(library_url)
    with pytest.raises(LibraryError, match="a name is needed"):
        _save(library, "   ")
    with pytest.raises(LibraryError, match="at most 200 characters"):
        _save(library, "x" * 201)
    assert _save(library, "  padded  ").name == "padded"


def test_experiments_live_in_the_same_library(library_url):
    library = open_library(library_url)
    tests = pd.DataFrame(
        {
            "channel": ["TV", "SEM"],
            "start": pd.to_datetime(["2016-08-01", "2016-09-05"]),
            "end": pd.to_datetime(["2016-08-28", "2016-10-02"]),
            "delta_spend": [0.5, -0.2],
            "delta_gmv": [1.2e6, None],
            "sigma": [3e5, None],
        }
    )
    library.save_experiment("Q3 tests", tests, author="asha", model_version="v", model_key="k")
    again = library.experiment("Q3 tests")
    pd.testing.assert_frame_equal(again.tests, tests, check_dtype=False)
    assert library.experiments()[["name", "tests"]].to_dict("records") == [{"name": "Q3 tests", "tests": 2}]
    _save(library, "Q3 tests")  # a scenario may share an experiment's name
    library.delete_experiment("Q3 tests")
    assert library.experiments().empty and library.scenarios()["name"].tolist() == ["Q3 tests"]


def test_a_library_made_by_the_first_schema_opens_and_keeps_its_scenarios(library_url):
    engine = sa.create_engine(library_url)
    upgrade(engine, "0001")  # the library as the first version of the schema left it
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO scenarios (name, author, created_at, updated_at, model_version, plan_json, results_json) "
                "VALUES ('old plan', 'dev', :t, :t, 'forest model', :plan, :results)"
            ),
            {
                "t": pd.Timestamp("2026-01-02 03:04", tz="UTC").to_pydatetime(),
                "plan": _plan().to_json(orient="table", index=False, date_format="iso"),
                "results": json.dumps(RESULTS),
            },
        )
    engine.dispose()
    library = open_library(library_url)
    old = library.scenario("old plan")
    assert old.model_key == "" and old.created == pd.Timestamp("2026-01-02 03:04", tz="UTC")
    pd.testing.assert_frame_equal(old.plan, _plan(), check_dtype=False)
    library.save_experiment("after the upgrade", pd.DataFrame({"channel": ["TV"]}), author="a", model_version="v", model_key="k")
    assert library.experiments()["name"].tolist() == ["after the upgrade"]


def test_a_database_that_cannot_be_opened_is_one_plain_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker / 'library.sqlite'}"
    with pytest.raises(LibraryError, match="cannot open the library at sqlite:///"):
        open_library(url)
    close_library(url)
    with pytest.raises(LibraryError, match="not a database URL"):
        open_library("no-such-scheme")
    with pytest.raises(LibraryError, match=r"postgresql\+psycopg://gmv:\*\*\*@127.0.0.1:9/x"):
        open_library("postgresql+psycopg://gmv:secret@127.0.0.1:9/x")  # nothing listens on port 9; no password shown

"""Undoing a delete: a scenario read before it was deleted goes back as it was, unless its name was taken since."""

from __future__ import annotations

import pandas as pd
import pytest

from gmvplanner.library import LibraryError, open_library


def _save(library, name: str, author: str = "asha"):
    plan = pd.DataFrame({"week_start": pd.date_range("2016-07-04", periods=2, freq="W-MON"), "TV": [0.313722, 0.5]})
    return library.save_scenario(
        name, plan, author=author, model_version="mmm 2026-12-01", model_key="abc123", results={"weeks": 2, "spend": 0.81}
    )


def test_a_deleted_scenario_is_restored_with_its_author_and_times(library_url):
    library = open_library(library_url)
    saved = _save(library, "scratch A")
    library.delete_scenario("scratch A")
    assert library.scenarios().empty
    back = library.restore_scenario(saved)
    assert (back.name, back.author, back.model_key, back.results) == ("scratch A", "asha", "abc123", saved.results)
    assert back.created == saved.created and back.updated == saved.updated
    pd.testing.assert_frame_equal(back.plan, saved.plan)


def test_a_name_taken_since_the_delete_is_not_overwritten(library_url):
    library = open_library(library_url)
    saved = _save(library, "scratch A")
    library.delete_scenario("scratch A")
    _save(library, "scratch A", author="ben")
    with pytest.raises(LibraryError, match="'scratch A' was saved again since it was deleted"):
        library.restore_scenario(saved)
    assert library.scenario("scratch A").author == "ben"

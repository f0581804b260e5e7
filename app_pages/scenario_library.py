"""The Scenario planner's shared library: save the plan being edited, list, search, open, duplicate, rename, delete and
pick up to three saved plans to compare. Widgets only; the library is `gmvplanner.library`, the figures
`gmvplanner.service.saved_plans`."""

from __future__ import annotations

import getpass
import hashlib
import os
import time
from typing import NamedTuple

import pandas as pd
import streamlit as st

from app_pages.auth import can_save_scenarios, signed_in_user
from app_pages.common import keep, remembered, replace_plan
from app_pages.reruns import fragment, rerun
from gmvplanner.library import LibraryError, SavedScenario, ScenarioLibrary, default_url, open_library
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.service import planner
from gmvplanner.service.saved_plans import open_plan, save_plan

__all__ = [
    "MAX_COMPARED",
    "UNDO_SECONDS",
    "DeletedPlan",
    "library",
    "author",
    "may_save",
    "save_ui",
    "library_ui",
    "undo_ui",
    "compared_plans",
    "save_named_plans",
]

MAX_COMPARED = 3  # plans compared at once: more lines than this make the chart unreadable
UNDO_SECONDS = 30  # how long "Undo delete" is offered after a plan is deleted


def library() -> ScenarioLibrary | None:
    """The team's library ($GMV_DATABASE_URL, else gmv_library.sqlite beside the app's artifacts); None, with the
    reason on the page, when it cannot be opened."""
    try:
        return open_library(default_url(planner.app_artifacts_dir()))
    except LibraryError as exc:
        st.error(f"The scenario library cannot be used: {exc}. Plans can still be edited and downloaded.")
        return None


def author() -> str:
    """Who is saving: the signed-in user when sign-in is on, else $GMV_AUTHOR or the server's login name."""
    user = signed_in_user()
    if user.signed_in:
        return user.email or user.name
    try:
        return os.environ.get("GMV_AUTHOR") or getpass.getuser()
    except (KeyError, OSError):
        return "local user"


def may_save() -> bool:
    """Whether this user may save and edit shared scenarios (viewers may not; everyone may without sign-in)."""
    return can_save_scenarios()


def save_ui(art: Artifacts, lib: ScenarioLibrary, edited: pd.DataFrame) -> None:
    """Name and save the plan being edited to the shared library (an existing name only with 'Replace')."""
    if not may_save():
        st.caption("Your role can open and compare saved scenarios; saving needs the planner role.")
        return
    c1, c2 = st.columns([3, 1])
    name = c1.text_input("Scenario name", value="", placeholder="e.g. Diwali: +20% TV", key="scenario_name")
    replace = c1.checkbox("Replace a saved scenario of this name", key="scenario_replace")
    if c2.button("Save to the library", key="save_scenario", type="primary"):
        try:
            saved = save_plan(lib, art, name, edited, author(), replace=replace)
        except LibraryError as exc:
            st.error(_sentence(exc))
            return
        st.success(f"Saved '{saved.name}' to the team's library ({lib.where}).")


def _sentence(exc: LibraryError) -> str:
    """A library error as a sentence on the page (without the 'scenario library:' prefix the CLI shows)."""
    text = str(exc).removeprefix("scenario library: ")
    return text[:1].upper() + text[1:] + "."


def _listing(art: Artifacts, table: pd.DataFrame) -> pd.DataFrame:
    """The library's rows as analysts read them: names and people first, money in one unit."""
    money = art.money
    return pd.DataFrame(
        {
            "name": table["name"],
            "author": table["author"],
            "last changed": table["updated"].dt.strftime("%Y-%m-%d %H:%M UTC"),
            f"spend ({money.name})": table["spend"].round(3),
            f"GMV when saved ({money.name})": money.from_base(table["gmv"].astype(float)).round(3),
            "weeks": table["weeks"],
            "made on": table["model_version"],
        }
    )


def library_ui(art: Artifacts, lib: ScenarioLibrary) -> list[str]:
    """The saved scenarios (search, open, duplicate, rename, delete); returns the names picked to compare."""
    st.subheader("Team scenario library")
    _after_a_change()
    search = st.text_input("Search by name or author", key="library_search", placeholder="type to filter")
    if "library_deleted" in st.session_state:
        undo_ui(lib)
    try:
        table = lib.scenarios(search)
    except LibraryError as exc:
        st.error(str(exc))
        return []
    if table.empty:
        st.caption("No saved scenarios yet." if not search else f"No saved scenario matches '{search}'.")
        return []
    st.dataframe(_listing(art, table), hide_index=True, key="library_table")
    st.caption(
        "GMV when saved is what the plan predicted on the model it was made on; opening or comparing a plan recomputes "
        "it on the model in use."
    )
    names = table["name"].tolist()
    if st.session_state.get("library_pick") not in names:  # deleted or renamed, here or by someone else
        st.session_state.pop("library_pick", None)
    picked = st.selectbox("Scenario", names, key="library_pick")
    _actions_ui(art, lib, picked)
    kept = [n for n in remembered("library_compare", []) if n in names]
    compare = st.multiselect(
        f"Compare (up to {MAX_COMPARED})", names, default=kept, max_selections=MAX_COMPARED, key="library_compare"
    )
    keep("library_compare")
    return compare


class DeletedPlan(NamedTuple):
    """A plan deleted from the library in this session, as it was read just before, and when (time.time())."""

    saved: SavedScenario
    at: float


def _sure_key(name: str) -> str:
    """The delete confirmation's widget key for the plan `name`: a tick confirms that plan only."""
    return "library_delete_sure_" + hashlib.sha256(name.encode()).hexdigest()[:12]


def _changed(message: str, *, clear: tuple[str, ...] = (), pick: str | None = None) -> None:
    """After a change to the library: say what was done, clear the widgets that asked for it, pick `pick` and draw
    the list afresh (the table and the picker were drawn before the change)."""
    st.session_state["library_done"] = message
    st.session_state["library_clear"] = ["library_new_name", *clear]
    if pick:
        st.session_state["library_pick_next"] = pick
    rerun()


def _after_a_change() -> None:
    """On the run after a change (before any widget is drawn): clear the used widgets, pick the changed plan and
    say what was done."""
    for key in st.session_state.pop("library_clear", []):
        st.session_state.pop(key, None)
    if "library_pick_next" in st.session_state:
        st.session_state["library_pick"] = st.session_state.pop("library_pick_next")
    done = st.session_state.pop("library_done", None)
    if done:
        st.success(done)


@fragment(run_every=1.0)
def undo_ui(lib: ScenarioLibrary) -> None:
    """Offer "Undo delete" for UNDO_SECONDS after a delete, counting down every second, then gone."""
    deleted: DeletedPlan | None = st.session_state.get("library_deleted")
    left = UNDO_SECONDS - (time.time() - deleted.at) if deleted else 0
    if deleted is None or left <= 0:
        st.session_state.pop("library_deleted", None)
        return
    name = deleted.saved.name
    c1, c2 = st.columns([4, 1])
    c1.caption(f"'{name}' was deleted; it can be brought back for {left:.0f} more seconds.")
    if c2.button("Undo delete", key="library_undo"):
        st.session_state.pop("library_deleted", None)
        try:
            lib.restore_scenario(deleted.saved)
        except LibraryError as exc:
            st.error(_sentence(exc))
            return
        st.session_state["library_done"] = f"Restored '{name}'."
        st.session_state["library_pick_next"] = name
        st.rerun(scope="app")  # the table and picker sit outside this fragment


def _actions_ui(art: Artifacts, lib: ScenarioLibrary, picked: str) -> None:
    """Open, duplicate, rename or delete the picked scenario; after a change the list is drawn afresh."""
    c1, c2, c3, c4 = st.columns(4)
    if c1.button("Open in the editor", key="library_open"):
        opened = open_plan(art, lib.scenario(picked))
        replace_plan(opened.plan)
        st.session_state["library_notes"] = [f"Opened '{picked}'.", *opened.notes]
        rerun()
    for note in st.session_state.pop("library_notes", []):
        st.info(note)
    if not may_save():
        return
    new_name = c2.text_input("New name", key="library_new_name", placeholder="for a copy or a rename")
    try:
        if c3.button("Duplicate", key="library_duplicate"):
            copy = lib.duplicate_scenario(picked, new_name, author())
            _changed(f"Copied '{picked}' to '{copy.name}'.", pick=copy.name)
        if c3.button("Rename", key="library_rename"):
            lib.rename_scenario(picked, new_name)
            _changed(f"Renamed '{picked}' to '{new_name.strip()}'.", pick=new_name.strip())
        sure = c4.checkbox(f"Yes, delete '{picked}'", key=_sure_key(picked))
        if c4.button("Delete", key="library_delete", disabled=not sure):
            gone = lib.scenario(picked)  # kept for "Undo delete"
            lib.delete_scenario(picked)
            st.session_state["library_deleted"] = DeletedPlan(gone, time.time())
            _changed(f"Deleted '{picked}'.", clear=(_sure_key(picked),))
    except LibraryError as exc:
        st.error(_sentence(exc))


def compared_plans(art: Artifacts, lib: ScenarioLibrary, names: list[str]) -> dict[str, pd.DataFrame]:
    """The picked scenarios' plans for the model in use, with a note for each made on another model version."""
    plans = {}
    for name in names:
        try:
            opened = open_plan(art, lib.scenario(name))
        except LibraryError as exc:  # deleted by someone else since the list was drawn
            st.warning(str(exc))
            continue
        plans[name] = opened.plan
        for note in opened.notes:
            st.caption(note)
    return plans


def save_named_plans(art: Artifacts, lib: ScenarioLibrary, plans: dict[str, pd.DataFrame]) -> tuple[list[str], list[str]]:
    """Save each uploaded named plan to the library; returns the names saved and the names already taken."""
    saved, taken = [], []
    for name, plan in plans.items():
        try:
            save_plan(lib, art, name, plan, author())
            saved.append(name)
        except LibraryError:
            taken.append(name)
    return saved, taken

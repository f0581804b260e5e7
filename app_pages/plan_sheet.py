"""The Scenario planner's sheet tools: paste a block from a spreadsheet, the totals per channel and month under the
grid, channels locked for the Budget optimiser, undo of the plan's edits, and the plan as an .xlsx workbook.
Widgets only; the work is `gmvplanner.service.plan_sheet` (through `planner`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import keep_plan, plan_history, replace_plan
from app_pages.reruns import rerun
from app_pages.scenario_library import author
from gmvplanner.data.plan_sheets import read_pasted
from gmvplanner.errors import InputError
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.service import planner

__all__ = ["LOCKS", "paste_ui", "totals_ui", "locks_ui", "budget_locks_ui", "undo_ui", "workbook_download_ui", "edit_kept"]

LOCKS = "locked_channels"  # session state: the channels the analyst locked (the Budget page reads them)
PASTE_NOTE = "plan_paste_note"  # session state: what the last paste read, said once after its rerun


def paste_ui(art: Artifacts, plan: pd.DataFrame) -> None:
    """A text area for a block copied from a spreadsheet; 'Use the pasted block' puts it in the plan (undoable) and
    says what was read, or why it could not be."""
    note = st.session_state.pop(PASTE_NOTE, None)
    if note:
        st.success(note)
    with st.expander("Paste from a spreadsheet"):
        st.caption(
            "Copy cells in Excel or Google Sheets and paste them here: one row per week, one column per channel. With "
            "the header row, only the channels named change (and with a week_start column, only those weeks); without "
            f"it, the columns are {', '.join(art.channels)} in this order. Numbers take a decimal point; commas are "
            "read as thousands separators."
        )
        text = st.text_area("Pasted cells", key="plan_paste", height=150)
        if not st.button("Use the pasted block", key="plan_paste_apply"):
            return
        try:
            pasted = planner.pasted_plan(plan, read_pasted(text, art.channels), art.channels, art.money)
        except InputError as exc:
            st.error(f"Could not use the pasted cells: {exc}")
            return
    replace_plan(pasted.plan, "pasted block")
    st.session_state[PASTE_NOTE] = pasted.message
    rerun()


def totals_ui(art: Artifacts, plan: pd.DataFrame) -> None:
    """The plan's spend per calendar month and channel, with each channel's total and every channel's."""
    totals = planner.plan_totals(plan, art.channels)
    st.caption(
        f"Totals per month and channel ({art.money.name}); each week's spend is split over its days into calendar months, "
        "so a week across two months counts in both. The last row is the whole plan."
    )
    st.dataframe(totals, hide_index=True, key="plan_totals", column_config={"month": st.column_config.Column(pinned=True)})


def locks_ui(art: Artifacts) -> list[str]:
    """The channels locked at this plan's spend: the Budget optimiser keeps them there and 'Scale every channel'
    leaves them alone."""
    locked = st.multiselect(
        "Locked channels (contracted: the Budget optimiser keeps their spend at this plan's)",
        art.channels,
        default=[c for c in st.session_state.get(LOCKS, []) if c in art.channels],
        key="plan_locks",
    )
    st.session_state[LOCKS] = locked
    return locked


def budget_locks_ui(art: Artifacts, n_weeks: int) -> dict[str, tuple[float, float]]:
    """For the Budget page: the channels locked on the Scenario planner as bounds with min = max = their spend in
    the plan over `n_weeks` (`planner.locked_amounts`), said in a caption; empty when none is locked."""
    plan = st.session_state.get("plan")
    if plan is None:
        return {}
    locked = [c for c in st.session_state.get(LOCKS, []) if c in art.channels and c in plan]
    if not locked:
        return {}
    amounts = planner.locked_amounts(plan, locked, n_weeks)
    shown = ", ".join(f"{c} at {v:,.4f}" for c, v in amounts.items())
    weeks = plan["week_start"].nunique()
    how = "its total in the plan" if weeks == n_weeks else f"the plan's {weeks} weeks scaled to {n_weeks}"
    st.caption(
        f"Locked on the Scenario planner: {shown} {art.money.name} over the horizon ({how}); the split keeps them "
        "there, whatever their bounds below, and divides the rest of the budget among the other channels."
    )
    return {c: (v, v) for c, v in amounts.items()}


def undo_ui() -> None:
    """'Undo' steps back through the plan's kept changes (edits, pastes, uploads, quick changes), newest first."""
    history = plan_history()
    if not len(history):
        return
    if st.button(f"Undo: {history.last} ({len(history)} step{'s' if len(history) > 1 else ''} back)", key="plan_undo"):
        plan = history.undo()
        st.session_state["plan"] = plan
        st.session_state["plan_version"] = st.session_state.get("plan_version", 0) + 1
        rerun()


def workbook_download_ui(art: Artifacts, plan: pd.DataFrame, column) -> None:
    """The plan as an .xlsx workbook: plan, totals and notes sheets (model version, unit, who and when), built
    only when the button is pressed (about 40 ms that a rerun of the grid need not spend)."""
    channels, notes = art.channels, planner.model_notes(art, author())
    column.download_button(
        "Download this scenario (.xlsx: plan, totals, notes)",
        lambda: planner.plan_workbook(plan, channels, notes),
        file_name="scenario.xlsx",
        mime=planner.XLSX_MIME,
        key="download_plan_xlsx",
    )


def edit_kept(plan: pd.DataFrame) -> None:
    """An edit of the grid kept in the plan (undoable)."""
    keep_plan(plan, "grid edit")

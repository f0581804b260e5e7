"""Scenario planner page: edit spend per channel by week or month, see the GMV it predicts, save and compare plans."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import cached_comparison, cached_predictions, current, page_header, table_editor
from gmvplanner import planner
from gmvplanner.analysis.scenarios import default_scenario, known_verticals, load_scenario
from gmvplanner.config import PLAN_WEEKS
from gmvplanner.errors import InputError
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting import charts

MAX_SCENARIOS = 3


def upload_ui(art: Artifacts) -> None:
    """A scenario CSV replaces the plan being edited (once per uploaded file)."""
    uploaded = st.file_uploader("Upload a scenario CSV (week_start plus one column per channel)", type=["csv"], key="plan_upload")
    if uploaded is None or st.session_state.get("plan_upload_id") == uploaded.file_id:
        return
    st.session_state["plan_upload_id"] = uploaded.file_id
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / uploaded.name
        path.write_bytes(uploaded.getvalue())
        try:
            st.session_state["plan"] = load_scenario(path, art.channels, known_verticals(art))
            st.success(f"Loaded {uploaded.name}: {st.session_state['plan']['week_start'].nunique()} weeks.")
        except InputError as exc:
            st.error(f"Could not use this file: {str(exc).replace(str(path), uploaded.name)}")


def plan_editor_ui(art: Artifacts, plan: pd.DataFrame) -> pd.DataFrame:
    """The plan as edited, weekly (either grain), with blanks as 0 and no negative spend. Only spend is edited here:
    an uploaded plan's levers and per-subcategory rows are kept as they are, so the app predicts what the CLI does."""
    grain = st.radio("Edit spend", ["weekly", "monthly"], horizontal=True, key="plan_grain")
    weekly = plan.drop_duplicates("week_start")[["week_start", *art.channels]].reset_index(drop=True)
    version = st.session_state.setdefault("plan_version", 0)  # a new editor once an edit is kept in the plan
    if grain == "weekly":
        edited = table_editor(weekly, f"plan_editor_{version}")
        edited = edited.assign(week_start=pd.to_datetime(edited["week_start"]))
    else:
        shown = planner.weekly_to_monthly(weekly, art.channels)
        edited_months = table_editor(shown, f"plan_editor_monthly_{version}")
        edited = planner.apply_monthly_edits(weekly, shown, edited_months.fillna(0.0), art.channels)
    edited[art.channels] = edited[art.channels].fillna(0.0).clip(lower=0.0)
    result = plan.drop(columns=art.channels).merge(edited, on="week_start", how="left")[plan.columns]
    before, after = plan[art.channels].to_numpy(float), result[art.channels].to_numpy(float)
    if not np.allclose(after, before, rtol=1e-12, atol=1e-12):
        # the plan is the one object both views edit: keep every edit in it at once, so it survives switching views
        # and leaving the page, and show it in a fresh editor (the old one would apply its edits a second time)
        st.session_state["plan"] = result
        st.session_state["plan_version"] = version + 1
        st.rerun()
    return plan


def save_ui(edited: pd.DataFrame) -> None:
    """Name and save the edited plan (up to MAX_SCENARIOS), or clear the saved ones."""
    c1, c2, c3 = st.columns([2, 1, 1])
    name = c1.text_input("Scenario name", value=f"Scenario {len(st.session_state['scenarios']) + 1}", key="scenario_name")
    replace = c1.checkbox("Replace a saved scenario of this name", key="scenario_replace")
    if c2.button("Save scenario", key="save_scenario"):
        saved = st.session_state["scenarios"]
        if name in saved and not replace:  # never overwrite a saved plan without being asked to
            st.error(f"'{name}' is already saved; give this one another name, or tick 'Replace' to overwrite it.")
        elif name in saved or len(saved) < MAX_SCENARIOS:
            saved[name] = edited.copy()
            st.success(f"Saved '{name}'.")
        else:
            st.error(f"Up to {MAX_SCENARIOS} scenarios can be saved; clear them to save another.")
    if c3.button("Clear saved scenarios", key="clear_scenarios"):
        st.session_state["scenarios"] = {}


def main() -> None:
    art, key = current()
    page_header(
        "Scenario planner",
        f"Spend per channel in {art.money.name} per week (or month). The default plan is the next {PLAN_WEEKS} weeks "
        "at last year's level for the same weeks, scaled to the recent run rate.",
    )
    if "plan" not in st.session_state:
        st.session_state["plan"] = default_scenario(art, weeks=PLAN_WEEKS)
    st.session_state.setdefault("scenarios", {})
    upload_ui(art)
    edited = plan_editor_ui(art, st.session_state["plan"])
    predictions = cached_predictions(art, key, edited)
    sub = st.selectbox("Subcategory to chart", art.subcategories, key="plan_sub")
    totals = planner.gmv_by_subcategory(predictions)
    for col, (name, value) in zip(st.columns(len(totals)), totals.items()):
        col.metric(f"{name}, {edited['week_start'].nunique()} weeks", art.money.format(value))
    save_ui(edited)
    d1, d2 = st.columns(2)
    d1.download_button(
        "Download this scenario (CSV)",
        edited.to_csv(index=False, date_format="%Y-%m-%d"),
        file_name="scenario.csv",
        mime="text/csv",
        key="download_plan",
    )
    d2.download_button(
        "Download its predictions (CSV)",
        predictions.to_csv(index=False, date_format="%Y-%m-%d"),
        file_name="predictions.csv",
        mime="text/csv",
        key="download_predictions",
    )
    saved = st.session_state["scenarios"]
    if saved:
        st.subheader("Compare saved scenarios")
        compared, totals_table = cached_comparison(art, key, dict(saved))
        st.plotly_chart(charts.scenario_comparison_figure(compared, sub, money=art.money), key="compare_chart")
        st.caption(f"Totals over the horizon ({art.money.name}); differences are against the first saved scenario.")
        st.dataframe(totals_table, hide_index=True, key="compare_table")
    else:
        current_plan = predictions.assign(scenario="current plan")
        st.plotly_chart(charts.scenario_comparison_figure(current_plan, sub, money=art.money), key="plan_chart")


main()

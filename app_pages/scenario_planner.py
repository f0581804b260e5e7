"""Scenario planner page: edit spend per channel by week or month, see the GMV it predicts, save and compare plans."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import plan_sheet
from app_pages.auth import can_upload
from app_pages.common import (
    cached_comparison,
    cached_default_plan,
    cached_plan_figures,
    cached_predictions,
    cached_summary,
    cached_waterfall,
    current,
    fitted_plan,
    no_spend_note,
    page_header,
    replace_plan,
    table_editor,
)
from app_pages.reruns import fragment, rerun
from app_pages.scenario_library import compared_plans, library, library_ui, save_named_plans, save_ui
from gmvplanner.analysis.plan_edits import LargeChange, large_changes
from gmvplanner.analysis.scenarios import known_verticals
from gmvplanner.config import PLAN_WEEKS
from gmvplanner.data.scenario_files import SCENARIO_LEVERS, SCENARIO_NAME, load_scenario, scenario_columns
from gmvplanner.errors import InputError
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting import charts
from gmvplanner.reporting.labels import INTERVAL_LABEL
from gmvplanner.reporting.plan_words import company_spend, plan_sentence, scenario_key_table
from gmvplanner.service import planner


def upload_ui(art: Artifacts) -> None:
    """A scenario CSV or .xlsx workbook (its plan sheet) replaces the plan being edited; a file of named scenarios
    (with a `scenario` column, as 'Download these scenarios' writes it) is saved to the library and the first opens.
    Once per uploaded file."""
    if not can_upload():
        return  # viewers look; planners and modellers upload
    what = "one column per channel" if art.has_spend else "any levers"
    uploaded = st.file_uploader(
        f"Upload a scenario CSV or .xlsx workbook (week_start plus {what}), or a file of saved scenarios",
        type=["csv", "xlsx"],
        key="plan_upload",
    )
    if uploaded is None or st.session_state.get("plan_upload_id") == uploaded.file_id:
        return
    st.session_state["plan_upload_id"] = uploaded.file_id
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / uploaded.name
        path.write_bytes(uploaded.getvalue())
        try:
            named = SCENARIO_NAME in scenario_columns(path)
            frame = load_scenario(
                path,
                art.channels,
                known_verticals(art),
                art.week_starts_on,
                named=named,
                high_spend=art.money.max_spend,
                money=art.money,
            )
        except (InputError, ValueError, pd.errors.ParserError) as exc:
            st.error(f"Could not use this file: {str(exc).replace(str(path), uploaded.name)}")
            return
    if not named:
        replace_plan(frame, f"upload of {uploaded.name}")
        st.success(f"Loaded {uploaded.name}: {frame['week_start'].nunique()} weeks.")
        return
    plans = {
        str(name): rows.drop(columns=SCENARIO_NAME).reset_index(drop=True)
        for name, rows in frame.groupby(SCENARIO_NAME, sort=False)
    }
    lib = library()
    if lib is None:
        return
    saved, taken = save_named_plans(art, lib, plans)
    replace_plan(next(iter(plans.values())).copy())
    if saved:
        st.success(f"Saved {len(saved)} scenarios from {uploaded.name} to the library: {', '.join(saved)}.")
    if taken:
        st.warning(f"Already in the library, so not replaced: {', '.join(taken)} (rename them there first).")
    st.info(f"Editing '{next(iter(plans))}'.")


def quick_changes_ui(art: Artifacts, key: str, plan: pd.DataFrame) -> None:
    """One-click changes to the plan being edited: one channel by a percentage, every channel by a percentage, or
    back to last year's plan."""
    with st.expander("Quick changes"):
        c1, c2, c3 = st.columns(3)
        channel = c1.selectbox("Channel", art.channels, key="quick_channel")
        pct = c1.number_input("Change (%)", min_value=-100.0, max_value=1000.0, value=20.0, step=5.0, key="quick_pct")
        if c1.button(f"Change {channel}", key="quick_apply_channel"):
            replace_plan(planner.scale_plan(plan, [channel], 1 + pct / 100), f"{channel} {pct:+g}%")
            rerun()
        scale = c2.number_input("Every channel (%)", min_value=-100.0, max_value=1000.0, value=10.0, step=5.0, key="quick_scale")
        free = [c for c in art.channels if c not in st.session_state.get(plan_sheet.LOCKS, [])]
        if c2.button("Scale every channel", key="quick_apply_all", help="Locked channels keep their spend."):
            replace_plan(planner.scale_plan(plan, free, 1 + scale / 100), f"every unlocked channel {scale:+g}%")
            rerun()
        c3.caption("Last year's spend for the same weeks, scaled to the recent run rate (the default plan).")
        if c3.button("Back to last year's plan", key="quick_reset"):
            replace_plan(cached_default_plan(art, key, PLAN_WEEKS), "back to last year's plan")
            rerun()
        c3.caption("The Budget optimiser's page can send its recommended split here.")


def summary_ui(art: Artifacts, key: str, plan: pd.DataFrame, saved: dict[str, pd.DataFrame]) -> None:
    """What each plan buys against last year's plan for the same weeks (table with intervals), and the current
    plan's change from it by channel (waterfall)."""
    weeks = pd.DatetimeIndex(plan["week_start"].drop_duplicates().sort_values())
    baseline = cached_default_plan(art, key, len(weeks), weeks[0])
    plans = {planner.BASELINE_PLAN: baseline, "current plan": plan}
    plans.update({name: p for name, p in saved.items() if name not in plans})
    st.subheader("What each plan buys")
    st.caption(
        f"Over the plan's {len(weeks)} weeks, for the modelled subcategories. GMV from media is the GMV above what the "
        "same weeks would bring with no spend at all; ROAS is that per unit of spend, marginal ROAS the return on 1% "
        f"more on every channel. The baseline is {planner.BASELINE_PLAN} for the same weeks. {INTERVAL_LABEL}s over the "
        "bootstrap refits of the channel effects."
    )
    summary = cached_summary(art, key, plans, planner.BASELINE_PLAN)
    spend = {name: company_spend(p, art.channels) for name, p in plans.items()}
    st.dataframe(scenario_key_table(art, summary, spend), hide_index=True, key="summary_key_table")
    current_row = summary.loc[summary["scenario"] == "current plan"].iloc[0]
    st.markdown(plan_sentence(art, current_row, spend["current plan"], len(weeks)))
    with st.expander("Every figure with its 80% interval"):
        st.dataframe(planner.scenario_table(art, summary), hide_index=True, key="summary_table")
    increments_ui(art, key, plans)
    waterfall = cached_waterfall(art, key, plan, baseline)
    figure = charts.waterfall_figure(waterfall.steps, waterfall.base_gmv, waterfall.plan_gmv, money=art.money)
    st.plotly_chart(figure, key="waterfall_chart")


def increments_ui(art: Artifacts, key: str, plans: dict[str, pd.DataFrame]) -> None:
    """What each plan adds over the baseline: extra spend, incremental GMV and ROAS, and with a margin the
    incremental profit, each with its 80% interval (figures shared with the summary's cache)."""
    st.markdown("**What each plan adds over the baseline**")
    margin = st.number_input(
        "Contribution margin (% of GMV) for the incremental profit; blank: GMV only",
        min_value=0.0,
        max_value=100.0,
        value=None,
        step=1.0,
        key="planner_margin",
    )
    figures = {name: cached_plan_figures(art, key, p) for name, p in plans.items()}
    share = None if margin is None else float(margin) / 100
    table = planner.plan_increments(art, figures, planner.BASELINE_PLAN, share)
    st.dataframe(table, hide_index=True, key="increments_table")
    st.caption(
        "Incremental ROAS is the extra GMV per unit of extra spend; incremental profit is the extra GMV times the "
        f"margin less the extra spend. In brackets: the {INTERVAL_LABEL.lower()} over the bootstrap refits, paired "
        "across plans."
    )


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
    if not np.allclose(after, before, rtol=planner.EDIT_TOLERANCE, atol=planner.EDIT_TOLERANCE):
        slips = large_changes(plan, result, art.channels)
        if slips and not confirm_ui(art, slips):
            return plan  # the forecast stays on the plan before the edit until it is confirmed
        # the plan is the one object both views edit: keep every edit in it at once, so it survives switching views
        # and leaving the page, and show it in a fresh editor (the old one would apply its edits a second time)
        plan_sheet.edit_kept(result)
        rerun()
    return plan


def lever_editor_ui(art: Artifacts, plan: pd.DataFrame) -> pd.DataFrame:
    """For a model without spend: the plan's weeks with the levers it can set (blank: the same week a year earlier
    for the calendar, the recent value for the others). A plan that sets levers per subcategory (uploaded) is shown
    as it is: edit it in its file."""
    if "subcategory" in plan and plan["subcategory"].notna().any():
        st.dataframe(plan, hide_index=True, key="lever_plan_table")
        st.caption("This plan sets levers per subcategory: edit it in its file and upload it again.")
        return plan
    levers = planner.plan_levers(art)
    if not levers:
        st.dataframe(plan[["week_start"]], hide_index=True, key="lever_plan_table")
        st.caption(
            "The model learnt no lever from this data (no sale calendar, holidays, prices or delivery times), so a plan "
            "is its weeks and the forecast is the season and the trend. Add a sale calendar or holidays on Data & "
            "retrain to plan them."
        )
        return plan
    shown = plan[["week_start"]].assign(**{lever: plan[lever] if lever in plan else np.nan for lever in levers})
    config: dict = {"week_start": st.column_config.DateColumn("week", format="YYYY-MM-DD", disabled=True)}
    for lever in levers:
        meaning, unit, low, high = SCENARIO_LEVERS[lever]
        config[lever] = st.column_config.NumberColumn(f"{lever} ({unit})", help=meaning, min_value=low, max_value=high)
    version = st.session_state.setdefault("plan_version", 0)
    edited = st.data_editor(shown, key=f"lever_editor_{version}", hide_index=True, width="stretch", column_config=config)
    st.caption("Blank cells take the same week a year earlier (sale days, holidays) or the recent value (the other levers).")
    edited = edited.assign(week_start=pd.to_datetime(edited["week_start"]))
    if not edited[levers].astype(float).equals(shown[levers].astype(float)):
        plan_sheet.edit_kept(plan.drop(columns=levers, errors="ignore").assign(**{c: edited[c] for c in levers}))
        rerun()
    return plan


def confirm_ui(art: Artifacts, slips: list[LargeChange]) -> bool:
    """Ask before using an edit that made a cell ten times larger or smaller; True once the analyst keeps it. Undo
    draws the editor afresh from the plan."""
    money = art.money
    shown = "; ".join(
        f"{s.channel} in the week of {s.week_start:%Y-%m-%d}: {s.before:,.4g} → {s.after:,.4g} {money.name} "
        f"({s.after / s.before:,.3g}×)"
        for s in slips[:3]
    )
    more = f" and {len(slips) - 3} more" if len(slips) > 3 else ""
    st.warning(
        f"This edit changes spend tenfold or more: {shown}{more}. Was that meant? The forecast below still uses the "
        "plan before it."
    )
    c1, c2 = st.columns(2)
    if c2.button("Undo the edit", key="slip_undo"):
        st.session_state["plan_version"] = st.session_state.get("plan_version", 0) + 1
        rerun()
    return c1.button("Keep the edit", key="slip_keep", type="primary")


def total_words(art: Artifacts, plan: pd.DataFrame) -> str:
    """The grid's total row in words: company-wide spend over the plan's weeks, and each channel's."""
    weekly = plan.drop_duplicates("week_start")
    by_channel = weekly[art.channels].sum()
    channels = ", ".join(f"{c} {v:,.3f}" for c, v in by_channel.items())
    return f"Total over {len(weekly)} weeks: {by_channel.sum():,.3f} {art.money.name} company-wide ({channels})."


def compare_ui(art: Artifacts, key: str, plans: dict[str, pd.DataFrame], sub: str) -> None:
    """The picked library scenarios side by side, recomputed on the model in use."""
    st.subheader("Compare saved scenarios")
    compared, totals_table = cached_comparison(art, key, plans)
    st.plotly_chart(charts.scenario_comparison_figure(compared, sub, money=art.money), key="compare_chart")
    first = next(iter(plans))
    st.caption(f"Totals over the horizon ({art.money.name}), on the model in use; differences are against '{first}'.")
    st.dataframe(totals_table, hide_index=True, key="compare_table")
    st.download_button(
        "Download these scenarios (CSV, one file; upload it to save them in another library)",
        planner.scenarios_csv(plans),
        file_name="saved_scenarios.csv",
        mime="text/csv",
        key="download_saved",
    )


def downloads_ui(art: Artifacts, edited: pd.DataFrame, predictions: pd.DataFrame) -> None:
    """The plan being edited (CSV, and .xlsx with its totals and notes) and its predictions (CSV)."""
    d1, d3, d2 = st.columns(3)
    d1.download_button(
        "Download this scenario (CSV)",
        edited.to_csv(index=False, date_format="%Y-%m-%d"),
        file_name="scenario.csv",
        mime="text/csv",
        key="download_plan",
    )
    if art.has_spend:
        plan_sheet.workbook_download_ui(art, edited, d3)
    d2.download_button(
        "Download its predictions (CSV)",
        predictions.to_csv(index=False, date_format="%Y-%m-%d"),
        file_name="predictions.csv",
        mime="text/csv",
        key="download_predictions",
    )


def header_ui(art: Artifacts) -> None:
    """The page's title and what it plans: spend per channel, or for a model without spend the weeks and levers."""
    if art.has_spend:
        page_header(
            "Scenario planner",
            f"Spend per channel in {art.money.name} per week (or month), company-wide. The default plan is the next "
            f"{PLAN_WEEKS} weeks at last year's level for the same weeks, scaled to the recent run rate.",
        )
        return
    page_header(
        "Scenario planner",
        f"The weeks to plan and the levers your data has (special-sale days, holidays, prices, delivery times). The "
        f"default plan is the next {PLAN_WEEKS} weeks with every lever at its usual value.",
    )
    no_spend_note("the Scenario planner")


def editor_ui(art: Artifacts, key: str) -> pd.DataFrame:
    """The plan as edited: spend per channel with quick changes and its total in words, or for a model without
    spend the weeks' levers."""
    if not art.has_spend:
        return lever_editor_ui(art, st.session_state["plan"])
    quick_changes_ui(art, key, st.session_state["plan"])
    plan_sheet.paste_ui(art, st.session_state["plan"])
    c1, c2 = st.columns([3, 1])
    with c1:
        plan_sheet.locks_ui(art)
    with c2:
        plan_sheet.undo_ui()
    edited = plan_editor_ui(art, st.session_state["plan"])
    st.caption(total_words(art, edited))
    plan_sheet.totals_ui(art, edited)
    return edited


def main() -> None:
    """The page: upload a plan, then edit it with quick changes, what it buys, the team's library and saved plans
    compared (`plan_ui`)."""
    art, key = current()
    header_ui(art)
    if "plan" not in st.session_state:
        st.session_state["plan"] = cached_default_plan(art, key, PLAN_WEEKS)
    st.session_state["plan"] = fitted_plan(art, st.session_state["plan"])
    upload_ui(art)
    plan_ui(art, key)


@fragment
def plan_ui(art: Artifacts, key: str) -> None:
    """The plan's editor, its forecast, what it buys, the library and the comparison, as one fragment: an edit, a
    quick change or a library action reruns only this, not the frame, the sidebar, the header and the upload."""
    edited = editor_ui(art, key)
    predictions = cached_predictions(art, key, edited)
    sub = st.selectbox("Subcategory to chart", art.subcategories, key="plan_sub")
    totals = planner.gmv_by_subcategory(predictions)
    for col, (name, value) in zip(st.columns(len(totals)), totals.items()):
        col.metric(f"{name}, {edited['week_start'].nunique()} weeks", art.money.format(value))
    lib = library()
    compare = library_ui(art, lib) if lib is not None else []
    plans = compared_plans(art, lib, compare) if lib is not None and compare else {}
    if art.has_spend:  # what a plan buys is about its spend
        from_budget = st.session_state.get("plan_from_budget")
        if from_budget:
            st.caption(
                f"This plan came from the Budget optimiser, which measured its uplift ({from_budget}) against the "
                "historical split of the same budget. Here it is measured against last year's plan, run-rate scaled, "
                "which spends a different amount, so the two uplifts differ."
            )
        summary_ui(art, key, edited, plans)
    if lib is not None:
        save_ui(art, lib, edited)
    downloads_ui(art, edited, predictions)
    if plans:
        compare_ui(art, key, plans, sub)
    else:
        current_plan = predictions.assign(scenario="current plan")
        st.plotly_chart(charts.scenario_comparison_figure(current_plan, sub, money=art.money), key="plan_chart")


main()

"""Budget optimiser page: split a total budget across channels, within bounds, to maximise predicted GMV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import current, page_header, table_editor
from gmvplanner import planner
from gmvplanner.analysis.optimise import INTERVAL_SCOPE, optimise_budget
from gmvplanner.config import PLAN_WEEKS
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting import charts


def form_ui(art: Artifacts) -> tuple[float, int, dict[str, tuple[float, float]]] | None:
    """The budget, horizon and per-channel bounds (input money unit) once submitted, else None."""
    recent = planner.recent_budget(art)
    with st.form("budget_form"):
        c1, c2 = st.columns(2)
        budget = c1.number_input(
            f"Total budget over the horizon ({art.money.name})",
            min_value=0.0001,
            value=round(recent, 4),
            format="%.4f",
            key="budget_total",
        )
        weeks = c2.number_input("Horizon (weeks)", min_value=1, max_value=52, value=PLAN_WEEKS, key="budget_weeks")
        bounds = table_editor(pd.DataFrame({"channel": art.channels, "min": 0.0, "max": round(recent, 4)}), "budget_bounds")
        if not st.form_submit_button("Optimise", type="primary"):
            return None
    limits = {r.channel: (float(r.min), float(r.max)) for r in bounds.fillna({"min": 0.0, "max": budget}).itertuples()}
    return budget, int(weeks), limits


def main() -> None:
    art, _ = current()
    page_header(
        "Budget optimiser",
        "Split a total budget across channels to maximise the predicted GMV of every subcategory, within "
        "per-channel bounds. Each channel's total is spread evenly over the weeks.",
    )
    submitted = form_ui(art)
    if submitted is not None:
        budget, weeks, limits = submitted
        with st.spinner("Optimising (a few seconds)..."):
            st.session_state["budget_result"] = optimise_budget(art, budget, weeks, bounds=limits)
    result, money = st.session_state.get("budget_result"), art.money
    if result is None:
        st.info("Set the budget and bounds, then press **Optimise**.")
        return
    caution = planner.identification_caution(art)
    if caution:
        st.warning(caution)
    if result.note:
        st.info(result.note)
    historical, recommended = (
        f"{money.format(lo)} to {money.format(hi)}" for _, lo, hi in (result.historical_gmv, result.recommended_gmv)
    )
    uplift = planner.uplift_percent(result)
    c1, c2, c3 = st.columns(3)
    c1.metric("Expected GMV, historical split", money.format(result.historical_gmv[0]), help=f"80% interval {historical}")
    c2.metric("Expected GMV, recommended split", money.format(result.recommended_gmv[0]), help=f"80% interval {recommended}")
    c3.metric("Expected uplift", money.format(result.uplift), delta=None if uplift is None else f"{uplift:+.2f}%")
    st.caption(f"80% intervals: historical {historical}; recommended {recommended}. {INTERVAL_SCOPE} Method: {result.method}.")
    st.plotly_chart(charts.split_figure(result.table, money), key="split_chart")
    st.dataframe(result.table.round(4), hide_index=True, key="split_table")


main()

"""Budget optimiser page: split a total budget across channels, within bounds, to maximise predicted GMV."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import streamlit as st

from app_pages.common import current, page_header, replace_plan, spend_needed, table_editor
from gmvplanner import planner
from gmvplanner.analysis.optimise import INTERVAL_SCOPE, MAX_NEW_CUSTOMER_WEIGHT, optimise_budget
from gmvplanner.config import AUTO, AUTO_MAX_CHANGE, OWN, PLAN_WEEKS
from gmvplanner.dates import WEEKS_PER_YEAR
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting import charts
from gmvplanner.reporting.labels import INTERVAL_LABEL

MOVE_LIMITS = {
    f"automatic ({AUTO_MAX_CHANGE:.0%} when the data are weak, else each channel's own)": AUTO,
    "each channel's own, from its uncertainty": OWN,
    "no limit": None,
    "10%": 0.1,
    "20%": 0.2,
    "30%": 0.3,
    "50%": 0.5,
}


class BudgetRequest(NamedTuple):
    """What the form asks of the optimiser: the budget and per-channel bounds (input money unit), the horizon in
    weeks, the largest move per channel (a share, AUTO or None) and the weight of new customers' GMV."""

    budget: float
    weeks: int
    bounds: dict[str, tuple[float, float]]
    max_change: float | str | None
    new_customer_weight: float


def form_ui(art: Artifacts) -> BudgetRequest | None:
    """The budget, horizon, per-channel bounds (input money unit), largest move per channel and the weight of new
    customers' GMV, once submitted."""
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
        weeks = c2.number_input("Horizon (weeks)", min_value=1, max_value=WEEKS_PER_YEAR, value=PLAN_WEEKS, key="budget_weeks")
        move = st.selectbox(
            "Largest move per channel, from its historical share",
            list(MOVE_LIMITS),
            key="budget_max_change",
            help="Weak evidence supports only small moves: by default each channel stays within "
            f"{AUTO_MAX_CHANGE:.0%} of its historical amount when the data adequacy check (Model report) finds "
            "the evidence weak; otherwise each channel moves as far as its own uncertainty allows (a channel "
            "known to ±20% twice as far as one known to ±40%).",
        )
        weight = 1.0
        if planner.knows_new_customers(art):
            weight = st.number_input(
                "Weight of new customers' GMV",
                min_value=0.0,
                max_value=MAX_NEW_CUSTOMER_WEIGHT,
                value=1.0,
                step=0.5,
                key="budget_new_customer_weight",
                help="1 counts every rupee of GMV alike. 2 counts a rupee from a customer's first order twice, as a "
                "new customer is worth more than the first order shows: channels that bring new customers (Customers "
                "page) get more of the budget.",
            )
        bounds = table_editor(pd.DataFrame({"channel": art.channels, "min": 0.0, "max": round(recent, 4)}), "budget_bounds")
        if not st.form_submit_button("Optimise", type="primary"):
            return None
    limits = {r.channel: (float(r.min), float(r.max)) for r in bounds.fillna({"min": 0.0, "max": budget}).itertuples()}
    return BudgetRequest(budget, int(weeks), limits, MOVE_LIMITS[move], float(weight))


def main() -> None:
    """The page: the form, then the last result with its split, table and budget curve."""
    art, _ = current()
    page_header(
        "Budget optimiser",
        "Split a total budget across channels to maximise the predicted GMV of every subcategory, within "
        "per-channel bounds. Each channel's total is spread evenly over the weeks.",
    )
    if spend_needed(art, "The budget optimiser"):
        return
    request = form_ui(art)
    if request is not None:
        with st.spinner("Optimising (a few seconds)..."):
            st.session_state["budget_result"] = optimise_budget(
                art,
                request.budget,
                request.weeks,
                bounds=request.bounds,
                max_change=request.max_change,
                new_customer_weight=request.new_customer_weight,
            )
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
    c1.metric("Expected GMV, historical split", money.format(result.historical_gmv[0]), help=f"{INTERVAL_LABEL} {historical}")
    c2.metric("Expected GMV, recommended split", money.format(result.recommended_gmv[0]), help=f"{INTERVAL_LABEL} {recommended}")
    c3.metric("Expected uplift", money.format(result.uplift), delta=None if uplift is None else f"{uplift:+.2f}%")
    if result.new_customer_gain is not None:
        weighed = f", their GMV counted {result.new_customer_weight:g}x" if result.new_customer_weight != 1 else ""
        st.markdown(
            f"**GMV from new customers' first orders:** {money.format(result.new_customer_gain)} against the "
            f"historical split{weighed}."
        )
    if result.uplift_interval is not None:
        lo, hi = result.uplift_interval
        st.markdown(
            f"**Uplift, counting the uncertainty of the channel estimates:** {INTERVAL_LABEL} {money.format(lo)} to "
            f"{money.format(hi)}; the recommended split beats the historical one in "
            f"**{result.p_beats_historical:.0%}** of the bootstrap refits."
        )
    st.caption(
        f"{INTERVAL_LABEL}s: historical {historical}; recommended {recommended}. {INTERVAL_SCOPE} Method: {result.method}."
    )
    st.plotly_chart(charts.split_figure(result.table, money), key="split_chart")
    st.dataframe(planner.split_table(result, money), hide_index=True, key="split_table")
    if st.button("Plan these weeks with the recommended split in the Scenario planner", key="send_to_planner"):
        replace_plan(planner.plan_from_split(result.weeks, planner.recommended_amounts(result, money)))
        st.switch_page("app_pages/scenario_planner.py")
    curve, points = planner.budget_curve(art, result)
    st.plotly_chart(charts.budget_response_figure(curve, points, money), key="budget_curve_chart")
    st.caption(
        "Expected GMV of the modelled subcategories if the whole budget moves up or down with the historical split; "
        "above the dashed line the spend returns more GMV than it costs them."
    )


main()

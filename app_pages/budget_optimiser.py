"""Budget optimiser page: split a total budget across channels, within bounds, to maximise predicted GMV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    cached_budget_answer,
    cached_budget_curve,
    cached_marginal_roi,
    cached_profit,
    current,
    page_header,
    replace_plan,
    spend_needed,
    table_editor,
)
from app_pages.plan_sheet import budget_locks_ui
from gmvplanner.analysis.adequacy import evidence_is_weak
from gmvplanner.analysis.budget import INTERVAL_SCOPE, LIFT_HINT, MAX_NEW_CUSTOMER_WEIGHT, BudgetResult, TargetBudget
from gmvplanner.config import AUTO, AUTO_MAX_CHANGE, OWN, PLAN_WEEKS
from gmvplanner.dates import WEEKS_PER_YEAR
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting import charts
from gmvplanner.reporting.charts.flighting import flighting_figure
from gmvplanner.reporting.labels import INTERVAL_LABEL
from gmvplanner.reporting.plan_words import coverage_words, curve_sentence
from gmvplanner.service import flighting, planner

MOVE_LIMITS = {
    f"automatic ({AUTO_MAX_CHANGE:.0%} when the data are weak, else none)": AUTO,
    "each channel's own, from its uncertainty": OWN,
    "no limit": None,
    "10%": 0.1,
    "20%": 0.2,
    "30%": 0.3,
    "50%": 0.5,
}


GOALS = {  # the goal as the page names it -> as the planner does
    "Split this budget": planner.BudgetGoal.SPLIT,
    "Find the budget for a target marginal ROAS": planner.BudgetGoal.TARGET,
    "Maximise profit (needs margins)": planner.BudgetGoal.PROFIT,
}


def form_ui(art: Artifacts) -> planner.BudgetRequest | None:
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
            "the evidence weak; otherwise no channel has a fixed limit, and a split moves only as far as it beats "
            "the historical one in 80% of the model's refits, within the spend levels the data have shown. "
            "'Each channel's own' limits each channel by its own uncertainty (a channel known to ±20% moves twice "
            "as far as one known to ±40%).",
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
        goal, target, margins = goal_ui(art)
        bounds = table_editor(pd.DataFrame({"channel": art.channels, "min": 0.0, "max": round(recent, 4)}), "budget_bounds")
        locked = budget_locks_ui(art, int(weeks))
        if not st.form_submit_button("Optimise", type="primary"):
            return None
    limits = {r.channel: (float(r.min), float(r.max)) for r in bounds.fillna({"min": 0.0, "max": budget}).itertuples()}
    limits |= locked  # channels locked on the Scenario planner: min = max = their plan's spend
    return planner.BudgetRequest(GOALS[goal], budget, int(weeks), limits, MOVE_LIMITS[move], float(weight), target, margins)


def goal_ui(art: Artifacts) -> tuple[str, float, dict[str, float] | None]:
    """What to optimise (a fixed budget, a target marginal ROAS, or profit), the target, and the contribution margin
    of each subcategory (% of GMV; blank for none: then GMV is maximised)."""
    c1, c2 = st.columns(2)
    goal = c1.radio("Goal", list(GOALS), key="budget_goal")
    target = c2.number_input(
        "Target marginal ROAS (for the second goal)",
        min_value=0.01,
        value=1.0,
        step=0.1,
        key="budget_target",
        help="The largest budget whose last unit still returns this much GMV (or profit, with margins) per unit.",
    )
    c2.caption("Contribution margin per subcategory: the share of GMV left after product and fulfilment costs.")
    shown = c2.data_editor(
        pd.DataFrame({"subcategory": art.subcategories, "margin %": [None] * len(art.subcategories)}).astype(
            {"margin %": "float"}
        ),
        hide_index=True,
        disabled=["subcategory"],
        key="budget_margins",
        column_config={"margin %": st.column_config.NumberColumn(min_value=0.0, max_value=100.0, format="%.1f")},
    )
    given = shown.dropna(subset=["margin %"])
    margins = {str(s): float(m) / 100 for s, m in zip(given["subcategory"], given["margin %"])} if len(given) else None
    return goal, float(target), margins


def run_request(art: Artifacts, key: str, request: planner.BudgetRequest) -> None:
    """Optimise as the form asks (once per model version and request, shared by every session: `cached_budget_answer`)
    and keep the request and its answer for the page."""
    if request.goal == planner.BudgetGoal.PROFIT and request.margins is None:
        st.error("Maximising profit needs a contribution margin for at least one subcategory (the margin table).")
        return
    with st.spinner("Optimising (a few seconds; finding a budget takes longer)..."):
        answer = cached_budget_answer(art, key, request)
    st.session_state["budget_request"] = request
    st.session_state["budget_goal_answer"] = answer.target
    st.session_state["budget_result"] = answer.result
    st.session_state["budget_margins_used"] = answer.margins
    st.session_state["budget_found"] = answer.found


def interval_words(money, lower: float, upper: float) -> str:
    """'80% interval a to b', or why there is none (a model without bootstrap refits)."""
    if pd.isna(lower) or pd.isna(upper):
        return "no interval (this model kind has no bootstrap refits)"
    return f"{INTERVAL_LABEL} {money.format(lower)} to {money.format(upper)}"


def profit_ui(art: Artifacts, profit: planner.ProfitHeadline) -> None:
    """Profit first, when margins were given: the expected contribution (GMV x margin - media spend) of the
    baseline and the recommended split, the gain with its interval and how often the refits agree on it."""
    money = art.money
    same_budget = abs(profit.recommended_spend - profit.baseline_spend) <= 1e-9 * max(profit.baseline_spend, 1.0)
    baseline = "historical split" if same_budget else "today's budget and split"
    c1, c2, c3 = st.columns(3)
    c1.metric(
        f"Expected profit, {baseline}",
        money.format(profit.baseline.value),
        help=interval_words(money, profit.baseline.lower, profit.baseline.upper),
    )
    c2.metric(
        "Expected profit, recommended",
        money.format(profit.recommended.value),
        help=interval_words(money, profit.recommended.lower, profit.recommended.upper),
    )
    c3.metric("Expected profit gain", money.format(profit.gain.value))
    if profit.gain.value == 0 and pd.isna(profit.gain.lower):
        words = "**Profit gain:** none, the recommended split is the historical one"
    else:
        words = "**Profit gain, counting the uncertainty of the channel estimates:** " + interval_words(
            money, profit.gain.lower, profit.gain.upper
        )
    if profit.p_gain is not None:
        words += f"; the recommended plan earns more in **{profit.p_gain:.0%}** of the bootstrap refits"
    st.markdown(words + ".")
    st.caption(
        "Profit here is the contribution: each subcategory's GMV times its margin, less the media spend, over the "
        f"horizon. The recommended plan spends {money.format(profit.recommended_spend)} against "
        f"{money.format(profit.baseline_spend)} for the {baseline}, and changes GMV by {money.format(profit.gmv_gain)}."
    )


def headline_ui(art: Artifacts, result: BudgetResult) -> None:
    """Expected GMV of both splits, the uplift, its interval over the refits and the method, in words."""
    money = art.money
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
    if result.seen_note:
        st.info(result.seen_note[0].upper() + result.seen_note[1:] + ".")
    if result.outside_seen:
        st.warning(
            "Beyond the weekly spend levels the training data have shown: "
            + ", ".join(result.outside_seen)
            + ". The model's response there is extrapolated; test before moving that far."
        )
    st.caption(
        f"{INTERVAL_LABEL}s: historical {historical}; recommended {recommended}. {INTERVAL_SCOPE} "
        f"Method: {app_words(result.method)}."
    )


def margin_ui(art: Artifacts, key: str) -> float | None:
    """What one more unit of spend returns and whether it pays; returns the mean margin used (None: GMV)."""
    margins = st.session_state.get("budget_margins_used")
    margin = None if margins is None else float(sum(margins.values()) / len(margins))
    mroas = cached_marginal_roi(art, key, st.session_state["budget_request"])
    earned = "contribution (GMV × margin)" if margins else "GMV"
    st.markdown(
        f"**At the margin:** one more unit on the recommended split returns {mroas:.2f} of {earned} per unit of spend "
        f"on the modelled subcategories: {'more' if mroas > 1 else 'less'} than it costs"
        + (". Spending more would lose money." if mroas <= 1 else ".")
    )
    return margin


def main() -> None:
    """The page: the form, then the last result with its split, table and budget curve."""
    art, key = current()
    page_header(
        "Budget optimiser",
        "Split a total budget across channels to maximise the predicted GMV of every subcategory, within "
        "per-channel bounds. Each channel's total is spread evenly over the weeks.",
    )
    if spend_needed(art, "The budget optimiser"):
        return
    request = form_ui(art)
    if request is not None:
        run_request(art, key, request)
    result, money = st.session_state.get("budget_result"), art.money
    target: TargetBudget | None = st.session_state.get("budget_goal_answer")
    if target is not None and not target_ui(art, target):
        return
    if result is None:
        st.info("Set the budget and bounds, then press **Optimise**.")
        return
    caution = planner.identification_caution(art)
    if caution:
        st.warning(caution)
    if st.session_state.get("budget_found"):
        st.info(
            f"Budget found: {money.format(money.to_base(float(result.table[money.column('recommended')].sum())))}; "
            f"{st.session_state['budget_found']}."
        )
    if result.note:
        st.info(app_words(result.note))
    profit = cached_profit(art, key, st.session_state["budget_request"])
    if profit is not None:
        profit_ui(art, profit)
        st.markdown("##### The GMV behind it")
    headline_ui(art, result)
    margin = margin_ui(art, key)
    st.plotly_chart(charts.split_figure(result.table, money), key="split_chart")
    st.dataframe(planner.split_table(result, money), hide_index=True, key="split_table")
    if st.button("Plan these weeks with the recommended split in the Scenario planner", key="send_to_planner"):
        replace_plan(planner.plan_from_split(result.weeks, planner.recommended_amounts(result, money)))
        st.session_state["plan_from_budget"] = money.format(result.uplift)  # the planner says its baseline differs
        st.switch_page("app_pages/scenario_planner.py")
    curve, points = cached_budget_curve(art, key, st.session_state["budget_request"])
    st.plotly_chart(charts.budget_response_figure(curve, points, money), key="budget_curve_chart")
    budget = float(points["budget"].iloc[0])
    st.caption(
        "Expected GMV of the modelled subcategories if the whole budget moves up or down with the historical split; "
        "above the dashed line the spend returns more GMV than it costs them. " + curve_sentence(curve, budget, money, margin)
    )
    flighting_ui(art, result)


WEAK_CUT = 0.5  # a goal that cuts the budget by more than this on weak evidence asks before it shows the split


def target_ui(art: Artifacts, target: TargetBudget) -> bool:
    """What a target-ROAS or profit goal found, and whether to show its split: never when no budget meets the goal;
    after a confirmation when it cuts the budget by more than WEAK_CUT on evidence the adequacy check calls weak."""
    money = art.money
    if not target.met:
        st.warning(f"The goal cannot be met: {target.note}. Try a lower target or wider bounds.")
        return False
    if target.covered_share < 1.0 - 1e-9:
        st.info(coverage_words(target.covered_share)[0].upper() + coverage_words(target.covered_share)[1:] + ".")
    if target.cut > WEAK_CUT and evidence_is_weak(art.table("adequacy")):
        recent = money.format(money.to_base(target.recent_budget))
        st.warning(
            f"This goal cuts spend by {target.cut:.0%} from the recent budget ({recent} over the same weeks), on evidence "
            f"the data adequacy check calls weak: {planner.identification_caution(art) or 'few data points per effect'} "
            "A cut this large is a bet on the model's curves far outside what the data have shown."
        )
        key = f"confirm_cut_{target.budget:.6g}"
        return bool(st.checkbox("I understand; show the split anyway", key=key))
    return True


def flighting_ui(art: Artifacts, result: BudgetResult) -> None:
    """On request, the recommended split spread week by week (each channel's total kept), its uplift over an even
    spread with the interval over the refits, and what the shape rests on or why the even spread was kept."""
    st.subheader("Weekly shape (flighting)")
    flight = st.session_state.get("budget_flight")
    if st.button(
        "Choose the weekly shape",
        key="flight_button",
        help="Spend per week, using the model's carry-over "
        "and curves; the even spread is kept unless a shape beats it in 80% of the model's refits.",
    ):
        with st.spinner("Choosing the weekly shape..."):
            flight = flighting.flight_split(art, result, st.session_state.get("budget_margins_used"))
        st.session_state["budget_flight"] = flight
    if flight is None or len(flight.shape) != len(result.weeks) or flight.shape["week_start"].iloc[0] != result.weeks[0]:
        return
    money = art.money
    if flight.kept_even:
        st.info(f"The even spread is kept. {flight.note}")
    else:
        lo, hi = flight.uplift_interval or (flight.uplift, flight.uplift)
        st.markdown(
            f"**Uplift of this shape over an even spread** (the {len(result.weeks)} weeks and the {flight.tail_weeks} "
            f"after them, whose carry-over counts): {money.format(flight.uplift)}, {INTERVAL_LABEL} {money.format(lo)} "
            f"to {money.format(hi)}; it beats the even spread in **{(flight.p_beats_even or 0):.0%}** of the refits."
        )
        st.markdown("**The shape rests on:**\n" + "\n".join(f"- {reason}" for reason in flight.rests_on))
    st.plotly_chart(flighting_figure(flight.shape, flight.even), key="flight_chart")
    shown = flight.shape.assign(week_start=flight.shape["week_start"].dt.date)
    st.dataframe(shown.round(4), hide_index=True, key="flight_table")


def app_words(text: str) -> str:
    """Optimiser notes with the app's control named instead of the command line's flag."""
    return text.replace(LIFT_HINT, "'no limit' under Largest move per channel lifts this")


main()

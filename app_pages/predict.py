"""Predict page: weekly GMV of one subcategory for the week, levers and spend set in one form, with an 80% interval."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app_pages.common import (
    cached_predictions,
    current,
    keep,
    no_spend_note,
    page_header,
    remembered,
    remembered_index,
    table_editor,
)
from app_pages.reruns import fragment
from gmvplanner.analysis.budget import historical_split
from gmvplanner.config import PLAN_WEEKS, RECENT_WEEKS
from gmvplanner.dates import WEEKDAYS
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting import charts, tables
from gmvplanner.reporting.labels import INTERVAL_LABEL
from gmvplanner.service import planner

LEVER_STEPS = (("sla", 0.5), ("product_mrp", 10.0), ("procurement_sla", 0.5))
CHART_HEIGHT = 380  # px: with the header and the headline numbers, the chart fits a 1400×900 window's first screen


class PredictForm(NamedTuple):
    """The Predict form's values (arguments of `planner.form_scenario`) and whether it was just submitted."""

    submitted: bool
    first_week: pd.Timestamp
    weeks: int
    monthly_spend: float
    channel_shares: dict[str, float]
    sale_days: float | None  # None: the model learnt no sale days (the same week a year earlier, 0, is used)
    payment: str
    vertical: str
    levers: dict[str, float]  # lever -> value, for the levers this subcategory's history has


def form_ui(art: Artifacts, sub: str) -> PredictForm:
    """The Predict form: its values, and whether it was just submitted."""
    ranges = planner.lever_ranges(art, sub)
    with st.form("predict_form"):
        c1, c2, c3 = st.columns(3)
        first = c1.date_input(
            f"Order week (any day in it; weeks start on {WEEKDAYS[art.week_starts_on]})",
            value=remembered("predict_week", art.next_week.date()),
            key="predict_week",
        )
        weeks = c1.number_input(
            "Weeks to predict", min_value=1, max_value=PLAN_WEEKS, value=remembered("predict_weeks", 4), key="predict_weeks"
        )
        levers = {}
        for lever, step in LEVER_STEPS:
            if lever in ranges:
                r = ranges[lever]
                levers[lever] = c2.number_input(
                    f"{r.label[0].upper()}{r.label[1:]} ({r.unit})",
                    min_value=0.0,
                    value=remembered(f"predict_{lever}", round(r.default, 2)),
                    step=step,
                    key=f"predict_{lever}",
                    help=f"Training range {r.low:,.2f} to {r.high:,.2f} {r.unit}.",
                )
        sale = sale_ui(art, c3)
        payment, vertical = mix_ui(art, sub, c3)
        spend, shares = spend_ui(art)
        submitted = st.form_submit_button("Predict", type="primary")
    return PredictForm(
        submitted=submitted,
        first_week=pd.Timestamp(first),
        weeks=int(weeks),
        monthly_spend=spend,
        channel_shares=shares,
        sale_days=sale,
        payment=payment,
        vertical=vertical,
        levers=levers,
    )


def sale_ui(art: Artifacts, column: DeltaGenerator) -> float | None:
    """Special-sale days per week, for a model that learnt from a sale calendar; None for one that did not."""
    if "sale_days" not in planner.calendar_levers(art):
        return None
    return column.slider("Special-sale days per week", 0, 7, remembered("predict_sale", 0), key="predict_sale")


def mix_ui(art: Artifacts, sub: str, column: DeltaGenerator) -> tuple[str, str]:
    """The payment type and product vertical, each offered only when the subcategory's orders told them apart (a
    shop's export may have neither); 'recent mix' otherwise."""
    payment = vertical = "recent mix"
    if planner.knows_payment_types(art, sub):
        payment = column.selectbox(
            "Payment type",
            planner.PAYMENT_CHOICES,
            index=remembered_index("predict_payment", list(planner.PAYMENT_CHOICES)),
            key="predict_payment",
            help=f"'recent mix' keeps the last {RECENT_WEEKS} weeks' share of prepaid orders.",
        )
    if planner.verticals(art, sub):
        choices = ["recent mix", *planner.verticals(art, sub)]
        vertical = column.selectbox(
            "Product vertical", choices, index=remembered_index("predict_vertical", choices), key="predict_vertical"
        )
    return payment, vertical


def spend_ui(art: Artifacts) -> tuple[float, dict[str, float]]:
    """Inside the form: the monthly spend and each channel's share of it (%); none for a model without spend."""
    if not art.has_spend:
        return 0.0, {}
    recent = planner.recent_monthly_spend(art)
    spend = st.number_input(
        f"Marketing spend, monthly total ({art.money.name})",
        min_value=0.0,
        value=remembered("predict_spend", round(recent, 4)),
        step=max(round(recent / 20, 3), 0.001),
        format="%.4f",
        key="predict_spend",
        help="Company-wide; split across channels by the table below (shares in %, adding up to 100).",
    )
    split = table_editor(
        pd.DataFrame({"channel": art.channels, "share %": (historical_split(art) * 100).round(2).to_numpy()}),
        "predict_split",
    )
    return spend, dict(zip(split["channel"], split["share %"].fillna(0.0)))


class ForecastSlots(NamedTuple):
    """Where the forecast is drawn: two headline metrics beside the subcategory, the chart above the form (so it is
    on the first screen), and the weekly table below the form."""

    week_metric: DeltaGenerator
    total_metric: DeltaGenerator
    chart: DeltaGenerator
    table: DeltaGenerator


def forecast_ui(art: Artifacts, key: str, sub: str, scenario: pd.DataFrame, slots: ForecastSlots) -> None:
    """The submitted scenario's forecast: headline numbers, the chart, warnings and the weekly table."""
    money = art.money
    result = cached_predictions(art, key, scenario)
    mine = result.loc[result["subcategory"] == sub]
    first = mine.iloc[0]
    interval = f"{money.format(first['lower'])} to {money.format(first['upper'])}"
    slots.week_metric.metric(
        f"Predicted GMV, week of {first['week_start'].date()}",
        money.format(first["predicted_gmv"]),
        help=f"{INTERVAL_LABEL} {interval}",
    )
    slots.total_metric.metric(f"Over {len(mine)} week(s)", money.format(planner.gmv_by_subcategory(mine)[sub]))
    history = art.table("backtest").query("subcategory == @sub")[["week_start", "actual_gmv"]]
    events = planner.event_weeks(art, sub)
    figure = charts.forecast_figure(history, mine, sub, money=money, events=events)
    figure.update_layout(height=CHART_HEIGHT, margin={"t": 40, "b": 40})
    with slots.chart:
        st.plotly_chart(figure, key="predict_chart")
        st.caption(f"Week 1 {INTERVAL_LABEL}: {interval}. Change the inputs below and press Predict.")
        for warning in st.session_state.get("predict_warnings", []):
            st.warning(warning)
    with slots.table.expander("The forecast week by week"):
        table = tables.forecast_table(mine, money)
        shown_as = {c: st.column_config.NumberColumn(format="%.2f") for c in table.columns[1:]}  # as the headline
        st.dataframe(table, hide_index=True, key="predict_table", column_config=shown_as)


def main() -> None:
    """The page: its header, then the subcategory and headline numbers, the forecast chart and the form that made
    it (`predict_ui`)."""
    art, key = current()
    inputs = "levers and spend" if art.has_spend else "levers"
    page_header(
        "Predict weekly GMV",
        f"Weekly GMV with an {INTERVAL_LABEL} for the week, {inputs} in the form below the chart (defaults: the last "
        f"{RECENT_WEEKS} training weeks).",
    )
    if not art.has_spend:
        no_spend_note("Predict")
    predict_ui(art, key)


@fragment
def predict_ui(art: Artifacts, key: str) -> None:
    """The subcategory, the headline numbers, the chart and the form that made it, as one fragment: a Predict or
    another subcategory reruns only this, not the frame, the sidebar and the header."""
    c0, c1, c2 = st.columns([1.2, 1, 1])
    sub = c0.selectbox(
        "Subcategory", art.subcategories, index=remembered_index("predict_sub", art.subcategories), key="predict_sub"
    )
    chart = st.container()  # drawn above the form, filled once the form's values are known
    form = form_ui(art, sub)
    slots = ForecastSlots(c1.container(), c2.container(), chart, st.container())
    # the form shows what was last submitted when the analyst comes back, beside the forecast made from it
    keep("predict_sub", "predict_week", "predict_weeks", "predict_sale", "predict_payment", "predict_vertical")
    keep("predict_spend", *(f"predict_{lever}" for lever, _ in LEVER_STEPS))
    shown = st.session_state.get("predict_scenario")
    if form.submitted or shown is None or shown["subcategory"].iloc[0] != sub:
        # a forecast on first sight: the form's defaults predict at once; Predict replaces it with the analyst's
        st.session_state["predict_scenario"] = planner.form_scenario(
            art,
            form.first_week,
            form.weeks,
            sub,
            monthly_spend=form.monthly_spend,
            channel_shares=form.channel_shares,
            sale_days=form.sale_days,
            payment=form.payment,
            vertical=form.vertical,
            **form.levers,
        )
        warnings = planner.extrapolation_warnings(art, sub, form.levers, form.monthly_spend if art.has_spend else None)
        note = planner.share_note(form.channel_shares) if art.has_spend else None
        st.session_state["predict_warnings"] = [*([note] if note else []), *warnings]
    forecast_ui(art, key, sub, st.session_state["predict_scenario"], slots)


main()

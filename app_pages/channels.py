"""Channels page: what each channel added to GMV over the training window, its ROI and its response curve."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import cached_money_curves_figure, current, page_header, spend_needed
from app_pages.reruns import fragment
from gmvplanner.config import PLAN_WEEKS
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting import charts
from gmvplanner.reporting.labels import INTERVAL_LABEL
from gmvplanner.service import planner


def main() -> None:
    """The page: one subcategory's channel effects, ROI, response curves and their table (`effects_ui`), then the
    money curves (`money_curves_ui`)."""
    art, key = current()
    page_header(
        "What each channel added",
        "Incremental GMV = the model's GMV with actual spend minus its GMV with that channel's spend removed, "
        "over the training window. ROI = incremental GMV ÷ spend allocated to the subcategory.",
    )
    if spend_needed(art, "What each channel added"):
        return
    caution = planner.identification_caution(art)
    if caution:
        st.warning(caution)
    effects_ui(art)
    money_curves_ui(art, key)


@fragment
def effects_ui(art: Artifacts) -> None:
    """One subcategory's channel effects, ROI, response curves and their table, as one fragment: picking another
    subcategory redraws these, not the money curves below."""
    money = art.money
    sub = st.selectbox("Subcategory", art.subcategories, key="channels_sub")
    contributions = art.table("contributions")
    mine = contributions.loc[contributions["subcategory"] == sub].assign(flag=lambda f: f["flag"].fillna(""))
    for row in mine.loc[mine["flag"].fillna("") != ""].itertuples():
        st.warning(f"**{row.channel}**: {row.flag}")
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.contribution_figure(contributions, sub, money=money), key="contrib_chart")
    c2.plotly_chart(charts.roi_figure(contributions, sub, money=art.money), key="roi_chart")
    st.plotly_chart(charts.response_curve_figure(art.table("response_curves"), sub, money=money), key="curve_chart")
    step_caution = planner.step_model_caution(art)
    if step_caution:
        st.info(step_caution)
    if "incremental_gmv_lower" in mine:
        st.caption(
            f"{INTERVAL_LABEL}s: the spread of each answer over 100 moving-block bootstrap refits of the channel effects "
            "(weeks resampled in blocks, carry-over and saturation held at their chosen values). An interval that "
            "reaches zero means the data cannot tell the effect from none."
        )
    st.dataframe(planner.channel_table(art, sub), hide_index=True, key="channel_table")


def _horizon_and_split(art: Artifacts) -> tuple[int, pd.Timestamp | None, tuple]:
    """The horizon and recommended split (channel, amount pairs) of the Budget optimiser's last result, if any."""
    result = st.session_state.get("budget_result")
    if result is None:
        return PLAN_WEEKS, None, ()
    amounts = result.table.set_index("channel")[art.money.column("recommended")]
    return len(result.weeks), result.weeks[0], tuple((str(c), float(v)) for c, v in amounts.items())


@fragment
def money_curves_ui(art: Artifacts, key: str) -> None:
    """Each channel's response and marginal ROAS against weekly spend in money, with the historical spend, the
    Budget optimiser's recommendation when it has run, break-even, the band over the refits and the seen range; one
    fragment, so another scope or choice of channels redraws this chart only."""
    st.subheader("Response and marginal ROAS in money")
    n_weeks, start, recommended = _horizon_and_split(art)
    c1, c2 = st.columns([1, 2])
    everything = "all modelled subcategories"
    scope = c1.selectbox("GMV of", [everything, *art.subcategories], key="money_curves_scope")
    chosen = c2.multiselect("Channels", art.channels, default=art.channels, key="money_curves_channels")
    if not chosen:
        st.info("Pick at least one channel.")
        return
    with st.spinner("Drawing the curves over the bootstrap refits..."):
        scoped = () if scope == everything else (scope,)
        fig = cached_money_curves_figure(art, key, n_weeks, start, recommended, scoped, tuple(chosen))
    st.plotly_chart(fig, key="money_curves_chart")
    where = "the Budget optimiser's horizon and split" if recommended else f"the {n_weeks} weeks after the training data"
    st.caption(
        f"Each channel's weekly spend is moved from zero with the others at their historical weekly spend, over {where}; "
        "the GMV is the model's incremental GMV per week against no spend on that channel, and the marginal ROAS its "
        "slope (GMV from the next unit of spend). Below the dashed line the next unit earns less GMV than it costs. "
        "Shaded: the weekly spend the training weeks have shown; beyond it the curve is extrapolated. "
        + ("The star is the recommended split." if recommended else "Run the Budget optimiser to mark its split here.")
    )


main()

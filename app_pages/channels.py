"""Channels page: what each channel added to GMV over the training window, its ROI and its response curve."""

from __future__ import annotations

import streamlit as st

from app_pages.common import current, page_header, spend_needed
from gmvplanner import planner
from gmvplanner.reporting import charts
from gmvplanner.reporting.labels import INTERVAL_LABEL


def main() -> None:
    """The page: one subcategory's channel effects, ROI, response curves and their table."""
    art, _ = current()
    money = art.money
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


main()

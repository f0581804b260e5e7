"""Channels page: what each channel added to GMV over the training window, its ROI and its response curve."""

from __future__ import annotations

import streamlit as st

from app_pages.common import current, page_header
from gmvplanner import planner
from gmvplanner.reporting import charts


def main() -> None:
    art, _ = current()
    money = art.money
    page_header(
        "What each channel added",
        "Incremental GMV = the model's GMV with actual spend minus its GMV with that channel's spend removed, "
        "over the training window. ROI = incremental GMV ÷ spend allocated to the subcategory.",
    )
    caution = planner.identification_caution(art)
    if caution:
        st.warning(caution)
    sub = st.selectbox("Subcategory", art.subcategories, key="channels_sub")
    contributions = art.table("contributions")
    mine = contributions.loc[contributions["subcategory"] == sub]
    for row in mine.loc[mine["flag"].fillna("") != ""].itertuples():
        st.warning(f"**{row.channel}**: {row.flag}")
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.contribution_figure(contributions, sub, money=money), key="contrib_chart")
    c2.plotly_chart(charts.roi_figure(contributions, sub, money=art.money), key="roi_chart")
    st.plotly_chart(charts.response_curve_figure(art.table("response_curves"), sub, money=money), key="curve_chart")
    st.dataframe(
        mine.assign(spend=money.from_base(mine["spend"]), incremental_gmv=money.from_base(mine["incremental_gmv"])),
        hide_index=True,
        column_config={
            "spend": st.column_config.NumberColumn(f"spend ({money.name})", format="%.4f"),
            "incremental_gmv": st.column_config.NumberColumn(f"incremental GMV ({money.name})", format="%.4f"),
            "share": st.column_config.NumberColumn("share of media GMV", format="percent"),
        },
    )


main()

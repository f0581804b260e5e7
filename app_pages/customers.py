"""Customers page: who buys and who comes back (segments, new vs returning GMV, cohort retention), from aggregates
computed when the model was trained; no customer id or pincode is ever shown or kept."""

from __future__ import annotations

import streamlit as st

from app_pages.common import current, page_header
from gmvplanner.reporting import charts
from gmvplanner.reporting.labels import INTERVAL_LABEL
from gmvplanner.reporting.tables import counts_orders, customer_tables_of, new_customer_table, orders_note, segment_table


def main() -> None:
    """The page: segments, new and returning customers, cohorts and the channels that bring new customers."""
    art, _ = current()
    page_header(
        "Customers",
        "From the cleaned orders in the modelling window, per customer: how recently, how often and how much they "
        "bought (an order is an order id, however many lines it has). New: first order in the last 90 days; loyal "
        "high-value: 3+ orders, GMV in the top 20% and an order in the last 180 days; active: an order in the last 180 "
        "days; at risk: last order 180-365 days ago; lapsed: longer ago. Only these aggregates are kept: no customer id "
        "or pincode.",
    )
    tables = customer_tables_of(art)
    if tables is None:
        st.info(
            "This model has no customer tables: they come from order files with a cust_id column, trained with this "
            "version. A weekly table has no customers."
        )
        return
    segments = tables["customer_segments"]
    c1, c2, c3 = st.columns(3)
    known = segments.loc[segments["customers"] > 0]
    c1.metric("Customers", f"{int(known['customers'].sum()):,}")
    repeat = (known["repeat_rate"] * known["customers"]).sum() / known["customers"].sum()
    c2.metric("Buying more than once" if counts_orders(segments) else "Buying more than one line", f"{repeat:.1%}")
    weekly = tables["customers_weekly"]
    new_share = weekly["new_gmv"].sum() / weekly[["new_gmv", "returning_gmv", "no_id_gmv"]].to_numpy().sum()
    c3.metric("GMV from first orders", f"{new_share:.1%}")
    note = orders_note(segments)
    if note:
        st.info(note, icon="ℹ️")
    st.plotly_chart(charts.segment_figure(segments, money=art.money), key="segment_chart")
    st.dataframe(segment_table(segments, art.money), hide_index=True, key="segment_table")
    st.plotly_chart(charts.new_returning_figure(weekly, money=art.money), key="new_returning_chart")
    st.caption("A week's new customers placed their first order of the window in it; returning customers had bought before.")
    st.plotly_chart(charts.cohort_figure(tables["customer_cohorts"]), key="cohort_chart")
    st.caption("Each row is the month of customers' first order; each column, months after it; 0 is always 100%.")
    effects = tables.get("new_customer_effects")
    if effects is not None:
        st.subheader("Which channels bring new customers")
        st.caption(
            "Each channel's share of first orders in the GMV it brought, from the weekly first-order GMV of the "
            "modelled subcategories regressed on the model's split of their GMV into channels; that share of its "
            "incremental GMV is the new-customer GMV it brought over the window, the new customers that stands for "
            f"(at the mean first-order GMV) and the spend per new customer, with {INTERVAL_LABEL}s (bootstrap of the "
            "weeks, and the channel's GMV interval). The Budget optimiser can weigh new customers above returning ones."
        )
        st.plotly_chart(charts.cost_per_new_customer_figure(effects, money=art.money), key="cost_per_new_chart")
        st.dataframe(new_customer_table(effects, art.money), hide_index=True, key="new_customer_table")


main()

"""Customers from the cleaned orders, in the engine that reads them (DuckDB or Spark SQL): RFM segments, new vs
returning customers per week and monthly cohorts. Only aggregates leave the engine: no customer id or pincode
reaches pandas, the artifacts, the logs or the app.

Inside the modelling window, per customer: recency (last order day), frequency (orders) and monetary value (GMV).
An order is a distinct order id (ElecKart's `order_id`, a shop's mapped order or invoice number), however many lines
it has; a line without an id counts as an order of its own, and a returned line (net of returns) as none. An order
file without an order id column counts lines (`order_ids` False), and the Customers page says so.
Segments, with the window's last day as the reference, in this order (each customer in the first that applies):

- new: first order in the last 90 days;
- loyal high-value: 3 or more orders, GMV at or above the 80th percentile of customers, and an order in the last
  180 days;
- active: an order in the last 180 days;
- at risk: last order 180 to 365 days ago;
- lapsed: last order more than 365 days ago.

Orders without a customer id form the row "no customer id" (no customers), so GMV adds up to the cleaned GMV.
A week's new customers are those whose first order in the window falls in it; its returning customers ordered in
it after their first day (one customer can be both in the week they arrive).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .names import CUSTOMER_ID, ORDER_ID

if TYPE_CHECKING:
    from .order_sql import SqlDialect, SqlRunner

__all__ = ["CUSTOMER_ID", "ORDER_ID", "SEGMENTS", "NO_ID", "CustomerTables", "customer_tables"]

# a line that buys (a return, kept net of returns with a negative GMV, is no order); NULL GMV is counted as bought
_BOUGHT = "COALESCE(gmv, 0) >= 0"
# orders among a group's lines: its distinct order ids, and each line without one as an order of its own
ORDERS_SQL = f"(count(DISTINCT order_key) FILTER (WHERE {_BOUGHT}) + count(*) FILTER (WHERE order_key IS NULL AND {_BOUGHT}))"
SEGMENTS = ("new", "loyal high-value", "active", "at risk", "lapsed")
NO_ID = "no customer id"
NEW_DAYS, ACTIVE_DAYS, RISK_DAYS, LOYAL_ORDERS, HIGH_VALUE_QUANTILE = 90, 180, 365, 3, 0.8


@dataclass
class CustomerTables:
    """segments: segment, customers, orders, lines, gmv, mean_order_value (per order), repeat_rate (share with 2+
        orders), order_ids (whether orders are distinct order ids; False: the file had none, orders are lines);
    weekly: week_start, new_customers, returning_customers, new_gmv, returning_gmv, no_id_gmv;
    by_subcategory: week_start, subcategory, new_customers, new_gmv, returning_gmv, no_id_gmv (GMV adds up to
        `weekly`'s; new customers need not, as one first order can hold several subcategories);
    cohorts: cohort (month of the first order), month, customers (who ordered in that month), cohort_size;
    customers: distinct customers in the window."""

    segments: pd.DataFrame
    weekly: pd.DataFrame
    by_subcategory: pd.DataFrame
    cohorts: pd.DataFrame
    customers: int
    order_ids: bool = False


def customer_tables(
    run: SqlRunner, sql: SqlDialect, start: pd.Timestamp, end: pd.Timestamp, order_ids: bool = False
) -> CustomerTables:
    """The customer aggregates of the view `valid` (with `customer` and `order_key` columns) between `start` and
    `end`, run by `run` in the engine's dialect `sql` (see `ingest.clean_and_aggregate`); `order_ids`: whether
    `order_key` holds the file's order ids (else it is NULL and orders are lines)."""
    inside = f"day BETWEEN DATE '{start.date()}' AND DATE '{end.date()}'"
    run.table(
        "customer_rfm",
        f"""SELECT customer, min(day) AS first_day, max(day) AS last_day, {ORDERS_SQL} AS orders, count(*) AS lines,
                   sum(gmv) AS gmv
            FROM valid WHERE {inside} AND customer IS NOT NULL GROUP BY customer""",
    )
    n_customers, high_value = run.one(f"SELECT count(*), {sql.percentile('gmv', HIGH_VALUE_QUANTILE)} FROM customer_rfm")
    weekly, by_subcategory = _weekly_tables(run, inside)
    return CustomerTables(
        segments=_segments(run, inside, end, float(high_value or 0.0), order_ids),
        weekly=weekly,
        by_subcategory=by_subcategory,
        cohorts=_cohorts(run, inside),
        customers=int(n_customers),
        order_ids=order_ids,
    )


def _segments(run: SqlRunner, inside: str, end: pd.Timestamp, high_value: float, order_ids: bool) -> pd.DataFrame:
    """Customers, orders, lines and GMV per segment of `customer_rfm` (as of `end`), and the lines without an id."""
    cut = {
        name: (end - pd.Timedelta(days=days)).date()
        for name, days in (("new", NEW_DAYS), ("active", ACTIVE_DAYS), ("risk", RISK_DAYS))
    }
    segment = f"""CASE WHEN first_day > DATE '{cut["new"]}' THEN 'new'
                       WHEN orders >= {LOYAL_ORDERS} AND gmv >= {high_value!r}
                            AND last_day > DATE '{cut["active"]}' THEN 'loyal high-value'
                       WHEN last_day > DATE '{cut["active"]}' THEN 'active'
                       WHEN last_day > DATE '{cut["risk"]}' THEN 'at risk'
                       ELSE 'lapsed' END"""
    segments = run.frame(
        f"""SELECT segment, count(*) AS customers, sum(orders) AS orders, sum(lines) AS lines, sum(gmv) AS gmv,
                   count(*) FILTER (WHERE orders >= 2) AS repeaters
            FROM (SELECT {segment} AS segment, orders, lines, gmv FROM customer_rfm) AS segmented GROUP BY segment"""
    )
    no_id = run.one(f"SELECT {ORDERS_SQL}, count(*), COALESCE(sum(gmv), 0) FROM valid WHERE {inside} AND customer IS NULL")
    segments = segments.set_index("segment").reindex(list(SEGMENTS)).fillna(0).reset_index()
    segments.loc[len(segments)] = [NO_ID, 0, int(no_id[0] or 0), int(no_id[1]), float(no_id[2]), 0]
    for column in ("customers", "orders", "lines", "repeaters"):
        segments[column] = segments[column].astype("int64")
    segments["gmv"] = segments["gmv"].astype(float)
    segments["mean_order_value"] = segments["gmv"] / segments["orders"].where(segments["orders"] > 0)
    segments["repeat_rate"] = segments["repeaters"] / segments["customers"].where(segments["customers"] > 0)
    return segments.drop(columns="repeaters").assign(order_ids=order_ids)


def _weekly_tables(run: SqlRunner, inside: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """New and returning customers and their GMV per week, and per week and subcategory."""
    joined = f"""FROM valid AS v LEFT JOIN customer_rfm AS c ON v.customer = c.customer WHERE v.{inside}"""
    sums = """COALESCE(sum(v.gmv) FILTER (WHERE v.day = c.first_day), 0) AS new_gmv,
              COALESCE(sum(v.gmv) FILTER (WHERE v.day > c.first_day), 0) AS returning_gmv,
              COALESCE(sum(v.gmv) FILTER (WHERE v.customer IS NULL), 0) AS no_id_gmv"""
    week = "CAST(date_trunc('week', v.day) AS DATE)"
    weekly = run.frame(
        f"""SELECT {week} AS week_start,
                   count(DISTINCT v.customer) FILTER (WHERE v.day = c.first_day) AS new_customers,
                   count(DISTINCT v.customer) FILTER (WHERE v.day > c.first_day) AS returning_customers, {sums}
            {joined} GROUP BY {week}"""
    )
    # per subcategory: GMV, and the new customers whose first day bought in it (one first order can hold several
    # subcategories, so these need not add up to the company's); no returning count, which would double the
    # engine's distinct-count memory
    by_subcategory = run.frame(
        f"""SELECT {week} AS week_start, v.subcategory,
                   count(DISTINCT v.customer) FILTER (WHERE v.day = c.first_day) AS new_customers, {sums}
            {joined} GROUP BY {week}, v.subcategory"""
    )
    for frame in (weekly, by_subcategory):
        frame["week_start"] = pd.to_datetime(frame["week_start"])
        frame["new_customers"] = frame["new_customers"].astype("int64")
    weekly["returning_customers"] = weekly["returning_customers"].astype("int64")
    weekly = weekly.sort_values("week_start", ignore_index=True)
    return weekly, by_subcategory.sort_values(["week_start", "subcategory"], ignore_index=True)


def _cohorts(run: SqlRunner, inside: str) -> pd.DataFrame:
    """Customers active per month of each first-order month (cohort), with the cohort's size."""
    cohorts = run.frame(
        f"""SELECT CAST(date_trunc('month', c.first_day) AS DATE) AS cohort,
                   CAST(date_trunc('month', v.day) AS DATE) AS month, count(DISTINCT v.customer) AS customers
            FROM valid AS v JOIN customer_rfm AS c ON v.customer = c.customer
            WHERE v.{inside}
            GROUP BY CAST(date_trunc('month', c.first_day) AS DATE), CAST(date_trunc('month', v.day) AS DATE)"""
    )
    cohorts["cohort"], cohorts["month"] = pd.to_datetime(cohorts["cohort"]), pd.to_datetime(cohorts["month"])
    cohorts["customers"] = cohorts["customers"].astype("int64")
    cohorts = cohorts.sort_values(["cohort", "month"], ignore_index=True)
    first_month = cohorts.loc[cohorts["cohort"] == cohorts["month"]].set_index("cohort")["customers"]
    cohorts["cohort_size"] = cohorts["cohort"].map(first_month).astype("int64")
    return cohorts

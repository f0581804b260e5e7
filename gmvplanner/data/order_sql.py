"""The orders' cleaning rules, written once as SQL that every engine (DuckDB, Spark) runs in its own dialect.

Each rule is defined once, as a member of `DropReason` (a line dropped) or `ValueFix` (a value set to missing on
a kept line): its report label, its code in the SQL and its SQL condition. The SQL's CASE, the valid rows' view
and the cleaning report are all written from those members.

Cleaning rules, in order (each order is counted under its first): exact duplicate rows (identical in every column;
one copy is kept), missing GMV, implausible amounts (see `limits.py`), orders outside the window (whole days),
missing subcategory, cancelled order, return (negative quantity or amount), negative GMV, units missing or below 1,
GMV above units x MRP. Kept with the value set to missing: MRP of 0 or less, SLA or procurement SLA outside 0-60
days. Implausible amounts are not summed into the report's GMV.

The two returns rules apply to a shop's export read through a column mapping (`LineRules.returns`); the ElecKart
layout is cleaned as before (its negative lines fall under "negative GMV"). Net of returns (`LineRules.net`), the
negative lines are kept and subtract from GMV; a cancelled order's other lines are still dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple, Protocol

import pandas as pd

from . import readers
from .limits import EARLIEST_DATE, MAX_ORDER_LINE_RUPEES, MAX_UNITS, history_range_words, latest_history_date
from .names import CANCELLED, CUSTOMER_ID, ORDER_FIELDS, ORDER_ID

__all__ = [
    "MAX_SLA_DAYS",
    "VALID",
    "ORDER_MISSING",
    "DropReason",
    "ValueFix",
    "REASONS",
    "FIXES",
    "SqlDialect",
    "SqlRunner",
    "DUCKDB_SQL",
    "SPARK_SQL",
    "CellCheck",
    "LineRules",
    "ELECKART_RULES",
    "CANCELLED",
    "kept_codes",
    "distinct_rows_sql",
    "judged_sql",
    "reasons_sql",
    "valid_sql",
    "DUPLICATES_SQL",
    "ROWS_READ_SQL",
    "DAILY_SQL",
    "MIX_SQL",
    "cell_checks",
]

MAX_SLA_DAYS = 60  # an SLA beyond two months is a data error, not a promise
LIST_PRICE_ROUNDING = 0.5  # ₹: GMV may exceed units x MRP by less than this before the line counts as above it
VALID = 0  # the reason code of a line that is kept
# order cells read as missing: the readers' blank and \N, and the spellings database exports write for NULL; a line
# with one of these as its GMV is dropped and reported as "missing GMV" (other tables refuse a typed NaN instead)
ORDER_MISSING = (*readers.MISSING, "NA", "NaN", "nan", "null", "NULL")
# number columns of the file -> their names in the SQL after the cast (GMV is `raw_gmv` until implausible ones go)
NUMBERS = {"gmv": "raw_gmv", "units": "units", "sla": "sla", "product_mrp": "mrp", "product_procurement_sla": "procurement_sla"}
_INFINITE = "CAST('Infinity' AS DOUBLE)"
_IMPLAUSIBLE = (
    f"(abs(raw_gmv) = {_INFINITE} OR raw_gmv > {MAX_ORDER_LINE_RUPEES} OR abs(mrp) = {_INFINITE} "
    f"OR mrp > {MAX_ORDER_LINE_RUPEES} OR abs(units) = {_INFINITE} OR units > {MAX_UNITS})"
)
_IMPLAUSIBLE_LABEL = (
    f"implausible amount (GMV or MRP not finite or above ₹{MAX_ORDER_LINE_RUPEES:,.0f}, or over {MAX_UNITS:,.0f} units)"
)


class DropReason(Enum):
    """Why an order line is dropped, in the order the rules apply (each line is counted under the first).

    Attributes:
        code: the line's `reason` in the SQL and in `OrderAggregate.reasons` (None: not a code there);
        label: the reason as the cleaning report names it;
        condition: the SQL condition on a judged row that drops it (None: decided elsewhere).
    """

    # the extra copies of a row, counted from the distinct rows' copies
    DUPLICATE = (None, "exact duplicate row", None)
    MISSING_GMV = (1, "missing GMV", "raw_gmv IS NULL")
    IMPLAUSIBLE = (2, _IMPLAUSIBLE_LABEL, f"COALESCE({_IMPLAUSIBLE}, false)")
    # a line no earlier rule dropped, on a day outside the window: decided by `OrderAggregate.report`, given the window
    OUTSIDE_WINDOW = (3, "outside modelling window", None)
    MISSING_SUBCATEGORY = (4, "missing subcategory", "subcategory IS NULL")
    # a shop's export only (`LineRules`): lines of a cancelled order, then lines with a negative quantity or amount
    CANCELLED = (8, "cancelled order", "is_cancelled")
    RETURN = (9, "return (negative quantity or amount)", "is_return")
    NEGATIVE_GMV = (5, "negative GMV", "raw_gmv < 0")
    BAD_UNITS = (6, "units missing or below 1", "units IS NULL OR units < 1")
    ABOVE_LIST_PRICE = (7, "GMV above units x MRP", f"mrp > 0 AND raw_gmv > units * mrp + {LIST_PRICE_ROUNDING}")

    def __init__(self, code: int | None, label: str, condition: str | None) -> None:
        self.code = code
        self.label = label
        self.condition = condition

    @classmethod
    def codes_after(cls, reason: DropReason) -> list[int]:
        """The codes of the rules after `reason`, and VALID: lines that `reason` would have dropped first."""
        members = list(cls)
        later = members[members.index(reason) + 1 :]
        return [VALID, *(r.code for r in later if r.code is not None)]


class ValueFix(Enum):
    """A value set to missing on a kept line, in the report's order.

    Attributes:
        label: the fix as the cleaning report names it;
        column: the judged rows' column it sets to missing;
        condition: the SQL condition on that column.
    """

    MRP_NOT_POSITIVE = ("MRP of 0 or less", "mrp", "mrp <= 0")
    SLA_OUT_OF_RANGE = (f"SLA outside 0-{MAX_SLA_DAYS} days", "sla", f"sla < 0 OR sla > {MAX_SLA_DAYS}")
    PROCUREMENT_SLA_OUT_OF_RANGE = (
        f"procurement SLA outside 0-{MAX_SLA_DAYS} days",
        "procurement_sla",
        f"procurement_sla < 0 OR procurement_sla > {MAX_SLA_DAYS}",
    )

    def __init__(self, label: str, column: str, condition: str) -> None:
        self.label = label
        self.column = column
        self.condition = condition

    @property
    def rows_column(self) -> str:
        """The reasons table's column counting the valid lines this fix hit."""
        return f"fix_{list(ValueFix).index(self)}_rows"

    @property
    def gmv_column(self) -> str:
        """The reasons table's column summing their GMV."""
        return f"fix_{list(ValueFix).index(self)}_gmv"


class LineRules(NamedTuple):
    """How a layout's lines are judged beyond the common rules.

    Attributes:
        returns: the returns and cancellation rules apply (a shop's export read through a column mapping);
        net: GMV is net of returns: negative lines are kept and subtract;
        cancelled_column: the source has the `line_cancelled` flag (see `mapped_source`).
    """

    returns: bool = False
    net: bool = False
    cancelled_column: bool = False


ELECKART_RULES = LineRules()
REASONS = tuple(r.label for r in DropReason)  # the report's labels of dropped lines, in the rules' order
FIXES = tuple(f.label for f in ValueFix)  # the report's labels of values set to missing


@dataclass(frozen=True)
class SqlDialect:
    """What differs between the engines' SQL: identifier quoting, backslashes in string literals, the row hash."""

    quote: str
    hash_name: str  # a 64-bit hash of several columns
    backslash_escapes: bool  # Spark's string literals read a backslash as an escape
    percentile_name: str  # the exact percentile aggregate: quantile_cont (DuckDB), percentile (Spark)

    def percentile(self, column: str, q: float) -> str:
        """The exact `q` percentile of `column`, as an aggregate."""
        return f"{self.percentile_name}({column}, {q})"

    def ident(self, name: str) -> str:
        """A column name, quoted."""
        return self.quote + name.replace(self.quote, self.quote * 2) + self.quote

    def literal(self, text: str) -> str:
        """A string literal."""
        if self.backslash_escapes:
            text = text.replace("\\", "\\\\")
        return "'" + text.replace("'", "''") + "'"


class SqlRunner(Protocol):
    """What an engine offers to run this SQL (DuckDB in `ingest`, Spark in `spark_ingest`)."""

    def table(self, name: str, sql: str) -> None:
        """Keep the result of `sql` as table `name` (computed once)."""

    def view(self, name: str, sql: str) -> None:
        """Name `sql` as view `name` (computed where used)."""

    def one(self, sql: str) -> tuple:
        """The one row `sql` returns."""

    def frame(self, sql: str) -> pd.DataFrame:
        """The rows `sql` returns, as a frame."""


DUCKDB_SQL = SqlDialect(quote='"', hash_name="hash", backslash_escapes=False, percentile_name="quantile_cont")
SPARK_SQL = SqlDialect(quote="`", hash_name="xxhash64", backslash_escapes=True, percentile_name="percentile")


def _missing_list(sql: SqlDialect = DUCKDB_SQL) -> str:
    """The missing markers of order cells as SQL string literals."""
    return ", ".join(sql.literal(m) for m in ORDER_MISSING)


def _number(column: str) -> str:
    """A text cell as a number (NULL when missing or unreadable); for the error path's checks."""
    cell = DUCKDB_SQL.ident(column)
    return (
        f"(CASE WHEN trim({cell}) IN ({_missing_list()}) OR {cell} IS NULL THEN NULL ELSE TRY_CAST(trim({cell}) AS DOUBLE) END)"
    )


def _is_missing(column: str, sql: SqlDialect = DUCKDB_SQL) -> str:
    """Whether a text cell is NULL or one of the missing markers (after trimming)."""
    cell = sql.ident(column)
    return f"({cell} IS NULL OR trim({cell}) IN ({_missing_list(sql)}))"


def _text(column: str, sql: SqlDialect = DUCKDB_SQL) -> str:
    """A text cell, NULL when it is one of the missing markers."""
    cell = sql.ident(column)
    return f"(CASE WHEN {cell} IS NULL OR {cell} IN ({_missing_list(sql)}) THEN NULL ELSE {cell} END)"


def _date(sql: SqlDialect = DUCKDB_SQL) -> str:
    """YYYY-MM-DD[ hh:mm:ss] as a timestamp; NULL for anything else, impossible dates (2015-02-30) included."""
    cell = sql.ident("order_date")
    return f"COALESCE(TRY_CAST({cell} AS TIMESTAMP), TRY_CAST(trim({cell}) AS TIMESTAMP))"


def _outside_dates(timestamp: str) -> str:
    """Whether a timestamp lies outside the plausible dates of history (`limits.py`: from EARLIEST_DATE to today
    plus the plan horizon)."""
    latest = latest_history_date()
    return f"{timestamp} < TIMESTAMP '{EARLIEST_DATE}' OR {timestamp} > TIMESTAMP '{latest:%Y-%m-%d} 23:59:59'"


def distinct_rows_sql(names: list[str], sql: SqlDialect, with_customers: bool, with_orders: bool = False) -> str:
    """One row per distinct row of `raw` (text columns `names`), with its count of copies.

    Exact duplicates are identical in every column. Rows are compared on the columns used (ORDER_FIELDS, the
    customer id `with_customers`, the order id `with_orders`) and a 64-bit hash of the others (twice as fast as
    comparing every text column; two different rows would need equal used columns and colliding hashes)."""
    ids = [*([CUSTOMER_ID] if with_customers else []), *([ORDER_ID] if with_orders else [])]
    fields = [*ORDER_FIELDS, *ids, *([CANCELLED] if CANCELLED in names else [])]
    used = ", ".join(sql.ident(c) for c in fields)
    others = [sql.ident(c) for c in names if c not in fields]
    rest = f"{sql.hash_name}({', '.join(others)})" if others else "0"
    return f"SELECT {used}, {rest} AS rest_hash, count(*) AS copies FROM raw GROUP BY {used}, {rest}"


def _cast_sql(sql: SqlDialect, with_customers: bool, rules: LineRules, with_orders: bool = False) -> str:
    """The distinct rows with numbers cast once (the cast allows spaces), the texts kept for the unreadable test."""
    casts = ", ".join(f"TRY_CAST({sql.ident(c)} AS DOUBLE) AS t_{i}" for i, c in enumerate(NUMBERS))
    texts = ", ".join(sql.ident(c) for c in NUMBERS)
    customer = f"trim({_text(CUSTOMER_ID, sql)})" if with_customers else "CAST(NULL AS STRING)"
    order = f"trim({_text(ORDER_ID, sql)})" if with_orders else "CAST(NULL AS STRING)"
    cancelled = f"COALESCE({sql.ident(CANCELLED)}, false)" if rules.cancelled_column else "false"
    return f"""
        SELECT copies, {_date(sql)} AS ts, {casts}, {texts}, {cancelled} AS cancelled,
               {_text("product_analytic_sub_category", sql)} AS subcategory,
               COALESCE({_text("product_analytic_vertical", sql)}, 'unknown') AS vertical,
               COALESCE({_text("s1_fact.order_payment_type", sql)}, 'unknown') AS payment,
               {customer} AS customer, {order} AS order_key
        FROM distinct_rows"""


def _parsed_sql(sql: SqlDialect, with_customers: bool, rules: LineRules, with_orders: bool = False) -> str:
    """The cast rows with the numbers named (NaN as NULL), `unreadable` (a date or number that cannot be read: a
    failed cast is unreadable unless the cell is a missing marker) and the returns rules' flags."""
    renamed = ", ".join(f"CASE WHEN isnan(t_{i}) THEN NULL ELSE t_{i} END AS {name}" for i, name in enumerate(NUMBERS.values()))
    unreadable = " OR ".join(f"(t_{i} IS NULL AND NOT {_is_missing(c, sql)})" for i, c in enumerate(NUMBERS))
    negative = "COALESCE(t_0 < 0 OR t_1 < 0, false)"  # GMV or units below 0 (t_0, t_1: NUMBERS' first two)
    is_return = negative if rules.returns else "false"
    is_cancelled = f"cancelled AND NOT {negative}" if rules.net else "cancelled"
    return f"""
        SELECT copies, ts, {renamed}, subcategory, vertical, payment, customer, order_key,
               {is_cancelled} AS is_cancelled, {is_return} AS is_return,
               ts IS NULL OR {_outside_dates("ts")}
                   OR {unreadable} AS unreadable
        FROM ({_cast_sql(sql, with_customers, rules, with_orders)}) AS cast_rows"""


def _reason_case() -> str:
    """The first rule that drops a line, as its code (VALID when none does)."""
    whens = " ".join(f"WHEN {r.condition} THEN {r.code}" for r in DropReason if r.condition is not None)
    return f"CASE {whens} ELSE {VALID} END"


def judged_sql(sql: SqlDialect, with_customers: bool, rules: LineRules = ELECKART_RULES, with_orders: bool = False) -> str:
    """Every distinct row parsed, with its day, its GMV (NULL when implausible), its `reason` code, and its customer
    and order id (`with_customers`, `with_orders`; NULL without)."""
    return f"""
        SELECT *, CAST(ts AS DATE) AS day,
               CASE WHEN {DropReason.IMPLAUSIBLE.condition} THEN NULL ELSE raw_gmv END AS gmv,
               {_reason_case()} AS reason
        FROM ({_parsed_sql(sql, with_customers, rules, with_orders)}) AS parsed_rows"""


DUPLICATES_SQL = "SELECT sum(copies - 1), COALESCE(sum((copies - 1) * gmv), 0) FROM judged"  # the extra copies
ROWS_READ_SQL = "SELECT sum(copies), COALESCE(sum(copies * gmv), 0) FROM judged"  # every row of the file


def reasons_sql() -> str:
    """Rows and GMV per day and reason code, with the rows and GMV each ValueFix hit."""
    fix_columns = ", ".join(
        f"count(*) FILTER (WHERE {f.condition}) AS {f.rows_column}, "
        f"COALESCE(sum(gmv) FILTER (WHERE {f.condition}), 0) AS {f.gmv_column}"
        for f in ValueFix
    )
    return (
        f"SELECT day, reason, count(*) AS row_count, COALESCE(sum(gmv), 0) AS gmv, {fix_columns} FROM judged "
        "GROUP BY day, reason ORDER BY day, reason"
    )


def kept_codes(rules: LineRules = ELECKART_RULES) -> list[int]:
    """The reason codes of the lines that are kept: the valid ones, and net of returns the returns."""
    return [VALID, DropReason.RETURN.code] if rules.net else [VALID]  # type: ignore[list-item]


def valid_sql(rules: LineRules = ELECKART_RULES) -> str:
    """The kept lines, with each ValueFix's value set to missing."""
    fixed = ",\n               ".join(f"CASE WHEN {f.condition} THEN NULL ELSE {f.column} END AS {f.column}" for f in ValueFix)
    return f"""
        SELECT day, subcategory, vertical, payment, customer, order_key, gmv, units,
               {fixed}
        FROM judged WHERE reason IN ({", ".join(str(c) for c in kept_codes(rules))})"""


DAILY_SQL = """
        SELECT day, subcategory, sum(gmv) AS gmv, count(*) AS orders,
               COALESCE(sum(mrp), 0) AS mrp_sum, count(mrp) AS mrp_n,
               COALESCE(sum(sla), 0) AS sla_sum, count(sla) AS sla_n,
               COALESCE(sum(procurement_sla), 0) AS procurement_sla_sum, count(procurement_sla) AS procurement_sla_n,
               COALESCE(sum(mrp * units), 0) AS list_value,
               COALESCE(sum(gmv) FILTER (WHERE mrp IS NOT NULL), 0) AS gmv_listed
        FROM valid GROUP BY day, subcategory ORDER BY day, subcategory"""
MIX_SQL = """
        SELECT * FROM (
            SELECT day, subcategory, 'vertical' AS kind, vertical AS value, count(*) AS n FROM valid
            GROUP BY day, subcategory, vertical
            UNION ALL
            SELECT day, subcategory, 'payment' AS kind, payment AS value, count(*) AS n FROM valid
            GROUP BY day, subcategory, payment
        ) AS counts ORDER BY day, subcategory, kind, value"""


class CellCheck(NamedTuple):
    """One way a cell can be unreadable: its column, the SQL condition on the text columns, the message ('{v}':
    the cell)."""

    column: str
    condition: str
    message: str


def cell_checks(date_format: str | None = None) -> list[CellCheck]:
    """Every way a cell can be unreadable, in the order the error path reports them (DuckDB SQL); `date_format`:
    the strptime format a mapping reads dates in (None: YYYY-MM-DD hh:mm:ss)."""
    expected = f"as {date_format} (strptime)" if date_format else "as YYYY-MM-DD hh:mm:ss"
    checks = [
        CellCheck("order_date", f"{_date()} IS NULL", f"cannot read date '{{v}}'; expected a real date {expected}"),
        CellCheck("order_date", _outside_dates(_date()), f"date {{v}} is outside {history_range_words(latest_history_date())}"),
    ]
    for column in NUMBERS:
        checks.append(CellCheck(column, f"NOT {_is_missing(column)} AND {_number(column)} IS NULL", "cannot read number '{v}'"))
    return checks

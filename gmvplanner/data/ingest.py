"""Orders -> cleaned per-day, per-subcategory aggregates and the cleaning report, as DuckDB SQL (out of core).

This is the one stage that touches every order. DuckDB streams the file (CSV, gzip'd CSV, Parquet, or a folder or
glob of Parquet files) with every core, spills to disk when memory runs short, and hands back only the small
aggregate: one row per day and subcategory (and per day, subcategory and vertical or payment type). Everything
after it (allocation, features, models) works on that aggregate.

Cleaning rules, in order (each order is counted under its first): exact duplicate rows (identical in every column;
one copy is kept), missing GMV, implausible amounts (see `limits.py`), orders outside the window (whole days),
missing subcategory, negative GMV, units missing or below 1, GMV above units x MRP. Kept with the value set to
missing: MRP of 0 or less, SLA or procurement SLA outside 0-60 days. Implausible amounts are not summed into the
report's GMV.
"""

from __future__ import annotations

import csv
import glob
import gzip
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from ..errors import InputError
from . import readers
from .customers import CUSTOMER_ID, CustomerTables, customer_tables
from .limits import EARLIEST_DATE, LATEST_DATE, MAX_ORDER_LINE_RUPEES, MAX_UNITS

__all__ = [
    "ORDER_FIELDS",
    "MAX_SLA_DAYS",
    "REASONS",
    "OrderAggregate",
    "Window",
    "aggregate_orders",
    "order_sources",
    "covered_days",
    "clean_and_aggregate",
    "SqlDialect",
    "DUCKDB_SQL",
    "SPARK_SQL",
    "csv_names",
    "parquet_schema",
]

# column in the ElecKart file -> name used inside the pipeline
ORDER_FIELDS = {
    "order_date": "order_date",
    "gmv": "gmv",
    "units": "units",
    "sla": "sla",
    "product_mrp": "product_mrp",
    "product_procurement_sla": "procurement_sla",
    "s1_fact.order_payment_type": "payment_type",
    "product_analytic_sub_category": "subcategory",
    "product_analytic_vertical": "vertical",
}
NUMBERS = ("gmv", "units", "sla", "product_mrp", "product_procurement_sla")
MAX_SLA_DAYS = 60  # an SLA beyond two months is a data error, not a promise
REASONS = (
    "exact duplicate row",
    "missing GMV",
    f"implausible amount (GMV or MRP not finite or above ₹{MAX_ORDER_LINE_RUPEES:,.0f}, or over {MAX_UNITS:,.0f} units)",
    "outside modelling window",
    "missing subcategory",
    "negative GMV",
    "units missing or below 1",
    "GMV above units x MRP",
)
FIXES = ("MRP of 0 or less", f"SLA outside 0-{MAX_SLA_DAYS} days", f"procurement SLA outside 0-{MAX_SLA_DAYS} days")


Window = Callable[["OrderAggregate"], tuple[pd.Timestamp, pd.Timestamp]]  # the aggregate -> the modelling window


@dataclass
class OrderAggregate:
    """What the rest of the pipeline needs from the orders, per day (₹), before any window is applied.

    daily: day, subcategory, gmv, orders, mrp_sum, mrp_n, sla_sum, sla_n, procurement_sla_sum, procurement_sla_n,
        list_value (MRP x units where MRP is known), gmv_listed (GMV where MRP is known), for valid orders;
    mix: day, subcategory, kind ("vertical" or "payment"), value ("unknown" when blank), n (valid orders);
    reasons: day, reason (0 valid, else the index in REASONS; 3, outside the window, is decided by `report`), rows,
        gmv, fix_<i>_rows / fix_<i>_gmv (valid orders hit by FIXES[i]);
    duplicates: (rows, gmv) of the extra copies of exact duplicate rows; rows_read: (rows, gmv) of the file.
    """

    daily: pd.DataFrame
    mix: pd.DataFrame
    reasons: pd.DataFrame
    duplicates: tuple[int, float]
    rows_read: tuple[int, float]
    customers: CustomerTables | None = None  # inside the window, when asked for and the file has cust_id

    @property
    def span(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The first and last day the orders cover (see `covered_days`)."""
        per_day = self.reasons.groupby("day")["rows"].sum()
        return covered_days(per_day)

    def inside(self, frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        return frame.loc[(frame["day"] >= start) & (frame["day"] <= end)].reset_index(drop=True)

    def valid_daily(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        return self.inside(self.daily, start, end)

    def valid_mix(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        return self.inside(self.mix, start, end)

    def report(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        """The cleaning report for the window [start, end]: reason, action, rows, gmv, in the rules' order."""
        r = self.reasons
        outside = ~((r["day"] >= start) & (r["day"] <= end))
        later = r["reason"].isin([0, 4, 5, 6, 7])  # rules after the window's own: the window counts first
        rows = [(REASONS[0], "dropped", *self.duplicates)]
        for code, reason in enumerate(REASONS[1:], start=1):
            hit = (outside & later) if code == 3 else (r["reason"] == code) & ~(outside & later)
            rows.append((reason, "dropped", int(r.loc[hit, "rows"].sum()), float(r.loc[hit, "gmv"].sum())))
        valid = (r["reason"] == 0) & ~outside
        for i, reason in enumerate(FIXES):
            rows.append(
                (
                    reason,
                    "kept; value set to missing",
                    int(r.loc[valid, f"fix_{i}_rows"].sum()),
                    float(r.loc[valid, f"fix_{i}_gmv"].sum()),
                )
            )
        rows.append(("valid orders", "kept", int(r.loc[valid, "rows"].sum()), float(r.loc[valid, "gmv"].sum())))
        rows.append(("rows read", "total", *self.rows_read))
        return pd.DataFrame(rows, columns=["reason", "action", "rows", "gmv"])


def order_sources(path: Path | str) -> tuple[str, list[str]]:
    """('csv' or 'parquet', the files) for a file, a gzip'd CSV, a folder of Parquet files or a glob."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        files = sorted(glob.glob(text))
        if not files:
            raise InputError(path, "no files match this pattern")
    elif Path(path).is_dir():
        files = sorted(str(p) for p in Path(path).rglob("*.parquet"))
        if not files:
            raise InputError(path, "is a folder without .parquet files; give a CSV or Parquet file, or a folder of Parquet")
    else:
        readers.check_file(path)
        files = [text]
    with open(files[0], "rb") as fh:
        kind = "parquet" if fh.read(4) == b"PAR1" else "csv"
    return kind, files


log = logging.getLogger(__name__)

# DuckDB's memory cap (it spills to disk beyond it): keeps ingestion of any size within a few GB on one machine
DUCKDB_MEMORY = os.environ.get("GMV_DUCKDB_MEMORY", "3GB")


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")  # lets aggregations stream and spill
    con.execute("SET enable_progress_bar = false")  # long queries would print bars into the CLI's output
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    spill = Path(tempfile.gettempdir()) / "gmvplanner-duckdb"
    con.execute(f"SET temp_directory = '{spill.as_posix()}'")
    return con


def _source_sql(con: duckdb.DuckDBPyConnection, path: Path | str, encoding: str = "utf-8") -> tuple[str, list[str], str]:
    """SQL reading the orders as text columns, the file's column names, and the kind of file."""
    kind, files = order_sources(path)
    listed = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    if kind == "parquet":
        schema = parquet_schema(path, files)
        names = list(schema.names)
        columns = []
        for name in names:
            field = schema.field(name)
            quoted = '"' + name.replace('"', '""') + '"'
            tz = getattr(field.type, "tz", None)
            if tz:  # keep the local wall time of time-zone-aware timestamps, as the calendars do
                expr = f"strftime(timezone('{tz}', {quoted}), '%Y-%m-%d %H:%M:%S')"
            elif str(field.type).startswith(("timestamp", "date")):
                expr = f"strftime({quoted}, '%Y-%m-%d %H:%M:%S')"
            else:
                expr = f"CAST({quoted} AS VARCHAR)"
            columns.append(f"{expr} AS {quoted}")
        return f"SELECT {', '.join(columns)} FROM read_parquet({listed}, union_by_name = true)", names, kind
    names = csv_names(path, files)
    types = "{" + ", ".join("'" + n.replace("'", "''") + "': 'VARCHAR'" for n in names) + "}"
    sql = (
        f"SELECT * FROM read_csv({listed}, header = true, all_varchar = true, columns = {types}, encoding = '{encoding}', "
        "quote = '\"', escape = '\"', delim = ',', strict_mode = true, null_padding = false)"
    )
    return sql, names, kind


def csv_names(path: Path | str, files: list[str]) -> list[str]:
    """The header of an orders CSV, after the checks every engine makes: a text table, named columns, the required
    ones present."""
    names = _csv_header(files[0])
    opener = gzip.open if files[0].endswith(".gz") else open
    with opener(files[0], "rb") as fh:
        if b"\x00" in fh.read(1 << 16):
            raise InputError(path, "not a table: expected a CSV or Parquet file, found binary data")
    if len(names) < 2:
        raise InputError(path, f"not a table: found {len(names)} column(s); is it comma-separated?")
    readers.check_names(path, names)
    readers.require_columns(path, names, list(ORDER_FIELDS))
    return names


def parquet_schema(path: Path | str, files: list[str]):
    """The Arrow schema of an orders Parquet input, after the same checks."""
    try:
        schema = pq.read_schema(files[0])
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError(files[0], f"not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    readers.check_names(path, list(schema.names))
    readers.require_columns(path, list(schema.names), list(ORDER_FIELDS))
    return schema


def _csv_header(path: str) -> list[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as fh:
        return [n.strip() for n in next(csv.reader(fh), [])]


@dataclass(frozen=True)
class SqlDialect:
    """What differs between the engines' SQL: identifier quoting, backslashes in string literals, the row hash."""

    quote: str
    hash_name: str  # a 64-bit hash of several columns
    backslash_escapes: bool  # Spark's string literals read a backslash as an escape
    percentile_name: str  # the exact percentile aggregate: quantile_cont (DuckDB), percentile (Spark)

    def percentile(self, column: str, q: float) -> str:
        return f"{self.percentile_name}({column}, {q})"

    def ident(self, name: str) -> str:
        return self.quote + name.replace(self.quote, self.quote * 2) + self.quote

    def literal(self, text: str) -> str:
        if self.backslash_escapes:
            text = text.replace("\\", "\\\\")
        return "'" + text.replace("'", "''") + "'"


DUCKDB_SQL = SqlDialect(quote='"', hash_name="hash", backslash_escapes=False, percentile_name="quantile_cont")
SPARK_SQL = SqlDialect(quote="`", hash_name="xxhash64", backslash_escapes=True, percentile_name="percentile")
_q = DUCKDB_SQL.ident


def _missing_list(sql: SqlDialect = DUCKDB_SQL) -> str:
    """The missing markers as SQL string literals."""
    return ", ".join(sql.literal(m) for m in readers.MISSING)


def _number(column: str) -> str:
    """A text cell as a number (NULL when missing or unreadable); for the error path's checks."""
    cell = _q(column)
    return (
        f"(CASE WHEN trim({cell}) IN ({_missing_list()}) OR {cell} IS NULL THEN NULL ELSE TRY_CAST(trim({cell}) AS DOUBLE) END)"
    )


def _is_missing(column: str, sql: SqlDialect = DUCKDB_SQL) -> str:
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


def aggregate_orders(path: Path | str, window: Window | None = None) -> OrderAggregate:
    """Clean the orders in `path` and aggregate them per day (and subcategory); the window is applied after.

    With `window` (the aggregate -> first and last day of the modelling window), the customer tables of that
    window are computed too, in the same pass, when the file has a cust_id column."""
    for encoding in ("utf-8", "latin-1"):
        con = _connect()
        try:
            aggregate = _aggregate(con, path, encoding, window)
            if encoding != "utf-8":
                log.warning("%s is not UTF-8 text; read it as Latin-1 (save it as UTF-8 to be sure of names)", path)
            return aggregate
        except duckdb.Error as exc:
            if encoding == "utf-8" and _is_encoding_error(exc):
                continue
            raise _plain(path, exc) from None
        finally:
            con.close()
    raise AssertionError("unreachable")


def _is_encoding_error(exc: duckdb.Error) -> bool:
    text = str(exc).lower()
    return "unicode" in text or "utf-8" in text or "utf8" in text


def _plain(path: Path | str, exc: duckdb.Error) -> InputError:
    """A DuckDB reading error as one plain line, with the row when it can be found."""
    message = str(exc).splitlines()[0]
    if Path(str(path)).is_file() and not str(path).endswith(".gz"):
        ragged = readers.ragged_row_error(Path(path), len(_csv_header(str(path))))
        if ragged is not None:
            return ragged
    return InputError(path, f"not a readable table ({message})")


def _aggregate(
    con: duckdb.DuckDBPyConnection, path: Path | str, encoding: str = "utf-8", window: Window | None = None
) -> OrderAggregate:
    source, names, kind = _source_sql(con, path, encoding)
    con.execute(f"CREATE TEMP VIEW raw AS {source}")

    def on_unreadable() -> None:
        _first_bad_cell(con, path, kind, _cell_checks())

    return clean_and_aggregate(_DuckDBRunner(con), names, DUCKDB_SQL, path, on_unreadable, window)


class _DuckDBRunner:
    """Runs the shared SQL on DuckDB."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE TEMP VIEW {name} AS {sql}")

    def one(self, sql: str) -> tuple:
        return self.con.execute(sql).fetchone()

    def frame(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()


def clean_and_aggregate(
    run, names: list[str], sql: SqlDialect, path: Path | str, on_unreadable, window: Window | None = None
) -> OrderAggregate:
    """The one definition of cleaning and aggregation, as SQL any engine runs (DuckDB here, Spark in
    `spark_ingest`): `run` executes it over a table `raw` of text columns `names`, written in the engine's `sql`
    dialect; `on_unreadable` is called when a cell cannot be read (it raises, naming the row). With `window`
    and a cust_id column, the customer tables of that window (`customers.customer_tables`) come too."""
    with_customers = window is not None and CUSTOMER_ID in names
    fields = [*ORDER_FIELDS, *([CUSTOMER_ID] if with_customers else [])]
    # One pass over the file. Exact duplicates are identical in every column: one copy of each distinct row goes on,
    # with its count. Rows are compared on the nine columns used and a 64-bit hash of the others (twice as fast as
    # comparing every text column; two different rows would need equal used columns and colliding hashes).
    used = ", ".join(sql.ident(c) for c in fields)
    others = [sql.ident(c) for c in names if c not in fields]
    rest = f"{sql.hash_name}({', '.join(others)})" if others else "0"
    run.table("distinct_rows", f"SELECT {used}, {rest} AS rest_hash, count(*) AS copies FROM raw GROUP BY {used}, {rest}")
    if run.one("SELECT count(*) FROM distinct_rows")[0] == 0:
        raise InputError(path, "has a header but no data rows")
    # numbers are cast once (the cast allows spaces); a failed cast is unreadable unless the cell is a missing marker
    casts = ", ".join(f"TRY_CAST({sql.ident(c)} AS DOUBLE) AS t_{i}" for i, c in enumerate(NUMBERS))
    texts = ", ".join(sql.ident(c) for c in NUMBERS)
    parsed = f"""
        SELECT copies, {_date(sql)} AS ts, {casts}, {texts},
               {_text("product_analytic_sub_category", sql)} AS subcategory,
               COALESCE({_text("product_analytic_vertical", sql)}, 'unknown') AS vertical,
               COALESCE({_text("s1_fact.order_payment_type", sql)}, 'unknown') AS payment,
               {f"trim({_text(CUSTOMER_ID, sql)})" if with_customers else "CAST(NULL AS STRING)"} AS customer
        FROM distinct_rows"""
    names_of = ("raw_gmv", "units", "sla", "mrp", "procurement_sla")  # NUMBERS, as the pipeline names them
    renamed = ", ".join(f"CASE WHEN isnan(t_{i}) THEN NULL ELSE t_{i} END AS {name}" for i, name in enumerate(names_of))
    unreadable = " OR ".join(f"(t_{i} IS NULL AND NOT {_is_missing(c, sql)})" for i, c in enumerate(NUMBERS))
    parsed = f"""
        SELECT copies, ts, {renamed}, subcategory, vertical, payment, customer,
               ts IS NULL OR ts < TIMESTAMP '{EARLIEST_DATE}' OR ts > TIMESTAMP '{LATEST_DATE} 23:59:59'
                   OR {unreadable} AS unreadable
        FROM ({parsed}) AS cast_rows"""
    infinite = "CAST('Infinity' AS DOUBLE)"
    implausible = (
        f"(abs(raw_gmv) = {infinite} OR raw_gmv > {MAX_ORDER_LINE_RUPEES} OR abs(mrp) = {infinite} "
        f"OR mrp > {MAX_ORDER_LINE_RUPEES} OR abs(units) = {infinite} OR units > {MAX_UNITS})"
    )
    run.table(
        "judged",
        f"""
        SELECT *, CAST(ts AS DATE) AS day,
               CASE WHEN COALESCE({implausible}, false) THEN NULL ELSE raw_gmv END AS gmv,
               CASE WHEN raw_gmv IS NULL THEN 1
                    WHEN COALESCE({implausible}, false) THEN 2
                    WHEN subcategory IS NULL THEN 4
                    WHEN raw_gmv < 0 THEN 5
                    WHEN units IS NULL OR units < 1 THEN 6
                    WHEN mrp > 0 AND raw_gmv > units * mrp + 0.5 THEN 7
                    ELSE 0 END AS reason
        FROM ({parsed}) AS parsed_rows""",
    )
    if run.one("SELECT count(*) FROM judged WHERE unreadable")[0]:
        on_unreadable()
    duplicates = run.one("SELECT sum(copies - 1), COALESCE(sum((copies - 1) * gmv), 0) FROM judged")
    rows_read = run.one("SELECT sum(copies), COALESCE(sum(copies * gmv), 0) FROM judged")
    fixes = (
        "mrp <= 0",
        f"sla < 0 OR sla > {MAX_SLA_DAYS}",
        f"procurement_sla < 0 OR procurement_sla > {MAX_SLA_DAYS}",
    )
    fix_columns = ", ".join(
        f"count(*) FILTER (WHERE {f}) AS fix_{i}_rows, COALESCE(sum(gmv) FILTER (WHERE {f}), 0) AS fix_{i}_gmv"
        for i, f in enumerate(fixes)
    )
    reasons = run.frame(
        f"SELECT day, reason, count(*) AS row_count, COALESCE(sum(gmv), 0) AS gmv, {fix_columns} FROM judged "
        "GROUP BY day, reason ORDER BY day, reason"
    ).rename(columns={"row_count": "rows"})
    run.view(
        "valid",
        f"""
        SELECT day, subcategory, vertical, payment, customer, gmv, units,
               CASE WHEN mrp <= 0 THEN NULL ELSE mrp END AS mrp,
               CASE WHEN sla < 0 OR sla > {MAX_SLA_DAYS} THEN NULL ELSE sla END AS sla,
               CASE WHEN procurement_sla < 0 OR procurement_sla > {MAX_SLA_DAYS} THEN NULL ELSE procurement_sla END
                   AS procurement_sla
        FROM judged WHERE reason = 0""",
    )
    daily = run.frame("""
        SELECT day, subcategory, sum(gmv) AS gmv, count(*) AS orders,
               COALESCE(sum(mrp), 0) AS mrp_sum, count(mrp) AS mrp_n,
               COALESCE(sum(sla), 0) AS sla_sum, count(sla) AS sla_n,
               COALESCE(sum(procurement_sla), 0) AS procurement_sla_sum, count(procurement_sla) AS procurement_sla_n,
               COALESCE(sum(mrp * units), 0) AS list_value,
               COALESCE(sum(gmv) FILTER (WHERE mrp IS NOT NULL), 0) AS gmv_listed
        FROM valid GROUP BY day, subcategory ORDER BY day, subcategory""")
    mix = run.frame("""
        SELECT * FROM (
            SELECT day, subcategory, 'vertical' AS kind, vertical AS value, count(*) AS n FROM valid
            GROUP BY day, subcategory, vertical
            UNION ALL
            SELECT day, subcategory, 'payment' AS kind, payment AS value, count(*) AS n FROM valid
            GROUP BY day, subcategory, payment
        ) AS counts ORDER BY day, subcategory, kind, value""")
    for frame in (daily, mix, reasons):
        frame["day"] = pd.to_datetime(frame["day"])
    for frame in (daily, reasons):
        for column in frame.columns:
            if column.endswith(("_n", "rows")) or column in ("orders", "reason"):
                frame[column] = frame[column].astype("int64")
    mix["n"] = mix["n"].astype("int64")
    mix = mix.sort_values(["day", "subcategory", "kind", "value"], ignore_index=True)  # engines collate differently
    aggregate = OrderAggregate(
        daily=daily,
        mix=mix,
        reasons=reasons,
        duplicates=(int(duplicates[0] or 0), float(duplicates[1] or 0.0)),
        rows_read=(int(rows_read[0] or 0), float(rows_read[1] or 0.0)),
    )
    if with_customers:
        aggregate.customers = customer_tables(run, sql, *window(aggregate))
    return aggregate


def covered_days(per_day: pd.Series, floor: float = 0.25) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day the orders cover: days with at least `floor` times the median day's orders, so a few
    stray rows dated outside the real span (a common export fault) do not stretch it."""
    busy = per_day.index[per_day >= floor * per_day.median()]
    return pd.Timestamp(busy[0]), pd.Timestamp(busy[-1])


def _cell_checks() -> list[tuple[str, str, str]]:
    """(column, SQL condition on the text columns, message) for every way a cell can be unreadable."""
    checks = [
        ("order_date", f"{_date()} IS NULL", "cannot read date '{v}'; expected a real date as YYYY-MM-DD hh:mm:ss"),
        (
            "order_date",
            f"{_date()} < TIMESTAMP '{EARLIEST_DATE}' OR {_date()} > TIMESTAMP '{LATEST_DATE} 23:59:59'",
            f"date {{v}} is outside {EARLIEST_DATE} to {LATEST_DATE}",
        ),
    ]
    for column in NUMBERS:
        checks.append((column, f"NOT {_is_missing(column)} AND {_number(column)} IS NULL", "cannot read number '{v}'"))
    return checks


def _first_bad_cell(con: duckdb.DuckDBPyConnection, path: Path | str, kind: str, checks) -> None:
    """The error path: rescan the file in order and raise for the first bad cell, naming its row."""
    con.execute("SET preserve_insertion_order = true")
    flags = ", ".join(f"COALESCE({condition}, false) AS check_{i}" for i, (_, condition, _) in enumerate(checks))
    found = f"WHERE {' OR '.join(f'check_{i}' for i in range(len(checks)))} ORDER BY position LIMIT 1"
    row = con.execute(f"SELECT * FROM (SELECT row_number() OVER () - 1 AS position, *, {flags} FROM raw) {found}").df()
    row = row.iloc[0]
    position = int(row["position"])
    csv_file = kind == "csv" and Path(str(path)).is_file() and not str(path).endswith(".gz")
    for i, (column, _, message) in enumerate(checks):
        if row[f"check_{i}"]:
            where = readers.spreadsheet_row(position, path if csv_file else None)
            raise InputError(path, message.format(v=row[column]), column=column, row=where)

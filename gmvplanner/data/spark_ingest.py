"""The orders stage on Spark (`--engine spark`), for order data that outgrows one machine.

It runs the very SQL of `ingest.clean_and_aggregate` (written once in `order_sql`, so the engines cannot drift) on a
Spark session: `local[*]` by default, or the cluster named by `--spark-master` (or by `spark-submit`). Only the small
per-day tables come back. PySpark and a Java runtime are needed only here; DuckDB stays the default and the app
never needs Java.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # PySpark is optional: imported only when the Spark engine runs
    from pyspark.sql import SparkSession

from ..errors import InputError
from .ingest import OrderAggregate, WindowChooser, aggregate_orders, clean_and_aggregate
from .order_files import ORDER_FIELDS, csv_names, order_sources, parquet_schema
from .order_sql import SPARK_SQL

__all__ = ["aggregate_orders_spark", "spark_session"]

SHUFFLE_PARTITIONS_LOCAL = 8


def spark_session(master: str | None = None) -> SparkSession:
    """The Spark session: `master` (e.g. spark://host:7077), else the one spark-submit set up, else local[*]."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("--engine", "spark needs PySpark and a Java runtime: pip install pyspark") from None
    builder = SparkSession.builder.appName("gmvplanner-orders").config("spark.sql.session.timeZone", "UTC")
    builder = builder.config("spark.ui.enabled", "false").config("spark.sql.ansi.enabled", "false")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    if not master and not _submitted():  # one machine: a few shuffle partitions, not the cluster default of 200
        builder = builder.config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS_LOCAL))
    if master:
        builder = builder.master(master)
    elif not _submitted():
        builder = builder.master("local[*]")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _submitted() -> bool:
    return "SPARK_SUBMIT_OPTS" in os.environ or os.environ.get("PYSPARK_GATEWAY_PORT") is not None


class _SparkRunner:
    """Runs the shared SQL on Spark: tables are cached temporary views."""

    def __init__(self, spark: SparkSession):
        self.spark = spark

    def table(self, name: str, sql: str) -> None:
        self.spark.sql(sql).cache().createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)

    def one(self, sql: str) -> tuple:
        return tuple(self.spark.sql(sql).collect()[0])

    def frame(self, sql: str) -> pd.DataFrame:
        return self.spark.sql(sql).toPandas()


def aggregate_orders_spark(path: Path | str, master: str | None = None, window: WindowChooser | None = None) -> OrderAggregate:
    """`ingest.aggregate_orders` on Spark: the same cleaning report, per-day tables and (with `window`) customers."""
    spark = spark_session(master)
    if "://" in str(path):  # storage only the cluster sees (hdfs://, s3a://): Spark reads it, the checks follow
        return _aggregate_remote(spark, str(path), window)
    kind, files = order_sources(path)
    if kind == "csv":
        names = csv_names(path, files)
        frame = spark.read.csv(files, header=True, inferSchema=False, quote='"', escape='"', mode="FAILFAST", encoding="UTF-8")
        frame = frame.toDF(*names)
    else:
        schema = parquet_schema(path, files)
        names = list(schema.names)
        frame = spark.read.parquet(*files)
        columns = []
        for name in names:
            tz = getattr(schema.field(name).type, "tz", None)
            column = SPARK_SQL.ident(name)
            if tz:  # the local wall time, as the DuckDB path and the calendars keep it
                expr = f"date_format(from_utc_timestamp({column}, '{tz}'), 'yyyy-MM-dd HH:mm:ss')"
            elif str(schema.field(name).type).startswith(("timestamp", "date")):
                expr = f"date_format({column}, 'yyyy-MM-dd HH:mm:ss')"
            else:
                expr = f"CAST({column} AS STRING)"
            columns.append(f"{expr} AS {column}")
        frame = frame.selectExpr(*columns)
    frame.createOrReplaceTempView("raw")

    def on_unreadable() -> None:
        aggregate_orders(path)  # the DuckDB path names the first bad cell's row (Spark rows have no order)
        raise InputError(path, "holds a cell that cannot be read")

    return clean_and_aggregate(_SparkRunner(spark), names, SPARK_SQL, path, on_unreadable, window)


def _aggregate_remote(spark: SparkSession, path: str, window: WindowChooser | None = None) -> OrderAggregate:
    """Orders at a URI only the cluster can read: CSV by its suffix, else Parquet (a file or a folder). Timestamps
    with a time zone are read in the session's zone (UTC) here, as there is no local schema to name the zone."""
    from . import readers

    if path.rstrip("/").endswith((".csv", ".csv.gz", ".gz")):
        frame = spark.read.csv(path, header=True, inferSchema=False, quote='"', escape='"', mode="FAILFAST")
        frame = frame.toDF(*[c.strip() for c in frame.columns])
    else:
        frame = spark.read.parquet(path)
        frame = frame.selectExpr(
            *[
                f"date_format({SPARK_SQL.ident(c)}, 'yyyy-MM-dd HH:mm:ss') AS {SPARK_SQL.ident(c)}"
                if t.startswith(("timestamp", "date"))
                else f"CAST({SPARK_SQL.ident(c)} AS STRING) AS {SPARK_SQL.ident(c)}"
                for c, t in frame.dtypes
            ]
        )
    names = list(frame.columns)
    readers.check_names(path, names)
    readers.require_columns(path, names, list(ORDER_FIELDS))
    frame.createOrReplaceTempView("raw")

    def on_unreadable() -> None:
        raise InputError(path, "holds a cell that cannot be read as a number or date; check it with --engine duckdb")

    return clean_and_aggregate(_SparkRunner(spark), names, SPARK_SQL, path, on_unreadable, window)

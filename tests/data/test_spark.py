"""Spark runs the same cleaning and aggregation as DuckDB (local mode, the small generated data)."""

import shutil

import pandas as pd
import pytest

from gmvplanner.data.ingest import aggregate_orders

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (scripts/test.sh installs openjdk-17-jre-headless)", allow_module_level=True)


def test_spark_gives_duckdbs_report_and_aggregates_exactly(small_data):
    from gmvplanner.data.spark_ingest import aggregate_orders_spark

    window = (pd.Timestamp("2014-07-01"), pd.Timestamp("2016-06-30"))
    duck = aggregate_orders(small_data["orders"], lambda aggregate: window)
    spark = aggregate_orders_spark(small_data["orders"], None, lambda aggregate: window)
    pd.testing.assert_frame_equal(spark.report(*window), duck.report(*window), check_exact=False, atol=0.5)
    for table in ("daily", "mix", "reasons"):
        pd.testing.assert_frame_equal(
            getattr(spark, table), getattr(duck, table), check_dtype=False, check_exact=False, atol=1e-6
        )
    assert spark.duplicates == duck.duplicates and spark.rows_read[0] == duck.rows_read[0]
    for table in ("segments", "weekly", "cohorts"):  # the customer tables, from the same SQL
        pd.testing.assert_frame_equal(
            getattr(spark.customers, table), getattr(duck.customers, table), check_dtype=False, check_exact=False, atol=0.5
        )
    assert spark.customers.customers == duck.customers.customers > 0

"""Both order engines through the real training script: Spark and DuckDB give the same weekly GMV (issue 32 item 11)."""

import shutil

import pandas as pd
import pytest

from ..helpers import train_cli


def _spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


@pytest.mark.slow
@pytest.mark.skipif(not _spark_available(), reason="Spark needs pyspark and a Java runtime (scripts/test.sh installs both)")
def test_training_with_spark_and_with_duckdb_gives_the_same_weekly_gmv(small_data, tmp_path):
    quick = ("--model", "forest", "--trees", "10", "--quiet")
    duck = train_cli(tmp_path / "duckdb", small_data, "media", "--engine", "duckdb", *quick)
    spark = train_cli(tmp_path / "spark", small_data, "media", "--engine", "spark", *quick)
    duck_weeks, spark_weeks = pd.read_csv(duck / "history.csv"), pd.read_csv(spark / "history.csv")
    assert len(duck_weeks) > 0 and duck_weeks["gmv"].sum() > 0
    keys = ["week_start", "subcategory"]
    pd.testing.assert_frame_equal(
        spark_weeks.sort_values(keys, ignore_index=True)[[*keys, "gmv"]],
        duck_weeks.sort_values(keys, ignore_index=True)[[*keys, "gmv"]],
        check_exact=False,
        rtol=1e-9,
    )
    for name in ("cleaning_report.csv", "company_spend.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(spark / name), pd.read_csv(duck / name), check_exact=False, rtol=1e-9)

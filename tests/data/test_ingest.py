"""Orders -> per-day aggregates and the cleaning report (DuckDB): rules, inputs of every form, errors."""

import gzip
import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gmvplanner.data.ingest import REASONS, aggregate_orders
from gmvplanner.errors import InputError

from ..helpers import valid_orders_oracle
from .files import ORDERS_HEADER, ROW, write

JULY = (pd.Timestamp("2015-07-01"), pd.Timestamp("2015-07-31"))


def _row(date="2015-07-01 10:00:00", gmv="100", units="1", mrp="200", sla="5", proc="3", sub="A", item="1") -> str:
    return f"F,{date},2015,7,{item},{item},{gmv},{units},\\N,\\N,COD,{sla},-1,-7,CE,Cat,{sub},Lens,{mrp},{proc}"


def test_each_reason_counted_once_with_its_gmv(tmp_path):
    rows = [
        _row(item="1"),  # valid
        _row(item="1"),  # exact duplicate
        _row(date="2015-07-02 10:00:00", gmv="", item="2"),  # missing gmv
        _row(date="2015-06-30 23:59:59", gmv="50", item="3"),  # before the window
        _row(date="2015-07-31 23:59:59", gmv="70", item="4"),  # last day of the window: valid
        _row(date="2015-07-03 10:00:00", gmv="30", sub="\\N", item="5"),  # no subcategory
        _row(date="2015-07-03 10:00:00", gmv="-5", item="6"),  # negative gmv
        _row(date="2015-07-03 10:00:00", gmv="80", units="0", item="7"),  # zero units
        _row(date="2015-07-03 10:00:00", gmv="900", units="2", item="8"),  # above units x MRP
        _row(date="2015-07-04 10:00:00", gmv="40", mrp="0", sla="1006", proc="-1", item="9"),  # valid, odd values blanked
        _row(date="2015-07-05 10:00:00", gmv="1e300", mrp="1e300", item="10"),  # implausible
    ]
    path = write(tmp_path, "orders.csv", "\n".join([ORDERS_HEADER, *rows]) + "\n")
    aggregate = aggregate_orders(path)
    report = aggregate.report(*JULY).set_index("reason")
    assert report.loc["exact duplicate row", ["rows", "gmv"]].tolist() == [1, 100.0]
    assert report.loc["missing GMV", "rows"] == 1
    assert report.loc[REASONS[2], ["rows", "gmv"]].tolist() == [1, 0.0]  # implausible amounts are not summed
    assert report.loc["outside modelling window", ["rows", "gmv"]].tolist() == [1, 50.0]
    assert report.loc["missing subcategory", "rows"] == 1
    assert report.loc["negative GMV", "rows"] == 1
    assert report.loc["units missing or below 1", "rows"] == 1
    assert report.loc["GMV above units x MRP", ["rows", "gmv"]].tolist() == [1, 900.0]
    assert report.loc["valid orders", ["rows", "gmv"]].tolist() == [3, 210.0]
    assert report.loc["MRP of 0 or less", "rows"] == 1 and report.loc["SLA outside 0-60 days", "rows"] == 1
    dropped = report.loc[report["action"] == "dropped", "rows"].sum()
    assert dropped + report.loc["valid orders", "rows"] == report.loc["rows read", "rows"] == len(rows)
    daily = aggregate.valid_daily(*JULY)
    assert daily["gmv"].sum() == 210.0 and daily["orders"].sum() == 3
    blanked = daily.loc[daily["day"] == pd.Timestamp("2015-07-04")].iloc[0]
    assert blanked["mrp_n"] == 0 and blanked["sla_n"] == 0  # the odd values are missing, the order is kept


def test_the_generated_file_agrees_with_a_plain_pandas_reading_to_the_rupee(small_data):
    start, end = "2014-07-01", "2016-06-30"
    valid, dropped = valid_orders_oracle(small_data["orders"], start, end)
    aggregate = aggregate_orders(small_data["orders"])
    report = aggregate.report(pd.Timestamp(start), pd.Timestamp(end)).set_index("reason")
    assert report.loc["exact duplicate row", "rows"] == dropped["exact duplicate row"]
    for reason in ("missing GMV", "outside modelling window", "negative GMV", "GMV above units x MRP"):
        assert report.loc[reason, "rows"] == dropped[reason], reason
    assert report.loc["valid orders", "rows"] == len(valid)
    assert report.loc["valid orders", "gmv"] == pytest.approx(valid["gmv_n"].sum(), abs=1.0)
    expected = valid.groupby(["day", "subcategory"])["gmv_n"].sum()
    got = aggregate.valid_daily(pd.Timestamp(start), pd.Timestamp(end)).set_index(["day", "subcategory"])["gmv"]
    np.testing.assert_allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy(), atol=1.0)
    assert len(got) == len(expected)


def test_gzip_parquet_and_a_folder_of_parquet_read_the_same(small_data, tmp_path):
    plain = aggregate_orders(small_data["orders"])
    with open(small_data["orders"], "rb") as src, gzip.open(tmp_path / "orders.csv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    table = pa.Table.from_pandas(pd.read_csv(small_data["orders"], dtype=str, keep_default_na=False))
    pq.write_table(table, tmp_path / "orders.parquet")
    (tmp_path / "lake").mkdir()
    half = table.num_rows // 2
    pq.write_table(table.slice(0, half), tmp_path / "lake" / "part-0.parquet")
    pq.write_table(table.slice(half), tmp_path / "lake" / "part-1.parquet")
    window = (pd.Timestamp("2014-07-01"), pd.Timestamp("2016-06-30"))
    for other in ("orders.csv.gz", "orders.parquet", "lake", "lake/*.parquet"):
        read = aggregate_orders(tmp_path / other if "*" not in other else str(tmp_path / other))
        pd.testing.assert_frame_equal(read.report(*window), plain.report(*window), check_exact=False, atol=0.5)
        pd.testing.assert_frame_equal(read.valid_daily(*window), plain.valid_daily(*window), check_exact=False, atol=0.5)


def test_time_zone_aware_dates_keep_their_local_day(tmp_path):
    local = pd.to_datetime(["2015-07-01 00:30:00", "2015-07-01 23:30:00"]).tz_localize("Asia/Kolkata")
    cells = ROW.split(",")
    columns = {name: [cell] * 2 for name, cell in zip(ORDERS_HEADER.split(","), cells)}
    columns["order_date"] = local
    columns["order_item_id"] = ["1", "2"]
    pq.write_table(pa.Table.from_pandas(pd.DataFrame(columns)), tmp_path / "orders.parquet")
    daily = aggregate_orders(tmp_path / "orders.parquet").daily
    assert daily["day"].tolist() == [pd.Timestamp("2015-07-01")] and daily["orders"].tolist() == [2]  # not moved to UTC


def test_errors_name_file_row_and_column(tmp_path):
    bad_date = ROW.replace("2015-10-17 15:11:54", "17/10/2015 3pm")
    path = write(tmp_path, "orders.csv", "\n".join([ORDERS_HEADER, ROW, bad_date]) + "\n")
    with pytest.raises(InputError, match=r"orders.csv row 3, column 'order_date': cannot read date '17/10/2015 3pm'"):
        aggregate_orders(path)
    path = write(tmp_path, "orders.csv", "\n".join([ORDERS_HEADER, ROW, "", ROW.replace(",6400,", ",six,")]) + "\n")
    with pytest.raises(InputError, match=r"row 4, column 'gmv': cannot read number 'six'"):
        aggregate_orders(path)  # the blank line is row 3, as a spreadsheet shows it
    path = write(tmp_path, "orders.csv", ORDERS_HEADER.replace(",gmv,", ",gmv_value,") + "\n" + ROW + "\n")
    with pytest.raises(InputError, match="column 'gmv' missing.*did you mean 'gmv_value'"):
        aggregate_orders(path)
    with pytest.raises(InputError, match="no files match"):
        aggregate_orders(str(tmp_path / "nothing-*.parquet"))


def test_latin_1_orders_are_read_with_a_warning(tmp_path, caplog):
    row = ROW.replace("CameraTripod", "CaméraTripod")
    path = tmp_path / "orders.csv"
    path.write_bytes(("\n".join([ORDERS_HEADER, row]) + "\n").encode("latin-1"))
    mix = aggregate_orders(path).mix
    assert "CaméraTripod" in set(mix["value"])
    assert "not UTF-8" in caplog.text

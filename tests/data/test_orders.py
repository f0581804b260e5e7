"""Orders: Arrow fast paths, messy cells, and errors naming row and column."""

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gmvplanner.data.orders import load_orders
from gmvplanner.errors import InputError

from .files import ORDERS_HEADER, ROW, write


def test_orders_parse_messy_cells(tmp_path):
    blank_gmv = ROW.replace(",6400,", ",,")
    path = write(tmp_path, "orders.csv", "\n".join([ORDERS_HEADER, ROW, ROW, blank_gmv]) + "\n")
    orders = load_orders(path)
    assert orders["gmv"].isna().tolist() == [False, False, True]
    assert orders["exact_duplicate"].tolist() == [False, True, False]
    assert orders["row"].tolist() == [2, 3, 4]
    assert orders["order_date"].iloc[0] == pd.Timestamp("2015-10-17 15:11:54")


def test_orders_parquet_reads_the_same(tmp_path):
    csv = write(tmp_path, "orders.csv", "\n".join([ORDERS_HEADER, ROW]) + "\n")
    table = pa.Table.from_pandas(pd.read_csv(csv, dtype=str, keep_default_na=False))
    pq.write_table(table, tmp_path / "orders.parquet")
    assert load_orders(tmp_path / "orders.parquet")["gmv"].tolist() == load_orders(csv)["gmv"].tolist()


def test_missing_column_named_with_suggestion(tmp_path):
    path = write(tmp_path, "orders.csv", ORDERS_HEADER.replace(",gmv,", ",gmv_value,") + "\n" + ROW + "\n")
    with pytest.raises(InputError) as err:
        load_orders(path)
    assert "orders.csv" in str(err.value) and "column 'gmv' missing" in str(err.value)
    assert "did you mean 'gmv_value'" in str(err.value)


def test_unparseable_date_names_row_and_column(tmp_path):
    bad = ROW.replace("2015-10-17 15:11:54", "17/10/2015 3pm")
    path = write(tmp_path, "orders.csv", "\n".join([ORDERS_HEADER, ROW, bad]) + "\n")
    with pytest.raises(InputError) as err:
        load_orders(path)
    assert err.value.row == 3 and err.value.column == "order_date"
    assert "orders.csv row 3, column 'order_date'" in str(err.value)


def test_bad_number_names_row(tmp_path):
    path = write(tmp_path, "orders.csv", "\n".join([ORDERS_HEADER, ROW, ROW.replace(",6400,", ",six,")]) + "\n")
    with pytest.raises(InputError, match=r"row 3, column 'gmv': cannot read number 'six'"):
        load_orders(path)

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gmvplanner.errors import InputError
from gmvplanner.load import load_media, load_nps, load_orders, load_sale_calendar, read_table

ORDERS_HEADER = (
    "fsn_id,order_date,Year,Month,order_id,order_item_id,gmv,units,deliverybdays,deliverycdays,"
    "s1_fact.order_payment_type,sla,cust_id,pincode,product_analytic_super_category,"
    "product_analytic_category,product_analytic_sub_category,product_analytic_vertical,product_mrp,"
    "product_procurement_sla"
)
ROW = (
    "ACC1,2015-10-17 15:11:54,2015,10,3.41e15,3.41e15,6400,1,\\N,\\N,COD,5,-1.0e18,-7.7e18,"
    "CE,CameraAccessory,CameraAccessory,CameraTripod,7190,0"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


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


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a table"),
        (ORDERS_HEADER.encode() + b"\n", "no data rows"),
        (b"just one column\nvalue\n", "not a table"),
    ],
)
def test_files_that_are_not_tables(tmp_path, content, message):
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_table(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_orders(tmp_path / "nope.csv")


def test_monthly_media_spread_over_days(tmp_path):
    path = write(
        tmp_path, "media.csv", "Year,Month,Total Investment,TV, Affiliates,Radio\n2015,7,3.1,3.1,0,\n2015,8,6.2,0,6.2,\n"
    )
    media = load_media(path)
    assert media.layout == "monthly" and media.channels == ["TV", "Affiliates", "Radio"]
    assert media.start == pd.Timestamp("2015-07-01") and media.end == pd.Timestamp("2015-08-31")
    assert media.daily_crore.loc["2015-07-05", "TV"] == pytest.approx(0.1)
    assert media.daily_crore.sum().sum() == pytest.approx(9.3)


def test_dated_media_rows_cover_until_next_date(tmp_path):
    path = write(tmp_path, "weekly.csv", "date,TV,SEM\n2016-01-04,7,14\n2016-01-11,0,7\n")
    media = load_media(path)
    assert media.layout == "dated" and len(media.daily_crore) == 14
    assert media.daily_crore["SEM"].sum() == pytest.approx(21.0)


def test_negative_spend_names_row_and_channel(tmp_path):
    path = write(tmp_path, "media.csv", "Year,Month,TV,SEM\n2015,7,1,2\n2015,8,-3,1\n")
    with pytest.raises(InputError) as err:
        load_media(path)
    assert str(err.value) == "media.csv row 3, column 'TV': negative spend -3.0 for 'TV'".replace("media.csv", str(path))


def test_media_without_period_columns(tmp_path):
    path = write(tmp_path, "media.csv", "when,TV\nJuly,1\n")
    with pytest.raises(InputError, match="needs 'Year' and 'Month'"):
        load_media(path)


def test_calendars_parse_real_format(tmp_path):
    sales = load_sale_calendar(write(tmp_path, "s.csv", "Date,Sales Name\n7/18/2015,Eid sale\n"))
    assert sales["date"].iloc[0] == pd.Timestamp("2015-07-18")
    nps = load_nps(write(tmp_path, "n.csv", "Date,NPS\n7/1/2015,54.6\n"))
    assert nps["NPS"].iloc[0] == pytest.approx(54.6)
    with pytest.raises(InputError, match=r"row 2, column 'Date'"):
        load_sale_calendar(write(tmp_path, "bad.csv", "Date,Sales Name\n31/31/2015,x\n"))

"""The column mapping: roles, presets, mapping files, the app's guess, and bad mappings named plainly."""

import pytest

from gmvplanner.cli.orders_layout import PRESET_NAMES, SPEND_UNIT_NAMES
from gmvplanner.data.columns import PRESETS, ROLES, guess_mapping, load_columns_file, parse_columns
from gmvplanner.data.ingest import aggregate_orders
from gmvplanner.errors import InputError
from gmvplanner.units import SPEND_UNITS

from .. import shop_exports as shop


def test_cli_names_agree_with_the_registries():
    assert PRESET_NAMES == tuple(PRESETS) and SPEND_UNIT_NAMES == tuple(SPEND_UNITS)


def test_parse_roles_and_settings():
    mapping = parse_columns("order_date=When, price=Each ,units=Qty,date_format=%d.%m.%Y")
    assert mapping.columns == {"order_date": "When", "price": "Each", "units": "Qty"}
    assert mapping.date_format == "%d.%m.%Y"


@pytest.mark.parametrize(
    "text, words",
    [
        ("order_date=A,gmv=B,order_date=C", "role 'order_date' is given twice"),
        ("order_date=A,gmv=A", "column 'A' is given two roles"),
        ("gmv=B", "order_date is required"),
        ("order_date=A", "give gmv"),
        ("order_date=A,gmv=B,price=C", "gmv or price, not both"),
        ("order_date=A,gmv=B,colour=C", "unknown role 'colour'"),
        ("order_date=A,gmv", "'gmv' is not role=column"),
    ],
)
def test_bad_mappings_say_what_is_wrong(text, words):
    with pytest.raises(InputError, match=words) as err:
        parse_columns(text)
    assert str(err.value).startswith("--columns")


def test_mapping_file_and_its_errors(tmp_path):
    good = tmp_path / "map.csv"
    good.write_text("# my shop\nrole,column\norder_date,InvoiceDate\nprice,UnitPrice\nunits,Quantity\n")
    assert load_columns_file(good).columns == {"order_date": "InvoiceDate", "price": "UnitPrice", "units": "Quantity"}
    bad = tmp_path / "bad.csv"
    bad.write_text("role,column\norder_date,InvoiceDate\nprice\n")
    with pytest.raises(InputError, match=r"bad.csv row 3: expected role,column"):
        load_columns_file(bad)


def test_example_mapping_files_match_the_presets():
    from gmvplanner.config import ROOT

    assert load_columns_file(ROOT / "data" / "columns_online_retail.csv") == PRESETS["online_retail"].with_name("custom")
    assert load_columns_file(ROOT / "data" / "columns_shopify.csv") == PRESETS["shopify"].with_name("custom")


def test_guess_finds_the_presets_and_common_names():
    assert guess_mapping(list(shop.online_retail(shop.lines(weeks=1)).columns)) == PRESETS["online_retail"]
    assert guess_mapping(list(shop.shopify(shop.lines(weeks=1)).columns)) == PRESETS["shopify"]
    guessed = guess_mapping(["Order Date", "Qty", "Unit Price", "Customer ID", "Category"])
    assert guessed is not None
    assert guessed.columns == {
        "order_date": "Order Date",
        "price": "Unit Price",
        "units": "Qty",
        "customer_id": "Customer ID",
        "subcategory": "Category",
    }
    assert guess_mapping(["a", "b"]) is None
    assert set(ROLES) >= set(guessed.columns)


def _export(tmp_path, edit):
    frame = shop.online_retail(shop.lines(weeks=2))
    edit(frame)
    return shop.write(frame, tmp_path / "export.csv")


def test_missing_mapped_column_is_named(tmp_path):
    path = _export(tmp_path, lambda f: f.pop("UnitPrice"))
    with pytest.raises(InputError, match=r"column 'UnitPrice'.*\(role price\) missing; found \["):
        aggregate_orders(path, mapping=PRESETS["online_retail"])


def test_unreadable_date_names_the_file_column_and_row(tmp_path):
    path = _export(tmp_path, lambda f: f.loc.__setitem__((5, "InvoiceDate"), "31/12/2010 8:00"))
    with pytest.raises(InputError, match=r"export.csv row 7, column 'InvoiceDate': cannot read date '31/12/2010 8:00'"):
        aggregate_orders(path, mapping=PRESETS["online_retail"])


def test_text_price_names_the_price_column(tmp_path):
    def edit(frame):
        frame["UnitPrice"] = frame["UnitPrice"].astype(object)
        frame.loc[3, "UnitPrice"] = "two pounds"

    with pytest.raises(InputError, match=r"row 5, column 'UnitPrice': cannot read number 'two pounds'"):
        aggregate_orders(_export(tmp_path, edit), mapping=PRESETS["online_retail"])

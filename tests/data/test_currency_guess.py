"""The mapping step's currency guess: the country most lines name, else the preset's, else INR."""

import pandas as pd
import pytest

from gmvplanner.data.columns import PRESETS, guess_mapping
from gmvplanner.data.currency_guess import guess_currency, region_values

from .. import shop_exports as shop


def test_online_retail_in_the_united_kingdom_is_in_pounds(tmp_path):
    export = shop.write(shop.online_retail(shop.lines(weeks=2)), tmp_path / "online_retail.csv")
    mapping = guess_mapping(list(pd.read_csv(export, nrows=0).columns))
    guess = guess_currency(mapping, region_values(export, mapping))
    assert guess.code == "GBP" and "are from United Kingdom" in guess.reason


@pytest.mark.parametrize(
    ("regions", "preset", "code"),
    [
        (["Germany"] * 6 + ["France"] * 4, "custom", "EUR"),
        (["United States"] * 3 + ["Canada"] * 3 + ["Japan"] * 4, "custom", "INR"),  # no country for most lines
        (["Narnia"] * 5, "online_retail", "GBP"),  # an unknown country: the preset's currency
        ([], "shopify", "INR"),
        (["USA", " USA ", "", None], "shopify", "USD"),
    ],
)
def test_the_guess_prefers_the_country_of_most_lines_then_the_preset(regions, preset, code):
    mapping = PRESETS.get(preset)
    assert guess_currency(mapping, pd.Series(regions, dtype="object")).code == code


def test_no_region_column_reads_nothing(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_date,gmv\n2024-01-01,3\n")
    mapping = guess_mapping(["order_date", "gmv"])
    assert region_values(path, mapping).empty
    assert guess_currency(mapping, region_values(path, mapping)).code == "INR"


def test_a_mapping_picked_role_by_role_still_finds_its_preset():
    from gmvplanner.data.columns import parse_columns

    picked = parse_columns(",".join(f"{r}={c}" for r, c in PRESETS["online_retail"].columns.items()))
    assert picked.name == "custom"
    assert guess_currency(picked).code == "GBP"

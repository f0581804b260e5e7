"""Which currency a shop's orders are in, guessed for the app's mapping step: from the export's country column when
it names one country for most lines, else from the preset the header matched, else the default (INR, ElecKart's)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from ..errors import InputError
from .columns import PRESETS, ColumnMapping
from .ingest import source_sql

__all__ = ["COUNTRY_CURRENCY", "PRESET_CURRENCY", "DEFAULT_CURRENCY", "CurrencyGuess", "guess_currency", "region_values"]

DEFAULT_CURRENCY = "INR"  # ElecKart's, and the app's currency before a guess
COUNTRY_SAMPLE_ROWS = 5_000  # lines read for the country column: enough to see what most lines say, quick on 500k lines
MOST_LINES = 0.5  # a country guesses the currency when more than this share of the read lines name it
# the preset's own currency: the UCI Online Retail export is a UK shop's, in pounds; Shopify's sells in any currency
PRESET_CURRENCY = {"eleckart": "INR", "online_retail": "GBP"}
_EURO = ("germany", "france", "eire", "ireland", "spain", "italy", "netherlands", "belgium", "portugal", "austria",
         "finland", "greece", "luxembourg", "slovenia", "slovakia", "estonia", "latvia", "lithuania", "malta", "cyprus",
         "croatia", "de", "fr", "ie", "es", "it", "nl", "be", "pt", "at", "fi", "gr")  # fmt: skip
# country names and ISO 3166 codes, lower case, as exports write them -> ISO 4217
COUNTRY_CURRENCY = {
    **dict.fromkeys(("united kingdom", "uk", "gb", "gbr", "great britain", "england", "scotland", "wales"), "GBP"),
    **dict.fromkeys(("united states", "united states of america", "usa", "us"), "USD"),
    **dict.fromkeys(("india", "in", "ind"), "INR"),
    **dict.fromkeys(_EURO, "EUR"),
    **dict.fromkeys(("australia", "au"), "AUD"),
    **dict.fromkeys(("canada", "ca"), "CAD"),
    **dict.fromkeys(("japan", "jp"), "JPY"),
    **dict.fromkeys(("switzerland", "ch"), "CHF"),
    **dict.fromkeys(("sweden", "se"), "SEK"),
    **dict.fromkeys(("norway", "no"), "NOK"),
    **dict.fromkeys(("denmark", "dk"), "DKK"),
    **dict.fromkeys(("poland", "pl"), "PLN"),
    **dict.fromkeys(("singapore", "sg"), "SGD"),
    **dict.fromkeys(("brazil", "br"), "BRL"),
}


class CurrencyGuess(NamedTuple):
    """An ISO 4217 code and why it was guessed, in words for the page."""

    code: str
    reason: str


def region_values(path: Path | str, mapping: ColumnMapping, rows: int = COUNTRY_SAMPLE_ROWS) -> pd.Series:
    """The first `rows` cells of the mapping's country/region column (empty when it has none, or it cannot be read)."""
    column = mapping.columns.get("region")
    if column is None:
        return pd.Series(dtype="string")
    try:
        source = source_sql(path, "utf-8", mapping)
    except InputError:
        return pd.Series(dtype="string")
    quoted = '"' + column.replace('"', '""') + '"'
    con = duckdb.connect()
    try:
        frame = con.execute(f"SELECT {quoted} AS region FROM ({source.sql}) AS source LIMIT {int(rows)}").df()
    except duckdb.Error:
        return pd.Series(dtype="string")
    finally:
        con.close()
    return frame["region"].astype("string")


def guess_currency(mapping: ColumnMapping | None, regions: pd.Series | None = None) -> CurrencyGuess:
    """The currency of the orders: the country most lines of `regions` name (when known), else the preset's, else
    DEFAULT_CURRENCY."""
    from_country = _country_guess(regions)
    if from_country is not None:
        return from_country
    preset = _preset_of(mapping)
    if preset in PRESET_CURRENCY:
        return CurrencyGuess(PRESET_CURRENCY[preset], f"the {preset} layout's usual currency")
    return CurrencyGuess(DEFAULT_CURRENCY, "the default; no country column says otherwise")


def _preset_of(mapping: ColumnMapping | None) -> str:
    """The preset whose columns `mapping` has (a mapping picked role by role is 'custom' even when it is one)."""
    if mapping is None:
        return ""
    return next((name for name, preset in PRESETS.items() if preset.columns == mapping.columns), mapping.name)


def _country_guess(regions: pd.Series | None) -> CurrencyGuess | None:
    """The currency of the country that most of `regions` name, when it is known and they are more than half."""
    if regions is None:
        return None
    named = regions.dropna().astype(str).str.strip()
    named = named[named != ""]
    if named.empty:
        return None
    shares = named.value_counts(normalize=True)
    country, share = str(shares.index[0]), float(shares.iloc[0])
    code = COUNTRY_CURRENCY.get(country.lower())
    if code is None or share <= MOST_LINES:
        return None
    return CurrencyGuess(code, f"{share:.0%} of the first {len(named):,} lines are from {country}")

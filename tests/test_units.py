"""Money: one unit object converts, names columns and formats, for crore ₹ and for a table's own unit."""

import pandas as pd
import pytest

from gmvplanner.units import OWN_UNITS, RUPEES_IN_CRORE, MoneyUnit


def test_crore_round_trip_and_column_names():
    assert RUPEES_IN_CRORE.to_base(1.5) == 1.5e7
    assert RUPEES_IN_CRORE.from_base(3e6) == pytest.approx(0.3)
    assert RUPEES_IN_CRORE.column("recommended") == "recommended_crore"
    assert RUPEES_IN_CRORE.name == "crore ₹"


def test_rupees_are_formatted_in_crore_or_lakh():
    assert RUPEES_IN_CRORE.format(1.234e7) == "₹ 1.23 crore"
    assert RUPEES_IN_CRORE.format(3.046e6) == "₹ 30.46 lakh"


def test_own_units_are_never_divided():
    assert OWN_UNITS.from_base(11_500.0) == 11_500.0
    assert OWN_UNITS.format(11_500.0) == "11,500.00"
    assert OWN_UNITS.column("min") == "min_units"


def test_axis_scale_follows_the_largest_value():
    assert RUPEES_IN_CRORE.axis(pd.Series([4e5, 9e5])) == (1e5, "lakh ₹")
    assert RUPEES_IN_CRORE.axis(pd.Series([4e5, 2e7])) == (1e7, "crore ₹")
    assert OWN_UNITS.axis(pd.Series([4e5, 2e7])) == (1.0, "units of the weekly table")


def test_json_round_trip():
    for unit in (RUPEES_IN_CRORE, OWN_UNITS):
        assert MoneyUnit.from_json(unit.to_json()) == unit


def test_other_currencies_in_thousands_and_millions():
    gbp = MoneyUnit.for_currency("gbp")
    assert (gbp.currency, gbp.factor, gbp.name, gbp.column("recommended")) == ("GBP", 1.0, "£", "recommended_gbp")
    assert gbp.format(1_234_567.0) == "£ 1.23 million"
    assert gbp.format(12_345.0) == "£ 12.35 thousand"
    assert gbp.format(12.5) == "£ 12.50"
    assert gbp.axis(pd.Series([4e5, 2e7])) == (1e6, "million £")
    assert gbp.axis(pd.Series([400.0])) == (1.0, "£")
    assert gbp.per_spend() == "£ GMV per £ spent"
    usd = MoneyUnit.for_currency("USD", "million")
    assert (usd.to_base(2.5), usd.name, usd.suffix) == (2.5e6, "million $", "usd_million")
    assert MoneyUnit.for_currency("CHF").format(2e6) == "CHF 2.00 million"
    assert MoneyUnit.for_currency("INR") == RUPEES_IN_CRORE


def test_bad_currency_and_unit_are_named():
    with pytest.raises(ValueError, match="'pounds' is not an ISO 4217"):
        MoneyUnit.for_currency("pounds")
    with pytest.raises(ValueError, match="unknown spend unit 'lakhs'"):
        MoneyUnit.for_currency("INR", "lakhs")


def test_a_manifest_from_before_currencies_reads_as_inr_crore():
    assert MoneyUnit.from_json({"factor": 1e7, "rupees": True, "name": "crore ₹"}) == RUPEES_IN_CRORE
    assert MoneyUnit.from_json({"factor": 1.0, "rupees": False, "name": "units of the weekly table"}) == OWN_UNITS
    gbp = MoneyUnit.for_currency("GBP", "thousand")
    assert MoneyUnit.from_json(gbp.to_json()) == gbp

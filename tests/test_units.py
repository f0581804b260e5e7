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

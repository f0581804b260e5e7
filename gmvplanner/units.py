"""Money: the one place that knows how spend is given (crore ₹ or a table's own unit) and how it is shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import numpy as np
import pandas as pd

__all__ = ["CRORE", "LAKH", "MoneyUnit", "Axis", "RUPEES_IN_CRORE", "OWN_UNITS"]

CRORE = 1e7  # rupees in one crore
LAKH = 1e5  # rupees in one lakh

Amount = TypeVar("Amount", float, np.ndarray, pd.Series, pd.DataFrame)  # one amount or many, in one unit


class Axis(NamedTuple):
    """How a chart axis shows amounts: divide the base-unit values by `divisor` and label the axis `label`."""

    divisor: float
    label: str


@dataclass(frozen=True)
class MoneyUnit:
    """How money enters and leaves the tool.

    Models work in a base unit (₹ for order data, the table's own unit for a weekly table). Spend a user types
    or uploads is in the input unit: `factor` base units per input unit (1e7 for crore ₹, 1 for own units).
    Every column name, message and figure about money goes through this object.
    """

    factor: float
    rupees: bool

    @property
    def name(self) -> str:
        """The input unit in words: 'crore ₹' or 'units of the weekly table'."""
        return "crore ₹" if self.rupees else "units of the weekly table"

    @property
    def suffix(self) -> str:
        """Suffix of money columns in the input unit ('crore' or 'units'), e.g. `recommended_crore`."""
        return "crore" if self.rupees else "units"

    def column(self, stem: str) -> str:
        """A money column's name in the input unit: column('min') -> 'min_crore'."""
        return f"{stem}_{self.suffix}"

    def to_base(self, amount: Amount) -> Amount:
        """Input unit (crore) -> base unit (₹)."""
        return amount * self.factor

    def from_base(self, amount: Amount) -> Amount:
        """Base unit (₹) -> input unit (crore)."""
        return amount / self.factor

    def format(self, amount: float) -> str:
        """A base-unit amount as analysts read it: ₹ in crore from 1 crore up, lakh below; own units plain."""
        if not self.rupees:
            return f"{amount:,.2f}"
        if abs(amount) >= CRORE:
            return f"₹ {amount / CRORE:,.2f} crore"
        return f"₹ {amount / LAKH:,.2f} lakh"

    def axis(self, values: pd.Series | np.ndarray) -> Axis:
        """Divisor and label for a chart axis of base-unit amounts: crore ₹ when values reach a crore, lakh ₹
        below; own units as they are."""
        if not self.rupees:
            return Axis(1.0, self.name)
        top = float(np.nanmax(np.abs(np.asarray(values, float)))) if np.size(values) else 0.0
        return Axis(CRORE, "crore ₹") if top >= CRORE else Axis(LAKH, "lakh ₹")

    def to_json(self) -> dict:
        """The unit as the manifest stores it."""
        return {"factor": self.factor, "rupees": self.rupees, "name": self.name}

    @classmethod
    def from_json(cls, data: dict) -> MoneyUnit:
        """The unit the manifest stored (`to_json`)."""
        return cls(factor=float(data["factor"]), rupees=bool(data["rupees"]))


RUPEES_IN_CRORE = MoneyUnit(factor=CRORE, rupees=True)  # order data: media files in crore, models in ₹
OWN_UNITS = MoneyUnit(factor=1.0, rupees=False)  # a weekly table: everything in the table's own unit

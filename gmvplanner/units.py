"""Money: the one place that knows the currency, how spend is given (crore ₹, millions of £, a table's own unit)
and how amounts are shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import numpy as np
import pandas as pd

__all__ = ["ISO_4217", "CRORE", "LAKH", "SYMBOLS", "SPEND_UNITS", "MoneyUnit", "Axis", "RUPEES_IN_CRORE", "OWN_UNITS"]

CRORE = 1e7  # rupees in one crore
LAKH = 1e5  # rupees in one lakh

Amount = TypeVar("Amount", float, np.ndarray, pd.Series, pd.DataFrame)  # one amount or many, in one unit


class Axis(NamedTuple):
    """How a chart axis shows amounts: divide the base-unit values by `divisor` and label the axis `label`."""

    divisor: float
    label: str


# ISO 4217 code -> the symbol shown before amounts (other codes show the code itself)
SYMBOLS = {"INR": "₹", "GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥", "CNY": "¥", "AUD": "A$", "CAD": "C$", "CHF": "CHF"}
# the words a spend unit can be given in (--spend-unit), and how many currency units each holds
SPEND_UNITS = {"one": 1.0, "thousand": 1e3, "lakh": LAKH, "million": 1e6, "crore": CRORE, "billion": 1e9}
# the steps money is shown in: lakh and crore for rupees, thousands and millions for every other currency
_STEPS_INR = ((CRORE, "crore"), (LAKH, "lakh"))
_STEPS_OTHER = ((1e6, "million"), (1e3, "thousand"))
# one channel's spend in one row of a media file or scenario, in base units: ₹1 lakh crore (`limits.MAX_SPEND_CRORE`)
MAX_SPEND_BASE = 1e12
OWN_UNITS_MAX_SPEND = 1e5  # a weekly table's artifacts keep the limit they had (`limits.MAX_SPEND_CRORE`)
# ISO 4217 codes of the currencies in use (the 2024 list, funds and metals left out): a money code outside it is a typo
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
    CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
    TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
    """.split()
)


def _iso_code(code: str) -> str:
    """A currency code as ISO 4217 writes it (three letters, upper case); anything else is refused by name."""
    text = code.strip().upper()
    if text not in ISO_4217:
        raise ValueError(f"'{code}' is not an ISO 4217 currency code (three letters, e.g. INR, GBP, USD, EUR)")
    return text


@dataclass(frozen=True)
class MoneyUnit:
    """How money enters and leaves the tool.

    Models work in a base unit (the currency's own unit for order data, ₹ for ElecKart; the table's own unit for a
    weekly table). Spend a user types or uploads is in the input unit: `factor` base units per input unit (1e7 for
    crore ₹, 1e6 for a spend file in millions, 1 for own units). Every column name, message and figure about money
    goes through this object.

    Attributes:
        factor: base units per input unit;
        rupees: kept for old callers: the currency is INR;
        currency: ISO 4217 code of order data ('' for a weekly table's own units);
        spend_unit: the input unit in words ('crore', 'million', 'one', ...; see SPEND_UNITS).
    """

    factor: float
    rupees: bool
    currency: str = "INR"
    spend_unit: str = "crore"

    @classmethod
    def for_currency(cls, currency: str = "INR", spend_unit: str | None = None) -> MoneyUnit:
        """Order data in `currency` with spend given in `spend_unit` (default: crore for INR, whole units otherwise);
        a bad code or unit raises ValueError naming the valid ones."""
        code = _iso_code(currency)
        unit = spend_unit or ("crore" if code == "INR" else "one")
        if unit not in SPEND_UNITS:
            raise ValueError(f"unknown spend unit '{unit}'; choose one of {list(SPEND_UNITS)}")
        return cls(factor=SPEND_UNITS[unit], rupees=code == "INR", currency=code, spend_unit=unit)

    @property
    def is_currency(self) -> bool:
        """Whether amounts are in a currency (order data), not a weekly table's own unit."""
        return bool(self.currency)

    @property
    def symbol(self) -> str:
        """The currency's symbol ('₹', '£', '$', '€'), its code for others, '' for own units."""
        return SYMBOLS.get(self.currency, self.currency)

    @property
    def name(self) -> str:
        """The input unit in words: 'crore ₹', '£', 'million $' or 'units of the weekly table'."""
        if not self.is_currency:
            return "units of the weekly table"
        return self.symbol if self.spend_unit == "one" else f"{self.spend_unit} {self.symbol}"

    @property
    def suffix(self) -> str:
        """Suffix of money columns in the input unit ('crore', 'gbp', 'gbp_million' or 'units'), e.g. `recommended_crore`."""
        if not self.is_currency:
            return "units"
        if self.currency == "INR" and self.spend_unit == "crore":
            return "crore"
        code = self.currency.lower()
        return code if self.spend_unit == "one" else f"{code}_{self.spend_unit}"

    def column(self, stem: str) -> str:
        """A money column's name in the input unit: column('min') -> 'min_crore'."""
        return f"{stem}_{self.suffix}"

    def to_base(self, amount: Amount) -> Amount:
        """Input unit (crore) -> base unit (₹)."""
        return amount * self.factor

    def from_base(self, amount: Amount) -> Amount:
        """Base unit (₹) -> input unit (crore)."""
        return amount / self.factor

    @property
    def _steps(self) -> tuple[tuple[float, str], ...]:
        return _STEPS_INR if self.currency == "INR" else _STEPS_OTHER

    def format(self, amount: float) -> str:
        """A base-unit amount as analysts read it: ₹ in crore from 1 crore up, lakh below; other currencies in
        millions from a million up, thousands from a thousand, plain below; own units plain."""
        if not self.is_currency:
            return f"{amount:,.2f}"
        big, small = self._steps
        if abs(amount) >= big[0]:
            return f"{self.symbol} {amount / big[0]:,.2f} {big[1]}"
        if abs(amount) >= small[0] or self.currency == "INR":
            return f"{self.symbol} {amount / small[0]:,.2f} {small[1]}"
        return f"{self.symbol} {amount:,.2f}"

    def axis(self, values: pd.Series | np.ndarray) -> Axis:
        """Divisor and label for a chart axis of base-unit amounts: crore ₹ when values reach a crore, lakh ₹
        below (millions and thousands for other currencies); own units as they are."""
        if not self.is_currency:
            return Axis(1.0, self.name)
        top = float(np.nanmax(np.abs(np.asarray(values, float)))) if np.size(values) else 0.0
        big, small = self._steps
        if top >= big[0]:
            return Axis(big[0], f"{big[1]} {self.symbol}")
        if top >= small[0] or self.currency == "INR":
            return Axis(small[0], f"{small[1]} {self.symbol}")
        return Axis(1.0, self.symbol)

    @property
    def max_spend(self) -> float:
        """The largest plausible spend of one channel in one row, in the input unit (1e5 for crore ₹, as before)."""
        return MAX_SPEND_BASE / self.factor if self.is_currency else OWN_UNITS_MAX_SPEND

    def per_spend(self) -> str:
        """How a return on spend is read: '₹ GMV per ₹ spent', '£ GMV per £ spent' or 'GMV per unit spent'."""
        return f"{self.symbol} GMV per {self.symbol} spent" if self.is_currency else "GMV per unit spent"

    def amount_label(self, what: str) -> str:
        """A table header for amounts in the base unit: 'mean order value (£)', or the words alone for own units."""
        return f"{what} ({self.symbol})" if self.is_currency else what

    def to_json(self) -> dict:
        """The unit as the manifest stores it."""
        return {
            "factor": self.factor,
            "rupees": self.rupees,
            "name": self.name,
            "currency": self.currency,
            "spend_unit": self.spend_unit,
        }

    @classmethod
    def from_json(cls, data: dict) -> MoneyUnit:
        """The unit the manifest stored (`to_json`); a manifest from before currencies reads as INR crore (order
        data) or own units (a weekly table)."""
        rupees = bool(data["rupees"])
        currency = data.get("currency", "INR" if rupees else "")
        spend_unit = data.get("spend_unit", "crore" if rupees else "one")
        return cls(factor=float(data["factor"]), rupees=rupees, currency=currency, spend_unit=spend_unit)


RUPEES_IN_CRORE = MoneyUnit(factor=CRORE, rupees=True)  # order data: media files in crore, models in ₹
OWN_UNITS = MoneyUnit(factor=1.0, rupees=False, currency="", spend_unit="one")  # a weekly table: the table's own unit

"""Plausible ranges of the numbers a user gives, in one place (docs/training.md's bad-input section lists them).

A value outside its range is refused with file, column and row (or, for order lines, dropped and reported by the
cleaning stage): such values are typing or export errors, and one of them can swamp a month of real data.
"""

from __future__ import annotations

__all__ = [
    "MAX_ORDER_LINE_RUPEES",
    "MAX_UNITS",
    "MAX_SPEND_CRORE",
    "MAX_AMOUNT",
    "NPS_RANGE",
    "EARLIEST_DATE",
    "LATEST_DATE",
]

MAX_ORDER_LINE_RUPEES = 1e8  # GMV or MRP of one order line: ₹10 crore
MAX_UNITS = 1e5  # units on one order line
MAX_SPEND_CRORE = 1e5  # one channel's spend in one row (month, week or day) of a media file or scenario: ₹1 lakh crore
MAX_AMOUNT = 1e15  # any amount in a weekly table's own unit, a budget or a bound: beyond it sums lose precision
NPS_RANGE = (-100.0, 100.0)  # net promoter score
EARLIEST_DATE = "1990-01-01"  # dates outside these are typing errors (and beyond pandas' range near 2262)
LATEST_DATE = "2100-12-31"

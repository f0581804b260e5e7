"""Training's options for a shop's own orders: the column mapping, returns, the currency and the subcategories."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import DEFAULT_SUBCATEGORIES, TOP_SUBCATEGORIES
from .common import positive_int

if TYPE_CHECKING:  # imported when training starts, so --help and option errors stay fast
    from ..data.columns import ColumnMapping
    from ..units import MoneyUnit

__all__ = ["add_layout_options", "check_layout_options", "column_mapping", "money_unit", "chosen_subcategories"]

# the presets' names, repeated here so --help does not import the data package (tests check they agree)
PRESET_NAMES = ("eleckart", "online_retail", "shopify")
SPEND_UNIT_NAMES = ("one", "thousand", "lakh", "million", "crore", "billion")


def add_layout_options(p: argparse.ArgumentParser) -> None:
    """--columns, --columns-file, --columns-preset, --cancelled-prefix, --net-of-returns, --currency,
    --spend-unit and --top-subcategories."""
    g = p.add_argument_group("your own orders (see docs/your-data.md)")
    g.add_argument(
        "--columns",
        help="role=column pairs naming your export's columns, e.g. order_date=InvoiceDate,price=UnitPrice,units=Quantity"
        " (roles: order_date, gmv or price with units, order_id, line_id, customer_id, subcategory, vertical, "
        "product_mrp, sla, procurement_sla, payment_type, status, sku, region; date_format=%%m/%%d/%%Y %%H:%%M reads "
        "other date layouts)",
    )
    g.add_argument("--columns-file", type=Path, help="the same mapping as a CSV role,column (see data/columns_*.csv)")
    g.add_argument(
        "--columns-preset",
        choices=PRESET_NAMES,
        help="a known export layout (default: eleckart, the ElecKart ConsumerElectronics columns)",
    )
    g.add_argument(
        "--cancelled-prefix",
        help="an order id starting with this is a cancelled order (e.g. C; the online_retail preset sets it)",
    )
    g.add_argument(
        "--net-of-returns",
        action="store_true",
        help="GMV net of returns: negative lines subtract (default: gross; returns and cancellations are dropped and "
        "counted in the cleaning report)",
    )
    g.add_argument("--currency", default="INR", help="ISO 4217 code of the orders' money, e.g. GBP, USD, EUR (default: INR)")
    g.add_argument(
        "--spend-unit",
        choices=SPEND_UNIT_NAMES,
        help="the unit of the media file and of scenarios (default: crore for INR, whole currency units otherwise)",
    )
    g.add_argument(
        "--top-subcategories",
        type=positive_int,
        help=f"without --subcategories, train the N largest subcategories by GMV (default for your own export: "
        f"{TOP_SUBCATEGORIES}; the ElecKart layout trains {','.join(DEFAULT_SUBCATEGORIES)})",
    )


def _mapping_options(args: argparse.Namespace) -> list[str]:
    """The options given that say how to read the orders' columns."""
    given = [o for o, v in (("--columns", args.columns), ("--columns-file", args.columns_file)) if v is not None]
    return given + (["--columns-preset"] if args.columns_preset is not None else [])


def check_layout_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Checks across these options; the first that fails exits 2 through `parser.error`."""
    given = _mapping_options(args)
    if len(given) > 1:
        parser.error(f"{given[0]} and {given[1]} both give the column mapping; give one")
    if args.subcategories is not None and args.top_subcategories is not None:
        parser.error("--subcategories names the subcategories; --top-subcategories picks them; give one")
    reads_orders = bool(given) or args.net_of_returns or args.cancelled_prefix is not None
    if args.weekly is not None and reads_orders:
        parser.error("--columns and the returns options read orders; a --weekly table names its columns itself")
    if args.engine == "spark" and reads_orders:
        parser.error("a column mapping and the returns options need --engine duckdb")
    from ..units import ISO_4217

    if args.currency.strip().upper() not in ISO_4217:
        parser.error(f"--currency '{args.currency}' is not an ISO 4217 code (three letters, e.g. INR, GBP, USD, EUR)")


def column_mapping(args: argparse.Namespace) -> ColumnMapping | None:
    """The mapping the options give (None: the ElecKart layout); read here so a bad file exits 2 naming it."""
    from ..data.columns import load_columns_file, parse_columns, preset

    mapping = None
    if args.columns is not None:
        mapping = parse_columns(args.columns)
    elif args.columns_file is not None:
        mapping = load_columns_file(args.columns_file)
    elif args.columns_preset is not None:
        mapping = preset(args.columns_preset)
    if args.cancelled_prefix is not None:
        if mapping is None or mapping.is_eleckart:
            from ..errors import InputError

            raise InputError("--cancelled-prefix", "applies to a shop's own export; give its --columns too")
        mapping = mapping.with_options(args.cancelled_prefix)
    if args.net_of_returns and (mapping is None or mapping.is_eleckart):
        from ..errors import InputError

        raise InputError("--net-of-returns", "applies to a shop's own export read with --columns or a preset")
    return mapping


def money_unit(args: argparse.Namespace) -> MoneyUnit:
    """The money unit --currency and --spend-unit describe."""
    from ..units import MoneyUnit

    return MoneyUnit.for_currency(args.currency, args.spend_unit)


def chosen_subcategories(args: argparse.Namespace, mapping: ColumnMapping | None) -> tuple[str, ...] | None:
    """The subcategories to train: the named ones; for the ElecKart layout without --top-subcategories, its three
    as before; otherwise None (the pipeline takes the largest by GMV)."""
    if args.subcategories is not None:
        return tuple(args.subcategories)
    if args.top_subcategories is None and (mapping is None or mapping.is_eleckart):
        return DEFAULT_SUBCATEGORIES
    return None

"""Which column of a shop's order export plays which role: the roles, the presets, and reading a mapping.

A mapping renames the shop's columns to the roles the cleaning SQL reads (`order_sql`), right where the file is
read (`mapped_source.mapped_source`), and fills the optional roles it lacks with neutral values: no subcategory puts every
line in one group named `all`; no units counts each line as one unit; GMV is `price x units` when the export has
a unit price instead of a line amount; missing levers (MRP, SLAs) and mixes (vertical, payment type) stay unknown.
The ElecKart layout is the default and reads the file exactly as before (no mapping at all).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError
from .names import CUSTOMER_ID

__all__ = [
    "ROLES",
    "CANCELLED_STATUSES",
    "ALL_GROUP",
    "ColumnMapping",
    "PRESETS",
    "preset",
    "parse_columns",
    "load_columns_file",
    "guess_mapping",
]

# role -> what it holds (docs/your-data.md's roles table is this dictionary)
ROLES = {
    "order_date": "date and time of the order line (required)",
    "gmv": "the line's amount (quantity x price); or give price and units",
    "price": "unit price of the line; GMV is price x units",
    "units": "quantity on the line (default 1); negative for a return",
    "order_id": "order or invoice number (cancellations by --cancelled-prefix)",
    "line_id": "order line id (read, not used)",
    "customer_id": "customer id or e-mail; lines without one are no customer",
    "subcategory": "product category (default: one group named all)",
    "vertical": "finer product group (a mix feature)",
    "product_mrp": "list price per unit (the discount lever)",
    "sla": "promised delivery days",
    "procurement_sla": "procurement days",
    "payment_type": "payment method (a mix feature)",
    "status": "order status; cancelled, canceled, voided or refunded cancel the order",
    "sku": "product code (read, not used)",
    "region": "country or region (read, not used)",
}
REQUIRED = ("order_date",)
CANCELLED_STATUSES = ("cancelled", "canceled", "voided", "refunded")  # a status cell (any case) that cancels its order
ALL_GROUP = "all"  # the one group of a shop without a subcategory column
# role -> the ElecKart column the cleaning SQL reads it under (roles not here are read only for checks)
ELECKART = {
    "order_date": "order_date",
    "gmv": "gmv",
    "units": "units",
    "sla": "sla",
    "product_mrp": "product_mrp",
    "procurement_sla": "product_procurement_sla",
    "payment_type": "s1_fact.order_payment_type",
    "subcategory": "product_analytic_sub_category",
    "vertical": "product_analytic_vertical",
    "customer_id": CUSTOMER_ID,
    "order_id": "order_id",
}
SOURCE_PREFIX = "source:"  # the export's own columns, kept under this prefix so exact duplicates compare all of them


@dataclass(frozen=True)
class ColumnMapping:
    """A shop's export layout.

    Attributes:
        columns: role -> the export's column;
        date_format: strptime format of the order date (None: YYYY-MM-DD hh:mm:ss as ElecKart writes it); a
            trailing time-zone offset (+0100) is ignored, so days are the shop's local days;
        cancelled_prefix: an order id starting with this marks a cancelled order (e.g. C); None: none;
        name: the preset's name, or 'custom'.
    """

    columns: dict[str, str]
    date_format: str | None = None
    cancelled_prefix: str | None = None
    name: str = "custom"
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.date_format is not None:
            check_date_format(self.date_format, "date_format")
        unknown = sorted(set(self.columns) - set(ROLES))
        if unknown:
            raise InputError("--columns", f"unknown role '{unknown[0]}'; the roles are {list(ROLES)}")
        if "order_date" not in self.columns:
            raise InputError("--columns", "the role order_date is required (the column holding the order date)")
        if "gmv" not in self.columns and "price" not in self.columns:
            raise InputError("--columns", "give gmv (the line amount) or price (with units) among the roles")
        if "gmv" in self.columns and "price" in self.columns:
            raise InputError("--columns", "give gmv or price, not both")
        if self.cancelled_prefix and "order_id" not in self.columns:
            raise InputError("--cancelled-prefix", "needs the role order_id (the column the prefix is on)")
        twice = _repeated(list(self.columns.values()))
        if twice:
            roles = [r for r, c in self.columns.items() if c == twice]
            raise InputError(
                "--columns", f"column '{twice}' is given two roles ({roles[0]} and {roles[1]}); give each column one role"
            )

    @property
    def is_eleckart(self) -> bool:
        """Whether this is the ElecKart layout read as before (no renaming, no returns rules)."""
        return self.name == "eleckart"

    def source_of(self, internal: str) -> str:
        """The export's column behind an ElecKart column name (for error messages); itself when not mapped."""
        by_internal = {ELECKART[r]: c for r, c in self.columns.items() if r in ELECKART}
        if internal == "gmv" and "price" in self.columns:
            return self.columns["price"]
        return by_internal.get(internal, internal)

    def check_header(self, path: Path | str, names: list[str]) -> None:
        """Every mapped column is in the file's header, else an error naming it and what was found."""
        for role, column in self.columns.items():
            if column not in names:
                raise InputError(path, f"column '{column}' (role {role}) missing; found {names}", column=column)

    def with_options(self, cancelled_prefix: str | None) -> ColumnMapping:
        """This mapping with --cancelled-prefix applied (when given)."""
        if cancelled_prefix is None:
            return self
        return ColumnMapping(dict(self.columns), self.date_format, cancelled_prefix or None, self.name)

    def with_name(self, name: str) -> ColumnMapping:
        """This mapping under another name (a preset read from a file is 'custom')."""
        return ColumnMapping(dict(self.columns), self.date_format, self.cancelled_prefix, name)

    def to_json(self) -> dict:
        """The mapping as the manifest records it."""
        return {
            "preset": self.name,
            "columns": dict(self.columns),
            "date_format": self.date_format,
            "cancelled_prefix": self.cancelled_prefix,
        }


# a date and time every strptime format can write and read back: a format that cannot is not a format
_SAMPLE_TIME = datetime(2015, 10, 17, 15, 11, 54, tzinfo=UTC)


def check_date_format(fmt: str, source: str) -> None:
    """Refuse a date_format that is not a strptime format with a year, a month and a day, blaming `source` (the
    option or mapping file that gave it) rather than the orders file it would then fail to read."""
    example = "e.g. %d/%m/%Y %H:%M for 17/10/2015 15:11"
    try:
        datetime.strptime(_SAMPLE_TIME.strftime(fmt), fmt)
    except ValueError as exc:
        raise InputError(source, f"date_format '{fmt}' is not a strptime format ({exc}); {example}") from None
    missing = [
        part
        for part, codes in (("year", "%Y %y"), ("month", "%m %b %B"), ("day", "%d %j"))
        if not any(code in fmt for code in codes.split())
    ]
    if missing:
        raise InputError(
            source, f"date_format '{fmt}' has no {' or '.join(missing)} (strptime codes such as %Y %m %d); {example}"
        )


def _repeated(items: list[str]) -> str | None:
    """The first item given twice, or None."""
    seen: set[str] = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


PRESETS = {
    "eleckart": ColumnMapping({r: c for r, c in ELECKART.items() if r != "order_id"}, name="eleckart"),
    # the UCI "Online Retail" export: one line per invoice line, cancellations are invoices "C..." with negative quantity
    "online_retail": ColumnMapping(
        {
            "order_id": "InvoiceNo",
            "sku": "StockCode",
            "units": "Quantity",
            "order_date": "InvoiceDate",
            "price": "UnitPrice",
            "customer_id": "CustomerID",
            "region": "Country",
        },
        date_format="%m/%d/%Y %H:%M",
        cancelled_prefix="C",
        name="online_retail",
    ),
    # Shopify's orders export: one line per line item, the order's status on its lines
    "shopify": ColumnMapping(
        {
            "order_id": "Name",
            "order_date": "Created at",
            "units": "Lineitem quantity",
            "price": "Lineitem price",
            "customer_id": "Email",
            "sku": "Lineitem sku",
            "subcategory": "Vendor",
            "payment_type": "Payment Method",
            "status": "Financial Status",
            "region": "Shipping Country",
        },
        date_format="%Y-%m-%d %H:%M:%S",
        name="shopify",
    ),
}


def preset(name: str) -> ColumnMapping:
    """A preset by name; an unknown name lists the presets."""
    if name not in PRESETS:
        raise InputError("--columns-preset", f"unknown preset '{name}'; choose one of {list(PRESETS)}")
    return PRESETS[name]


_OPTIONS = ("date_format", "cancelled_prefix")  # settings a mapping may carry beside its roles


def parse_columns(text: str, source: str = "--columns") -> ColumnMapping:
    """`role=column,...` (with optional date_format=... and cancelled_prefix=...) as a mapping."""
    pairs = []
    for item in (s for s in text.split(",") if s.strip()):
        role, sep, column = item.partition("=")
        if not sep or not role.strip() or not column.strip():
            raise InputError(source, f"'{item.strip()}' is not role=column (e.g. order_date=InvoiceDate)")
        pairs.append((role.strip(), column.strip()))
    return _mapping(pairs, source)


def _mapping(pairs: list[tuple[str, str]], source: str) -> ColumnMapping:
    """Role/column pairs (and settings) as a mapping: a role given twice is refused."""
    twice = _repeated([r for r, _ in pairs])
    if twice:
        raise InputError(source, f"role '{twice}' is given twice; give each role one column")
    settings = {r: c for r, c in pairs if r in _OPTIONS}
    if "date_format" in settings:
        check_date_format(settings["date_format"], source)
    columns = {r: c for r, c in pairs if r not in _OPTIONS}
    mapping = ColumnMapping(columns, settings.get("date_format"), settings.get("cancelled_prefix"))
    if mapping.columns == PRESETS["eleckart"].columns and not settings:
        return PRESETS["eleckart"]
    return mapping


def load_columns_file(path: Path) -> ColumnMapping:
    """A mapping file: CSV `role,column` with that header (date_format and cancelled_prefix may be rows too);
    lines starting with # are comments."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text; save the mapping as UTF-8") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    rows = list(csv.reader(lines))
    if not rows or [c.strip().lower() for c in rows[0]] != ["role", "column"]:
        raise InputError(path, "expected the header role,column (then one role,column pair a line)", row=1)
    pairs: list[tuple[str, str]] = []
    for number, row in zip(_line_numbers(text), rows[1:]):
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise InputError(path, f"expected role,column; found {row}", row=number)
        _check_file_row(path, number, row[0].strip(), row[1].strip(), pairs)
        pairs.append((row[0].strip(), row[1].strip()))
    try:
        return _mapping(pairs, str(path))
    except InputError as exc:  # a rule across rows (a required role missing): the file, not an option, is named
        raise InputError(path, exc.message) from None


def _line_numbers(text: str) -> list[int]:
    """The file's line number of each data row (after the header), skipping blank and comment lines as the reader
    does."""
    kept = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.lstrip().startswith("#")]
    return kept[1:]


def _check_file_row(path: Path, number: int, role: str, column: str, earlier: list[tuple[str, str]]) -> None:
    """One row of a mapping file: a known role or setting, not given before, a column no earlier role took, and a
    readable date_format; each error names the file and the row."""
    if role not in ROLES and role not in _OPTIONS:
        raise InputError(path, f"unknown role '{role}'; the roles are {list(ROLES)} (settings: {list(_OPTIONS)})", row=number)
    if role in dict(earlier):
        raise InputError(path, f"role '{role}' is given twice; give each role one column", row=number)
    if role == "date_format":
        check_date_format(column, f"{path} row {number}")
    elif column in {c for r, c in earlier if r not in _OPTIONS}:
        raise InputError(path, f"column '{column}' is given two roles; give each column one role", row=number)


# role -> spellings seen in shop exports (lower case, without spaces, dots or underscores), for the app's guess
_SYNONYMS = {
    "order_date": ("orderdate", "invoicedate", "createdat", "date", "orderdatetime", "timestamp", "processedat"),
    "gmv": ("gmv", "amount", "lineamount", "linetotal", "sales", "revenue", "total"),
    "price": ("unitprice", "price", "lineitemprice", "itemprice"),
    "units": ("units", "quantity", "qty", "lineitemquantity"),
    "order_id": ("orderid", "invoiceno", "invoice", "name", "ordernumber"),
    "line_id": ("orderitemid", "lineid", "lineitemid"),
    "customer_id": ("custid", "customerid", "customer", "email", "customeremail"),
    "subcategory": ("productanalyticsubcategory", "subcategory", "category", "producttype", "vendor"),
    "vertical": ("productanalyticvertical", "vertical"),
    "product_mrp": ("productmrp", "mrp", "listprice", "compareatprice"),
    "sla": ("sla",),
    "procurement_sla": ("productprocurementsla", "procurementsla"),
    "payment_type": ("s1factorderpaymenttype", "paymenttype", "paymentmethod"),
    "status": ("status", "financialstatus", "orderstatus"),
    "sku": ("sku", "stockcode", "lineitemsku", "fsnid"),
    "region": ("country", "region", "shippingcountry"),
}


def _plain(name: str) -> str:
    return re.sub(r"[\s._\-]", "", name.lower())


def guess_mapping(header: list[str]) -> ColumnMapping | None:
    """The preset whose columns the header holds (ElecKart, then the others), else a guess from the columns'
    names; None when no date or amount column can be told."""
    for candidate in PRESETS.values():
        if set(candidate.columns.values()) <= set(header):
            return candidate
    plain = {_plain(n): n for n in header}
    columns: dict[str, str] = {}
    for role, spellings in _SYNONYMS.items():
        found = next((plain[s] for s in spellings if s in plain and plain[s] not in columns.values()), None)
        if found is not None:
            columns[role] = found
    if "gmv" in columns and "price" in columns:
        del columns["price"]
    try:
        return ColumnMapping(columns)
    except InputError:
        return None

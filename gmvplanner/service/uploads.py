"""Uploaded files, checked on upload with the loader of their role; how uploaded orders are read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..data.columns import ColumnMapping
from ..units import MoneyUnit

__all__ = ["OrdersLayout", "UploadCheck", "validate_upload"]


class OrdersLayout(NamedTuple):
    """How uploaded orders are read: their column mapping (None: ElecKart), their money, gross or net of returns."""

    mapping: ColumnMapping | None
    money: MoneyUnit
    net_of_returns: bool = False


@dataclass(frozen=True)
class UploadCheck:
    """What an uploaded file holds, in one line, and (for orders) the subcategories it sells."""

    summary: str
    subcategories: tuple[str, ...] = ()


def validate_upload(path: Path, role: str, layout: OrdersLayout | None = None) -> UploadCheck:
    """Read an uploaded file with the loader for its role (orders as `layout` says, None: the ElecKart layout);
    raises InputError naming what is wrong."""
    from ..data import calendars
    from ..data.ingest import aggregate_orders
    from ..data.lift_tests import load_lift_tests
    from ..data.media import load_media
    from ..model.fixed_transforms import load_transforms

    if role == "orders":
        mapping, net = (layout.mapping, layout.net_of_returns) if layout is not None else (None, False)
        orders = aggregate_orders(path, mapping=mapping, net_of_returns=net)
        first, last = orders.span
        by_gmv = orders.daily.groupby("subcategory")["gmv"].sum().sort_values(ascending=False)
        return UploadCheck(f"{orders.rows_read[0]:,} order rows, {first.date()} to {last.date()}", tuple(by_gmv.index))
    if role == "media":
        media = load_media(path)
        return UploadCheck(f"{media.layout} spend for {len(media.channels)} channels, {media.start.date()} to {media.end.date()}")
    if role == "transforms":
        fixed = load_transforms(path)
        return UploadCheck(
            f"carry-over or saturation fixed for {len(set(fixed.decay) | set(fixed.half_saturation_multiple))} channels"
        )
    if role == "lift_tests":
        return UploadCheck(f"{len(load_lift_tests(path).table)} lift tests")
    loader = {"sale_calendar": calendars.load_sale_calendar, "nps": calendars.load_nps, "holidays": calendars.load_holidays}[role]
    return UploadCheck(f"{len(loader(path))} rows")

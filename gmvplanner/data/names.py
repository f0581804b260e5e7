"""The order file's column names that its readers, the column mapping, the cleaning SQL and the customer step share.

They live here, apart from those modules, so each can read them without importing another: the four used to import
each other in a circle (`columns` -> `customers` -> `order_sql` -> `columns`, `order_files`) for a few names.
"""

from __future__ import annotations

__all__ = ["ORDER_FIELDS", "CUSTOMER_ID", "ORDER_ID", "CANCELLED"]

# column in the ElecKart file -> name used inside the pipeline
ORDER_FIELDS = {
    "order_date": "order_date",
    "gmv": "gmv",
    "units": "units",
    "sla": "sla",
    "product_mrp": "product_mrp",
    "product_procurement_sla": "procurement_sla",
    "s1_fact.order_payment_type": "payment_type",
    "product_analytic_sub_category": "subcategory",
    "product_analytic_vertical": "vertical",
}
CUSTOMER_ID = "cust_id"  # the order file's customer column; optional (without it there is no customer step)
ORDER_ID = "order_id"  # the order file's order id column; optional (without it, orders are counted as lines)
CANCELLED = "line_cancelled"  # a mapped source's flag: the line's order is cancelled (see `mapped_source`)

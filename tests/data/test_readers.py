"""The input contract: what is not a table, missing files, and the shared row-numbered errors."""

import pytest

from gmvplanner.data.ingest import aggregate_orders
from gmvplanner.data.readers import read_table
from gmvplanner.errors import InputError

from .files import ORDERS_HEADER


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a table"),
        (ORDERS_HEADER.encode() + b"\n", "no data rows"),
        (b"just one column\nvalue\n", "not a table"),
    ],
)
def test_files_that_are_not_tables(tmp_path, content, message):
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_table(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        aggregate_orders(tmp_path / "nope.csv")

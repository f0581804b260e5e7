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


def test_a_path_that_cannot_be_opened_says_why(tmp_path):
    from gmvplanner.data.readers import check_file, path_problem

    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "dangling.csv").symlink_to(tmp_path / "gone.csv")
    (tmp_path / "fine.csv").write_text("a,b\n1,2\n")
    assert "symlink loop" in path_problem(tmp_path / "a")
    assert "symlink loop" in path_problem(tmp_path / "a" / "inside.csv")
    assert path_problem(tmp_path / "dangling.csv") == f"is a link to {tmp_path / 'gone.csv'}, which does not exist"
    assert path_problem(tmp_path / "missing.csv") is None and path_problem(tmp_path / "fine.csv") is None
    with pytest.raises(InputError, match=r"dangling.csv: is a link to .*gone.csv, which does not exist"):
        check_file(tmp_path / "dangling.csv")


def test_an_unreadable_file_is_refused_in_plain_words(tmp_path, monkeypatch):
    """As root no permission stops a read, so the refusal the system gives a user is played here."""
    path = tmp_path / "media.csv"
    path.write_text("a,b\n1,2\n")
    real_open = open

    def refusing_open(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refusing_open)
    with pytest.raises(InputError, match=r"media.csv: cannot be read \(Permission denied\)"):
        read_table(path)

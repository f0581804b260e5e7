"""docs/cli.md is the parsers' own --help: regenerated, it comes out the same (so a new option cannot go unlisted)."""

from gmvplanner.cli.reference import cli_reference
from gmvplanner.config import ROOT


def test_the_cli_reference_in_docs_is_up_to_date():
    written = (ROOT / "docs" / "cli.md").read_text()
    assert written == cli_reference(), "docs/cli.md is stale: python -m gmvplanner.cli.reference > docs/cli.md"
    for command in ("ecommerce_training.py", "ecommerce_testing.py predict", "ecommerce_testing.py scenarios export"):
        assert f"## `{command}`" in written
    assert "--target-roi" in written and "--lift-tests" in written

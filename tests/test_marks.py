"""The marks tests/conftest.py gives by rule reach every test they are meant for."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).parent
LAUNCH = "chromium" + ".launch("  # split, so this file does not name itself


def test_every_file_that_launches_chromium_gets_the_browser_mark():
    """conftest marks `browser` by file name (test_browser*.py): a browser test in a file named otherwise would run
    unmarked, as the sign-in test once did."""
    launching = sorted(str(p.relative_to(TESTS)) for p in TESTS.rglob("test_*.py") if LAUNCH in p.read_text(encoding="utf-8"))
    assert "e2e/test_browser.py" in launching
    assert [p for p in launching if not Path(p).name.startswith("test_browser")] == []

"""Words every report shows the same way: the name of the intervals drawn around estimates."""

from __future__ import annotations

from ..config import INTERVAL_COVERAGE

__all__ = ["INTERVAL_COVERAGE", "INTERVAL_LABEL"]

INTERVAL_LABEL = f"{INTERVAL_COVERAGE:.0%} interval"  # "80% interval": the central interval every estimate carries

"""Words every report shows the same way: the name of the intervals drawn around estimates."""

from __future__ import annotations

from ..config import INTERVAL_COVERAGE, INTERVAL_LABEL  # defined with the coverage, so the analysis can name it too

__all__ = ["INTERVAL_COVERAGE", "INTERVAL_LABEL"]

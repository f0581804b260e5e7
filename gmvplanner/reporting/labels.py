"""Words every report shows the same way: the name of the intervals drawn around estimates."""

from __future__ import annotations

__all__ = ["INTERVAL_COVERAGE", "INTERVAL_LABEL"]

# the central interval the model and the analysis compute by default (`coverage=0.8` in model.base and
# analysis.scenarios, the 0.1/0.9 quantiles in analysis.effects); the reports only name it
INTERVAL_COVERAGE = 0.8
INTERVAL_LABEL = f"{INTERVAL_COVERAGE:.0%} interval"  # "80% interval"

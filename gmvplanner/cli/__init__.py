"""Command-line entry points: argument parsing, logging and plain-words errors; the work is in the stages.

`common` holds what every command shares; `training` is `ecommerce_training.py`; `testing` dispatches
`ecommerce_testing.py` to one module per subcommand (`predict`, `optimise`, `report`).
"""

from __future__ import annotations

from .testing import testing_main
from .training import training_main

__all__ = ["training_main", "testing_main"]

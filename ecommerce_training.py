"""Train GMV Planner's per-subcategory models: `python ecommerce_training.py --help`."""

import sys

from gmvplanner.cli import training_main

if __name__ == "__main__":
    sys.exit(training_main())

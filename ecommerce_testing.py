"""Predict weekly GMV for a spend scenario from trained artifacts: `python ecommerce_testing.py --help`."""

import sys

from gmvplanner.cli import testing_main

if __name__ == "__main__":
    sys.exit(testing_main())

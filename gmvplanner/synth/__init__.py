"""Seeded generator of ElecKart-layout data whose true channel effects are known.

It writes the files a user has (orders, monthly media in crore, a dated weekly media file,
sale calendar, NPS, holidays) and keeps the generating process (`TrueProcess`) so tests and
benchmarks can check what the pipeline recovers against what was put in.

The steps, one module each: `world` (the fixed tables and `SynthConfig`), `truth` (spend and the true media
effect), `orders` (daily demand, catalogue, order rows), `customers` (who placed each order), `faults` (the real
file's errors), `tables` (`generate`, which runs them in order) and `files` (writing a data set to disk).
"""

from __future__ import annotations

from .files import DATA_VERSION, DEFAULT_FILES, FILE_NAMES, ensure_default_data, lift_tests, write_dataset
from .tables import generate
from .truth import TrueProcess
from .world import CHANNEL_SPECS, SUBCATEGORY_SPECS, ChannelSpec, SubcategorySpec, SynthConfig

__all__ = [
    "SynthConfig",
    "TrueProcess",
    "generate",
    "write_dataset",
    "lift_tests",
    "ensure_default_data",
    "DEFAULT_FILES",
    "FILE_NAMES",
    "DATA_VERSION",
    "SUBCATEGORY_SPECS",
    "CHANNEL_SPECS",
    "SubcategorySpec",
    "ChannelSpec",
]

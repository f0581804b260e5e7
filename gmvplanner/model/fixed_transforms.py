"""Carry-over and saturation an analyst fixes for some channels (`--transforms`), read from a CSV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data import readers
from ..errors import InputError

__all__ = ["FixedTransforms", "load_transforms", "TRANSFORM_COLUMNS"]


@dataclass(frozen=True)
class FixedTransforms:
    """Carry-over and saturation an analyst fixes for some channels (media-mix model), for example from a
    lift test or an earlier study; the time-ordered CV search chooses the rest."""

    source: str
    decay: dict[str, float]  # channel -> weekly carry-over decay in [0, 1)
    half_saturation_multiple: dict[str, float]  # channel -> half-saturation / mean spend in weeks with spend

    def check_channels(self, channels: list[str]) -> None:
        """Raise naming the file when it names a channel the data does not have."""
        unknown = sorted((set(self.decay) | set(self.half_saturation_multiple)) - set(channels))
        if unknown:
            raise InputError(self.source, f"unknown channel(s) {unknown}; the data has {channels}", column="channel")

    def to_json(self) -> dict:
        return {"source": self.source, "decay": self.decay, "half_saturation_multiple": self.half_saturation_multiple}


TRANSFORM_COLUMNS = ("channel", "decay", "half_saturation_multiple")


def load_transforms(path: Path | str) -> FixedTransforms:
    """Read `channel,decay,half_saturation_multiple`; a blank cell leaves that value to the CV search.

    The half-saturation multiple is the spend (as a multiple of the channel's mean spend in the weeks it
    ran) at which the channel gives half its maximum effect; 1 means half-saturated at typical spend.
    """
    path = Path(path)
    raw = readers.read_frame(path, TRANSFORM_COLUMNS)
    decay = readers.numeric(path, "decay", raw["decay"])
    multiple = readers.numeric(path, "half_saturation_multiple", raw["half_saturation_multiple"])
    names = raw["channel"].astype(str).str.strip()
    readers.fail_at_first(path, names.duplicated(), lambda i: f"channel '{names.iloc[i]}' appears twice", "channel")
    bad_decay = decay.notna() & ~((decay >= 0) & (decay < 1))
    readers.fail_at_first(path, bad_decay, lambda i: f"decay {decay.iloc[i]} is not in [0, 1)", "decay")
    bad_multiple = multiple.notna() & ~(multiple > 0)
    readers.fail_at_first(
        path, bad_multiple, lambda i: f"{multiple.iloc[i]} is not a positive multiple", "half_saturation_multiple"
    )
    fixed_decay = {n: float(d) for n, d in zip(names, decay) if not np.isnan(d)}
    fixed_multiple = {n: float(m) for n, m in zip(names, multiple) if not np.isnan(m)}
    return FixedTransforms(source=str(path), decay=fixed_decay, half_saturation_multiple=fixed_multiple)

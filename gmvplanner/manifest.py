"""The manifest: what a set of artifacts is (inputs, window, model, money unit, metrics, checksums), typed.

It is written as `manifest.json` beside the models and read back into the same dataclass, so every reader
(the loader, the CLIs, the app) uses named fields instead of dictionary keys.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from .units import MoneyUnit

__all__ = ["TrainingWindow", "Manifest", "FINAL_FIT"]

FINAL_FIT = "the validated procedure (time-ordered CV tuning, then fit) applied to every week"


@dataclass(frozen=True)
class TrainingWindow:
    """The modelling window: first and last day (YYYY-MM-DD), its weeks, and how spend was given."""

    start: str
    end: str
    weeks: int
    media_layout: str  # "monthly", "dated" or "weekly table"
    missing_weeks: dict[str, list[str]] = field(default_factory=dict)  # group -> weeks without GMV (weekly table)


@dataclass(frozen=True)
class Manifest:
    """Everything recorded about one training run; `files` holds the SHA-256 of every other file written."""

    kind: str  # "orders" (orders + media files) or "weekly" (a bring-your-own weekly table)
    model: str  # the model kind's name
    subcategories: list[str]
    channels: list[str]
    money: MoneyUnit
    window: TrainingWindow
    inputs: dict[str, dict[str, str]]  # role -> {path, sha256}
    feature_names: dict[str, list[str]]
    media_params: dict[str, dict]  # group -> decay, half_saturation and the model's own settings
    metrics: dict[str, dict]  # group -> predictor -> wape, mape, r2
    train_config: dict
    created: str
    weekly_columns: dict | None = None  # the --weekly column names, for a weekly table
    columns: dict | None = None  # the orders' column mapping (preset, role -> column), None for the ElecKart layout
    final_fit: str = FINAL_FIT
    # stamped by the writer
    subcategory_files: dict[str, dict[str, str]] = field(default_factory=dict)
    libraries: dict[str, str] = field(default_factory=dict)
    feature_schema: int | None = None
    files: dict[str, str] = field(default_factory=dict)

    def stamped(self, **values) -> Manifest:
        """A copy with the writer's fields (files, libraries, schema, file names) filled in."""
        return replace(self, **values)

    def to_json(self) -> dict:
        data = asdict(self)
        data["money"] = self.money.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        """Read a manifest written by `to_json`; a missing or unknown field raises KeyError or TypeError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise TypeError(f"unknown fields {unknown}")
        values = dict(data)
        values["money"] = MoneyUnit.from_json(data["money"])
        values["window"] = TrainingWindow(**data["window"])
        return cls(**values)

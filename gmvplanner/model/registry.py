"""The names behind `--model`: which model kinds exist (a leaf module, so settings can check a name cheaply)."""

from __future__ import annotations

__all__ = ["KIND_NAMES", "check_model_name"]

KIND_NAMES: list[str] = []  # filled by `base.register` as each model kind's module is imported


def check_model_name(name: str) -> None:
    """Raise ValueError listing the valid names when `name` is not a registered model kind."""
    if name not in KIND_NAMES:
        raise ValueError(f"unknown model '{name}'; choose one of {list(KIND_NAMES)}")

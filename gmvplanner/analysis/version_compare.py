"""Two model versions side by side: holdout error, channel ROI with intervals, the recommended split of one budget,
and what changed in the data and settings between them (from their manifests)."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from ..config import INTERVAL_LABEL, PLAN_WEEKS
from ..model.artifacts import Artifacts
from .budget import historical_split, optimise_budget

__all__ = ["VersionComparison", "compare_versions", "holdout_table", "roi_table", "split_table", "data_changes"]


class VersionComparison(NamedTuple):
    """The comparison of version A (the one in use) with version B: tables with plain column names and sentences."""

    holdout: pd.DataFrame
    roi: pd.DataFrame
    split: pd.DataFrame
    changes: list[str]


def holdout_table(a: Artifacts, b: Artifacts, names: tuple[str, str] = ("A", "B")) -> pd.DataFrame:
    """Held-out WAPE (%) and 80% coverage (%) of each version's model, per subcategory either version has."""
    rows = []
    for sub in sorted(set(a.subcategories) | set(b.subcategories)):
        row: dict[str, object] = {"subcategory": sub}
        for name, art in zip(names, (a, b)):
            model = art.manifest.metrics.get(sub, {}).get("model", {})
            row[f"WAPE {name} (%)"] = _pct(model.get("wape"))
            row[f"80% coverage {name} (%)"] = _pct(model.get("coverage"))
        rows.append(row)
    return pd.DataFrame(rows)


def _pct(value: float | None) -> float:
    return float("nan") if value is None else round(100 * float(value), 1)


def roi_table(a: Artifacts, b: Artifacts, names: tuple[str, str] = ("A", "B")) -> pd.DataFrame:
    """Channel ROI (incremental GMV per unit of spend) of each version, per subcategory and channel, each beside its
    80% interval over the bootstrap refits ('' without refits)."""
    frames = []
    for name, art in zip(names, (a, b)):
        rows = art.table("contributions")[["subcategory", "channel", "roi", *_bounds(art)]].copy()
        shown = pd.DataFrame({"subcategory": rows["subcategory"], "channel": rows["channel"]})
        shown[f"ROI {name}"] = rows["roi"].round(2)
        if "roi_lower" in rows:
            shown[f"ROI {name}, {INTERVAL_LABEL}"] = [
                "" if pd.isna(lo) else f"{lo:.2f} to {hi:.2f}" for lo, hi in zip(rows["roi_lower"], rows["roi_upper"])
            ]
        frames.append(shown)
    return frames[0].merge(frames[1], on=["subcategory", "channel"], how="outer")


def _bounds(art: Artifacts) -> list[str]:
    columns = art.table("contributions").columns
    return [c for c in ("roi_lower", "roi_upper") if c in columns]


def split_table(
    a: Artifacts, b: Artifacts, budget: float, weeks: int = PLAN_WEEKS, names: tuple[str, str] = ("A", "B")
) -> pd.DataFrame:
    """Each version's recommended split of the same `budget` (A's input money unit) over `weeks`, as shares (%) of
    the budget beside the historical shares; channels either version has."""
    table = pd.DataFrame({"channel": list(dict.fromkeys([*a.channels, *b.channels]))})
    table[f"historical share {names[0]} (%)"] = table["channel"].map(historical_split(a) * 100).round(1)
    for name, art in zip(names, (a, b)):
        result = optimise_budget(art, budget, weeks)
        amounts = result.table.set_index("channel")[art.money.column("recommended")]
        table[f"recommended {name} (%)"] = table["channel"].map(amounts / amounts.sum() * 100).round(1)
    return table


def data_changes(a: Artifacts, b: Artifacts, names: tuple[str, str] = ("A", "B")) -> list[str]:
    """What differs between the two versions' inputs and settings, in sentences (an empty list: nothing)."""
    ma, mb = a.manifest, b.manifest
    changes = []
    if ma.model != mb.model:
        changes.append(f"Model kind: {ma.model} in {names[0]}, {mb.model} in {names[1]}.")
    wa, wb = ma.window, mb.window
    if (wa.start, wa.end) != (wb.start, wb.end):
        changes.append(
            f"Training window: {wa.start} to {wa.end} ({wa.weeks} weeks) in {names[0]}, {wb.start} to {wb.end} "
            f"({wb.weeks} weeks) in {names[1]}."
        )
    changes += _set_changes("subcategories", ma.subcategories, mb.subcategories, names)
    changes += _set_changes("channels", ma.channels, mb.channels, names)
    for role in sorted(set(ma.inputs) | set(mb.inputs)):
        sa, sb = ma.inputs.get(role, {}).get("sha256"), mb.inputs.get(role, {}).get("sha256")
        if sa != sb:
            what = "added" if sa is None else "dropped" if sb is None else "a different file"
            changes.append(f"Input '{role}': {what} in {names[1]}.")
    for key in sorted(set(ma.train_config) | set(mb.train_config)):
        va, vb = ma.train_config.get(key), mb.train_config.get(key)
        if va != vb and not key.endswith("path"):
            changes.append(f"Setting {key}: {va} in {names[0]}, {vb} in {names[1]}.")
    return changes


def _set_changes(what: str, first: list[str], second: list[str], names: tuple[str, str]) -> list[str]:
    only_a, only_b = [x for x in first if x not in second], [x for x in second if x not in first]
    out = []
    if only_a:
        out.append(f"{what.capitalize()} only in {names[0]}: {', '.join(only_a)}.")
    if only_b:
        out.append(f"{what.capitalize()} only in {names[1]}: {', '.join(only_b)}.")
    return out


def compare_versions(a: Artifacts, b: Artifacts, budget: float, weeks: int = PLAN_WEEKS) -> VersionComparison:
    """Version A (in use) against B: holdout error, channel ROI with intervals, the split of `budget` (A's input
    money unit) over `weeks`, and what changed in their data and settings."""
    if a.money != b.money:
        raise ValueError(f"the versions count money differently ({a.money.name} and {b.money.name})")
    return VersionComparison(holdout_table(a, b), roi_table(a, b), split_table(a, b, budget, weeks), data_changes(a, b))

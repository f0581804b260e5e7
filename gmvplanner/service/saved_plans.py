"""Plans kept in the scenario library: what a plan predicts when it is saved, and a saved plan opened on the model
in use (its channels matched to that model's, with a note when the model differs from the one it was made on)."""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd

from ..analysis.scenarios import predict_scenario
from ..data.scenario_files import money_columns
from ..library import SavedScenario, ScenarioLibrary
from ..model.artifacts import MANIFEST, Artifacts, file_sha256
from ..units import MoneyUnit

__all__ = ["OpenedPlan", "model_key", "model_label", "plan_results", "save_plan", "open_plan", "match_channels", "exported_plan"]


class OpenedPlan(NamedTuple):
    """A saved plan ready for the model in use, and what a planner should know about it (plain sentences)."""

    plan: pd.DataFrame
    notes: list[str]


def model_key(artifacts: Artifacts) -> str:
    """The model version's identity: its manifest's checksum (it changes on every retrain)."""
    manifest = artifacts.path / MANIFEST
    return file_sha256(manifest) if manifest.exists() else ""


def model_label(artifacts: Artifacts) -> str:
    """The model version in words: its kind and when it was trained."""
    created = artifacts.manifest.created
    when = pd.Timestamp(created).strftime("%Y-%m-%d %H:%M UTC") if created else "an unknown time"
    return f"{artifacts.manifest.model} model trained {when}"


def plan_results(artifacts: Artifacts, plan: pd.DataFrame) -> dict[str, Any]:
    """What `plan` predicts on these artifacts: weeks, total spend (input unit), GMV per subcategory and in all
    (base unit), and the money unit's name."""
    predictions = predict_scenario(artifacts, plan)
    by_subcategory = predictions.groupby("subcategory")["predicted_gmv"].sum()
    weekly = plan.drop_duplicates("week_start")
    return {
        "weeks": int(weekly["week_start"].nunique()),
        "spend": float(weekly[artifacts.channels].to_numpy(float).sum()),
        "gmv": {str(sub): float(value) for sub, value in by_subcategory.items()},
        "gmv_total": float(by_subcategory.sum()),
        "money": artifacts.money.name,
        "money_unit": artifacts.money.to_json(),
        "channels": list(artifacts.channels),
    }


def exported_plan(saved: SavedScenario) -> tuple[pd.DataFrame, str]:
    """A saved plan as a scenario file holds it, with columns spend_unit and currency saying what its spend is in
    (`load_scenario` then refuses it on a model in another unit), and that unit in words. A plan saved before
    the unit was recorded is exported without them."""
    unit = saved.results.get("money_unit")
    if not isinstance(unit, dict):
        return saved.plan, str(saved.results.get("money", "the unit of the model it was saved on"))
    money = MoneyUnit.from_json(unit)
    return saved.plan.assign(**money_columns(money)), money.name


def save_plan(
    library: ScenarioLibrary, artifacts: Artifacts, name: str, plan: pd.DataFrame, author: str, replace: bool = False
) -> SavedScenario:
    """Save `plan` with what it predicts now and the model version it was made on."""
    return library.save_scenario(
        name,
        plan,
        author=author,
        model_version=model_label(artifacts),
        model_key=model_key(artifacts),
        results=plan_results(artifacts, plan),
        replace=replace,
    )


def open_plan(artifacts: Artifacts, saved: SavedScenario) -> OpenedPlan:
    """`saved`'s plan with the model in use's channels (a channel the model lacks is left out, one it adds starts
    at 0) and notes on what differs from when it was saved; its results are recomputed by the caller."""
    plan = saved.plan.copy()
    notes = []
    if saved.model_key != model_key(artifacts):
        notes.append(
            f"'{saved.name}' was made on another model version ({saved.model_version}); its figures here are "
            f"recomputed on the model in use ({model_label(artifacts)})."
        )
    saved_channels = saved.results.get("channels") or [c for c in artifacts.channels if c in plan.columns]
    matched = match_channels(plan, artifacts.channels, saved_channels)
    return OpenedPlan(matched.plan, notes + matched.notes)


def match_channels(plan: pd.DataFrame, channels: list[str], plan_channels: list[str]) -> OpenedPlan:
    """`plan` (made with `plan_channels`) for a model with `channels`: a channel the model lacks is left out, one
    it adds starts at 0; columns ordered week_start, channels, levers."""
    dropped = [c for c in plan_channels if c not in channels and c in plan.columns]
    added = [c for c in channels if c not in plan.columns]
    notes = []
    if dropped:
        notes.append(f"The model in use has no channel {', '.join(dropped)}; that spend is left out.")
        plan = plan.drop(columns=dropped)
    if added:
        notes.append(f"The model in use adds {', '.join(added)}; the plan spends 0 on it.")
        plan = plan.assign(**{c: 0.0 for c in added})
    levers = [c for c in plan.columns if c not in channels and c != "week_start"]
    return OpenedPlan(plan[["week_start", *channels, *levers]].reset_index(drop=True), notes)

"""The plan as a planning sheet: totals per channel and month, the plan written as an .xlsx workbook (plan, totals
and notes sheets), a block pasted from a spreadsheet put into the plan, channels locked for the Budget optimiser,
and an undo history of the plan's edits."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..data.plan_sheets import NOTES_SHEET, PLAN_SHEET, TOTALS_SHEET, PastedBlock
from ..data.scenario_files import MONEY_COLUMNS, SCENARIO_LEVERS
from ..errors import InputError
from ..library import SavedScenario
from ..model.artifacts import Artifacts
from ..units import MoneyUnit
from .plans import weekly_to_monthly
from .saved_plans import model_key, model_label

__all__ = [
    "TOTAL",
    "HISTORY_STEPS",
    "XLSX_MIME",
    "plan_totals",
    "model_notes",
    "saved_notes",
    "saved_channels",
    "plan_workbook",
    "write_plan_workbook",
    "PastedPlan",
    "pasted_plan",
    "locked_amounts",
    "PlanHistory",
]

TOTAL = "total"  # the totals sheet's last row (every month) and last column (every channel)
HISTORY_STEPS = 20  # edits the planner can undo, newest first: enough for an afternoon's session, small in memory
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "YYYY-MM-DD"  # how the plan sheet shows week starts (Excel's default would add 00:00:00)
TOTALS_NOTE = (
    "Totals per calendar month: each week's spend is split evenly over its seven days, so a week that straddles two "
    "months counts in both (as the planner's monthly view shows it)."
)


def plan_totals(plan: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """Spend per calendar month (rows, YYYY-MM) and channel (columns), with a `total` column (every channel) and a
    last `total` row (the whole plan, each channel's total exactly as the weeks add up). Input money unit."""
    weekly = plan.drop_duplicates("week_start")[["week_start", *channels]].reset_index(drop=True)
    monthly = weekly_to_monthly(weekly, channels)
    whole = pd.DataFrame([{"month": TOTAL, **{c: float(weekly[c].sum()) for c in channels}}])
    table = pd.concat([monthly, whole], ignore_index=True)
    table[TOTAL] = table[channels].sum(axis=1)
    return table


def model_notes(artifacts: Artifacts, author: str = "") -> dict[str, str]:
    """The notes sheet for a plan made on `artifacts` now: the model version (its kind and training time, and the
    manifest's checksum), the spend unit and currency, when and by whom."""
    return _notes(model_label(artifacts), model_key(artifacts), artifacts.money, pd.Timestamp.now(tz="UTC"), author)


def saved_notes(saved: SavedScenario) -> dict[str, str]:
    """The notes sheet for a plan from the scenario library: the model version it was saved on, its unit, when it
    was last changed and who saved it."""
    unit = saved.results.get("money_unit")
    money = MoneyUnit.from_json(unit) if isinstance(unit, dict) else None
    return _notes(saved.model_version, saved.model_key, money, saved.updated, saved.author, saved.name)


def saved_channels(saved: SavedScenario) -> list[str]:
    """The spend columns of a saved plan: the channels it was saved with, else every column that is not the week, a
    lever, a subcategory, a vertical or the unit (a plan saved before its channels were recorded)."""
    recorded = saved.results.get("channels")
    other = {"week_start", "subcategory", "vertical", *SCENARIO_LEVERS, *MONEY_COLUMNS}
    channels = recorded if recorded else [c for c in saved.plan.columns if c not in other]
    return [str(c) for c in channels if c in saved.plan.columns]


def _notes(label: str, key: str, money: MoneyUnit | None, when: pd.Timestamp, author: str, name: str = "") -> dict[str, str]:
    notes = {"scenario": name} if name else {}
    notes |= {
        "model version": label,
        "model checksum (manifest sha256)": key or "unknown",
        "spend unit": money.name if money is not None else "the unit of the model it was made on",
        "currency": (money.currency or "none (a weekly table's own units)") if money is not None else "unknown",
        "written": f"{pd.Timestamp(when):%Y-%m-%d %H:%M UTC}",
        "by": author or "unknown",
        "plan sheet": "week_start and one column of spend per channel over the horizon, company-wide; upload it to "
        "the Scenario planner or give it to `ecommerce_testing.py predict --scenario`",
        "totals sheet": TOTALS_NOTE,
    }
    return notes


def plan_workbook(plan: pd.DataFrame, channels: list[str], notes: dict[str, str]) -> bytes:
    """The plan as an .xlsx workbook: a `plan` sheet with the scenario file's columns (read back exactly by
    `load_scenario`), a `totals` sheet (`plan_totals`) and a `notes` sheet (`model_notes` or `saved_notes`)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format=DATE_FORMAT, datetime_format=DATE_FORMAT) as writer:
        plan.to_excel(writer, sheet_name=PLAN_SHEET, index=False)
        plan_totals(plan, channels).to_excel(writer, sheet_name=TOTALS_SHEET, index=False)
        pd.DataFrame({"item": list(notes), "value": list(notes.values())}).to_excel(writer, sheet_name=NOTES_SHEET, index=False)
        for sheet, width in ((PLAN_SHEET, 12), (TOTALS_SHEET, 12), (NOTES_SHEET, 34)):
            writer.sheets[sheet].column_dimensions["A"].width = width
    return buffer.getvalue()


def write_plan_workbook(path: Path, plan: pd.DataFrame, channels: list[str], notes: dict[str, str]) -> None:
    """`plan_workbook` written to `path` (its folder made if need be)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plan_workbook(plan, channels, notes))


@dataclass(frozen=True)
class PastedPlan:
    """The plan with a pasted block in it, and what was read, in words."""

    plan: pd.DataFrame
    message: str


def pasted_plan(plan: pd.DataFrame, block: PastedBlock, channels: list[str], money: MoneyUnit) -> PastedPlan:
    """`plan` with the pasted `block`'s values in place of the grid's: the channels it names (every channel when
    it has no header), on the weeks it names (else its rows are the plan's weeks in order, and must be as many).
    Levers and subcategory rows are kept; InputError in plain words when the rows do not fit the plan."""
    weeks = pd.DatetimeIndex(plan["week_start"].drop_duplicates())
    if block.weeks is None:
        if len(block.spend) != len(weeks):
            raise InputError(
                "the pasted block",
                f"has {len(block.spend)} rows of spend but the plan has {len(weeks)} weeks; paste one row per week "
                "(or copy the week_start column too, to change only those weeks)",
            )
        targets = weeks
    else:
        unknown = block.weeks[~block.weeks.isin(weeks)]
        if len(unknown):
            raise InputError(
                "the pasted block",
                f"week {unknown[0]:%Y-%m-%d} is not a week of the plan ({weeks[0]:%Y-%m-%d} to {weeks[-1]:%Y-%m-%d}, "
                "weeks starting on the same weekday)",
                column="week_start",
            )
        targets = block.weeks
    new = plan.copy()
    for channel in block.spend.columns:
        by_week = dict(zip(targets, block.spend[channel].to_numpy(float)))
        rows = new["week_start"].isin(targets)
        new.loc[rows, channel] = new.loc[rows, "week_start"].map(by_week).to_numpy(float)
    named = list(block.spend.columns)
    which = "every channel" if named == channels else ", ".join(named)
    header = "with a header row" if block.header else "without a header row (columns in the grid's order)"
    total = float(block.spend.to_numpy(float).sum())
    message = f"Read {len(block.spend)} weeks × {len(named)} channels {header}: {which}, {total:,.4f} {money.name} in all."
    return PastedPlan(new, message)


def locked_amounts(plan: pd.DataFrame, locked: Iterable[str], n_weeks: int) -> dict[str, float]:
    """What each locked channel spends over a budget horizon of `n_weeks`: its total in `plan` when the plan has
    that many weeks, else its mean weekly spend in the plan times `n_weeks` (input money unit)."""
    weekly = plan.drop_duplicates("week_start")
    amounts = {}
    for channel in locked:
        total = float(weekly[channel].sum())
        amounts[channel] = total if len(weekly) == n_weeks else total / len(weekly) * n_weeks
    return amounts


@dataclass
class PlanHistory:
    """The plans before each kept change (newest last), at most `steps` of them: undo goes back one at a time."""

    steps: int = HISTORY_STEPS
    plans: list[pd.DataFrame] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def push(self, plan: pd.DataFrame, label: str) -> None:
        """Remember `plan` as it was before a change described by `label` (e.g. 'pasted block')."""
        self.plans.append(plan.copy())
        self.labels.append(label)
        del self.plans[: -self.steps], self.labels[: -self.steps]

    def undo(self) -> pd.DataFrame:
        """The plan before the last change, which is forgotten; IndexError when there is none."""
        self.labels.pop()
        return self.plans.pop()

    def __len__(self) -> int:
        return len(self.plans)

    @property
    def last(self) -> str:
        """What the last change was, in words ('' when there is none)."""
        return self.labels[-1] if self.labels else ""

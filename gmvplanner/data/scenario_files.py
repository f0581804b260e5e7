"""Scenario files: reading and checking a plan of weeks (spend per channel, optional levers, subcategories and
verticals, several named plans, the unit the spend is in), with errors that name the file, column and row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..dates import DAYS_PER_WEEK, week_start
from ..errors import InputError
from ..units import MoneyUnit
from . import date_cells, plan_sheets, readers
from .limits import MAX_SPEND_CRORE

__all__ = [
    "SCENARIO_LEVERS",
    "SCENARIO_NAME",
    "MONEY_COLUMNS",
    "money_columns",
    "scenario_columns",
    "load_scenario",
    "vertical_mix",
]


# optional scenario columns -> (meaning, unit, lowest, highest)
SCENARIO_LEVERS = {
    "product_mrp": ("mean product MRP", "the orders' currency", 0.0, None),
    "discount": ("mean discount vs MRP", "fraction 0-1", 0.0, 0.95),
    "sla": ("mean delivery SLA", "days", 0.0, 60.0),
    "procurement_sla": ("mean procurement SLA", "days", 0.0, 60.0),
    "prepaid_share": ("share of orders paid up front (the rest COD)", "fraction 0-1", 0.0, 1.0),
    "sale_days": ("special-sale days in the week", f"days 0-{DAYS_PER_WEEK}", 0.0, float(DAYS_PER_WEEK)),
    "holidays": ("public holidays in the week", f"days 0-{DAYS_PER_WEEK}", 0.0, float(DAYS_PER_WEEK)),
    "nps": ("net promoter score", "points", -100.0, 100.0),
}


def _outside_range(values: pd.Series, unit: str) -> Callable[[int], str]:
    """The message for the row at position i of a lever outside its range."""
    return lambda i: f"{values.iloc[i]} is outside the allowed range ({unit})"


SCENARIO_NAME = "scenario"  # the column naming each plan in a file of several (the Scenario planner's saved plans)


# the columns an exported plan carries to say what its spend is in (`money_columns`); a model in another unit or
# currency refuses the plan instead of reading crore ₹ as millions of £
MONEY_COLUMNS = ("spend_unit", "currency")


def money_columns(money: MoneyUnit) -> dict[str, str]:
    """The spend_unit and currency cells of a plan whose spend is in `money`'s input unit ('' for own units)."""
    return {"spend_unit": money.spend_unit, "currency": money.currency}


def load_scenario(
    path: Path | str,
    channels: list[str],
    verticals: dict[str, list[str]] | None = None,
    week_starts_on: int = 0,
    named: bool = False,
    controls: list[str] | tuple[str, ...] = (),
    high_spend: float = MAX_SPEND_CRORE,
    money: MoneyUnit | None = None,
) -> pd.DataFrame:
    """Read a scenario file (CSV, Parquet, or the plan sheet of an .xlsx workbook, errors then naming the sheet):
    week_start, one spend column per channel (crore, company-wide; `high_spend` the largest
    plausible one in that unit), optional levers.

    Optional columns: subcategory (levers then apply to that subcategory only; blank means every one), vertical
    (one name or a mix such as `Lens:0.6;Flash:0.4`) and any of SCENARIO_LEVERS. Spend must be the same on every
    row of a week. Any other column is refused (a misspelt channel would otherwise be read as no spend). With
    `verticals` (subcategory -> the verticals its model knows), unknown subcategories and verticals are refused.
    Dates move to the start of their week, which begins on weekday `week_starts_on` (0 = Monday; see
    `Artifacts.week_starts_on`). With `named`, the file holds several plans told apart by a `scenario` column
    (kept in the result), and every rule applies to each plan. `controls` are further numeric columns the model
    takes (a weekly table's own controls, `weekly_controls`); blank cells take their recent values. The columns
    spend_unit and currency (an exported plan's, `money_columns`) must match `money`, the model's unit, when given.
    A week that only names some subcategories, in a plan whose other weeks have rows for every subcategory (blank),
    gets such a row too: its spend is company-wide, so the other subcategories keep that week (levers: recent).
    """
    # without channels (a model trained from orders alone) a file of weeks alone is a whole scenario
    raw, path = _read_cells(path, ["week_start", *([SCENARIO_NAME] if named else [])], min_columns=2 if channels else 1)
    _check_columns(path, raw, channels, [*SCENARIO_LEVERS, *controls], named)
    _check_money(path, raw, money)
    frame = pd.DataFrame({"week_start": date_cells.dates(path, "week_start", raw["week_start"])})
    frame["week_start"] = week_start(frame["week_start"], week_starts_on)
    for channel in channels:
        if channel not in raw:
            raise InputError(
                path,
                f"column '{channel}' missing: give spend (in the model's spend unit) for every channel the model "
                f"knows ({', '.join(channels)}); use 0 for none",
                column=channel,
            )
        frame[channel] = readers.spend(path, channel, raw[channel], high=high_spend).to_numpy()
    _read_levers(path, raw, frame, controls)
    for text_col in ("subcategory", "vertical"):
        if text_col in raw:
            text = raw[text_col].astype(object).where(raw[text_col].notna(), "").astype(str).str.strip()
            frame[text_col] = text.where(~text.isin(readers.MISSING), None).to_numpy()  # blank means every one
    _check_names(path, frame, verticals)
    if named:
        names = raw[SCENARIO_NAME].astype(object).where(raw[SCENARIO_NAME].notna(), "").astype(str).str.strip()
        readers.fail_at_first(path, names.isin(["", *readers.MISSING]), lambda i: "the scenario name is blank", SCENARIO_NAME)
        frame.insert(0, SCENARIO_NAME, names.to_numpy())
    for name, plan in frame.groupby(SCENARIO_NAME, sort=False) if named else [(None, frame)]:
        _check_weeks(path, plan, channels, f" in scenario '{name}'" if named else "")
    return _every_week_for_every_subcategory(frame, channels, named)


def _read_cells(path: Path | str, required: list[str], min_columns: int) -> tuple[pd.DataFrame, Path | str]:
    """A scenario file's cells as text, from a CSV or Parquet file or the plan sheet of an .xlsx workbook, and the
    name its errors use (the file, or the file and sheet)."""
    if not plan_sheets.is_workbook(path):
        return readers.read_frame(path, required, min_columns=min_columns), Path(path)
    raw, label = plan_sheets.read_plan_sheet(path)
    if raw.shape[1] < min_columns:
        raise InputError(label, f"not a plan: found {raw.shape[1]} column(s); row 1 holds the column names")
    readers.require_columns(label, list(raw.columns), required)
    return raw, label


def scenario_columns(path: Path | str) -> list[str]:
    """The column names of a scenario file (CSV, Parquet or .xlsx plan sheet), e.g. to tell one plan from a file of
    named plans (`SCENARIO_NAME`)."""
    if plan_sheets.is_workbook(path):
        return list(plan_sheets.read_plan_sheet(path)[0].columns)
    return [str(c).strip() for c in readers.read_table(path, min_columns=1).column_names]


def _check_money(path: Path | str, raw: pd.DataFrame, money: MoneyUnit | None) -> None:
    """Refuse a plan whose spend_unit or currency column names another unit than the model's `money`."""
    if money is None:
        return
    for column, expected in money_columns(money).items():
        if column not in raw:
            continue
        cells = raw[column].astype(object).where(raw[column].notna(), "").astype(str).str.strip()
        mismatch = _unit_mismatch(cells, column, expected, money)
        readers.fail_at_first(path, cells.str.upper() != expected.upper(), mismatch, column)


def _unit_mismatch(cells: pd.Series, column: str, expected: str, money: MoneyUnit) -> Callable[[int], str]:
    """The message for row i of a plan whose `column` is not the model's `expected` unit or currency."""
    return lambda i: (
        f"the plan's spend is in {column} '{cells.iloc[i]}' but the model in --artifacts takes spend in {money.name} "
        f"({column} '{expected}'); convert the plan, or use a model in its unit"
    )


def _every_week_for_every_subcategory(frame: pd.DataFrame, channels: list[str], named: bool) -> pd.DataFrame:
    """Each plan with `_every_week_filled`."""
    if "subcategory" not in frame:
        return frame
    if not named:
        return _every_week_filled(frame, channels)
    plans = [_every_week_filled(plan, channels) for _, plan in frame.groupby(SCENARIO_NAME, sort=False)]
    return pd.concat(plans, ignore_index=True)


def _every_week_filled(plan: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """Add a blank-subcategory row (the week's spend, no levers) for each week that has only named rows, in a plan
    that has blank rows: otherwise the other subcategories would silently lose that week."""
    blank = plan["subcategory"].isna()
    if not blank.any() or blank.all():
        return plan
    lonely = plan.loc[~plan["week_start"].isin(set(plan.loc[blank, "week_start"]))].drop_duplicates("week_start")
    if lonely.empty:
        return plan
    kept = [c for c in plan.columns if c in (SCENARIO_NAME, "week_start", *channels)]
    added = lonely[kept].assign(subcategory=None)
    return pd.concat([plan, added], ignore_index=True)[plan.columns]


def _check_columns(path: Path | str, raw: pd.DataFrame, channels: list[str], levers: list[str], named: bool) -> None:
    """Refuse any column that is not the week, a channel, a lever, subcategory, vertical (or the plan's name)."""
    allowed = ["week_start", *channels, *levers, "subcategory", "vertical", *MONEY_COLUMNS, *([SCENARIO_NAME] if named else [])]
    for column in raw.columns:
        if column not in allowed:
            raise InputError(
                path,
                f"'{column}' is not a channel the model knows ({', '.join(channels)}), a lever "
                f"({', '.join(levers)}), 'subcategory' or 'vertical'",
                column=column,
            )


def _read_levers(path: Path | str, raw: pd.DataFrame, frame: pd.DataFrame, controls: list[str] | tuple[str, ...]) -> None:
    """Copy the levers and weekly-table controls given into `frame`, each within its range (blanks: NaN, the
    recent value)."""
    for lever, (_meaning, unit, lo, hi) in SCENARIO_LEVERS.items():
        if lever in raw:
            values = readers.numeric(path, lever, raw[lever])  # finite numbers only
            bad = (values < lo) | ((values > hi) if hi is not None else False)
            readers.fail_at_first(path, bad, _outside_range(values, unit), lever)
            frame[lever] = values.to_numpy()
    for control in controls:
        if control in raw and control not in SCENARIO_LEVERS:
            frame[control] = readers.numeric(path, control, raw[control]).to_numpy()


def _check_weeks(path: Path | str, plan: pd.DataFrame, channels: list[str], where: str) -> None:
    """One plan's weeks follow each other, and its spend is the same on every row of a week."""
    weeks = plan["week_start"].drop_duplicates().sort_values()
    gaps = weeks.diff().dropna()
    if (gaps != pd.Timedelta(weeks=1)).any():
        i = int(np.flatnonzero((gaps != pd.Timedelta(weeks=1)).to_numpy())[0]) + 1
        raise InputError(
            path,
            f"weeks must follow each other{where}; after {weeks.iloc[i - 1].date()} comes {weeks.iloc[i].date()}",
            column="week_start",
        )
    per_week = plan.groupby("week_start")[channels].nunique()
    if (per_week > 1).to_numpy().any():
        week = per_week.index[(per_week > 1).any(axis=1)][0]
        raise InputError(
            path,
            f"spend differs between rows of week {week.date()}{where}; spend is company-wide, give the same on every "
            "row of a week",
        )


def _check_names(path: Path | str, frame: pd.DataFrame, verticals: dict[str, list[str]] | None) -> None:
    """Every vertical mix readable; with `verticals`, every subcategory and vertical one the model knows."""
    if "vertical" in frame:
        for i, text in enumerate(frame["vertical"]):
            _check_vertical(path, frame, i, text, verticals)
    if "subcategory" in frame and verticals is not None:
        for i, sub in enumerate(frame["subcategory"]):
            if not _blank(sub) and sub not in verticals:
                raise InputError(
                    path,
                    f"unknown subcategory '{sub}'; the model knows {', '.join(verticals)} (leave it blank for all)",
                    column="subcategory",
                    row=readers.spreadsheet_row(i, path),
                )


def _check_vertical(
    path: Path | str, frame: pd.DataFrame, i: int, text: str | None, verticals: dict[str, list[str]] | None
) -> None:
    """Row i's vertical mix is readable and, with `verticals`, names only verticals its subcategory knows."""
    try:
        mix = vertical_mix(text)
    except ValueError as exc:
        raise InputError(path, str(exc), column="vertical", row=readers.spreadsheet_row(i, path)) from None
    if not mix or verticals is None:
        return
    sub = frame["subcategory"].iloc[i] if "subcategory" in frame else None
    every = sorted({v for names in verticals.values() for v in names})
    known = every if _blank(sub) else verticals.get(str(sub), [])
    for name in mix:
        if name not in known:
            raise InputError(
                path,
                f"unknown vertical '{name}'; the model knows {', '.join(known) or 'none'}",
                column="vertical",
                row=readers.spreadsheet_row(i, path),
            )


def _blank(cell: object) -> bool:
    """A text cell left blank (None or NaN once in a frame): it applies to every subcategory."""
    return cell is None or (isinstance(cell, float) and np.isnan(cell)) or str(cell).strip() == ""


def vertical_mix(text: str | None) -> dict[str, float] | None:
    """'Lens' or 'Lens:0.6;Flash:0.4' as {name: weight}; ValueError in plain words for anything else."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or str(text).strip() == "":
        return None
    mix: dict[str, float] = {}
    for part in str(text).split(";"):
        name, _, weight = part.partition(":")
        name = name.strip()
        if not name:
            raise ValueError(f"'{text}' names an empty vertical; write e.g. Lens:0.6;Flash:0.4")
        if name in mix:
            raise ValueError(f"'{text}' names vertical '{name}' twice")
        try:
            value = float(weight) if weight.strip() else 1.0
        except ValueError:
            raise ValueError(f"cannot read the weight '{weight.strip()}' of '{name}'; write e.g. Lens:0.6;Flash:0.4") from None
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"the weight of '{name}' must be a finite number of 0 or more; got {weight.strip()}")
        mix[name] = value
    if sum(mix.values()) <= 0:
        raise ValueError(f"the weights in '{text}' add up to 0; give at least one a weight above 0")
    return mix

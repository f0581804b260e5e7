"""`ecommerce_testing.py scenarios`: the shared scenario library from the command line (save, list, show, export,
compare, rename, duplicate, delete); the same library the app's Scenario planner lists."""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path

from ..errors import InputError
from .common import add_artifacts_input, check_out, library_of, log
from .scenario_compare import add_compare_action

__all__ = ["add_scenarios_parser", "AUTHOR_ENV"]

AUTHOR_ENV = "GMV_AUTHOR"  # who saves, when not the login name
EXPORT_FORMATS = ("csv", "xlsx")  # what `scenarios export --format` writes


def add_scenarios_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `scenarios` subcommand and its actions; each action sets `work`."""
    p = commands.add_parser(
        "scenarios",
        help="the shared scenario library: save, list, show, export, compare, rename, duplicate, delete",
        description="The scenario library the app's Scenario planner lists: a SQLite file beside the app's artifacts "
        "folder (gmv_library.sqlite), or the database in $GMV_DATABASE_URL (any SQLAlchemy URL, e.g. "
        "postgresql+psycopg://user:password@host/db).",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    save = _action(actions, "save", "save a scenario CSV under a name (its GMV is computed on --artifacts)")
    save.add_argument("--name", required=True, help="the scenario's name in the library")
    save.add_argument("--scenario", type=Path, required=True, help="scenario CSV, e.g. data/example_scenario.csv")
    save.add_argument("--replace", action="store_true", help="overwrite a saved scenario of the same name")
    save.add_argument("--author", help=f"who saves it (default: ${AUTHOR_ENV}, else your login name)")
    add_artifacts_input(save)
    save.set_defaults(work=save_scenario)
    listing = _action(actions, "list", "list the saved scenarios, newest change first")
    listing.add_argument("--search", default="", help="only names or authors containing this text")
    listing.set_defaults(work=list_scenarios)
    show = _action(actions, "show", "show one scenario: who and when, its model version, its last results and plan")
    show.add_argument("name", help="the scenario's name")
    show.set_defaults(work=show_scenario)
    export = _action(
        actions, "export", "write a saved scenario as a scenario CSV or .xlsx workbook (predict --scenario reads both)"
    )
    export.add_argument("name", help="the scenario's name")
    export.add_argument("--out", type=Path, required=True, help="where to write the file")
    export.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default=None,
        help="csv, or xlsx: a workbook with the plan, its totals per channel and month, and notes (model version, "
        "unit, author); default: from --out's extension, else csv",
    )
    export.set_defaults(work=export_scenario)
    compare = _action(actions, "compare", "what saved plan B adds over plan A: GMV, ROAS and profit, with intervals")
    add_compare_action(compare)
    rename = _action(actions, "rename", "give a saved scenario a new name")
    rename.add_argument("name", help="the scenario's name")
    rename.add_argument("new_name", help="its new name")
    rename.set_defaults(work=rename_scenario)
    duplicate = _action(actions, "duplicate", "copy a saved scenario under a new name")
    duplicate.add_argument("name", help="the scenario's name")
    duplicate.add_argument("new_name", help="the copy's name")
    duplicate.add_argument("--author", help=f"who makes the copy (default: ${AUTHOR_ENV}, else your login name)")
    duplicate.set_defaults(work=duplicate_scenario)
    delete = _action(actions, "delete", "remove a saved scenario")
    delete.add_argument("name", help="the scenario's name")
    delete.set_defaults(work=delete_scenario)
    return p


def _action(actions: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:
    """One action's parser with --database, --quiet and --debug (which do not override the same flags given
    before the action)."""
    p = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
    p.add_argument(
        "--database",
        default=argparse.SUPPRESS,
        help="the library's SQLAlchemy URL (default: $GMV_DATABASE_URL, else gmv_library.sqlite beside the app's "
        "artifacts folder)",
    )
    p.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS, help="only print warnings and errors")
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on internal errors")
    return p


def _author(args: argparse.Namespace) -> str:
    given = getattr(args, "author", None) or os.environ.get(AUTHOR_ENV)
    if given:
        return str(given)
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def save_scenario(args: argparse.Namespace) -> None:
    """Check the scenario against the model in --artifacts, compute what it predicts, and save both."""
    from ..analysis.scenarios import known_verticals, weekly_controls
    from ..data.scenario_files import load_scenario
    from ..model.artifacts import load_artifacts
    from ..service.saved_plans import save_plan

    artifacts = load_artifacts(args.artifacts)
    plan = load_scenario(
        args.scenario,
        artifacts.channels,
        known_verticals(artifacts),
        artifacts.week_starts_on,
        controls=weekly_controls(artifacts),
        money=artifacts.money,
    )
    library = library_of(args)
    saved = save_plan(library, artifacts, args.name, plan, _author(args), replace=args.replace)
    money = artifacts.money
    print(
        f"saved '{saved.name}' to the library at {library.where}: {saved.results['weeks']} weeks, spend "
        f"{saved.results['spend']:,.4g} {money.name}, predicted GMV {money.format(saved.results['gmv_total'])}"
    )


def list_scenarios(args: argparse.Namespace) -> None:
    """Print the saved scenarios (name, author, last change, model version, weeks, spend, GMV)."""
    library = library_of(args)
    table = library.scenarios(args.search)
    if table.empty:
        what = f" matching '{args.search}'" if args.search else ""
        print(f"no saved scenarios{what} in the library at {library.where}")
        return
    shown = table.drop(columns="created").assign(updated=table["updated"].dt.strftime("%Y-%m-%d %H:%M UTC"))
    shown["gmv"] = shown["gmv"].map(lambda v: f"{v:,.0f}" if v == v and v is not None else "")
    units = "spend in the model's input unit, GMV in its base unit"
    print(f"{len(table)} saved scenarios in the library at {library.where} ({units}):")
    print(shown.to_string(index=False))


def show_scenario(args: argparse.Namespace) -> None:
    """Print one scenario: who saved it and when, its model version, its last results and its plan."""
    saved = library_of(args).scenario(args.name)
    results = saved.results
    print(f"scenario: {saved.name}")
    print(f"author: {saved.author}")
    print(f"created: {saved.created:%Y-%m-%d %H:%M UTC}; last changed: {saved.updated:%Y-%m-%d %H:%M UTC}")
    print(f"made on: {saved.model_version}")
    if results:
        print(f"last results: {results.get('weeks')} weeks, spend {results.get('spend', 0):,.4g} {results.get('money', '')}")
        for sub, gmv in results.get("gmv", {}).items():
            print(f"  predicted GMV, {sub}: {gmv:,.0f}")
    print("plan:")
    print(saved.plan.to_string(index=False, float_format=lambda v: f"{v:.4g}"))


def export_scenario(args: argparse.Namespace) -> None:
    """Write a saved scenario's plan as a scenario CSV, or as an .xlsx workbook with its totals and notes."""
    from ..service.planner import app_artifacts_dir
    from ..service.saved_plans import exported_plan

    check_out(args.out, app_artifacts_dir())
    fmt = args.format or ("xlsx" if args.out.suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx" and args.out.suffix.lower() != ".xlsx":
        raise InputError("--out", f"{args.out} does not end in .xlsx; name the workbook e.g. {args.out.with_suffix('.xlsx')}")
    library = library_of(args)
    _refuse_the_library_itself(args.out, library.url)
    saved = library.scenario(args.name)
    plan, unit = exported_plan(saved)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        from ..service.plan_sheet import saved_channels, saved_notes, write_plan_workbook

        write_plan_workbook(args.out, plan, saved_channels(saved), saved_notes(saved))
        print(f"wrote '{saved.name}' ({len(plan)} rows, spend in {unit}; sheets plan, totals, notes) to {args.out}")
        return
    plan.to_csv(args.out, index=False, date_format="%Y-%m-%d")
    print(f"wrote '{saved.name}' ({len(plan)} rows, spend in {unit}) to {args.out}")


def _refuse_the_library_itself(out: Path, url: str) -> None:
    """--out must not be the library's own file (SQLite), whatever path leads there."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database if url.startswith("sqlite") else None
    if database and Path(database).resolve() == out.resolve():
        raise InputError(
            "--out", f"{out} is the scenario library's own file; writing there would replace it, so give a new file name"
        )


def rename_scenario(args: argparse.Namespace) -> None:
    """Rename a saved scenario."""
    library_of(args).rename_scenario(args.name, args.new_name)
    print(f"renamed '{args.name}' to '{args.new_name}'")


def duplicate_scenario(args: argparse.Namespace) -> None:
    """Copy a saved scenario under a new name."""
    copy = library_of(args).duplicate_scenario(args.name, args.new_name, _author(args))
    print(f"copied '{args.name}' to '{copy.name}'")


def delete_scenario(args: argparse.Namespace) -> None:
    """Remove a saved scenario."""
    library_of(args).delete_scenario(args.name)
    log.info("deleted '%s'", args.name)
    print(f"deleted '{args.name}'")

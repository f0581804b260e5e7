"""Reading and writing the scenario library: scenarios and experiments by name, in any SQLAlchemy database.

The database is opened once per URL and process (`open_library`) and brought to the newest schema with Alembic on
that first open, so an older library file keeps working after an upgrade. Names are unique per kind; nothing is
overwritten unless asked (`replace=True`). Every failure a user can act on is a `LibraryError` in plain words.
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..errors import InputError
from .schema import NAME_LENGTH, experiments, scenarios

__all__ = [
    "DATABASE_ENV",
    "LIBRARY_FILE",
    "LibraryError",
    "SavedScenario",
    "SavedExperiment",
    "ScenarioLibrary",
    "default_url",
    "open_library",
    "close_library",
    "upgrade",
]

DATABASE_ENV = "GMV_DATABASE_URL"  # any SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db
LIBRARY_FILE = "gmv_library.sqlite"  # the default library: this file beside the app's artifacts folder
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FLOAT_DIGITS = 15  # digits kept of every number in a stored plan (pandas' most)
SQLITE_WAIT_SECONDS = 30  # how long a write waits for another session's write on SQLite
ALEMBIC_TABLE = "alembic_version"  # where Alembic keeps the schema's revision


class LibraryError(InputError):
    """Something about the library a user can fix: a name taken or unknown, a database that cannot be reached."""

    def __init__(self, message: str):
        super().__init__("scenario library", message)

    def __reduce__(self) -> tuple[type[LibraryError], tuple[str]]:
        return (type(self), (self.message,))


@dataclass(frozen=True)
class SavedScenario:
    """One saved plan: its name, who saved it and when, the model version it was made on, and its last results.

    Attributes:
        plan: week_start, one spend column per channel (input money unit, company-wide), optional levers.
        results: what the plan predicted when it was last saved (`plan_results`), e.g. gmv per subcategory.
    """

    name: str
    author: str
    created: pd.Timestamp
    updated: pd.Timestamp
    model_version: str
    model_key: str
    plan: pd.DataFrame
    results: dict[str, Any]


@dataclass(frozen=True)
class SavedExperiment:
    """One set of lift tests (channel, start, end, delta_spend, and delta_gmv and sigma once run)."""

    name: str
    author: str
    created: pd.Timestamp
    updated: pd.Timestamp
    model_version: str
    model_key: str
    tests: pd.DataFrame


def default_url(artifacts_dir: Path | str) -> str:
    """$GMV_DATABASE_URL when set, else a SQLite file `gmv_library.sqlite` beside the app's artifacts folder."""
    configured = os.environ.get(DATABASE_ENV, "").strip()
    if configured:
        return configured
    return f"sqlite:///{Path(artifacts_dir).resolve().parent / LIBRARY_FILE}"


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return "the configured database URL"


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def open_library(url: str, given_by: str = f"${DATABASE_ENV}") -> ScenarioLibrary:
    """The library at `url`, its schema brought up to date on the first open in this process; `given_by` names
    where the URL came from (an option or the environment variable), for the messages."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _connect(url, given_by)
            _ENGINES[url] = engine
    return ScenarioLibrary(engine, url)


def close_library(url: str) -> None:
    """Close the connections to the library at `url`; the next `open_library` connects (and migrates) afresh."""
    with _ENGINES_LOCK:
        engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def _connect(url: str, given_by: str) -> Engine:
    """An engine for `url` with the newest schema (SQLite: the folder is made and writers wait for each other).
    A database that holds another application's tables is refused before anything is written to it."""
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise LibraryError(f"{given_by} is not a database URL ({exc}); e.g. sqlite:///path/to/library.sqlite") from exc
    options: dict[str, Any] = {"pool_pre_ping": True}
    engine = None
    try:
        if parsed.get_backend_name() == "sqlite":
            _check_sqlite_file(parsed.database, given_by)
            options["connect_args"] = {"timeout": SQLITE_WAIT_SECONDS}
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, **options)
        _refuse_other_applications(engine, url)
        upgrade(engine)
    except (SQLAlchemyError, ImportError, OSError, LibraryError) as exc:
        if engine is not None:
            engine.dispose()
        if isinstance(exc, LibraryError):
            raise
        raise LibraryError(f"cannot open the library at {shown_url(url)}: {_reason(exc)}") from exc
    return engine


def _check_sqlite_file(database: str | None, given_by: str) -> None:
    """A SQLite library is a file: not memory (every plan would be lost when the program ends), not a folder."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise LibraryError(
            f"{given_by} names a database in memory, which loses every saved plan when the command ends; "
            f"give a file, e.g. sqlite:///path/to/{LIBRARY_FILE}"
        )
    if Path(database).is_dir():
        raise LibraryError(
            f"{given_by}: {database} is a folder; give a file in it, e.g. sqlite:///{Path(database) / LIBRARY_FILE}"
        )


def _refuse_other_applications(engine: Engine, url: str) -> None:
    """Refuse a database that already holds tables but not the library's (another application's data): the
    library would add its own tables and Alembic's `alembic_version` to it."""
    found = set(sa.inspect(engine).get_table_names())
    ours = {scenarios.name, experiments.name, ALEMBIC_TABLE}
    if found and not found & ours:
        listed = ", ".join(sorted(found)[:5]) + (", ..." if len(found) > 5 else "")
        raise LibraryError(
            f"{shown_url(url)} holds {len(found)} tables of another application ({listed}) and no scenario library; "
            "nothing was written: give a new file or an empty database"
        )


def _reason(exc: BaseException) -> str:
    """The first line of a database error, without SQLAlchemy's background links."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the library's schema to `revision` (the newest by default) with Alembic; nothing when already there."""
    logging.getLogger("alembic").setLevel(logging.WARNING)  # before its import: no plugin and "Context impl" lines
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if revision == "head" and schema_revision(connection) == ScriptDirectory.from_config(config).get_current_head():
            return
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision the library's schema is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _now() -> datetime:
    return datetime.now(UTC)


def _timestamp(value: datetime) -> pd.Timestamp:
    """A stored time as UTC (SQLite hands back naive times)."""
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _check_name(name: str) -> str:
    cleaned = str(name).strip()
    if not cleaned:
        raise LibraryError("a name is needed")
    if len(cleaned) > NAME_LENGTH:
        raise LibraryError(f"names are at most {NAME_LENGTH} characters; this one has {len(cleaned)}")
    return cleaned


def frame_json(frame: pd.DataFrame) -> str:
    """A frame as pandas' table JSON (column types kept, numbers to FLOAT_DIGITS digits)."""
    return frame.to_json(orient="table", index=False, date_format="iso", double_precision=FLOAT_DIGITS)


def json_frame(text: str) -> pd.DataFrame:
    """The frame `frame_json` wrote."""
    return pd.read_json(io.StringIO(text), orient="table").reset_index(drop=True)


class ScenarioLibrary:
    """The scenarios and experiments in one database; every method is one short transaction."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url

    @property
    def where(self) -> str:
        """Where the library is, for people: the URL without its password."""
        return shown_url(self.url)

    # -- scenarios -------------------------------------------------------------------------------------------------
    def save_scenario(
        self,
        name: str,
        plan: pd.DataFrame,
        *,
        author: str,
        model_version: str,
        model_key: str,
        results: dict[str, Any],
        replace: bool = False,
    ) -> SavedScenario:
        """Save `plan` under `name`; an existing name is an error unless `replace` (which keeps its author and
        creation time)."""
        name = _check_name(name)
        values = {
            "model_version": model_version,
            "model_key": model_key,
            "plan_json": frame_json(plan),
            "results_json": json.dumps(results, default=float),
            "updated_at": _now(),
        }
        self._write(scenarios, name, values, author, replace)
        return self.scenario(name)

    def scenarios(self, search: str = "") -> pd.DataFrame:
        """Saved scenarios, newest change first: name, author, created, updated, model_version, and the last
        results' weeks, spend and gmv; `search` keeps names or authors containing it (any case)."""
        query = sa.select(
            scenarios.c.name,
            scenarios.c.author,
            scenarios.c.created_at,
            scenarios.c.updated_at,
            scenarios.c.model_version,
            scenarios.c.results_json,
        ).order_by(scenarios.c.updated_at.desc(), scenarios.c.name)
        query = _matching(query, scenarios, search)
        rows = self._rows(query)
        records = []
        for row in rows:
            results = json.loads(row.results_json or "{}")
            records.append(
                {
                    "name": row.name,
                    "author": row.author,
                    "created": _timestamp(row.created_at),
                    "updated": _timestamp(row.updated_at),
                    "model_version": row.model_version,
                    "weeks": results.get("weeks"),
                    "spend": results.get("spend"),
                    "gmv": results.get("gmv_total"),
                }
            )
        columns = ["name", "author", "created", "updated", "model_version", "weeks", "spend", "gmv"]
        return pd.DataFrame(records, columns=columns)

    def scenario(self, name: str) -> SavedScenario:
        """The scenario saved as `name` (LibraryError naming the known ones when there is none)."""
        row = self._one(scenarios, name)
        return SavedScenario(
            **_saved_fields(row),
            plan=json_frame(row.plan_json),
            results=json.loads(row.results_json or "{}"),
        )

    def rename_scenario(self, name: str, new_name: str) -> None:
        """Give a saved scenario another (free) name."""
        self._rename(scenarios, name, new_name)

    def duplicate_scenario(self, name: str, new_name: str, author: str) -> SavedScenario:
        """A copy of a saved scenario under a new name, by `author`."""
        old = self.scenario(name)
        results = dict(old.results)
        return self.save_scenario(
            new_name, old.plan, author=author, model_version=old.model_version, model_key=old.model_key, results=results
        )

    def delete_scenario(self, name: str) -> None:
        """Remove a saved scenario."""
        self._delete(scenarios, name)

    def restore_scenario(self, saved: SavedScenario) -> SavedScenario:
        """Put back a scenario read before it was deleted (the app's "Undo delete"), with its author and times; a
        LibraryError when its name has been taken since."""
        row = {
            "name": _check_name(saved.name),
            "author": saved.author,
            "created_at": saved.created.to_pydatetime(),
            "updated_at": saved.updated.to_pydatetime(),
            "model_version": saved.model_version,
            "model_key": saved.model_key,
            "plan_json": frame_json(saved.plan),
            "results_json": json.dumps(saved.results, default=float),
        }
        taken = f"'{saved.name}' was saved again since it was deleted; rename that scenario to restore this one"
        try:
            with self.engine.begin() as connection:
                if connection.execute(sa.select(scenarios.c.id).where(scenarios.c.name == row["name"])).first():
                    raise LibraryError(taken)
                connection.execute(scenarios.insert().values(**row))
        except IntegrityError as exc:
            raise LibraryError(taken) from exc
        except SQLAlchemyError as exc:
            raise self._unreachable(exc) from exc
        return self.scenario(saved.name)

    # -- experiments -----------------------------------------------------------------------------------------------
    def save_experiment(
        self, name: str, tests: pd.DataFrame, *, author: str, model_version: str, model_key: str, replace: bool = False
    ) -> SavedExperiment:
        """Save lift tests (and their results once known) under `name`."""
        name = _check_name(name)
        values = {"model_version": model_version, "model_key": model_key, "tests_json": frame_json(tests), "updated_at": _now()}
        self._write(experiments, name, values, author, replace)
        return self.experiment(name)

    def experiments(self, search: str = "") -> pd.DataFrame:
        """Saved experiments, newest change first: name, author, created, updated, model_version, tests."""
        query = sa.select(experiments).order_by(experiments.c.updated_at.desc(), experiments.c.name)
        rows = self._rows(_matching(query, experiments, search))
        records = [
            {
                "name": row.name,
                "author": row.author,
                "created": _timestamp(row.created_at),
                "updated": _timestamp(row.updated_at),
                "model_version": row.model_version,
                "tests": len(json_frame(row.tests_json)),
            }
            for row in rows
        ]
        return pd.DataFrame(records, columns=["name", "author", "created", "updated", "model_version", "tests"])

    def experiment(self, name: str) -> SavedExperiment:
        """The experiment saved as `name`."""
        row = self._one(experiments, name)
        return SavedExperiment(
            **_saved_fields(row),
            tests=json_frame(row.tests_json),
        )

    def delete_experiment(self, name: str) -> None:
        """Remove a saved experiment."""
        self._delete(experiments, name)

    # -- shared ----------------------------------------------------------------------------------------------------
    def _write(self, table: sa.Table, name: str, values: dict[str, Any], author: str, replace: bool) -> None:
        """Insert `name`, or update it when it exists and `replace`; a taken name otherwise is a LibraryError."""
        kind = _kind(table)
        try:
            with self.engine.begin() as connection:
                exists = connection.execute(sa.select(table.c.id).where(table.c.name == name)).first()
                if exists and not replace:
                    raise LibraryError(f"a {kind} named '{name}' is already saved; pick another name or replace it")
                if exists:
                    connection.execute(table.update().where(table.c.id == exists.id).values(**values))
                else:
                    created = {"name": name, "author": author or "unknown", "created_at": values["updated_at"]}
                    connection.execute(table.insert().values(**created, **values))
        except IntegrityError as exc:  # another session saved the same name in between
            raise LibraryError(f"a {kind} named '{name}' was saved by someone else just now; pick another name") from exc
        except SQLAlchemyError as exc:
            raise self._unreachable(exc) from exc

    def _one(self, table: sa.Table, name: str) -> sa.Row:
        """The row named exactly `name`: a near name (other spaces or case) is only suggested, never acted on, so
        a rename or delete cannot reach a plan the user did not name."""
        rows = self._rows(sa.select(table).where(table.c.name == str(name)))
        if not rows:
            known = [row.name for row in self._rows(sa.select(table.c.name).order_by(table.c.name))]
            near = [k for k in known if k.strip().lower() == str(name).strip().lower()]
            hint = f"; did you mean '{near[0]}'?" if near else ""
            listed = ", ".join(f"'{k}'" for k in known[:10]) or "none yet"
            raise LibraryError(f"no {_kind(table)} named '{name}'{hint} (saved: {listed})")
        return rows[0]

    def _rename(self, table: sa.Table, name: str, new_name: str) -> None:
        new_name = _check_name(new_name)
        self._one(table, name)
        try:
            with self.engine.begin() as connection:
                taken = connection.execute(sa.select(table.c.id).where(table.c.name == new_name)).first()
                if taken:
                    raise LibraryError(f"a {_kind(table)} named '{new_name}' is already saved; pick another name")
                changed = connection.execute(table.update().where(table.c.name == name).values(name=new_name, updated_at=_now()))
                if changed.rowcount != 1:  # deleted or renamed by someone else since `_one` found it
                    raise LibraryError(f"no {_kind(table)} named '{name}' any more; nothing was renamed")
        except IntegrityError as exc:
            raise LibraryError(f"'{new_name}' was taken by someone else just now; pick another name") from exc
        except SQLAlchemyError as exc:
            raise self._unreachable(exc) from exc

    def _delete(self, table: sa.Table, name: str) -> None:
        self._one(table, name)
        try:
            with self.engine.begin() as connection:
                connection.execute(table.delete().where(table.c.name == str(name)))
        except SQLAlchemyError as exc:
            raise self._unreachable(exc) from exc

    def _rows(self, query: sa.Select) -> list[sa.Row]:
        try:
            with self.engine.connect() as connection:
                return list(connection.execute(query))
        except SQLAlchemyError as exc:
            raise self._unreachable(exc) from exc

    def _unreachable(self, exc: SQLAlchemyError) -> LibraryError:
        return LibraryError(f"the library at {self.where} could not be read or written: {_reason(exc)}")


def _saved_fields(row: sa.Row) -> dict[str, Any]:
    """What every saved item has: its name, author, times (UTC) and the model version it was made on."""
    return {
        "name": row.name,
        "author": row.author,
        "created": _timestamp(row.created_at),
        "updated": _timestamp(row.updated_at),
        "model_version": row.model_version,
        "model_key": row.model_key,
    }


def _kind(table: sa.Table) -> str:
    return "scenario" if table is scenarios else "experiment"


def _matching(query: sa.Select, table: sa.Table, search: str) -> sa.Select:
    """`query` kept to rows whose name or author contains `search` (any case); all rows for an empty search."""
    text = str(search or "").strip().lower()
    if not text:
        return query
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return query.where(
        sa.or_(sa.func.lower(table.c.name).like(pattern, escape="\\"), sa.func.lower(table.c.author).like(pattern, escape="\\"))
    )

"""The shared scenario library: named plans and lift-test results in a database (SQLite by default, any SQLAlchemy
URL through $GMV_DATABASE_URL), with Alembic migrations so a later version opens an older library."""

from __future__ import annotations

from .store import (
    DATABASE_ENV,
    LIBRARY_FILE,
    LibraryError,
    SavedExperiment,
    SavedScenario,
    ScenarioLibrary,
    close_library,
    default_url,
    open_library,
    upgrade,
)

__all__ = [
    "DATABASE_ENV",
    "LIBRARY_FILE",
    "LibraryError",
    "SavedExperiment",
    "SavedScenario",
    "ScenarioLibrary",
    "default_url",
    "open_library",
    "close_library",
    "upgrade",
]

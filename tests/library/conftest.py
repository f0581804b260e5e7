"""A fresh, empty library per test: a SQLite file, and PostgreSQL when $GMV_TEST_POSTGRES_URL names a server (CI
starts one; there a missing server fails the run instead of skipping)."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from gmvplanner.library import close_library

POSTGRES_ENV = "GMV_TEST_POSTGRES_URL"


def _empty_postgres(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for table in ("experiments", "scenarios", "alembic_version"):
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def library_url(request, tmp_path) -> str:
    """The URL of an empty library on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'library.sqlite'}"
    else:
        url = os.environ.get(POSTGRES_ENV, "")
        if not url:
            if os.environ.get("CI"):
                pytest.fail(f"${POSTGRES_ENV} is not set: scripts/test.sh starts PostgreSQL and sets it")
            pytest.skip(f"no PostgreSQL server (${POSTGRES_ENV} unset)")
        _empty_postgres(url)
    close_library(url)
    yield url
    close_library(url)

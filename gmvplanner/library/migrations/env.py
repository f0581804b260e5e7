"""Alembic's environment for the scenario library: migrations run on the connection the library hands over."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)  # batch: SQLite cannot ALTER most columns in place
with context.begin_transaction():
    context.run_migrations()

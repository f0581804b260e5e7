"""The library's tables as SQLAlchemy Core metadata: the shape the newest migration leaves the database in."""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["metadata", "scenarios", "experiments", "NAME_LENGTH"]

NAME_LENGTH = 200  # longest scenario or experiment name kept

metadata = sa.MetaData()

scenarios = sa.Table(
    "scenarios",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False, unique=True),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("model_version", sa.String(400), nullable=False),  # the model version's label when it was saved
    sa.Column("model_key", sa.String(64), nullable=False),  # that version's manifest checksum
    sa.Column("plan_json", sa.Text, nullable=False),  # week_start, spend per channel, levers (pandas table JSON: dtypes kept)
    sa.Column("results_json", sa.Text, nullable=False),  # the last results computed for it
)

experiments = sa.Table(
    "experiments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False, unique=True),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("model_version", sa.String(400), nullable=False),
    sa.Column("model_key", sa.String(64), nullable=False),
    sa.Column("tests_json", sa.Text, nullable=False),  # channel, start, end, delta_spend, delta_gmv, sigma
)

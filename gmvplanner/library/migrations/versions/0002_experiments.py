"""Lift tests and their results beside the scenarios, and the checksum of the model version a scenario was made on
(older rows get '' and are treated as made on another version).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scenarios") as batch:
        batch.add_column(sa.Column("model_key", sa.String(64), nullable=False, server_default=""))
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model_version", sa.String(400), nullable=False),
        sa.Column("model_key", sa.String(64), nullable=False),
        sa.Column("tests_json", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("experiments")
    with op.batch_alter_table("scenarios") as batch:
        batch.drop_column("model_key")

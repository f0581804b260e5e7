"""Named scenarios: the plan, who made it and when, on which model version, and its last results.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model_version", sa.String(400), nullable=False),
        sa.Column("plan_json", sa.Text, nullable=False),
        sa.Column("results_json", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("scenarios")

"""customers: covering index for the 行业 × 归属销售 summary

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 06:20:00
"""

import sqlalchemy as sa
from alembic import op

from app.services.core.migrations import analyze_new_index

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Group-by industry × owner with counts and the sum of 注册资金 over live rows, read
    # from the index alone in group order (1 M customers on SQLite: 1.1–1.6 s → 0.16 s).
    op.create_index(
        "ix_customers_live_industry_owner",
        "customers",
        ["industry_id", "owner_id", "capital_amount", "deleted_at"],
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    analyze_new_index(op.get_bind(), "ix_customers_live_industry_owner")


def downgrade() -> None:
    op.drop_index("ix_customers_live_industry_owner", "customers")

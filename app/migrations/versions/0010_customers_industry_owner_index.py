"""customers: covering index for the 行业 × 归属销售 summary

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 06:20:00
"""

import sqlalchemy as sa
from alembic import op

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
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    ).first():
        # A database analyzed before (sqlite_stat1) must know this index too: without
        # its statistics SQLite takes it for a selective one and chose it over the sort
        # and search indexes (1 M customers: searches 3-5x, two sorts 6x slower).
        bind.exec_driver_sql("ANALYZE ix_customers_live_industry_owner")


def downgrade() -> None:
    op.drop_index("ix_customers_live_industry_owner", "customers")

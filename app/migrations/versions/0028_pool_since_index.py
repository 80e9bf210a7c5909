"""customers: the pool's default sort (进入公海时间, newest first) read along an index

Revision ID: 0028
Revises: 0021
Create Date: 2026-12-05 13:50:00
"""

from alembic import op

revision = "0028"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Replaces the index on is_in_pool alone (its prefix serves the same lookups): the
    # pool's first window walks this index instead of sorting every pool customer
    # (245,000 after a sweep of the 1 M bench: 0.4-0.7 s on SQLite).
    op.drop_index("ix_customers_pool", table_name="customers")
    op.create_index("ix_customers_pool_since", "customers", ["is_in_pool", "owner_since", "id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    ).first():
        # An analyzed file must know the new index too (see migration 0010).
        bind.exec_driver_sql("ANALYZE ix_customers_pool_since")


def downgrade() -> None:
    op.drop_index("ix_customers_pool_since", table_name="customers")
    op.create_index("ix_customers_pool", "customers", ["is_in_pool"])

"""customers: the pool's default sort (进入公海时间, newest first) read along an index;
statistics for the indexes added since migration 0016 on an analyzed SQLite file

Revision ID: 0028
Revises: 0021
Create Date: 2026-12-05 13:50:00
"""

from alembic import op

from app.services.core.migrations import analyze_unanalyzed_indexes

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
    # And the indexes migrations 0016-0021 added without statistics on an analyzed file
    # (the due dates' and the lists' sort indexes among them; see migration 0010).
    analyze_unanalyzed_indexes(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_customers_pool_since", table_name="customers")
    op.create_index("ix_customers_pool", "customers", ["is_in_pool"])

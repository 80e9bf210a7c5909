"""customers.pool_due_at: the stored, indexed day a customer returns to the pool; indexes
over open development windows and registrations awaiting 核对

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 11:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Open development windows and registrations awaiting 核对, indexed over the open rows.
PARTIAL = [
    ("ix_customers_open_dev_owner", ["owner_id", "dev_deadline"], "developed_on IS NULL"),
    ("ix_customers_open_dev", ["dev_deadline"], "developed_on IS NULL"),
    ("ix_customers_unverified", ["created_at"], "verified_at IS NULL"),
]


def upgrade() -> None:
    op.add_column("customers", sa.Column("pool_due_at", sa.DateTime(), nullable=True))
    op.create_index("ix_customers_pool_due", "customers", ["pool_due_at"])
    op.create_index("ix_customers_owner_pool_due", "customers", ["owner_id", "pool_due_at"])
    for name, cols, where in PARTIAL:
        op.create_index(name, "customers", cols, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))  # fmt: skip
    # Filled by the one expression the app keeps it with (the settings in the database).
    from sqlalchemy.orm import Session

    from app.services.customers.idle_clock import refresh_pool_due

    with Session(bind=op.get_bind()) as session:
        refresh_pool_due(session)


def downgrade() -> None:
    for name, _cols, _where in PARTIAL:
        op.drop_index(name, table_name="customers")
    op.drop_index("ix_customers_owner_pool_due", table_name="customers")
    op.drop_index("ix_customers_pool_due", table_name="customers")
    op.drop_column("customers", "pool_due_at")

"""customers.pool_due_at: the stored, indexed day a customer returns to the pool

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-05 11:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("pool_due_at", sa.DateTime(), nullable=True))
    op.create_index("ix_customers_pool_due", "customers", ["pool_due_at"])
    # Filled by the one expression the app keeps it with (the settings in the database).
    from sqlalchemy.orm import Session

    from app.services.customers.idle_clock import refresh_pool_due

    with Session(bind=op.get_bind()) as session:
        refresh_pool_due(session)


def downgrade() -> None:
    op.drop_index("ix_customers_pool_due", table_name="customers")
    op.drop_column("customers", "pool_due_at")

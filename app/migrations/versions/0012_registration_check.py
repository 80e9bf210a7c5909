"""customers: 核对 — the sales admin confirms each new registration (4.3.2)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (not a batch copy of the table): SQLite keeps the customers
    # table's search triggers (migration 0004) and a million rows are not copied.
    op.add_column("customers", sa.Column("verified_at", sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # Alembic will not add a constraint there
        op.execute(
            "ALTER TABLE customers ADD COLUMN verified_by_id INTEGER "
            "CONSTRAINT fk_customers_verified_by_id_users REFERENCES users (id)"
        )
    else:
        op.add_column("customers", sa.Column("verified_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_customers_verified_by_id_users", "customers", "users", ["verified_by_id"], ["id"]
        )
    # What was registered before this version counts as checked: no flood of old reminders.
    op.execute("UPDATE customers SET verified_at = created_at")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":  # SQLite drops it with the column
        op.drop_constraint("fk_customers_verified_by_id_users", "customers", type_="foreignkey")
    op.drop_column("customers", "verified_by_id")
    op.drop_column("customers", "verified_at")

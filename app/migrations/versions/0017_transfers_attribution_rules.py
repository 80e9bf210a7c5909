"""转让申请 (二.2), 业绩归属 of deals (4.4.3, 二.2, 二.4), rule changes approved by the chairman

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-05 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def _fk(table: str, col: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{target}.id"], name=f"fk_{table}_{col}_{target}")


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "transfer_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("agreed_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        *_tracked(),
        _fk("transfer_requests", "from_user_id", "users"),
        _fk("transfer_requests", "to_user_id", "users"),
        _fk("transfer_requests", "decided_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_transfer_requests"),
    )
    op.create_index("ix_transfer_requests_status", "transfer_requests", ["status"])
    op.create_table(
        "transfer_request_customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        _fk("transfer_request_customers", "request_id", "transfer_requests"),
        _fk("transfer_request_customers", "customer_id", "customers"),
        sa.PrimaryKeyConstraint("id", name="pk_transfer_request_customers"),
    )
    op.create_index(
        "ix_transfer_request_customers_request", "transfer_request_customers", ["request_id"]
    )
    op.create_index(
        "ix_transfer_request_customers_customer", "transfer_request_customers", ["customer_id"]
    )


def downgrade() -> None:
    op.drop_table("transfer_request_customers")
    op.drop_table("transfer_requests")

"""转让申请 (二.2), 业绩归属 of deals (4.4.3, 二.2, 二.4), rule changes approved by the chairman

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
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


# 业绩归属 of the deals recorded before this version, by the rule the app applies when a
# deal is recorded (customers._internal.attribution), later causes first:
_REASONS = (
    ("rep", "开发期内开发成功（4.4.3）", "c.developed_on IS NOT NULL"),
    ("dept", "开发期限内未开发成功（4.4.3）", "c.developed_on IS NULL"),
    # The current owner's deals when the owner got it by a 转移 nobody with the
    # director's approval made (not a manager, not the admin).
    (
        "dept",
        "客户未经市场总监批准调换（二.2）",
        "deals.salesperson_id = c.owner_id AND EXISTS (SELECT 1 FROM ownership_changes oc"
        " JOIN users u ON u.id = oc.by_id WHERE oc.customer_id = c.id AND oc.kind = '转移'"
        " AND u.role NOT IN ('manager', 'admin') AND oc.id = (SELECT max(o2.id) FROM"
        " ownership_changes o2 WHERE o2.customer_id = c.id))",
    ),
    ("dept", "客户未报销售内勤核对（二.4）", "c.verified_at IS NULL"),
)


def _backfill_attribution() -> None:
    for code, reason, where in _REASONS:
        op.execute(
            sa.text(
                "UPDATE deals SET attribution = :code, attribution_reason = :reason WHERE"
                f" EXISTS (SELECT 1 FROM customers c WHERE c.id = deals.customer_id AND {where})"
            ).bindparams(code=code, reason=reason)
        )


def upgrade() -> None:
    # Plain ADD COLUMN with a default (no batch copy of a large table).
    op.add_column(
        "deals",
        sa.Column("attribution", sa.String(length=10), server_default="rep", nullable=False),
    )
    op.add_column(
        "deals",
        sa.Column(
            "attribution_reason", sa.String(length=100), server_default="", nullable=False
        ),
    )
    _backfill_attribution()
    op.create_table(
        "rule_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        *_tracked(),
        _fk("rule_changes", "requester_id", "users"),
        _fk("rule_changes", "decided_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_rule_changes"),
    )
    op.create_index("ix_rule_changes_status", "rule_changes", ["status", "key"])
    op.create_table(
        "rule_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("previous", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=True),
        _fk("rule_values", "change_id", "rule_changes"),
        sa.PrimaryKeyConstraint("id", name="pk_rule_values"),
    )
    op.create_index("ix_rule_values_key", "rule_values", ["key", "effective_from"])
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
    op.drop_table("rule_values")
    op.drop_table("rule_changes")
    op.drop_column("deals", "attribution_reason")
    op.drop_column("deals", "attribution")
    op.drop_table("transfer_request_customers")
    op.drop_table("transfer_requests")

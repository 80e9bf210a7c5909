"""prospect_steps: 三.2.1 — a prospect's first three steps (名片与自我介绍, 样品, 公司介绍)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 08:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prospect_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=10), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name="fk_prospect_steps_customer_id_customers"),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name="fk_prospect_steps_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_prospect_steps"),
    )  # fmt: skip
    op.create_index("ix_prospect_steps_customer", "prospect_steps", ["customer_id", "step"])


def downgrade() -> None:
    op.drop_index("ix_prospect_steps_customer", table_name="prospect_steps")
    op.drop_table("prospect_steps")

"""classification_sheets: 《客户等级分类表》 (暂行办法 一.3, 附表二) — sheets and their frozen rows

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 10:45:00
"""

import sqlalchemy as sa
from alembic import op


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("filler_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["users.id"], name="fk_class_sheets_checked_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["filler_id"], ["users.id"], name="fk_class_sheets_filler_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["returned_by_id"], ["users.id"], name="fk_class_sheets_returned_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name="fk_class_sheets_reviewed_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_class_sheets"),
    )
    op.create_index("ix_class_sheets_status", "class_sheets", ["status"])
    op.create_index(
        "uq_class_sheets_period", "class_sheets", ["period", "period_start"], unique=True
    )

    op.create_table(
        "class_sheet_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("customer_number", sa.String(length=40), nullable=False),
        sa.Column("customer_name", sa.String(length=100), nullable=False),
        sa.Column("owner_name", sa.String(length=40), nullable=False),
        sa.Column("current_class", sa.String(length=2), nullable=False),
        sa.Column("computed_class", sa.String(length=2), nullable=False),
        sa.Column("proposed_class", sa.String(length=2), nullable=False),
        sa.Column("total_3y", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("financial_status", sa.String(length=20), nullable=False),
        sa.Column("credit_level", sa.String(length=20), nullable=False),
        sa.Column("basis", sa.String(length=300), nullable=False),
        sa.Column("remark", sa.String(length=300), nullable=False),
        sa.Column("d_reason", sa.String(length=280), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_class_sheet_rows_customer_id_customers"
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id"], ["class_sheets.id"], name="fk_class_sheet_rows_sheet_id_class_sheets"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_class_sheet_rows"),
    )
    op.create_index(
        "uq_class_sheet_rows_customer", "class_sheet_rows", ["sheet_id", "customer_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_class_sheet_rows_customer", table_name="class_sheet_rows")

    op.drop_table("class_sheet_rows")
    op.drop_index("uq_class_sheets_period", table_name="class_sheets")
    op.drop_index("ix_class_sheets_status", table_name="class_sheets")

    op.drop_table("class_sheets")

"""合并客户: likely duplicate pairs, 不是重复 marks, merge proposals, merges (issue 20)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _fk(table: str, col: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{target}.id"], name=f"fk_{table}_{col}_{target}")


def _pair_table(name: str, *cols: sa.Column, by: bool) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        *cols,
        _fk(name, "a_id", "customers"),
        _fk(name, "b_id", "customers"),
        *([_fk(name, "by_id", "users")] if by else []),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite keeps the search triggers (migration 0004).
    if op.get_bind().dialect.name == "sqlite":  # Alembic will not add a constraint there
        op.execute(
            "ALTER TABLE customers ADD COLUMN merged_into_id INTEGER "
            "CONSTRAINT fk_customers_merged_into_id_customers REFERENCES customers (id)"
        )
    else:
        op.add_column("customers", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_customers_merged_into_id_customers",
            "customers",
            "customers",
            ["merged_into_id"],
            ["id"],
        )
    _pair_table(
        "duplicate_pairs",
        sa.Column("reasons", sa.String(length=300), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        by=False,
    )
    op.create_index("uq_duplicate_pairs_pair", "duplicate_pairs", ["a_id", "b_id"], unique=True)
    op.create_index("ix_duplicate_pairs_b", "duplicate_pairs", ["b_id"])
    op.create_index("ix_duplicate_pairs_score", "duplicate_pairs", ["score", "id"])
    _pair_table(
        "duplicate_dismissals",
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        by=True,
    )
    op.create_index(
        "uq_duplicate_dismissals_pair", "duplicate_dismissals", ["a_id", "b_id"], unique=True
    )
    op.create_table(
        "merge_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("removed_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        _fk("merge_proposals", "kept_id", "customers"),
        _fk("merge_proposals", "removed_id", "customers"),
        _fk("merge_proposals", "requester_id", "users"),
        _fk("merge_proposals", "decided_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_merge_proposals"),
    )
    op.create_index("ix_merge_proposals_status", "merge_proposals", ["status"])
    op.create_table(
        "customer_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("removed_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("kept_before", sa.JSON(), nullable=False),
        sa.Column("removed_before", sa.JSON(), nullable=False),
        sa.Column("kept_version", sa.Integer(), nullable=False),
        sa.Column("removed_version", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        _fk("customer_merges", "kept_id", "customers"),
        _fk("customer_merges", "removed_id", "customers"),
        _fk("customer_merges", "by_id", "users"),
        _fk("customer_merges", "undone_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_customer_merges"),
    )
    op.create_index("ix_customer_merges_kept", "customer_merges", ["kept_id"])
    op.create_index("ix_customer_merges_removed", "customer_merges", ["removed_id"])


def downgrade() -> None:
    for table in ("customer_merges", "merge_proposals", "duplicate_dismissals", "duplicate_pairs"):
        op.drop_table(table)
    if op.get_bind().dialect.name != "sqlite":  # SQLite drops it with the column
        op.drop_constraint("fk_customers_merged_into_id_customers", "customers", type_="foreignkey")
    op.drop_column("customers", "merged_into_id")

"""maintenance: 《客户维护表》 after-sales contacts per delivered deal and 抽查 (issue 14.3)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 11:00:00
"""

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

STEPS = (7, 30, 91, 365)  # customers._internal.DELIVERY_STEPS


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
    t = "after_sales_contacts"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("work_plan_id", sa.Integer(), nullable=False),
        sa.Column("step_days", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=False),
        *_tracked(),
        _fk(t, "customer_id", "customers"),
        _fk(t, "deal_id", "deals"),
        _fk(t, "work_plan_id", "work_plans"),
        _fk(t, "follow_up_id", "follow_ups"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("work_plan_id", name=f"uq_{t}_work_plan_id"),
    )
    op.create_index("ix_after_sales_contacts_deal", t, ["deal_id", "step_days"])
    op.create_index("ix_after_sales_contacts_customer", t, ["customer_id"])
    c = "maintenance_checks"
    op.create_table(
        c,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("remark", sa.String(length=500), nullable=False),
        _fk(c, "customer_id", "customers"),
        _fk(c, "checked_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{c}"),
    )
    op.create_index("ix_maintenance_checks_customer", c, ["customer_id", "checked_at"])
    _link_existing_tasks()


def _link_existing_tasks() -> None:
    """Existing 交付后回访 items name their deal only in the title: match each to the
    customer's delivered deal whose delivery date plus the step is the item's due date."""
    bind = op.get_bind()
    kind = bind.execute(
        sa.text(
            "SELECT i.id FROM code_items i JOIN code_tables t ON t.id = i.table_id "
            "WHERE t.key = 'work_plan_kind' AND i.code = '6'"
        )
    ).scalar()
    if kind is None:
        return
    deals: dict[tuple[int, date], int] = {}
    for deal_id, customer_id, delivered_on in bind.execute(
        sa.text("SELECT id, customer_id, delivered_on FROM deals WHERE delivered_on IS NOT NULL")
    ):
        on = delivered_on if isinstance(delivered_on, date) else date.fromisoformat(delivered_on)
        for days in STEPS:
            deals.setdefault((customer_id, on + timedelta(days=days)), deal_id)
    plans = bind.execute(
        sa.text(
            "SELECT id, customer_id, due_date, created_at FROM work_plans "
            "WHERE kind_id = :kind AND customer_id IS NOT NULL AND deleted_at IS NULL"
        ),
        {"kind": kind},
    ).all()
    rows = []
    for plan_id, customer_id, due, created_at in plans:
        due = due if isinstance(due, date) else date.fromisoformat(due)
        deal_id = deals.get((customer_id, due))
        if deal_id is None:
            continue
        delivered = bind.execute(
            sa.text("SELECT delivered_on FROM deals WHERE id = :id"), {"id": deal_id}
        ).scalar()
        delivered = delivered if isinstance(delivered, date) else date.fromisoformat(delivered)
        rows.append({"customer_id": customer_id, "deal_id": deal_id, "work_plan_id": plan_id,
                     "step_days": (due - delivered).days, "created_at": created_at,
                     "updated_at": created_at})  # fmt: skip
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO after_sales_contacts (customer_id, deal_id, work_plan_id, "
                "step_days, feedback, created_at, updated_at, version) VALUES (:customer_id, "
                ":deal_id, :work_plan_id, :step_days, '', :created_at, :updated_at, 1)"
            ),
            rows,
        )


def downgrade() -> None:
    op.drop_index("ix_maintenance_checks_customer", table_name="maintenance_checks")
    op.drop_table("maintenance_checks")
    op.drop_index("ix_after_sales_contacts_customer", table_name="after_sales_contacts")
    op.drop_index("ix_after_sales_contacts_deal", table_name="after_sales_contacts")
    op.drop_table("after_sales_contacts")

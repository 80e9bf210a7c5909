"""customers: the last sales action (any follow-up, visit, deal, sample request or complaint
handled resets the idle clock); idle limits by class become an option

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 03:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# (kind, SQL selecting customer_id and the action's time) — live rows only, as the app
# counts them (customers.refresh_sales_action).
SOURCES = [
    ("follow_up", "SELECT customer_id, MAX(at) AS at FROM follow_ups "
                  "WHERE deleted_at IS NULL GROUP BY customer_id"),
    ("visit", "SELECT customer_id, MAX(visited_at) AS at FROM visit_records "
              "WHERE deleted_at IS NULL GROUP BY customer_id"),
    ("deal", "SELECT customer_id, MAX({deal_at}) AS at FROM deals "
             "WHERE deleted_at IS NULL GROUP BY customer_id"),
    ("sample", "SELECT customer_id, MAX(requested_at) AS at FROM sample_requests "
               "WHERE deleted_at IS NULL AND status <> 'cancelled' GROUP BY customer_id"),
    ("complaint", "SELECT customer_id, MAX(resolved_at) AS at FROM complaints "
                  "WHERE deleted_at IS NULL AND resolved_at IS NOT NULL GROUP BY customer_id"),
]  # fmt: skip


def upgrade() -> None:
    op.add_column("customers", sa.Column("last_sales_action_at", sa.DateTime(), nullable=True))
    op.add_column(
        "customers", sa.Column("last_sales_action_kind", sa.String(length=20), nullable=True)
    )
    bind = op.get_bind()
    # a deal's date as a timestamp (midnight), in each dialect's words
    deal_at = "deal_date::timestamp" if bind.dialect.name == "postgresql" else "datetime(deal_date)"
    for kind, sql in SOURCES:
        bind.exec_driver_sql(
            f"UPDATE customers SET last_sales_action_at = s.at, last_sales_action_kind = '{kind}' "
            f"FROM ({sql.format(deal_at=deal_at)}) AS s "
            "WHERE s.customer_id = customers.id AND s.at IS NOT NULL AND "
            "(customers.last_sales_action_at IS NULL OR s.at > customers.last_sales_action_at)"
        )
    # An office that set its own idle limit per class keeps them: the per-class option is
    # switched on for it (new offices get one limit for every class, 二.3: two months).
    customised = bind.exec_driver_sql(
        "SELECT 1 FROM settings WHERE key IN ('pool.idle_days_A', 'pool.idle_days_B', "
        "'pool.idle_days_C', 'pool.idle_days_D', 'pool.idle_days_default') LIMIT 1"
    ).first()
    if customised:
        bind.execute(
            sa.text(
                "INSERT INTO settings (key, value, version, created_at, updated_at) "
                "VALUES ('pool.idle_by_class', '1', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )


def downgrade() -> None:
    op.execute("DELETE FROM settings WHERE key = 'pool.idle_by_class'")
    op.drop_column("customers", "last_sales_action_kind")
    op.drop_column("customers", "last_sales_action_at")

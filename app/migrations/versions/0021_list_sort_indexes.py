"""indexes behind the lists' default sort orders (app/models/list_indexes.py)

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-05 11:45:00
"""

from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_follow_ups_at", "follow_ups", "at"),
    ("ix_deals_deal_date", "deals", "deal_date"),
    ("ix_contacts_name_pinyin_id", "contacts", "name_pinyin"),
    ("ix_visit_plans_planned_from", "visit_plans", "planned_from"),
    ("ix_visit_records_visited_at", "visit_records", "visited_at"),
    ("ix_visit_reports_submitted_at", "visit_reports", "submitted_at"),
    ("ix_complaints_received_at", "complaints", "received_at"),
    ("ix_sample_requests_requested_at", "sample_requests", "requested_at"),
    ("ix_work_plans_due_date", "work_plans", "due_date"),
]


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column, "id"])


def downgrade() -> None:
    for name, table, _column in INDEXES:
        op.drop_index(name, table_name=table)

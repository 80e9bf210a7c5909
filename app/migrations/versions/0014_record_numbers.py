"""record numbers: 回访计划, 回访记录, 回访报告, 投诉/反馈 and 寄样申请 get a number in the
customer number's style (a pattern per kind in 系统设置); existing rows are numbered by
the year they were made and their order, and the counters continue from there

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# table → (counter scope, default prefix): core.numbering.RECORD_PATTERNS at this version
TABLES = {
    "visit_plans": ("visit_plan", "HFJH"),
    "visit_records": ("visit_record", "HFJL"),
    "visit_reports": ("visit_report", "HFBG"),
    "complaints": ("complaint", "TS"),
    "sample_requests": ("sample", "JY"),
}


def upgrade() -> None:
    bind = op.get_bind()
    counters = sa.table("number_counters", sa.column("key", sa.String), sa.column("value"))
    for table, (scope, prefix) in TABLES.items():
        op.add_column(
            table, sa.Column("number", sa.String(length=40), nullable=False, server_default="")
        )
        op.create_index(f"ix_{table}_number", table, ["number"])
        t = sa.table(table, sa.column("id"), sa.column("created_at"), sa.column("number"))
        last: dict[int, int] = {}
        rows = bind.execute(sa.select(t.c.id, t.c.created_at).order_by(t.c.id)).all()
        for rid, created in rows:
            year = created.year if hasattr(created, "year") else int(str(created)[:4])
            last[year] = last.get(year, 0) + 1
            bind.execute(
                t.update().where(t.c.id == rid).values(number=f"{prefix}{year}{last[year]:05d}")
            )
        for year, value in last.items():
            bind.execute(counters.insert().values(key=f"{scope}:{prefix}{year}{{seq}}", value=value))


def downgrade() -> None:
    for table, (scope, _prefix) in TABLES.items():
        op.drop_index(f"ix_{table}_number", table_name=table)
        op.drop_column(table, "number")
        op.execute(f"DELETE FROM number_counters WHERE key LIKE '{scope}:%'")

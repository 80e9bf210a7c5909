"""Add a year of office activity to a bench database that has its customers.

    .venv/bin/python -m bench.activity                       # bench/data/crm-bench.sqlite3
    .venv/bin/python -m bench.activity --pg-url URL          # or --pg (data/pg-url.txt)

Per customer, at the ratios of a working office (bench/README.md, "Whole app"):
≈5 follow-ups (跟进, the latest of an owned customer within the last 70 days, so about
one in seven is past the two-month limit — the pool sweep's work), ≈0.5 deals (成交),
visits with their chain (回访计划 → 记录 → 报告) for 5 %, complaints for 1 %, sample
requests for 2 %, and ≈300 work-plan items per rep. Then the columns the app keeps from
them — 最近跟进, 最近销售动作, 开发成功, the stored pool due date — are filled by the
same SQL the migrations and the app use, and the planner's statistics refreshed.
Rows are written with executemany (SQLite) or COPY (PostgreSQL).
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys
import time
from datetime import date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.models import (
    Complaint,
    Deal,
    FollowUp,
    SampleRequest,
    VisitPlan,
    VisitRecord,
    VisitReport,
    WorkPlan,
)
from app.services.core.database import open_database
from app.services.core.migrations import upgrade
from app.services.customers.idle_clock import refresh_pool_due
from bench.generate import DATA_DIR, NOW, SQLITE_PATH, _filler, _pg_text

BATCH = 100_000
CONTENTS = ("电话沟通采购计划", "微信发送产品资料", "上门拜访，了解使用情况", "报价已发，等待回复",
            "客户询问新品价格", "寄送样品后回访", "约定下月再联系")  # fmt: skip
PRODUCTS = ("枸杞原浆", "枸杞干果", "枸杞酒", "枸杞籽油", "礼盒装")


class Writer:
    """Rows of one table, in batches: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, raw, sqlite: bool, model, cols: list[str]):
        self.raw, self.sqlite, self.table = raw, sqlite, model.__tablename__
        # The id comes from the table's own sequence unless given.
        fill_cols, self.fill = _filler(model.__table__, [*cols, "id"])
        self.cols = cols + fill_cols
        self.buf: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.buf.append(row + self.fill)
        if len(self.buf) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buf:
            return
        cur = self.raw.cursor()
        if self.sqlite:
            marks = ", ".join("?" * len(self.cols))
            cur.executemany(
                f"INSERT INTO {self.table} ({', '.join(self.cols)}) VALUES ({marks})", self.buf
            )
        else:
            with cur.copy(f"COPY {self.table} ({', '.join(self.cols)}) FROM STDIN") as copy:
                copy.write("".join(
                    "\t".join(_pg_text(v) for v in row) + "\n" for row in self.buf
                ))  # fmt: skip
        self.count += len(self.buf)
        self.buf = []


def _stamp(d: datetime) -> str:
    return d.strftime("%Y-%m-%d %H:%M:%S.000000")


def add_activity(url: str, seed: int) -> None:
    t0 = time.perf_counter()
    db = open_database(url)
    upgrade(db.engine)
    sqlite = db.is_sqlite
    with db.engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM follow_ups")).scalar():
            sys.exit(f"{url} already has follow-ups; generate the customers again first")
        users = conn.execute(text("SELECT id, role, team_id FROM users")).all()
        customers = conn.execute(text(
            "SELECT id, owner_id, registered_by_id, registered_on, is_in_pool FROM customers "
            "WHERE deleted_at IS NULL ORDER BY id"
        )).all()  # fmt: skip
    reps = [u.id for u in users if u.role == "sales_rep"]
    managers = {u.team_id: u.id for u in users if u.role == "manager"}
    team_of = {u.id: u.team_id for u in users}
    neiqin = next(u.id for u in users if u.role == "sales_admin")
    rnd = random.Random(seed)
    r = rnd.random
    now = NOW
    raw = db.engine.raw_connection()
    if sqlite:
        raw.isolation_level = None
        raw.cursor().execute("PRAGMA synchronous=OFF")
        raw.cursor().execute("BEGIN")
    w = {
        "fu": Writer(raw, sqlite, FollowUp, ["customer_id", "at", "content", "next_date",
                                             "by_id", "created_at", "updated_at"]),
        "deal": Writer(raw, sqlite, Deal, ["customer_id", "deal_date", "product", "amount",
                                           "salesperson_id", "delivered", "delivered_on",
                                           "created_at", "updated_at"]),
        "plan": Writer(raw, sqlite, VisitPlan, ["id", "number", "customer_id", "owner_id",
                                                "planned_from", "planned_to", "purpose",
                                                "status", "created_at", "updated_at"]),
        "report": Writer(raw, sqlite, VisitReport, ["id", "number", "title", "author_id",
                                                    "status", "submitted_at", "created_at",
                                                    "updated_at"]),
        "record": Writer(raw, sqlite, VisitRecord, ["number", "plan_id", "customer_id",
                                                    "visitor_id", "visited_at", "needs",
                                                    "report_id", "created_at", "updated_at"]),
        "complaint": Writer(raw, sqlite, Complaint, ["number", "customer_id", "received_at",
                                                     "customer_words", "handler_id", "due_date",
                                                     "status", "resolved_at", "created_at",
                                                     "updated_at"]),
        "sample": Writer(raw, sqlite, SampleRequest, ["number", "customer_id",
                                                      "requested_by_id", "requested_at",
                                                      "items", "recipient", "address",
                                                      "status", "created_at", "updated_at"]),
        "work": Writer(raw, sqlite, WorkPlan, ["period_start", "period_end", "title",
                                               "assignee_id", "assigned_by_id", "due_date",
                                               "customer_id", "created_at", "updated_at"]),
    }  # fmt: skip
    plan_id = report_id = 0
    records_in_report = 0
    for i, (cid, owner, registrar, registered_on, in_pool) in enumerate(customers):
        if isinstance(registered_on, str):
            registered_on = date.fromisoformat(registered_on)
        start = datetime.combine(registered_on, datetime.min.time()) + timedelta(hours=9)
        span = max(1.0, (now - start).total_seconds() / 86400)
        who = owner or registrar or neiqin
        # The latest contact: within 70 days for an owned customer, older in the pool.
        recent = min(span, 70.0) if not in_pool else span
        latest = now - timedelta(days=r() * recent)
        n = int(r() * 10)
        for k in range(n):
            at = latest if k == n - 1 else start + timedelta(days=r() * span * 0.98)
            if at > latest:
                at = latest - timedelta(days=r() * 30)
            nxt = (
                (at + timedelta(days=1 + int(r() * 14))).date()
                if k == n - 1 and r() < 0.1
                else None
            )
            w["fu"].add((cid, _stamp(at), CONTENTS[int(r() * len(CONTENTS))], nxt, who,
                         _stamp(at), _stamp(at)))  # fmt: skip
        if r() < 0.35:
            for _ in range(1 + int(r() * 2)):
                d = (start + timedelta(days=r() * span)).date()
                old = (now.date() - d).days > 30
                w["deal"].add((cid, d, PRODUCTS[int(r() * 5)], 500 + int(r() * 200) * 100,
                               who, old, d + timedelta(days=7) if old else None,
                               _stamp(now), _stamp(now)))  # fmt: skip
        if owner and r() < 0.05:
            plan_id += 1
            day = (now - timedelta(days=r() * 300)).date()
            upcoming = r() < 0.1
            if upcoming:
                day = now.date() + timedelta(days=int(r() * 20))
            w["plan"].add((plan_id, f"HFJH{day.year}{plan_id:05d}", cid, owner, day,
                           day + timedelta(days=7), "了解使用情况",
                           "planned" if upcoming else "done", _stamp(now), _stamp(now)))  # fmt: skip
            if not upcoming:
                if records_in_report == 0:
                    report_id += 1
                    w["report"].add((report_id, f"HFBG{day.year}{report_id:05d}",
                                     f"{day:%Y年%m月}回访报告", owner, "archived",
                                     _stamp(now), _stamp(now), _stamp(now)))  # fmt: skip
                records_in_report = (records_in_report + 1) % 10
                at = datetime.combine(day, datetime.min.time()) + timedelta(hours=10)
                w["record"].add((f"HFJL{day.year}{plan_id:05d}", plan_id, cid, owner,
                                 _stamp(at), "增加采购", report_id, _stamp(at), _stamp(at)))  # fmt: skip
        if r() < 0.01:
            at = now - timedelta(days=r() * 365)
            open_ = r() < 0.1
            w["complaint"].add((f"TS{at.year}{i:06d}", cid, _stamp(at), "到货有破损",
                                who, (at + timedelta(days=7)).date(),
                                "received" if open_ else "closed",
                                None if open_ else _stamp(at + timedelta(days=3)),
                                _stamp(at), _stamp(at)))  # fmt: skip
        if r() < 0.02:
            at = now - timedelta(days=r() * 365)
            w["sample"].add((f"JY{at.year}{i:06d}", cid, who, _stamp(at), "枸杞样品",
                             "马经理", "宁夏银川市金凤区", "requested" if r() < 0.05 else
                             "dispatched", _stamp(at), _stamp(at)))  # fmt: skip
        if i % 100_000 == 0:
            print(f"  {i:,}", end="\r", flush=True)
    for rep in reps:
        for k in range(300):
            d = (now - timedelta(days=120) + timedelta(days=k * 0.6)).date()
            w["work"].add((d, d + timedelta(days=6), f"拜访计划第{k + 1}项", rep,
                           managers.get(team_of[rep], rep), d + timedelta(days=6),
                           customers[int(r() * len(customers))][0], _stamp(now), _stamp(now)))  # fmt: skip
    for name in ("fu", "deal", "plan", "report", "record", "complaint", "sample", "work"):
        w[name].flush()
    if sqlite:
        raw.cursor().execute("COMMIT")
    else:
        raw.commit()
        cur = raw.cursor()
        for table in ("visit_plans", "visit_reports"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")  # fmt: skip
        raw.commit()
    raw.close()
    t1 = time.perf_counter()
    print("  rows: " + ", ".join(f"{k} {v.count:,}" for k, v in w.items())
          + f" in {t1 - t0:.0f} s")  # fmt: skip
    derive(db)
    print(f"  derived columns and statistics in {time.perf_counter() - t1:.0f} s")
    db.dispose()


def derive(db) -> None:
    """最近跟进, 最近销售动作 (the migration's SQL), 开发成功, the pool due date."""
    sales_actions = importlib.import_module("app.migrations.versions.0011_sales_actions")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE customers SET last_follow_up_at = s.at FROM (SELECT customer_id, "
            "MAX(at) AS at FROM follow_ups GROUP BY customer_id) AS s "
            "WHERE s.customer_id = customers.id"
        )
        conn.exec_driver_sql(
            "UPDATE customers SET developed_on = s.d FROM (SELECT customer_id, "
            "MIN(deal_date) AS d FROM deals GROUP BY customer_id) AS s "
            "WHERE s.customer_id = customers.id"
        )
        deal_at = "deal_date::timestamp" if not db.is_sqlite else "datetime(deal_date)"
        for kind, sql in sales_actions.SOURCES:
            conn.exec_driver_sql(
                f"UPDATE customers SET last_sales_action_at = s.at, "
                f"last_sales_action_kind = '{kind}' FROM ({sql.format(deal_at=deal_at)}) AS s "
                "WHERE s.customer_id = customers.id AND s.at IS NOT NULL AND "
                "(customers.last_sales_action_at IS NULL OR s.at > customers.last_sales_action_at)"
            )
        with Session(bind=conn) as session:
            refresh_pool_due(session)
        conn.exec_driver_sql("ANALYZE")
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sqlite", default=str(SQLITE_PATH))
    p.add_argument("--pg-url")
    p.add_argument("--pg", action="store_true", help=f"the URL in {DATA_DIR / 'pg-url.txt'}")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    if args.pg:
        args.pg_url = (DATA_DIR / "pg-url.txt").read_text().split()[0]
    add_activity(args.pg_url or f"sqlite:///{args.sqlite}", args.seed)


if __name__ == "__main__":
    main()

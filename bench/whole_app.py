"""The whole app at scale: login, reminders, every page, the card, the pool sweep.

    .venv/bin/python -m bench.whole_app                   # SQLite bench/data/ (+ PostgreSQL
    .venv/bin/python -m bench.whole_app --runs 10 --sweep  #  when data/pg-url.txt exists)

Run on a database made by bench.generate and then bench.activity. For the sales admin,
a manager and a rep, on each database:
- login: the password check; login → main window shown (login_window) and → its 待办提醒
  shown (login_reminders; read on a background thread meanwhile), as bootstrap shows them
  (Qt offscreen);
- reminders: every provider's items for the user (registry.collect);
- each page's list: its first window of rows, as the list component reads it (the ids of
  the first window, then those rows' cells);
- the customer card (get_customer) of a customer the user may see;
- the sweep's dry run; with --sweep, the real sweep on the database (it moves every due
  customer: run it on a copy, last) while a second desk saves a follow-up every 0.2 s —
  its longest wait for the write lock is reported;
- with --limit-only, an idle limit changed (every owned customer's due date moves) and
  the batched recompute that follows it, with the other desk's waits; then changed back.
Times in ms (median / p95 over --runs), the sweep in s. Results go to
bench/data/whole-app.json and a Markdown table is printed (bench/README.md, "Whole app").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import threading
import time
from pathlib import Path

from bench.generate import DATA_DIR, NOW, PASSWORD, SQLITE_PATH
from bench.run import stats, timed

VISIBLE_ROWS = 40
ROLES = (("neiqin", "销售内勤"), ("manager1", "销售主管"), ("rep01", "销售员"))
TARGETS = {"login": None, "login_window": 1500, "login_reminders": 1500, "reminders": 300,
           "card": 200,
           "page": 300, "dry_run": None}  # fmt: skip


def pages(actor):
    """(page, ListSource) for every list a navigation page shows first."""
    from app.services.admin.lists import audit_source, users_source
    from app.services.customers.contact_lists import contacts_source
    from app.services.customers.followup_lists import deals_source, follow_ups_source
    from app.services.customers.lists import customers_source
    from app.services.customers.merge_lists import duplicate_pairs_source
    from app.services.customers.transfer_lists import transfer_requests_source
    from app.services.policy.class_sheet_lists import class_sheets_source
    from app.services.policy.classification_lists import classification_source
    from app.services.policy.compliance_lists import compliance_source
    from app.services.policy.maintenance import maintenance_source
    from app.services.policy.review_lists import reviews_source
    from app.services.pool.lists import pool_source
    from app.services.service_desk.lists import complaints_source, samples_source
    from app.services.visits.lists import (
        visit_plans_source,
        visit_records_source,
        visit_reports_source,
    )
    from app.services.work.lists import daily_notes_source, work_plans_source

    return [
        ("客户档案·客户列表", customers_source()),
        ("客户档案·通讯录", contacts_source()),
        ("客户档案·跟进记录", follow_ups_source()),
        ("客户档案·成交记录", deals_source()),
        ("客户档案·疑似重复", duplicate_pairs_source()),
        ("客户档案·审批·转让申请", transfer_requests_source()),
        ("公海客户", pool_source(actor)),
        ("客户政策·分类表", classification_source()),
        ("客户政策·客户等级分类表", class_sheets_source()),
        ("客户政策·拜访次数统计", maintenance_source()),
        ("客户政策·维护达标", compliance_source()),
        ("客户政策·评审", reviews_source(actor)),
        ("回访·计划", visit_plans_source()),
        ("回访·记录", visit_records_source()),
        ("回访·报告", visit_reports_source()),
        ("客户服务·投诉", complaints_source(actor)),
        ("客户服务·寄样", samples_source(actor)),
        ("工作计划", work_plans_source(actor)),
        ("工作计划·日常记事", daily_notes_source()),
        ("系统设置·用户", users_source()),
        ("系统设置·操作日志", audit_source()),
    ]


def first_window(db, actor, source) -> None:
    from app.services.core.uow import UnitOfWork
    from app.services.lists import query as list_query
    from app.services.lists.spec import ListQuery

    uow = UnitOfWork(db, actor, write=False)
    ids = list_query.fetch_first_ids(uow, source, ListQuery(), VISIBLE_ROWS * 5)
    keys = [c.key for c in source.columns if c.visible]
    list_query.fetch_rows(UnitOfWork(db, actor, write=False), source, ids[:VISIBLE_ROWS], keys)


def actor_of(db, username: str):
    from app.services.admin import auth
    from app.services.core.uow import UnitOfWork

    return auth.login(UnitOfWork(db), username, PASSWORD)


def a_customer_of(db, actor) -> int:
    from sqlalchemy import select

    from app.models import Customer
    from app.services.access.visibility import customer_scope
    from app.services.core.uow import UnitOfWork

    with UnitOfWork(db, actor, write=False) as uow:
        ids = uow.session.scalars(
            select(Customer.id).where(customer_scope(actor)).order_by(Customer.id).limit(2000)
        ).all()
    return random.Random(5).choice(ids)


def login_to_window(db, username: str) -> tuple[float, float]:
    """Login → main window shown (usable), and → its 待办提醒 shown (read in the
    background meanwhile), as bootstrap does it: both in ms."""
    import shiboken6
    from PySide6.QtWidgets import QApplication

    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    t0 = time.perf_counter()
    actor = actor_of(db, username)
    window = MainWindow(AppContext(db, actor))
    window.show()
    window.show_reminders()
    QApplication.processEvents()
    shown = (time.perf_counter() - t0) * 1000
    while window.reminder_window.reading():
        QApplication.processEvents()
        time.sleep(0.002)
    with_reminders = (time.perf_counter() - t0) * 1000
    window.sweeper.stop()
    window.reminder_window.close()
    window.close()
    shiboken6.delete(window)  # now: deleteLater waits for an event loop we do not run
    QApplication.processEvents()
    return shown, with_reminders


def bench_db(url: str, runs: int, sweep: bool, roles: bool = True, limit_only=False) -> dict:
    import app.ui.main_window as main_window
    from app.services.core import clock
    from app.services.core.database import open_database
    from app.services.core.uow import UnitOfWork
    from app.services.pool import rules as pool
    from bench.run import app

    clock.set_clock(lambda: NOW)
    main_window.SWEEP_AFTER_LOGIN_MS = 10**9  # the sweep is measured on its own below
    db = open_database(url)
    app()
    if limit_only:
        res = limit_change(db)
        db.dispose()
        return res
    res: dict[str, list[float]] = {}
    for username, role in ROLES if roles else ():
        res.update(bench_role(db, username, role, runs))
        print(f"  {role} done", flush=True)
    due = pool.sweep(UnitOfWork(db, None), dry_run=True)
    res["due"] = [len(due.moved)]
    res["dry_run"] = [timed(lambda: pool.sweep(UnitOfWork(db, None), dry_run=True))
                      for _ in range(3)]  # fmt: skip
    if sweep:
        res.update(real_sweep(db))
    db.dispose()
    return res


def bench_role(db, username: str, role: str, runs: int) -> dict:
    from app.services.core.uow import UnitOfWork
    from app.services.customers.card import get_customer
    from app.services.reminders import registry

    res: dict[str, list[float]] = {}
    actor = actor_of(db, username)
    read = lambda: UnitOfWork(db, actor, write=False)  # noqa: E731
    res[f"login|{role}"] = [timed(lambda: actor_of(db, username)) for _ in range(3)]
    logins = [login_to_window(db, username) for _ in range(3)]
    res[f"login_window|{role}"] = [shown for shown, _ in logins]
    res[f"login_reminders|{role}"] = [read for _, read in logins]
    res[f"reminders|{role}"] = [timed(lambda: registry.collect(read())) for _ in range(runs)]
    res[f"reminder_lines|{role}"] = [len(registry.collect(read()).items)]
    cid = a_customer_of(db, actor)
    res[f"card|{role}"] = [timed(lambda: get_customer(read(), cid)) for _ in range(runs)]
    from app.services.work import calendar_events
    from app.ui.work.calendar_view import month_range

    start, end = month_range(NOW.date())
    res[f"page|{role}|工作计划·日历（本月）"] = [
        timed(lambda: calendar_events.events(read(), start, end, actor.id)) for _ in range(runs)
    ]
    for page, source in pages(actor):
        try:
            first_window(db, actor, source)
        except Exception as exc:  # a page this role does not have
            print(f"  {role} {page}: {exc}")
            continue
        res[f"page|{role}|{page}"] = [
            timed(lambda s=source: first_window(db, actor, s)) for _ in range(runs)
        ]
    return res


def busy_desk(db, work) -> tuple[float, list[float]]:
    """Runs work() while another desk saves a follow-up every 0.2 s: (seconds, its waits)."""
    from sqlalchemy import select

    from app.models import Customer
    from app.services.core.uow import UnitOfWork
    from app.services.customers import followups
    from app.services.customers.followups import FollowUpForm

    rep = actor_of(db, "rep02")
    with UnitOfWork(db, rep, write=False) as uow:
        mine = uow.session.scalar(
            select(Customer.id).where(Customer.owner_id == rep.id, Customer.pool_due_at > NOW)
        )
    waits: list[float] = []
    done = threading.Event()

    def desk():
        while not done.is_set():
            waits.append(timed(lambda: followups.add_follow_up(
                UnitOfWork(db, rep), mine, FollowUpForm(content="电话沟通"))))  # fmt: skip
            time.sleep(0.2)

    other = threading.Thread(target=desk)
    other.start()
    t0 = time.perf_counter()
    try:
        work()
    finally:
        seconds = time.perf_counter() - t0
        done.set()
        other.join()
    return seconds, waits


def real_sweep(db) -> dict:
    """The real sweep while another desk saves."""
    from app.services.core.uow import UnitOfWork
    from app.services.pool import rules as pool

    moved = []
    seconds, waits = busy_desk(db, lambda: moved.extend(pool.sweep(UnitOfWork(db, None)).moved))
    return {"sweep_s": [seconds], "swept": [len(moved)], "writer_wait": waits,
            "writer_saves": [len(waits)]}  # fmt: skip


def limit_change(db) -> dict:
    """An idle limit changed (one day longer, so every owned customer's date moves): the
    batched recompute that follows the approval, while another desk saves; then back."""
    from sqlalchemy import select

    from app.models import Setting
    from app.services.core import settings
    from app.services.core.uow import UnitOfWork
    from app.services.customers import idle_clock

    def put(days: int) -> None:
        # As the approval writes it (its hook marks the recompute); the rule-change
        # paperwork around it is not what is measured.
        with UnitOfWork(db, None) as uow:
            row = uow.session.scalar(select(Setting).where(Setting.key == "pool.idle_days"))
            if row is None:
                uow.session.add(Setting(key="pool.idle_days", value=str(days)))
            else:
                row.value = str(days)
            uow.commit()

    days = settings.get(UnitOfWork(db, None), "pool.idle_days")
    changed: list[int] = []
    t0 = time.perf_counter()
    put(days + 1)
    approve_ms = (time.perf_counter() - t0) * 1000
    seconds, waits = busy_desk(
        db, lambda: changed.append(idle_clock.finish_due_recompute(UnitOfWork(db, None)))
    )
    put(days)
    idle_clock.finish_due_recompute(UnitOfWork(db, None))
    return {"limit_approve_ms": [approve_ms], "limit_recompute_s": [seconds],
            "limit_changed": changed, "limit_writer_wait": waits}  # fmt: skip


def report(results: dict[str, dict]) -> str:
    """One row per measure, a column per database and role: p95 in ms (median / p95 for
    the timed rows), ✗ where the target is missed; then the sweep's figures."""
    cols = [(db, role) for db in results for _u, role in ROLES]
    rows: dict[str, dict] = {}
    for db, res in results.items():
        for key, values in res.items():
            parts = key.split("|")
            if len(parts) < 2:
                continue
            label = parts[0] if len(parts) == 2 else f"{parts[0]} · {parts[2]}"
            rows.setdefault(label, {})[(db, parts[1])] = values
    head = ["measure (ms: median / p95)", "target", *(f"{db} {role}" for db, role in cols)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, by_col in rows.items():
        target = TARGETS.get(label.split(" · ")[0])
        cells = []
        for col in cols:
            values = by_col.get(col)
            if not values:
                cells.append("—")
                continue
            med, p95 = stats(values)
            text = f"{med:,.0f} / {p95:,.0f}" if len(values) > 1 else f"{med:,.0f}"
            cells.append(text + (" ✗" if target is not None and p95 >= target else ""))
        lines.append(f"| {label} | {target or ''} | " + " | ".join(cells) + " |")
    lines += ["", "| sweep | " + " | ".join(results) + " |", "|---|" + "---|" * len(results)]
    for key, label in [("due", "due customers"), ("dry_run", "dry run (ms)"),
                       ("swept", "moved by the real sweep"), ("sweep_s", "real sweep (s)"),
                       ("writer_saves", "another desk's saves meanwhile"),
                       ("writer_wait", "their wait (ms: median / p95 / max; target < 1,000)"),
                       ("limit_approve_ms", "idle limit changed: the approval (ms)"),
                       ("limit_changed", "due dates recomputed after it"),
                       ("limit_recompute_s", "the batched recompute (s)"),
                       ("limit_writer_wait", "another desk's wait meanwhile (ms: median / p95 / max)")]:  # fmt: skip
        cells = []
        for res in results.values():
            v = res.get(key)
            if not v:
                cells.append("—")
            elif key in ("writer_wait", "limit_writer_wait"):
                med, p95 = stats(v)
                cells.append(f"{med:,.0f} / {p95:,.0f} / {max(v):,.0f}")
            elif key in ("dry_run",):
                cells.append("{:,.0f} / {:,.0f}".format(*stats(v)))
            else:
                cells.append(f"{v[0]:,.1f}" if key.endswith("_s") else f"{v[0]:,.0f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sqlite", default=str(SQLITE_PATH))
    p.add_argument("--pg-url", help="default: bench/data/pg-url.txt if present")
    p.add_argument("--no-pg", action="store_true")
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--sweep", action="store_true", help="run the real sweep (changes the data)")
    p.add_argument("--sweep-only", action="store_true", help="only the dry run and the sweep")
    p.add_argument("--limit-only", action="store_true",
                   help="only an idle-limit change and its batched recompute")  # fmt: skip
    p.add_argument("--report", action="store_true", help="reprint bench/data/whole-app.json")
    args = p.parse_args(argv)
    out = DATA_DIR / "whole-app.json"
    if args.report:
        print(report(json.loads(out.read_text())))
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    pg_file = DATA_DIR / "pg-url.txt"
    pg_url = args.pg_url or (pg_file.read_text().split()[0] if pg_file.exists() else None)
    results = json.loads(out.read_text()) if out.exists() else {}
    if not args.no_sqlite and Path(args.sqlite).exists():
        print(f"SQLite {args.sqlite} …", flush=True)
        results.setdefault("SQLite", {}).update(
            bench_db(
                f"sqlite:///{args.sqlite}",
                args.runs,
                args.sweep,
                not args.sweep_only,
                args.limit_only,
            )
        )
    if pg_url and not args.no_pg:
        print(f"PostgreSQL {pg_url} …", flush=True)
        results.setdefault("PostgreSQL", {}).update(
            bench_db(pg_url, args.runs, args.sweep, not args.sweep_only, args.limit_only)
        )
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(report(results))
    os._exit(0)  # skip Qt's teardown at exit: not measured


if __name__ == "__main__":
    main()

"""疑似重复客户 at a million customers (issue 20): the search the sales admin starts from
客户合并 → 查找疑似重复, timed on the bench databases.

    .venv/bin/python -m bench.duplicates                  # SQLite bench/data/crm-bench.sqlite3
    .venv/bin/python -m bench.duplicates --pg-url URL     # or bench/data/pg-url.txt

The generator writes no duplicate-check keys (customer_keys); the first run adds them as
registration would — the normalised name of every company, the phone keys of every
customer — marking a key some earlier customer already holds as overridden (公司特别指派:
the random names repeat), and plants a branch (…分公司) and a one-character typo of
1 in 500 customers so the near-match rules have something real to find. Then it runs
customers.likely_duplicates.find_likely_duplicates as the 销售内勤 and prints each
step's time, the pairs found by reason, and the rows the list then shows."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter

from sqlalchemy import func, select, text

from bench.generate import DATA_DIR, SQLITE_PATH
from bench.run import sales_admin

PLANT_EVERY = 500


def add_keys(db) -> None:
    """customer_keys for every customer, as registration writes them (once)."""
    from app.models import Customer, CustomerKey
    from app.services.search import customer_names as cn

    with db.engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(CustomerKey)).scalar():
            return
        t0 = time.perf_counter()
        personal = conn.execute(
            text(
                "SELECT i.id FROM code_items i JOIN code_tables t ON t.id = i.table_id "
                "WHERE t.key = 'customer_type' AND i.code = 'P'"
            )  # fmt: skip
        ).scalar()
        taken: set[tuple[str, str]] = set()
        batch: list[dict] = []
        rows = conn.execute(
            select(Customer.id, Customer.name, Customer.type_id, Customer.phone_digits)
            .order_by(Customer.id)
            .execution_options(yield_per=50_000)
        )
        for cid, name, type_id, digits in rows:
            keys = [] if type_id == personal else [("name", cn.name_key(name))]
            keys += [("phone", d) for d in dict.fromkeys(digits.split())]
            for kind, value in keys:
                if not value:
                    continue
                batch.append({"customer_id": cid, "kind": kind, "value": value,
                              "overridden": (kind, value) in taken})  # fmt: skip
                taken.add((kind, value))
            if len(batch) >= 100_000:
                conn.execute(CustomerKey.__table__.insert(), batch)
                batch = []
        if batch:
            conn.execute(CustomerKey.__table__.insert(), batch)
        print(f"  keys of every customer written in {time.perf_counter() - t0:.0f} s")


def plant(db) -> int:
    """A branch and a typo of 1 in PLANT_EVERY customers (new customers, keys marked
    overridden where they repeat). Once: skipped when planted rows exist."""
    from app.models import Customer

    with db.engine.begin() as conn:
        done = conn.execute(select(func.count()).where(Customer.number.like("DUP%"))).scalar()
        if done:
            return done
        t0 = time.perf_counter()
        cols = [c.name for c in Customer.__table__.columns if c.name != "id"]
        rng = random.Random(20)
        next_id = conn.execute(select(func.max(Customer.id))).scalar() + 1
        out = []
        for row in conn.execute(
            select(Customer.__table__).where(Customer.id % PLANT_EVERY == 0)
        ).mappings():
            for tag in ("branch", "typo"):
                name = row["name"]
                if tag == "branch":
                    name = name.removesuffix("有限公司") + "银川分公司"
                else:
                    i = rng.randrange(2, max(3, len(name) - 4))
                    name = name[:i] + name[i + 1 :]
                new = {c: row[c] for c in cols}
                new.update(id=next_id, number=f"DUP{next_id:09d}", name=name, phone="",
                           fax="", principal_mobile="", phone_digits="")  # fmt: skip
                out.append(new)
                next_id += 1
        conn.execute(Customer.__table__.insert(), out)
        from app.models import CustomerKey
        from app.services.search import customer_names as cn

        conn.execute(
            CustomerKey.__table__.insert(),
            [{"customer_id": r["id"], "kind": "name", "value": cn.name_key(r["name"]),
              "overridden": True} for r in out],
        )  # fmt: skip
        print(f"  {len(out):,} planted duplicates in {time.perf_counter() - t0:.0f} s")
        return len(out)


def run(url: str, runs: int) -> None:
    from app.services.core.database import open_database
    from app.services.core.migrations import upgrade
    from app.services.core.uow import UnitOfWork
    from app.services.customers.likely_duplicates import find_likely_duplicates
    from app.services.customers.merge_lists import duplicate_pairs_source
    from app.services.lists import query as list_query
    from app.services.lists.spec import ListQuery

    db = open_database(url)
    upgrade(db.engine)
    add_keys(db)
    planted = plant(db)
    actor = sales_admin(db)
    totals, steps = [], []
    for _ in range(runs):
        marks = [time.perf_counter()]
        n = find_likely_duplicates(
            UnitOfWork(db, actor), lambda done, total, m=marks: m.append(time.perf_counter())
        )
        totals.append(marks[-1] - marks[0])
        steps.append([b - a for a, b in zip(marks, marks[1:], strict=False)])
    t0 = time.perf_counter()
    src = duplicate_pairs_source()
    # What the list view waits for before painting: its first window of ids, then rows.
    ids = list_query.fetch_first_ids(UnitOfWork(db, actor, write=False), src, ListQuery(), 200)
    first = list_query.fetch_rows(UnitOfWork(db, actor, write=False), src, list(ids[:40]),
                                  ["score", "reasons", "a_name", "b_name"])  # fmt: skip
    list_ms = (time.perf_counter() - t0) * 1000
    with db.sessions() as s:
        reasons = Counter(
            part.split(" ")[0]
            for (why,) in s.execute(text("SELECT reasons FROM duplicate_pairs"))
            for part in why.split("；")
        )
        customers = s.execute(text("SELECT count(*) FROM customers")).scalar()
    names = ("读取名称", "比较名称", "共享查重键", "联系人电话", "排序与写入结果")
    print(f"\n{db.engine.url.get_backend_name()}: {customers:,} customers "
          f"({planted:,} planted), {n:,} pairs")  # fmt: skip
    print(f"  find_likely_duplicates: median {statistics.median(totals):.1f} s, "
          f"max {max(totals):.1f} s over {runs} runs")  # fmt: skip
    for i, name in enumerate(names[: len(steps[0])]):
        print(f"    {name}: {statistics.median(s[i] for s in steps):.1f} s")
    print(f"  the list's first 40 rows: {list_ms:.0f} ms; reasons: {dict(reasons)}")
    for row in first[:5]:
        print("   ", row[1:])
    db.dispose()


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sqlite", default=str(SQLITE_PATH))
    p.add_argument("--pg-url")
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args(argv)
    if not a.no_sqlite:
        run(f"sqlite:///{a.sqlite}", a.runs)
    pg = a.pg_url
    if pg is None and (DATA_DIR / "pg-url.txt").exists():
        pg = (DATA_DIR / "pg-url.txt").read_text().split()[0]
    if pg:
        run(pg, a.runs)


if __name__ == "__main__":
    main()

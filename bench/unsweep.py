"""Undo a benchmark's real sweep, so that bench.whole_app --sweep can run again.

    .venv/bin/python -m bench.unsweep                 # bench/data/crm-whole.sqlite3
    .venv/bin/python -m bench.unsweep --pg            # the database in data/pg-url.txt

Every customer the sweep returned to the pool (an automatic 回收 with no acting user) goes
back to the rep it came from, its history row is removed and the stored due dates are
computed again: the data is as bench.activity left it.
"""

from __future__ import annotations

import argparse

from sqlalchemy.orm import Session

from app.services.core.database import open_database
from app.services.customers.idle_clock import refresh_pool_due
from bench.generate import DATA_DIR, SQLITE_PATH

SWEPT = "kind = '回收' AND by_id IS NULL"


def unsweep(url: str) -> int:
    db = open_database(url)
    with db.engine.begin() as conn:
        n = conn.exec_driver_sql(
            "UPDATE customers SET is_in_pool = false, owner_since = created_at, owner_id = "
            f"(SELECT from_user_id FROM ownership_changes o WHERE o.customer_id = customers.id "
            f"AND {SWEPT} ORDER BY o.id DESC LIMIT 1) "
            f"WHERE id IN (SELECT customer_id FROM ownership_changes WHERE {SWEPT})"
        ).rowcount
        conn.exec_driver_sql(f"DELETE FROM ownership_changes WHERE {SWEPT}")
        with Session(bind=conn) as session:
            refresh_pool_due(session)
    db.dispose()
    return n


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sqlite", default=str(SQLITE_PATH))
    p.add_argument("--pg", action="store_true")
    args = p.parse_args(argv)
    url = (
        (DATA_DIR / "pg-url.txt").read_text().split()[0] if args.pg else f"sqlite:///{args.sqlite}"
    )
    print(f"{unsweep(url):,} customers back with their reps")


if __name__ == "__main__":
    main()

"""Time the customer list at scale through the app's real code paths, and Qt's stock way.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.run            # SQLite (+ PG if known)
    .venv/bin/python -m bench.run --pg-url URL --runs 15

Ours: ListView (WindowedTableModel over app.services.lists.query and customers_source()),
acting as the sales admin (销售内勤, sees every customer). Stock: QSqlTableModel with
setFilter (LIKE) / setSort over the same SQLite file; fetch-all plus
QSortFilterProxyModel. Peak RSS is measured in fresh subprocesses (--rss ...).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.generate import DATA_DIR, SQLITE_PATH  # noqa: E402

VISIBLE_ROWS = 40  # rows a list window shows at once


# --- helpers ------------------------------------------------------------------------


def rss_mb(peak: bool = False) -> float:
    field = "VmHWM:" if peak else "VmRSS:"
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def stats(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s) + 0.5) - 1))]
    return statistics.median(s), p95


def app():
    from PySide6.QtWidgets import QApplication

    from app.ui.common.fonts import install_fonts

    qapp = QApplication.instance() or QApplication([])
    install_fonts(qapp)
    return qapp


def settle() -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()


def sales_admin(db):
    from sqlalchemy import select

    from app.models import Role, User
    from app.services.core.uow import Actor

    with db.sessions() as s:
        u = s.scalars(select(User).where(User.role == Role.SALES_ADMIN)).first()
        return Actor(u.id, u.username, u.full_name, u.role, u.team_id)


def search_terms(db, runs: int, seed: int = 1) -> dict[str, list[str]]:
    """Search terms drawn from random customers of the database."""
    from sqlalchemy import func, select

    from app.models import Customer

    rnd = random.Random(seed)
    with db.sessions() as s:
        top = s.scalar(select(func.max(Customer.id)))
        picks = rnd.sample(range(1, top + 1), runs)
        rows = s.execute(
            select(Customer.name, Customer.name_initials, Customer.name_pinyin,
                   Customer.phone_digits, Customer.short_name).where(Customer.id.in_(picks))
        ).all()  # fmt: skip
    terms: dict[str, list[str]] = {
        k: [] for k in ("name3", "initials", "pinyin", "phone", "name12")
    }
    for name, initials, pinyin, digits, short in rows:
        start = name.index(short)  # city | core word + industry | suffix
        terms["name3"].append(name[start : start + rnd.choice((3, 4))])
        terms["initials"].append(initials[: rnd.choice((4, 5))])
        terms["pinyin"].append(pinyin[: rnd.choice((8, 10, 12))])
        local = digits.split(" ")[0][-8:]
        terms["phone"].append(local[: rnd.choice((5, 6, 7))])
        terms["name12"].append(short[: rnd.choice((1, 2))])
    return terms


# --- ours ---------------------------------------------------------------------------


class Ours:
    def __init__(self, url: str):
        from app.services.core.database import open_database
        from app.services.customers.lists import customers_source
        from app.ui.context import AppContext
        from app.ui.listview.list_view import ListView

        # Imported before anything is timed: the app's main window imports the list
        # view (and openpyxl, reportlab behind it: ~0.5 s) at start-up, before login,
        # so the first list a user opens does not pay for it either.
        self.list_view_class = ListView
        self.qapp = app()
        self.db = open_database(url)
        self.ctx = AppContext(self.db, sales_admin(self.db))
        self.source = customers_source()
        self.view = None

    def open(self):
        if self.view is not None:
            self.view.deleteLater()
        self.view = self.list_view_class(self.ctx, self.source, company="基准测试公司")
        self.view.resize(1400, 900)
        self.view.show()
        settle()  # the first rows are painted

    def loaded(self) -> None:
        """Wait, untimed, until the list is idle — its row count final and, for a long
        list, every id read in the background — so that one measurement does not run
        while the previous one's background work is still running."""
        self._wait(lambda: not self.view.model.busy)

    def counted(self) -> None:
        self._wait(lambda: self.view.model.complete)

    @staticmethod
    def _wait(done) -> None:
        while not done():
            settle()
            time.sleep(0.002)

    def open_all(self) -> None:
        """Open, and wait until the count is final."""
        self.open()
        self.counted()

    def open_idle(self) -> None:
        """Open, and wait until every id is read (in the background)."""
        self.open()
        self.loaded()

    def first_far_jump(self) -> float:
        """A page in the middle as soon as the count is final (the ids of a long list
        may still be being read): what a user who drags the scroll bar at once waits."""
        self.open_all()
        n = self.view.model.rowCount()
        t = timed(lambda: self.page_at(n // 2))
        self.loaded()
        return t

    def shown(self) -> None:
        """Paint the rows a window shows (what the user waits for)."""
        model = self.view.model
        for r in range(min(VISIBLE_ROWS, model.rowCount())):
            for c in range(model.columnCount()):
                model.data(model.index(r, c))
        settle()

    def search(self, term: str) -> None:
        self.view.search.setText(term)
        self.view.reload()
        self.shown()

    def page_at(self, row: int) -> None:
        model = self.view.model
        model._pages.clear()  # a page not seen before
        for r in range(row, min(row + VISIBLE_ROWS, model.rowCount())):
            for c in range(model.columnCount()):
                model.data(model.index(r, c))

    def sort(self, key: str) -> None:
        self.view._sort = []
        self.view.sort_by(key)
        self.shown()

    def summarize(self) -> None:
        from app.services.lists import summaries
        from app.services.lists.spec import ListQuery

        summaries.summarize(self.ctx.read_uow(), self.source, ListQuery(), ["industry", "owner"])

    def export(self, rows: int, path: str) -> int:
        from app.services.lists.excel_export import export_list

        keys = [c.key for c in self.source.columns][:20]
        self.view.model.ensure_complete()
        ids = self.view.model.ids[:rows]
        return export_list(self.ctx.read_uow(), self.source, self.view.model.query, keys, path,
                           ids=ids)  # fmt: skip

    def print_preview(self, rows: int) -> None:
        from app.ui.listview import list_view
        from app.ui.listview.print_preview import make_preview

        old = list_view.MAX_PRINT_ROWS
        list_view.MAX_PRINT_ROWS = rows  # the view prints its first N rows
        try:
            dialog = make_preview(self.view, self.view.print_table())
        finally:
            list_view.MAX_PRINT_ROWS = old
        dialog.show()
        settle()  # paintRequested: the pages are painted, the first is shown
        dialog.close()
        dialog.deleteLater()


SECTIONS = ("open", "search", "page", "sort", "groupby", "print", "rss", "export")


def bench_ours(url: str, runs: int, export_rows: int, print_rows: int,
               only: frozenset[str] = frozenset(SECTIONS)) -> dict:  # fmt: skip
    res: dict[str, list[float]] = {}
    ours = Ours(url)

    def measure(fn) -> float:
        t = timed(fn)
        ours.loaded()
        return t

    if "open" in only:
        res["open"] = [measure(ours.open) for _ in range(max(3, runs // 3))]
        res["open_all"] = [measure(ours.open_all) for _ in range(max(3, runs // 3))]
        res["open_idle"] = [timed(ours.open_idle) for _ in range(max(3, runs // 3))]
    else:
        ours.open_idle()
    if "search" in only:
        terms = search_terms(ours.db, runs)
        for kind, words in terms.items():
            res[f"search_{kind}"] = [measure(lambda w=w: ours.search(w)) for w in words]
        ours.search("")
        ours.loaded()
    n = ours.view.model.rowCount()
    if "page" in only:
        rnd = random.Random(3)
        middles = [rnd.randrange(n // 4, 3 * n // 4) for _ in range(runs)]
        res["page_middle"] = [measure(lambda r=r: ours.page_at(r)) for r in middles]
        res["page_end"] = [measure(lambda: ours.page_at(n - VISIBLE_ROWS)) for _ in range(runs)]
        res["page_first_far"] = [ours.first_far_jump() for _ in range(max(3, runs // 3))]
    few = max(3, runs // 5)
    if "sort" in only:
        for key in ("name", "registered_on", "number", "principal", "industry",
                    "last_follow_up_at"):  # fmt: skip
            res[f"sort_{key}"] = [measure(lambda k=key: ours.sort(k)) for _ in range(few)]
        ours.sort("registered_on")
        ours.loaded()
    if "groupby" in only:
        res["groupby"] = [measure(ours.summarize) for _ in range(few)]
    if "print" in only:
        res["print"] = [measure(lambda: ours.print_preview(print_rows)) for _ in range(few)]
    res["rows"] = [n]
    ours.db.dispose()
    if "rss" in only:
        res.update(subprocess_json(["--rss", "ours", url]))
    if "export" in only:
        res.update(subprocess_json(["--export", url, str(export_rows)]))
    return res


# --- stock Qt -----------------------------------------------------------------------

STOCK_COLUMNS = ("name", "short_name", "number", "principal", "name_pinyin", "name_initials",
                 "short_pinyin", "short_initials", "phone_digits")  # fmt: skip


class Stock:
    def __init__(self, path: str):
        from PySide6.QtSql import QSqlDatabase

        self.qapp = app()
        self.db = QSqlDatabase.addDatabase("QSQLITE", f"bench{id(self)}")
        self.db.setDatabaseName(path)
        if not self.db.open():
            raise RuntimeError(self.db.lastError().text())
        self.model = None

    def open(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtSql import QSqlTableModel

        self.model = QSqlTableModel(None, self.db)
        self.model.setTable("customers")
        self.model.setSort(self.model.fieldIndex("registered_on"), Qt.SortOrder.DescendingOrder)
        self.model.select()
        self.shown()

    def shown(self) -> None:
        m = self.model
        for r in range(min(VISIBLE_ROWS, m.rowCount())):
            for c in range(m.columnCount()):
                m.data(m.index(r, c))

    def search(self, term: str) -> None:
        like = "'%" + term.replace("'", "''") + "%'"
        self.model.setFilter(" OR ".join(f"{c} LIKE {like}" for c in STOCK_COLUMNS))
        self.model.select()
        self.shown()

    def fetch_all(self) -> None:
        m = self.model
        while m.canFetchMore():
            m.fetchMore()

    def jump_end(self) -> None:
        self.model.setFilter("")
        self.model.select()
        self.fetch_all()
        m = self.model
        for c in range(m.columnCount()):
            m.data(m.index(m.rowCount() - 1, c))

    def sort(self, key: str) -> None:
        from PySide6.QtCore import Qt

        self.model.setSort(self.model.fieldIndex(key), Qt.SortOrder.AscendingOrder)
        self.model.select()
        self.shown()

    def proxy(self):
        from PySide6.QtCore import QSortFilterProxyModel

        p = QSortFilterProxyModel()
        p.setSourceModel(self.model)
        p.setFilterKeyColumn(self.model.fieldIndex("name"))
        return p


def bench_stock(path: str, runs: int) -> dict:
    from PySide6.QtCore import Qt

    res: dict[str, list[float]] = {}
    stock = Stock(path)
    res["open"] = [timed(stock.open) for _ in range(max(3, runs // 3))]
    from app.services.core.database import open_database

    db = open_database(f"sqlite:///{path}")
    terms = search_terms(db, runs)
    db.dispose()
    for kind, words in terms.items():
        res[f"search_{kind}"] = [timed(lambda w=w: stock.search(w)) for w in words]
    few = max(3, runs // 5)
    for key in ("name", "registered_on", "principal"):
        res[f"sort_{key}"] = [timed(lambda k=key: stock.sort(k)) for _ in range(few)]
    res["page_end"] = [timed(stock.jump_end) for _ in range(2)]
    proxy = stock.proxy()  # over the fetched-all model
    words = terms["name3"][:few]
    res["proxy_search"] = [timed(lambda w=w: proxy.setFilterFixedString(w)) for w in words]
    proxy.setFilterFixedString("")
    res["proxy_sort"] = [
        timed(lambda: proxy.sort(stock.model.fieldIndex("principal"), Qt.SortOrder.AscendingOrder))
    ]
    res.update(subprocess_json(["--rss", "stock", path]))
    return res


# --- subprocess measurements (fresh process: peak RSS) ------------------------------


def subprocess_json(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", *args], capture_output=True, text=True, check=False
    )
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        print(out.stderr[-2000:], file=sys.stderr)
        return {}
    return json.loads(lines[-1])


def child_rss(kind: str, target: str) -> dict:
    base = rss_mb()
    if kind == "ours":
        ours = Ours(target)
        ours.open()
        ours.page_at(ours.view.model.rowCount() // 2)
        ours.page_at(ours.view.model.rowCount() - VISIBLE_ROWS)
    else:
        from PySide6.QtWidgets import QTableView

        stock = Stock(target)
        stock.open()
        view = QTableView()
        view.setModel(stock.model)
        view.show()
        settle()
        stock.jump_end()
        stock.proxy().sort(stock.model.fieldIndex("name"))  # what a proxy over it costs
    return {f"rss_{kind}": [rss_mb(peak=True)], f"rss_{kind}_base": [base]}


def child_export(url: str, rows: int) -> dict:
    ours = Ours(url)
    ours.open()
    before = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "export.xlsx")
        t = timed(lambda: ours.export(rows, path))
        size = os.path.getsize(path) / 1e6
    return {"export": [t], "export_rss_growth": [rss_mb(peak=True) - before], "export_mb": [size]}


# --- report -------------------------------------------------------------------------

ROWS = [  # key, label, target (ms or MB), stock key for the ratio
    ("open", "open list, first rows shown", 300, "open"),
    ("open_all", "open list, count final", None, None),
    ("open_idle", "open list, every id read (background)", None, None),
    ("search_name3", "search name ≥3 chars", 100, "search_name3"),
    ("search_initials", "search pinyin initials", 100, "search_initials"),
    ("search_pinyin", "search full pinyin prefix", 100, "search_pinyin"),
    ("search_phone", "search phone fragment", 100, "search_phone"),
    ("search_name12", "search 1–2 char name", 300, "search_name12"),
    ("page_middle", "page in the middle", 30, None),
    ("page_end", "jump to end", 30, "page_end"),
    ("page_first_far", "page in the middle at once after opening", None, None),
    ("sort_name", "sort 客户名称 (indexed pinyin)", 100, "sort_name"),
    ("sort_registered_on", "sort 登记日期 (indexed)", 100, "sort_registered_on"),
    ("sort_number", "sort 客户编号 (unique index)", 100, None),
    ("sort_principal", "sort 负责人 (no index)", 1500, "sort_principal"),
    ("sort_industry", "sort 所属行业 (code order)", 1500, None),
    ("sort_last_follow_up_at", "sort 最近跟进 (no index)", 1500, None),
    ("groupby", "group-by 行业 × 归属销售", 1500, None),
    ("export", "export 100k × 20 to xlsx", 20000, None),
    ("export_rss_growth", "  export RSS growth (MB)", 150, None),
    ("print", "print preview 1,000 rows", 2000, None),
    ("rss_ours", "peak RSS, list open (MB)", 300, "rss_stock"),
    ("proxy_search", "stock: proxy filter (fetched all)", None, None),
    ("proxy_sort", "stock: proxy sort (fetched all)", None, None),
]


def cell(res: dict | None, key: str) -> str:
    if not res or key not in res:
        return "—"
    med, p95 = stats(res[key])
    return f"{med:,.0f} / {p95:,.0f}" if len(res[key]) > 1 else f"{med:,.0f}"


def report(results: dict[str, dict]) -> str:
    names = list(results)
    head = ["measure (ms: median / p95)", "target", *names, "stock ÷ ours (SQLite)", "met?"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ours_sqlite, stock = results.get("SQLite"), results.get("stock Qt (SQLite)")
    for key, label, target, stock_key in ROWS:
        cells = []
        for n in names:
            r = results[n]
            k = "rss_stock" if (key == "rss_ours" and n.startswith("stock")) else key
            cells.append(cell(r, k))
        ratio = "—"
        if stock_key and ours_sqlite and stock and key in ours_sqlite and stock_key in stock:
            ours_med, stock_med = stats(ours_sqlite[key])[0], stats(stock[stock_key])[0]
            ratio = f"{stock_med / max(ours_med, 0.01):.1f}×"
            if key == "rss_ours":
                ratio = f"ours = {ours_med / stock_med:.2f}× stock"
        verdicts = []
        for n in names:
            r = results[n]
            if target is None or n.startswith("stock") or key not in r:
                continue
            worst = stats(r[key])[1]
            verdicts.append(
                f"{n}: {'met' if worst < target else f'MISSED by {worst - target:,.0f}'}"
            )
        lines.append(f"| {label} | {target if target else ''} | " + " | ".join(cells)
                     + f" | {ratio} | {'; '.join(verdicts)} |")  # fmt: skip
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sqlite", default=str(SQLITE_PATH))
    p.add_argument("--pg-url", help="default: bench/data/pg-url.txt if present")
    p.add_argument("--no-pg", action="store_true")
    p.add_argument("--no-stock", action="store_true")
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--export-rows", type=int, default=100_000)
    p.add_argument("--print-rows", type=int, default=1000)
    p.add_argument("--report", action="store_true", help="reprint bench/data/results.json")
    p.add_argument("--only", default=",".join(SECTIONS),
                   help="comma-separated sections of ours: " + ",".join(SECTIONS))  # fmt: skip
    p.add_argument("--rss", nargs=2, metavar=("KIND", "TARGET"), help=argparse.SUPPRESS)
    p.add_argument("--export", nargs=2, metavar=("URL", "ROWS"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.rss or args.export:
        res = (
            child_rss(*args.rss) if args.rss else child_export(args.export[0], int(args.export[1]))
        )
        print(json.dumps(res), flush=True)
        os._exit(0)  # skip Qt's teardown of models and databases at exit: not measured
    if args.report:
        print(report(json.loads((DATA_DIR / "results.json").read_text())))
        return
    only = frozenset(x.strip() for x in args.only.split(",") if x.strip())
    if unknown := only - set(SECTIONS):
        p.error(f"unknown sections: {', '.join(sorted(unknown))}")
    pg_file = DATA_DIR / "pg-url.txt"
    pg_url = args.pg_url or (pg_file.read_text().split()[0] if pg_file.exists() else None)
    results: dict[str, dict] = {}
    if args.sqlite and Path(args.sqlite).exists():
        print(f"ours on SQLite {args.sqlite} …", flush=True)
        results["SQLite"] = bench_ours(f"sqlite:///{args.sqlite}", args.runs, args.export_rows,
                                       args.print_rows, only)  # fmt: skip
        if not args.no_stock:
            print("stock Qt on the same SQLite file …", flush=True)
            results["stock Qt (SQLite)"] = bench_stock(args.sqlite, args.runs)
    if pg_url and not args.no_pg:
        print(f"ours on PostgreSQL {pg_url} …", flush=True)
        results["PostgreSQL"] = bench_ours(pg_url, args.runs, args.export_rows, args.print_rows,
                                           only)  # fmt: skip
    name = "results.json" if only == set(SECTIONS) else "results-partial.json"
    (DATA_DIR / name).write_text(json.dumps(results, indent=1))
    print(report(results))


if __name__ == "__main__":
    main()

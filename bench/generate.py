"""Build a realistic CRM database of N customers for the benchmark.

    .venv/bin/python -m bench.generate --n 1000000                  # SQLite, bench/data/
    .venv/bin/python -m bench.generate --n 1000000 --start-pg       # + a throwaway PostgreSQL
    .venv/bin/python -m bench.generate --n 1000000 --pg-url URL --no-sqlite

The schema comes from the app's migrations (app.services.core.migrations.upgrade). Rows are
bulk-loaded with the secondary indexes and triggers dropped, then those are re-created
from the definitions the migrations wrote (so the result is what the app would have).
Company names are built from component lists whose pinyin is computed once per
component with app.services.search.pinyin.name_keys; a sample of rows is checked against the
services' own derivation (customers.validation.derived_columns).
"""

from __future__ import annotations

import argparse
import queue
import random
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from app.models import Contact, Customer
from app.services.core.database import open_database
from app.services.core.migrations import upgrade
from app.services.core.passwords import hash_password
from app.services.customers.validation import derived_columns
from app.services.search.pinyin import name_keys

DATA_DIR = Path(__file__).resolve().parent / "data"
SQLITE_PATH = DATA_DIR / "crm-bench.sqlite3"
PASSWORD = "Bench-2026!"
NOW = datetime(2026, 11, 30, 9, 0, 0)

# (province code, city, area code)
CITIES = [
    ("11", "北京", "010"), ("12", "天津", "022"), ("13", "石家庄", "0311"), ("13", "保定", "0312"),
    ("14", "太原", "0351"), ("15", "呼和浩特", "0471"), ("21", "沈阳", "024"), ("21", "大连", "0411"),
    ("22", "长春", "0431"), ("23", "哈尔滨", "0451"), ("31", "上海", "021"), ("32", "南京", "025"),
    ("32", "苏州", "0512"), ("32", "无锡", "0510"), ("33", "杭州", "0571"), ("33", "宁波", "0574"),
    ("33", "温州", "0577"), ("34", "合肥", "0551"), ("35", "福州", "0591"), ("35", "厦门", "0592"),
    ("36", "南昌", "0791"), ("37", "济南", "0531"), ("37", "青岛", "0532"), ("41", "郑州", "0371"),
    ("42", "武汉", "027"), ("43", "长沙", "0731"), ("44", "广州", "020"), ("44", "深圳", "0755"),
    ("44", "东莞", "0769"), ("44", "佛山", "0757"), ("45", "南宁", "0771"), ("46", "海口", "0898"),
    ("50", "重庆", "023"), ("51", "成都", "028"), ("52", "贵阳", "0851"), ("53", "昆明", "0871"),
    ("61", "西安", "029"), ("62", "兰州", "0931"), ("63", "西宁", "0971"), ("64", "银川", "0951"),
    ("64", "石嘴山", "0952"), ("65", "乌鲁木齐", "0991"),
]  # fmt: skip
CORE_CHARS = (
    "华信中鼎恒通博远金泰宏达新盛永兴天瑞安康利源鸿运嘉禾同创卓越汇丰正德明辉思远宇航"
    "九州常青国泰东方海纳百川众诚鑫隆润泽凯旋启航腾飞锦程荣昌德胜祥和万家春晖立邦"
    "赛维通达联合精工宝丰盈科瀚海致远聚力方圆创新星辰朗润晨光冠宇铭泰君安"
)
CORE_WORDS = sorted({CORE_CHARS[i : i + 2] for i in range(0, len(CORE_CHARS) - 1)})
# (word, GB/T 4754 section)
INDUSTRY_WORDS = [
    ("科技", "I"), ("信息技术", "I"), ("软件", "I"), ("网络科技", "I"), ("贸易", "F"),
    ("商贸", "F"), ("进出口", "F"), ("机械", "C"), ("机电设备", "C"), ("建材", "C"),
    ("食品", "C"), ("电子", "C"), ("化工", "C"), ("医药", "C"), ("服装", "C"),
    ("纺织", "C"), ("包装材料", "C"), ("汽车配件", "C"), ("物流", "G"), ("运输", "G"),
    ("建筑工程", "E"), ("装饰工程", "E"), ("房地产开发", "K"), ("物业管理", "K"),
    ("餐饮管理", "H"), ("酒店管理", "H"), ("企业管理咨询", "L"), ("广告", "L"),
    ("教育咨询", "P"), ("农业开发", "A"), ("生态农业", "A"), ("矿业", "B"),
    ("新能源", "D"), ("环保科技", "N"), ("文化传媒", "R"), ("投资", "J"),
    ("健康管理", "Q"), ("印务", "C"), ("家居", "C"), ("枸杞产业", "A"),
]  # fmt: skip
SUFFIXES = [
    ("有限公司", 55), ("有限责任公司", 20), ("股份有限公司", 10), ("集团有限公司", 5),
    ("商行", 4), ("厂", 3), ("经营部", 3),
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解查"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉玉萍红波宁鹏飞斌浩宇欣怡子涵梓轩雨晨一鸣志强海燕晓东春梅"  # noqa: E501
MOBILE_PREFIXES = [
    "138",
    "139",
    "137",
    "136",
    "135",
    "150",
    "151",
    "158",
    "159",
    "186",
    "187",
    "188",
    "177",
    "133",
    "189",
    "199",
]  # noqa: E501
REP_COUNT, TEAMS = 30, 4
POOL_SHARE = 0.05


def _first(keys: str) -> str:
    return keys.split(" ")[0]


def _parts(words):
    """(text, full pinyin, initials) per component, pinyin computed once."""
    out = []
    for w in words:
        k = name_keys(w)
        out.append((w, _first(k.full), _first(k.initials)))
    return out


class Names:
    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.cities = [(c, *_parts([city])[0], area) for c, city, area in CITIES]
        self.cores = _parts(CORE_WORDS)
        self.industries = [(*_parts([w])[0], sec) for w, sec in INDUSTRY_WORDS]
        self.suffixes = [(*_parts([s])[0], wt) for s, wt in SUFFIXES]
        self.suffix_table = [(s, p, i) for s, p, i, wt in self.suffixes for _ in range(wt)]
        self.surnames = [(c, name_keys(c, person=True).full.split()) for c in SURNAMES]
        self.given = [(c, _first(name_keys(c).full)) for c in GIVEN]

    def company(self):
        r = self.rnd.random
        prov, city, cp, ci, area = self.cities[int(r() * len(self.cities))]
        core, kp, ki = self.cores[int(r() * len(self.cores))]
        ind, ip, ii, section = self.industries[int(r() * len(self.industries))]
        suf, sp, si = self.suffix_table[int(r() * len(self.suffix_table))]
        name = city + core + ind + suf
        return (name, cp + kp + ip + sp, ci + ki + ii + si, core + ind, kp + ip, ki + ii,
                prov, section, area)  # fmt: skip

    def person(self) -> tuple[str, str, str]:
        """A person's name with its keys as name_keys(..., person=True) gives them."""
        r = self.rnd.random
        surname, heads = self.surnames[int(r() * len(self.surnames))]
        given = [self.given[int(r() * len(self.given))] for _ in range(1 + (r() < 0.66))]
        tail_full = "".join(p for _, p in given)
        tail_init = "".join(p[0] for _, p in given)
        full = " ".join(h + tail_full for h in heads)
        initials = " ".join(dict.fromkeys(h[0] + tail_init for h in heads))
        return surname + "".join(c for c, _ in given), full, initials

    def mobile(self) -> str:
        r = self.rnd.random
        return MOBILE_PREFIXES[int(r() * len(MOBILE_PREFIXES))] + f"{int(r() * 10**8):08d}"

    def landline(self, area: str) -> tuple[str, str]:
        r = self.rnd.random
        local = str(int(2 + r() * 7)) + f"{int(r() * 10**7):07d}"
        if len(area) == 4:
            local = local[:7]
        return f"{area}-{local}", area + local


# --- reference data: code tables (seeded by the migrations) and users ---------------


def code_ids(conn) -> dict[str, dict[str, int]]:
    rows = conn.execute(
        text("SELECT t.key, i.code, i.id FROM code_items i JOIN code_tables t ON t.id = i.table_id")
    )
    out: dict[str, dict[str, int]] = {}
    for key, code, item_id in rows:
        out.setdefault(key, {})[code] = item_id
    return out


def insert_users(conn, names: Names) -> tuple[list[int], int]:
    """admin, sales admin (内勤), 4 teams each with a manager, 30 reps; returns rep ids."""
    pw = hash_password(PASSWORD)  # one Argon2 hash, reused
    stamp = {"created_at": NOW, "updated_at": NOW, "version": 1, "password_changed_at": NOW}
    team_ids = []
    for t in range(TEAMS):
        team_ids.append(
            conn.execute(
                text(
                    "INSERT INTO teams (name, created_at, updated_at, version) "
                    "VALUES (:n, :c, :c, 1) RETURNING id"
                ),
                {"n": f"销售{'一二三四五六'[t]}部", "c": NOW},
            ).scalar_one()
        )
    users = [
        ("bench_admin", "系统管理员", "admin", None),
        ("neiqin", "王内勤", "sales_admin", None),
    ]
    users += [(f"manager{t + 1}", names.person()[0], "manager", team_ids[t]) for t in range(TEAMS)]
    users += [
        (f"rep{i + 1:02d}", names.person()[0], "sales_rep", team_ids[i % TEAMS])
        for i in range(REP_COUNT)
    ]
    ids = {}
    for username, full, role, team in users:
        ids[username] = conn.execute(
            text(
                "INSERT INTO users (username, full_name, role, team_id, is_active, password_hash,"
                " password_changed_at, must_change_password, failed_logins, created_at,"
                " updated_at, version) VALUES (:u, :f, :r, :t, true, :pw, :password_changed_at,"
                " false, 0, :created_at, :updated_at, :version) RETURNING id"
            ),
            {"u": username, "f": full, "r": role, "t": team, "pw": pw, **stamp},
        ).scalar_one()
    return [ids[f"rep{i + 1:02d}"] for i in range(REP_COUNT)], ids["neiqin"]


# --- rows ---------------------------------------------------------------------------

CUSTOMER_COLS = [
    "id", "number", "registered_on", "name", "short_name", "name_pinyin", "name_initials",
    "short_pinyin", "short_initials", "type_id", "source_id", "industry_id", "region_id",
    "grade_id", "coop_status_id", "payment_id", "phone", "fax", "principal", "principal_mobile",
    "phone_digits", "owner_id", "owner_since", "registered_by_id", "last_follow_up_at",
    "is_in_pool", "dev_deadline", "capital_amount", "created_at", "updated_at",
]  # fmt: skip
CONTACT_COLS = [
    "id", "customer_id", "name", "name_pinyin", "name_initials", "mobile", "phone",
    "phone_digits", "is_primary", "created_at", "updated_at",
]  # fmt: skip


def _filler(table, given: list[str]) -> tuple[list[str], tuple]:
    """NOT NULL columns the bench does not set, with the models' defaults ('' / false / 0)."""
    cols, vals = [], []
    for c in table.columns:
        if c.name in given or c.nullable:
            continue
        default = c.default.arg if c.default is not None else None
        if callable(default):
            default = {}
        cols.append(c.name)
        vals.append("{}" if isinstance(default, dict) else default)
    return cols, tuple(vals)


def customer_rows(n: int, seed: int, codes, reps: list[int], neiqin: int):
    """Yields (customer tuple, [contact tuples]) in CUSTOMER_COLS / CONTACT_COLS order.

    Dates are ISO text and booleans 0/1: what both SQLite and PostgreSQL's COPY accept.
    """
    rnd = random.Random(seed)
    r = rnd.random
    names = Names(rnd)
    region, industry = codes["region"], codes["industry"]
    ctype = [codes["customer_type"]["E"]] * 9 + [codes["customer_type"]["S"]]
    sources = list(codes["source"].values())
    grades = list(codes["grade"].values())
    statuses = list(codes["coop_status"].values())
    payments = list(codes["payment"].values())
    owners = [rep for i, rep in enumerate(reps) for _ in range(1 + i % 7)]  # uneven books
    start = date(2021, 12, 1)
    span = (NOW.date() - start).days
    days = sorted(rnd.randrange(span) for _ in range(n))  # ids grow with registration date
    day_text = [(start + timedelta(days=d)).isoformat() for d in range(span + 1)]
    minutes = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(1440)]
    short_keys: dict[str, tuple[str, str]] = {}
    contact_id = 0
    for i in range(n):
        cid = i + 1
        name, np_, ni, short, sp, si, prov, section, area = names.company()
        if short not in short_keys:
            k = name_keys(short)
            short_keys[short] = (k.full, k.initials)
        sp, si = short_keys[short]
        day = days[i]
        reg = day_text[day]
        reg_dt = reg + minutes[540 + int(r() * 540)]
        phone, phone_d = names.landline(area)
        mobile = names.mobile()
        fax = ""
        digits = f"{phone_d} {mobile}"
        if r() < 0.3:
            fax, fax_d = names.landline(area)
            if fax_d != phone_d:
                digits = f"{phone_d} {fax_d} {mobile}"
        in_pool = r() < POOL_SHARE
        owner = None if in_pool else owners[int(r() * len(owners))]
        follow = None
        if r() < 0.85:
            f_day = day + int(r() * (span - day + 1))
            follow = day_text[f_day] + minutes[480 + int(r() * 660)]
        status = statuses[int(r() * len(statuses))]
        row = (
            cid, f"KH{reg[:4]}{cid:07d}", reg, name, short, np_, ni, sp, si,
            ctype[int(r() * 10)], sources[int(r() * len(sources))], industry[section],
            region[prov], grades[int(r() * 4)], status, payments[int(r() * len(payments))],
            phone, fax, names.person()[0], mobile, digits, owner,
            None if in_pool else reg_dt, owner or neiqin, follow, int(in_pool),
            day_text[min(day + 90, span)] if status == statuses[0] else None,
            int(r() * 5000) * 10000 if r() < 0.6 else None, reg_dt, reg_dt,
        )  # fmt: skip
        contacts = []
        for k in range(1 if r() < 0.6 else 2):
            contact_id += 1
            person, full, initials = names.person()
            cm = names.mobile()
            contacts.append((contact_id, cid, person, full, initials, cm, "", cm, int(k == 0),
                             reg_dt, reg_dt))  # fmt: skip
        yield row, contacts


def check_sample(codes, reps, neiqin, count: int = 2000) -> None:
    """The derived columns must be what the services would store for the same values."""
    bad = 0
    ix = {c: i for i, c in enumerate(CUSTOMER_COLS)}
    for row, contacts in customer_rows(count, 7, codes, reps, neiqin):
        cols = {k: row[ix[k]] for k in ("name", "short_name", "phone", "fax", "principal_mobile")}
        want = derived_columns(cols)
        bad += want != {k: row[ix[k]] for k in want}
        for c in contacts:
            keys = name_keys(c[2], person=True)
            bad += (keys.full, keys.initials) != c[3:5]
    if bad:
        print(f"warning: {bad}/{count} sample rows differ from the services' derivation")


# --- loaders ------------------------------------------------------------------------


def load(url: str, n: int, seed: int) -> None:
    t0 = time.perf_counter()
    db = open_database(url)
    upgrade(db.engine)
    sqlite = db.is_sqlite
    with db.engine.begin() as conn:
        if conn.exec_driver_sql("SELECT count(*) FROM customers").scalar():
            sys.exit(f"{url} already has customers; delete it first")
        codes = code_ids(conn)
        reps, neiqin = insert_users(conn, Names(random.Random(seed)))
    check_sample(codes, reps, neiqin)
    c_fill = _filler(Customer.__table__, CUSTOMER_COLS)
    k_fill = _filler(Contact.__table__, CONTACT_COLS)
    rows = customer_rows(n, seed, codes, reps, neiqin)
    raw = db.engine.raw_connection()
    try:
        if sqlite:
            ddl = _load_sqlite(raw, rows, c_fill, k_fill)
        else:
            ddl = _load_pg(raw, rows, c_fill, k_fill)
        t1 = time.perf_counter()
        print(f"  rows loaded in {t1 - t0:.0f} s; re-creating indexes and search index")
        cur = raw.cursor()
        if sqlite:
            for sql in ddl:
                cur.execute(sql)
        else:
            _pg_build_indexes(db.engine, ddl)
        if sqlite:
            for fts in ("customers_fts", "contacts_fts"):
                if cur.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (fts,)).fetchone():
                    cur.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        raw.commit()
        orphans = _orphan_contacts(cur)
        if orphans:
            sys.exit(f"{orphans} contacts refer to no customer: the generator is wrong")
        cur.execute("ANALYZE")
        raw.commit()
        if sqlite:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # reads stay off a huge WAL
        else:
            for table in ("customers", "contacts"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            raw.commit()
        print(f"  indexes built in {time.perf_counter() - t1:.0f} s")
    finally:
        raw.close()
        db.dispose()
    print(f"{n:,} customers in {url} — {time.perf_counter() - t0:.0f} s")


def _load_sqlite(raw, rows, c_fill, k_fill) -> list[str]:
    raw.isolation_level = None
    cur = raw.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    cur.execute("PRAGMA cache_size=-400000")
    cur.execute("PRAGMA foreign_keys=OFF")  # as on PostgreSQL: checked once at the end
    cur.execute("BEGIN")
    ddl = _secondary_raw(cur, ["customers", "contacts"])
    c_cols, k_cols = CUSTOMER_COLS + c_fill[0], CONTACT_COLS + k_fill[0]
    c_sql = f"INSERT INTO customers ({', '.join(c_cols)}) VALUES ({', '.join('?' * len(c_cols))})"
    k_sql = f"INSERT INTO contacts ({', '.join(k_cols)}) VALUES ({', '.join('?' * len(k_cols))})"
    cbuf, kbuf = [], []
    for row, contacts in rows:
        cbuf.append(row + c_fill[1])
        kbuf.extend(k + k_fill[1] for k in contacts)
        if len(cbuf) >= 50_000:
            cur.executemany(c_sql, cbuf)
            cur.executemany(k_sql, kbuf)
            cbuf, kbuf = [], []
            print(f"  {row[0]:,}", end="\r", flush=True)
    cur.executemany(c_sql, cbuf)
    cur.executemany(k_sql, kbuf)
    cur.execute("COMMIT")
    cur.execute("BEGIN")
    return ddl


def _orphan_contacts(cur) -> int:
    """Contacts whose customer is missing (the load does not check each row's key)."""
    cur.execute(
        "SELECT count(*) FROM contacts k WHERE NOT EXISTS "
        "(SELECT 1 FROM customers c WHERE c.id = k.customer_id)"
    )
    return cur.fetchone()[0]


def _secondary_raw(cur, tables):
    cur.execute(
        "SELECT name, type, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        f"AND tbl_name IN ({', '.join(repr(t) for t in tables)}) AND sql IS NOT NULL "
        "AND sql NOT LIKE 'CREATE UNIQUE%'"
    )
    rows = cur.fetchall()
    for name, kind, _ in rows:
        cur.execute(f'DROP {kind.upper()} "{name}"')
    return [sql for *_, sql in rows]


def _pg_text(v) -> str:
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    return str(v)


def _load_pg(raw, rows, c_fill, k_fill) -> list[str]:
    cur = raw.cursor()
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename IN ('customers', 'contacts') AND indexdef NOT LIKE 'CREATE UNIQUE%'"
    )
    found = cur.fetchall()
    for name, _ in found:
        cur.execute(f'DROP INDEX "{name}"')
    # The rows are consistent by construction: checking each contact's customer (a
    # foreign-key trigger per row, half the load's time) is left out for this session
    # (superuser: the bench server) and checked once at the end (_orphan_contacts).
    cur.execute("SET session_replication_role = replica")
    c_cols, k_cols = CUSTOMER_COLS + c_fill[0], CONTACT_COLS + k_fill[0]
    c_tail = "".join("\t" + _pg_text(v) for v in c_fill[1])
    k_tail = "".join("\t" + _pg_text(v) for v in k_fill[1])

    # The server stores one batch while Python builds the next: COPY runs on a thread
    # (psycopg waits on the socket without the GIL), the rows are made on this one.
    batches: queue.Queue = queue.Queue(maxsize=2)

    def copy_batches():
        while (batch := batches.get()) is not None:
            for table, cols, data in zip(
                ("customers", "contacts"), (c_cols, k_cols), batch, strict=True
            ):
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    copy.write(data)

    writer = _Worker(copy_batches)
    cbuf, kbuf = [], []
    for count, (row, contacts) in enumerate(rows, start=1):
        cbuf.append("\t".join(map(_pg_text, row)) + c_tail)
        for k in contacts:
            kbuf.append("\t".join(map(_pg_text, k)) + k_tail)
        if count % 50_000 == 0:
            writer.put(
                batches, ("\n".join(cbuf).encode() + b"\n", "\n".join(kbuf).encode() + b"\n")
            )
            cbuf, kbuf = [], []
            print(f"  {count:,}", end="\r", flush=True)
    if cbuf:
        writer.put(batches, ("\n".join(cbuf).encode() + b"\n", "\n".join(kbuf).encode() + b"\n"))
    writer.put(batches, None)
    writer.join()
    raw.commit()
    return [sql for _, sql in found]


class _Worker(threading.Thread):
    """A thread whose exception is raised again in the thread that joins it."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self._target_fn, self.error = target, None
        self.start()

    def run(self):
        try:
            self._target_fn()
        except BaseException as exc:  # re-raised by join()
            self.error = exc

    def put(self, q: queue.Queue, item) -> None:
        while self.is_alive():  # a dead writer would leave put() blocked forever
            try:
                q.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        self.join()

    def join(self, timeout=None):
        super().join(timeout)
        if self.error is not None:
            raise self.error


def _pg_build_indexes(engine, ddl: list[str], sessions: int = 2) -> None:
    """Build the secondary indexes in parallel sessions, the trigram GIN indexes (most
    of the time, and single-threaded in PostgreSQL 15) first."""
    todo: queue.Queue = queue.Queue()
    for sql in sorted(ddl, key=lambda sql: "gin" not in sql.lower()):
        todo.put(sql)

    def build():
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("SET maintenance_work_mem = '512MB'")
            while True:
                try:
                    sql = todo.get_nowait()
                except queue.Empty:
                    break
                cur.execute(sql)
            raw.commit()
        finally:
            raw.close()

    workers = [_Worker(build) for _ in range(sessions)]
    for w in workers:
        w.join()


def start_pg():
    """A throwaway server in /tmp (tests/pg_server.py); left running for bench/run.py."""
    from sqlalchemy import create_engine

    from tests.pg_server import PgServer

    server = PgServer().start()
    admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE crm_bench"))
    admin.dispose()
    url = server.url("crm_bench")
    (DATA_DIR / "pg-url.txt").write_text(
        f"{url}\n# server data: {server.data} (stop: runuser -u postgres -- "
        f"{server.bindir}/pg_ctl -D {server.data} stop)\n"
    )
    return url


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--sqlite", default=str(SQLITE_PATH), help="SQLite file to create")
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument("--pg-url", help="an empty PostgreSQL database")
    p.add_argument("--start-pg", action="store_true", help="start a throwaway server in /tmp")
    args = p.parse_args(argv)
    DATA_DIR.mkdir(exist_ok=True)
    if not args.no_sqlite:
        path = Path(args.sqlite)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        load(f"sqlite:///{path}", args.n, args.seed)
    pg_url = args.pg_url or (start_pg() if args.start_pg else None)
    if pg_url:
        load(pg_url, args.n, args.seed)
        where = f"  (also in {DATA_DIR / 'pg-url.txt'})" if args.start_pg else ""
        print(f"PostgreSQL: {pg_url}{where}")


if __name__ == "__main__":
    main()

"""Engine and session factory for SQLite (one PC) or PostgreSQL (shared server)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.services.core.errors import DatabaseError, ValidationError

BUSY_TIMEOUT_MS = 10_000
NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "fuse.sshfs",
    "9p",
    "afs",
    "ncpfs",
    "fuse.gvfsd-fuse",
    "davfs",
    "fuse.davfs2",
    "glusterfs",
    "ceph",
}


def normalize_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use the psycopg 3 driver."""
    try:
        u = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"数据库地址格式不正确：{url}") from exc
    if u.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"不支持的数据库类型：{u.get_backend_name()}（仅支持 SQLite 和 PostgreSQL）"
        )
    return u.render_as_string(hide_password=False)


def describe_url(url: str) -> str:
    """What the login dialog shows: never the password."""
    u = make_url(normalize_url(url))
    if u.get_backend_name() == "sqlite":
        return f"SQLite 文件：{u.database}"
    return f"PostgreSQL：{u.username or ''}@{u.host or 'localhost'}:{u.port or 5432}/{u.database}"


def sqlite_path(url: str) -> Path | None:
    u = make_url(normalize_url(url))
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def network_share_warning(path: Path, mounts_text: str | None = None) -> str | None:
    """A warning if `path` lies on a network file system, where SQLite locking is unsafe."""
    path = Path(path).absolute()
    fstype = _fs_type(path, mounts_text)
    if fstype is None:
        return None
    return (
        f"警告：数据库文件位于网络共享（{fstype}）上。SQLite 在网络共享上的加锁不可靠，"
        "多人同时使用可能损坏数据。多台电脑共用请改用 PostgreSQL 服务器。"
    )


def _fs_type(path: Path, mounts_text: str | None) -> str | None:
    if sys.platform == "win32" and mounts_text is None:
        return _windows_remote(path)
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8")
        except OSError:
            return None
    best, best_type = "", None
    target = str(path)
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mnt, fstype = parts[1].replace("\\040", " "), parts[2]
        inside = target == mnt or target.startswith(mnt.rstrip("/") + "/")
        if inside and len(mnt) > len(best):
            best, best_type = mnt, fstype
    return best_type if best_type in NETWORK_FS else None


def _windows_remote(path: Path) -> str | None:  # pragma: no cover - Windows only
    p = str(path)
    if p.startswith("\\\\"):
        return "UNC 共享路径"
    import ctypes

    drive = os.path.splitdrive(p)[0] + "\\"
    return "网络驱动器" if ctypes.windll.kernel32.GetDriveTypeW(drive) == 4 else None


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the pysqlite recipe).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalize_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        engine.dialect._json_serializer = _json_dumps
    else:
        engine = create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5, "application_name": "crm-desktop"},
            json_serializer=_json_dumps,
        )
    event.listen(engine, "before_cursor_execute", _refuse_unstorable_text)
    return engine


OUT_OF_RANGE = "输入的数字超出了可以保存或查找的范围，请检查。"
UNSTORABLE_TEXT = (
    "输入的文字中含有无法保存的字符（空字符 NUL 或残缺的 Unicode 字符，常见于从其他程序粘贴的内容），"
    "请删除后再试。"
)


def _unstorable(value: str) -> bool:
    if "\x00" in value:
        return True  # PostgreSQL refuses NUL in text; SQLite would cut the string there
    if value.isascii():
        return False
    try:
        value.encode("utf-8")  # a lone surrogate cannot be encoded for either database
    except UnicodeEncodeError:
        return True
    return False


def _scalar(value) -> bool:
    return not isinstance(value, list | tuple | dict)


def _refuse_unstorable_text(_conn, _cursor, _statement, parameters, _context, _executemany):
    """Every statement's text and integer parameters, whatever service built them (a save, a search,
    a filter): one clear message instead of a driver error deep inside a save."""
    # One row (tuple or dict) or many — "insertmanyvalues" batches pass one row with
    # executemany set, so look at the shape rather than the flag.
    many = isinstance(parameters, list | tuple) and parameters and not _scalar(parameters[0])
    for row in parameters if many else [parameters]:
        values = row.values() if isinstance(row, dict) else (row or ())
        for v in values:
            if isinstance(v, str) and _unstorable(v):
                raise ValidationError(UNSTORABLE_TEXT)
            if isinstance(v, int) and not -(2**63) <= v < 2**63:
                raise ValidationError(OUT_OF_RANGE)  # e.g. an id typed or pasted by hand


def _sqlite_begin(conn) -> None:
    # A writing unit of work takes SQLite's write lock at BEGIN, so two writers queue on
    # busy_timeout instead of one failing when it upgrades a stale read snapshot.
    # Readers stay deferred and never block anyone under WAL.
    if conn.get_execution_options().get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _json_dumps(obj) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False, default=str)


def check_connection(engine: Engine) -> None:
    """Open one connection, or raise DatabaseError saying why in Chinese."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise DatabaseError(_explain(engine, exc)) from exc
    except SQLAlchemyError as exc:
        raise DatabaseError(f"无法打开数据库：{exc.__class__.__name__}") from exc


def _explain(engine: Engine, exc: OperationalError) -> str:
    u = engine.url
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if u.get_backend_name() == "sqlite":
        return f"无法打开 SQLite 数据库文件“{u.database}”：{detail}"
    if "password authentication failed" in detail:
        reason = "用户名或密码错误"
    elif "does not exist" in detail:
        reason = "数据库不存在"
    elif "timeout" in detail or "Connection refused" in detail or "connection" in detail.lower():
        reason = "服务器无法连接（请检查地址、端口、网络和防火墙）"
    else:
        reason = detail
    return f"无法连接 PostgreSQL 服务器 {u.host or 'localhost'}:{u.port or 5432}：{reason}。"


@dataclass
class Database:
    """An opened database: the engine and its session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]  # read: deferred transactions
    write_sessions: sessionmaker[Session]  # write: BEGIN IMMEDIATE on SQLite

    @property
    def description(self) -> str:
        return describe_url(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.url.get_backend_name() == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str) -> Database:
    """Engine + session factory with the audit and soft-delete hooks installed."""
    from app.services.core import hooks

    engine = make_engine(url)
    reader = sessionmaker(bind=engine, expire_on_commit=False)
    writer = sessionmaker(
        bind=engine.execution_options(sqlite_immediate=True), expire_on_commit=False
    )
    hooks.install(reader)
    hooks.install(writer)
    return Database(normalize_url(url), engine, reader, writer)

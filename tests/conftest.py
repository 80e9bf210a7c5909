"""Shared fixtures: a database per test on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

# Before anything imports Qt: headless, and never touch the user's real folders.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = Path(tempfile.mkdtemp(prefix="crm-test-home-"))
os.environ["CRM_DATA_DIR"] = str(_HOME / "data")
os.environ["CRM_CONFIG_DIR"] = str(_HOME / "config")
os.environ.pop("CRM_DATABASE_URL", None)

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from app.services.core import clock  # noqa: E402
from app.services.core.database import open_database  # noqa: E402
from app.services.core.migrations import upgrade  # noqa: E402
from tests.pg_server import PgServer  # noqa: E402

REQUIRE_PG = os.environ.get("CRM_REQUIRE_PG") == "1"
# Only a developer's explicit choice skips the PostgreSQL half; otherwise a server that
# cannot start is an error, never a quiet skip.
SKIP_PG = os.environ.get("CRM_SKIP_PG") == "1" and not REQUIRE_PG
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = PgServer().start()
    except Exception as exc:
        if SKIP_PG:
            pytest.skip(f"CRM_SKIP_PG=1 and PostgreSQL not available: {exc}")
        raise RuntimeError(
            f"PostgreSQL 测试服务器无法启动：{exc}（没有 PostgreSQL 时可设 CRM_SKIP_PG=1 只跑 SQLite）"
        ) from exc
    admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE crm_template"))
    template = open_database(server.url("crm_template"))
    upgrade(template.engine)
    template.dispose()
    yield server, admin
    admin.dispose()
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    db = open_database(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    return path


def _new_url(request, backend: str, tmp_path: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        target = tmp_path / "crm.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}", lambda: None
    server, admin = request.getfixturevalue("pg_server")
    name = "t_" + uuid.uuid4().hex[:12]
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE crm_template"))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    return server.url(name), drop


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    """An empty, migrated database: one per test, on each backend."""
    url, drop = _new_url(request, request.param, tmp_path)
    database = open_database(url)
    yield database
    database.dispose()
    drop()


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path):
    """A URL to a database with no tables at all (for migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server, admin = request.getfixturevalue("pg_server")
    name = "e_" + uuid.uuid4().hex[:12]
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield server.url(name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


class FakeClock:
    def __init__(self, start):
        self.current = start

    def __call__(self):
        return self.current

    def advance(self, **kw):
        from datetime import timedelta

        self.current += timedelta(**kw)


@pytest.fixture
def fake_clock():
    from datetime import datetime

    fc = FakeClock(datetime(2026, 3, 2, 9, 0, 0))
    clock.set_clock(fc)
    yield fc
    clock.set_clock(None)


def pytest_sessionfinish(session, exitstatus):
    """With CRM_REQUIRE_PG=1 a run in which no PostgreSQL test passed is a failure."""
    if not REQUIRE_PG or exitstatus != 0:
        return
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller sees every worker's results and checks
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    passed = [r for r in reporter.stats.get("passed", []) if "postgresql" in r.nodeid]
    skipped = [r for r in reporter.stats.get("skipped", []) if "postgresql" in r.nodeid]
    if skipped or not passed:
        session.exitstatus = 1
        reporter.write_line(
            f"CRM_REQUIRE_PG=1: PostgreSQL tests passed={len(passed)} skipped={len(skipped)} — failing",
            red=True,
        )

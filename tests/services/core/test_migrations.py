import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from app.models import Base
from app.models.customer import include_object
from app.services.core.database import open_database
from app.services.core.errors import SchemaTooNewError
from app.services.core.migrations import alembic_config, current_revision, head_revision, upgrade


def test_migrations_from_empty_match_the_models(empty_url):
    db = open_database(empty_url)
    try:
        result = upgrade(db.engine)
        assert result.from_revision is None and result.to_revision == head_revision()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(
                    conn, opts={"compare_type": True, "include_object": include_object}
                ),
                Base.metadata,
            )
        assert diff == []
        # Running again is a no-op.
        assert upgrade(db.engine).backup is None
    finally:
        db.dispose()


def test_downgrade_to_base_and_up_again(empty_url):
    db = open_database(empty_url)
    try:
        upgrade(db.engine)
        with db.engine.begin() as conn:
            cfg = alembic_config(db.engine)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert current_revision(db.engine) is None
        upgrade(db.engine)
        assert current_revision(db.engine) == head_revision()
    finally:
        db.dispose()


def test_newer_schema_is_refused_with_a_clear_message(db):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaTooNewError, match="比本程序新"):
        upgrade(db.engine)


def test_sqlite_file_is_backed_up_before_an_upgrade(tmp_path):
    path = tmp_path / "crm.sqlite3"
    db = open_database(f"sqlite:///{path}")
    upgrade(db.engine)
    # Simulate an older schema holding user data: downgrade, keep a table with a row.
    with db.engine.begin() as conn:
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        conn.execute(text("CREATE TABLE old_notes (body TEXT)"))
        conn.execute(text("INSERT INTO old_notes VALUES ('客户资料')"))
    result = upgrade(db.engine)
    db.dispose()
    assert result.backup is not None and result.backup.exists()
    with sqlite3.connect(result.backup) as conn:
        assert conn.execute("SELECT body FROM old_notes").fetchall() == [("客户资料",)]


def test_sqlite_connection_settings(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.dispose()


def test_upgrade_gives_existing_users_their_pinyin(db):
    from tests.services.helpers import add_user, setup_admin

    uid = add_user(db, setup_admin(db), "zeng", full_name="曾小贤")
    with db.engine.begin() as conn:
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
        command.upgrade(cfg, "head")
    with db.engine.connect() as conn:
        initials, full = conn.execute(
            text("SELECT name_initials, name_pinyin FROM users WHERE id = :id"), {"id": uid}
        ).one()
    assert set(initials.split()) == {"zxx", "cxx"} and "zengxiaoxian" in full.split()


def test_a_new_index_on_an_analyzed_sqlite_file_gets_its_statistics(tmp_path, monkeypatch):
    from tests.services.customer_fixtures import fast_passwords, make_world, register

    db = open_database(f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    upgrade(db.engine)
    fast_passwords(monkeypatch)
    w = make_world(db)
    register(w, w.rep1)  # SQLite keeps no statistics for an empty table's indexes
    with db.engine.begin() as conn:
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
        conn.exec_driver_sql("ANALYZE")  # an office's file that was analyzed once
        command.upgrade(cfg, "head")
    with db.engine.connect() as conn:
        indexes = {r[0] for r in conn.exec_driver_sql("SELECT idx FROM sqlite_stat1")}
    db.dispose()
    # Without statistics SQLite takes an index for a selective one (it chose this one
    # over the sort and search indexes of a million-row list).
    assert "ix_customers_live_industry_owner" in indexes


def test_indexes_added_later_get_their_statistics_too(tmp_path, monkeypatch):
    """Migration 0028 analyzes the indexes 0016-0021 added to an analyzed file."""
    from tests.services.customer_fixtures import fast_passwords, make_world, register

    db = open_database(f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    upgrade(db.engine)
    fast_passwords(monkeypatch)
    w = make_world(db)
    register(w, w.rep1)
    with db.engine.begin() as conn:
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015")
        conn.exec_driver_sql("ANALYZE")  # analyzed before the due dates' indexes existed
        command.upgrade(cfg, "head")
    with db.engine.connect() as conn:
        indexes = {r[0] for r in conn.exec_driver_sql("SELECT idx FROM sqlite_stat1")}
    db.dispose()
    assert {"ix_customers_pool_due", "ix_customers_owner_pool_due",
            "ix_customers_pool_since"} <= indexes  # fmt: skip

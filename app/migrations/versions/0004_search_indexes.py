"""search indexes: SQLite FTS5 trigram tables, PostgreSQL pg_trgm GIN indexes

The search box matches substrings (LIKE '%text%') of several columns; no B-tree helps.
SQLite: an external-content FTS5 table with the trigram tokenizer per searched table,
kept in sync by triggers; the search uses it to find candidate rows and re-checks the
original LIKE conditions on them (app.services.customers.search.customer_search).
PostgreSQL: one multi-column GIN index with gin_trgm_ops per searched table, which
serves ILIKE/LIKE '%text%' directly. Without the pg_trgm extension (postgresql-contrib
not installed) the indexes are skipped with a warning: the search still works, by a
full scan. None of these objects is in the models: autogenerate skips them
(app.models.customer.include_object).

Revision ID: 0004
Revises: 0003
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# table, FTS / index name, searched columns (the same as customer_search's)
SEARCHED = [
    (
        "customers",
        "customers_fts",
        "ix_customers_search_trgm",
        ["name", "short_name", "number", "principal", "name_pinyin", "name_initials",
         "short_pinyin", "short_initials", "phone_digits"],
    ),
    (
        "contacts",
        "contacts_fts",
        "ix_contacts_search_trgm",
        ["name", "name_pinyin", "name_initials", "phone_digits"],
    ),
]  # fmt: skip


def _sqlite_upgrade() -> None:
    for table, fts, _ix, cols in SEARCHED:
        listed = ", ".join(cols)
        new = ", ".join(f"new.{c}" for c in cols)
        old = ", ".join(f"old.{c}" for c in cols)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', "
            "content_rowid='id', tokenize='trigram')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts} (rowid, {listed}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts} ({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {listed} ON {table} BEGIN "
            f"INSERT INTO {fts} ({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts} (rowid, {listed}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")


def _pg_upgrade() -> None:
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # extension not installed or not permitted
        log.warning("pg_trgm unavailable (%s): no search indexes, search scans the table", exc)
        return
    for table, _fts, ix, cols in SEARCHED:
        ops = ", ".join(f"{c} gin_trgm_ops" for c in cols)
        op.execute(f"CREATE INDEX {ix} ON {table} USING gin ({ops})")


LIVE_SORTS = ("registered_on", "name_pinyin", "number")


def upgrade() -> None:
    # The list's sort orders over live (not soft-deleted) rows, read from the index alone:
    # without them every row of a million-row list costs a table lookup for deleted_at.
    for col in LIVE_SORTS:
        op.create_index(
            f"ix_customers_live_{col}",
            "customers",
            [col, "id", "deleted_at"],  # deleted_at: covering on SQLite
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _pg_upgrade()


def downgrade() -> None:
    for col in LIVE_SORTS:
        op.drop_index(f"ix_customers_live_{col}", "customers")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for _table, fts, ix, _cols in SEARCHED:
        if sqlite:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        else:
            op.execute(f"DROP INDEX IF EXISTS {ix}")

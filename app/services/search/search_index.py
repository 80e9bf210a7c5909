"""Candidate rows for the search box from SQLite's FTS5 trigram tables (migration 0004).

fts_candidates(...) narrows a substring search to the rows a trigram index can find:
on SQLite it is `id IN (SELECT rowid FROM <fts> WHERE <fts> MATCH :q)` when every search
term has at least 3 characters (the shortest thing a trigram index finds), else 1 = 1.
On PostgreSQL it is always 1 = 1: the pg_trgm GIN indexes serve the LIKEs themselves.
The caller keeps its exact LIKE conditions, so what matches never changes: the trigram
match (case-folded) finds a superset of the rows the LIKEs accept.
"""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType

from app.services.search.pinyin import search_keys

MIN_CHARS = 3


class _FtsMatch(ColumnElement[bool]):
    type = NullType()  # a Boolean would be compiled as "(…) = 1" on SQLite, unindexable
    # Cacheable: the SQL's shape depends on the id column, the table and whether there is
    # a query; the query text itself is a bound parameter, extracted on every run.
    inherit_cache = True
    _traverse_internals = [
        ("id_col", InternalTraversal.dp_clauseelement),
        ("fts_table", InternalTraversal.dp_string),
        ("query", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, id_col, fts_table: str, query: str | None):
        self.id_col = id_col
        self.fts_table = fts_table
        self.query = None if query is None else bindparam(None, query, unique=True)


@compiles(_FtsMatch)
def _no_index(element, compiler, **kw) -> str:
    return "1 = 1"


@compiles(_FtsMatch, "sqlite")
def _sqlite(element, compiler, **kw) -> str:
    if element.query is None:
        return "1 = 1"
    fts = element.fts_table
    q = compiler.process(element.query, **kw)
    ids = compiler.process(element.id_col, **kw)
    return f"{ids} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH {q})"


def _phrase(columns, term: str) -> str:
    names = " ".join(c.key for c in columns)
    return f'{{{names}}} : "{term.replace(chr(34), chr(34) * 2)}"'


def fts_candidates(id_col, fts_table: str, text: str, *, text_columns=(), pinyin_columns=(),
                   digit_columns=()):  # fmt: skip
    """The narrowing condition for search_clause(text, same columns) on `fts_table`."""
    keys = search_keys(text)
    groups = [
        (text_columns, keys.text),
        (pinyin_columns, keys.pinyin),
        (digit_columns, keys.digits),
    ]
    groups = [(cols, term) for cols, term in groups if cols and term]
    if not groups or any(len(term) < MIN_CHARS for _, term in groups):
        return _FtsMatch(id_col, fts_table, None)
    # One phrase per distinct term over all its columns: "hangzhou" is both the text and
    # the pinyin key, and FTS5 reads a phrase's trigram lists once per phrase (two
    # phrases of the same term took twice as long, for the same rows).
    by_term: dict[str, list] = {}
    for cols, term in groups:
        by_term.setdefault(term, []).extend(cols)
    return _FtsMatch(id_col, fts_table, " OR ".join(_phrase(c, t) for t, c in by_term.items()))

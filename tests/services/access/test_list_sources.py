"""Role × list source (issue 12): every list source of the app — found by walking
app.services for functions returning a ListSource, not a hand-picked list — opened by each
user of team 1, plain and searched for the secret customer's name, must show no trace of
a team-2 customer or of a customer team 1 lost to a transfer: ids, every column's value,
the group summaries. On SQLite and PostgreSQL (the world of test_entry_points)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing

import app.services
from app.services.core.errors import ServiceError
from app.services.core.uow import UnitOfWork
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.spec import ListQuery, ListSource
from tests.services.access.test_entry_points import MARKERS, SECRET, world  # noqa: F401

# Sources that take an argument other than the actor, and what to give them.
ARGUMENTS = {"code_items_source": {"table_key": "grade"}}


def list_sources() -> list[tuple[str, typing.Callable]]:
    found = []
    for info in pkgutil.walk_packages(app.services.__path__, "app.services."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if name.startswith("_"):
                continue  # a builder the public sources share (approval_lists._queue)
            if typing.get_type_hints(fn).get("return") is ListSource:
                found.append((f"{info.name.removeprefix('app.services.')}.{name}", fn))
    return sorted(found)


def build(fn, actor, w=None) -> ListSource:
    params = inspect.signature(fn).parameters
    kwargs = dict(ARGUMENTS.get(fn.__name__, {}))
    if "sheet_id" in params:  # one 客户等级分类表's rows: the world's sheet holds both customers
        kwargs["sheet_id"] = w.class_sheet
    if "actor" in params:
        kwargs["actor"] = actor
    return fn(**kwargs)


def test_every_list_source_is_found():
    names = {n.rpartition(".")[2] for n, _ in list_sources()}
    assert {"customers_source", "pool_source", "visit_plans_source", "complaints_source",
            "work_plans_source", "audit_source", "contacts_source"} <= names  # fmt: skip
    assert len(names) >= 20


def test_no_list_shows_another_teams_customer(world):  # noqa: F811
    w = world
    problems = []
    for name, fn in list_sources():
        for actor in (w.rep1, w.rep2, w.manager):
            source = build(fn, actor, w)
            keys = [c.key for c in source.columns]
            for query in (ListQuery(), ListQuery(search=SECRET), ListQuery(search="转走")):
                uow = UnitOfWork(w.db, actor, write=False)
                try:
                    ids = list(list_query.fetch_ids(uow, source, query))
                    rows = list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), source,
                                                 ids, keys)  # fmt: skip
                except ServiceError:
                    continue  # refused (e.g. an admin's list): nothing shown
                except Exception as exc:  # a list that cannot open is a defect too
                    problems.append(f"{name} as {actor.username}: {type(exc).__name__}: {exc}")
                    continue
                leaked = [m for m in MARKERS if m in repr(rows)]
                if leaked:
                    problems.append(f"{name} as {actor.username} ({query.search!r}): {leaked}")
            groupable = [c.key for c in source.columns if c.groupable][:1]
            if groupable:
                try:
                    summary = summaries.summarize(
                        UnitOfWork(w.db, actor, write=False), source, ListQuery(), groupable
                    )
                except ServiceError:
                    continue
                leaked = [m for m in MARKERS if m in repr(summary)]
                if leaked:
                    problems.append(f"{name} summary as {actor.username}: {leaked}")
    assert problems == [], "\n".join(problems)

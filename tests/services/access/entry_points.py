"""Every public service entry point, found by walking app.services — not a hand-picked list.

An entry point is a public module-level function whose first parameter is `uow` and which
opens that unit of work itself (`with uow`). Its arguments are built from their names:
an `*_id` is the id of a record of another team (see RECORD_OF), `expected_version` that
record's current version, a form its dataclass with the target customer filled in, text
the secret customer's name (a search must not find it). A parameter the builder does not
know fails the enumeration test until it is taught here — so a new entry point is covered
from the day it is written.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
import textwrap
import typing
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import app.services
from app.models import VisitRecord

# id parameter -> which record of the secret world it names (see test_entry_points.world)
RECORD_OF = {
    "customer_id": "customer",
    "contact_id": "contact",
    "follow_up_id": "follow_up",
    "deal_id": "deal",
    "attachment_id": "attachment",
    "plan_id": "visit_plan",
    "record_id": "visit_record",
    "report_id": "visit_report",
    "complaint_id": "complaint",
    "request_id": "sample",
    "note_id": "note",
    "review_id": "review",
    "grant_id": "grant",
    "user_id": "owner",
    "owner_id": "owner",
    "to_user_id": "outsider_user",
    "new_owner_id": "outsider_user",
    "handler_id": "outsider_user",
    "reviewer_id": "outsider_user",
    "author_id": "owner",
    "book_owner_id": "owner",
    "team_id": "team",
    "include_id": "customer",
    "current_id": "customer",
    "exclude_id": "customer",
    # 合并客户: both sides the other team's customer (a merge with itself is refused too)
    "kept_id": "customer",
    "removed_id": "customer",
    # 转让申请: team 2's request between two team-2 reps
    "transfer_id": "transfer",
    # 《客户维护表》: one after-sales contact of the target's delivered deal
    "after_sales_id": "after_sales",
    # 《客户等级分类表》: a sheet holding the customer, and the customer's row on it
    "sheet_id": "class_sheet",
    "row_id": "class_sheet_row",
}
LIST_OF = {
    "customer_ids": "customer",
    "ids": "customer",
    "record_ids": "visit_record",
    "plan_ids": "visit_plan",
    "ordered_ids": "customer",
    "to_user_ids": "outsider_user",
}
# The same name means another record in some packages: work.plans' plan_id is a work plan.
IN_PACKAGE = {"work.": {"plan_id": "work_plan"}}


def record_of(ep_name: str, param: str) -> str | None:
    for prefix, names in IN_PACKAGE.items():
        if ep_name.startswith(prefix) and param in names:
            return names[param]
    return RECORD_OF.get(param)


SEARCH_PARAMS = {"text", "search"}  # given the secret customer's name: it must not be found
TEXT_PARAMS = {"name", "title", "note", "reason", "comments", "statement", "not_found", "denied",
               "resolution", "confirmation", "conclusions", "suggestions", "place", "label",
               "override_reason", "action", "status", "outcome", "feedback",
               "remark"}  # fmt: skip

WRITTEN = "外组人员填写的内容"  # what an outsider's write puts in text fields

# Parameters that name no record: a plain value that passes the usual checks.
PLAIN = {
    "table_key": "grade",
    "code": "99",
    "field_type": "text",
    "password": "Secret-pw-1",
    "confirm": "Secret-pw-1",
    "values": {"pool.claim_cap": 5},
    "proposals": [],
    "progress": 50,
    "list_key": "customers",
    "key": "customers",
    "layout": {},
    "model": VisitRecord,
    # checks of typed values (code entries, extra fields, duplicate keys): nothing to aim
    "item_id": None,
    "type_id": None,
    "previous": None,
    "extra": {},
    "keys": [],
    "field": "name",
    "choices": {},
    "versions": (1, 1),
    "proposal_id": None,
    "merge_id": 1,
    "pair_ids": [1],
    "pair_id": 1,
    "step": "card",
    "change_id": 1,  # 规则修改: only the chairman decides, only chairman and admin see
    "proposed_class": "D",
}
# Callbacks a background job is given (progress(done, total), cancelled()): left out.
CALLBACKS = {"progress", "cancelled"}

# Entry points driven by a file, a list source or a login rather than by records: covered
# by their own tests (named here), and by the list-source enumeration for lists.
NOT_RECORD_DRIVEN = {
    "admin.auth.needs_setup": "no actor: tests/services/admin/test_auth.py",
    "admin.auth.setup_first_admin": "first run only: test_auth.py",
    "admin.auth.login": "no actor yet: test_auth.py",
    "admin.auth.unlock_by_name": "command line, no actor: test_auth.py",
    "admin.auth.change_password": "own password only: test_auth.py",
    "customers.import_template.template": "writes a file: tests/services/customers/test_customer_import.py",
    "customers.importer.preview": "reads a file: test_customer_import.py",
    "customers.importer.run": "reads a file: test_customer_import.py",
    "core.settings.get": "one setting by its key, a constant of the code: tests/services/core",
}
# Entry points over a list source (ListSource): the list-source enumeration below runs every
# source as every role; these only apply the source they are given.
LIST_DRIVEN_MODULES = ("lists.excel_export.", "lists.query.", "lists.summaries.")


@dataclasses.dataclass(frozen=True)
class EntryPoint:
    name: str  # dotted, without "app.services."
    fn: typing.Callable

    def params(self) -> list[inspect.Parameter]:
        return list(inspect.signature(self.fn).parameters.values())[1:]


def _opens_uow(fn) -> bool:
    source = textwrap.dedent(inspect.getsource(fn))
    return re.search(r"\bwith uow\s*[:,]", source) is not None


def entry_points() -> list[EntryPoint]:
    found = []
    for info in pkgutil.walk_packages(app.services.__path__, "app.services."):
        if info.name.rpartition(".")[2].startswith("_"):
            continue  # _internal: helpers inside the entry points' own units of work
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:1] == ["uow"] and _opens_uow(fn):
                found.append(
                    EntryPoint(f"{module.__name__.removeprefix('app.services.')}.{name}", fn)
                )
    return sorted(found, key=lambda e: e.name)


def skipped(ep: EntryPoint) -> bool:
    return ep.name in NOT_RECORD_DRIVEN or ep.name.startswith(LIST_DRIVEN_MODULES)


class CannotBuild(Exception):
    """The builder does not know a parameter: teach RECORD_OF/LIST_OF/… above."""


def _form(cls, target: dict, secret: str):
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        hint = hints.get(f.name)
        if f.name in RECORD_OF:
            values[f.name] = target[RECORD_OF[f.name]]
        elif f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            if hint is str or hint == "str":
                values[f.name] = WRITTEN
            continue
        elif hint in (date, date | None):
            values[f.name] = target["today"]
        elif hint in (datetime, datetime | None):
            values[f.name] = target["now"]
        elif hint is str:
            values[f.name] = WRITTEN
        else:
            values[f.name] = None
    return cls(**values)


def build_args(ep: EntryPoint, target: dict, secret: str, tmp: Path) -> dict:
    """Keyword arguments aimed at `target` (one record of each kind), or CannotBuild."""
    hints = typing.get_type_hints(ep.fn)
    args = {}
    for p in ep.params():
        hint = hints.get(p.name)
        if record_of(ep.name, p.name):
            args[p.name] = target[record_of(ep.name, p.name)]
        elif p.name == "ids" and ep.name.startswith("work."):
            args[p.name] = [target["work_plan"]]
        elif p.name in LIST_OF:
            args[p.name] = [target[LIST_OF[p.name]]]
        elif p.name == "expected_version":
            args[p.name] = target["version"]
        elif p.name in ("form", "changes") or (
            isinstance(hint, type) and dataclasses.is_dataclass(hint)
        ):
            if p.name == "changes":
                args[p.name] = {"name": f"{secret}改名"}
            elif isinstance(hint, type) and dataclasses.is_dataclass(hint):
                args[p.name] = _form(hint, target, secret)
            else:
                raise CannotBuild(p.name)
        elif p.name in CALLBACKS and p.default is not inspect.Parameter.empty:
            continue
        elif p.name in PLAIN:
            args[p.name] = PLAIN[p.name]
        elif p.name in SEARCH_PARAMS:
            args[p.name] = secret
        elif p.name in TEXT_PARAMS:
            args[p.name] = WRITTEN
        elif p.default is not inspect.Parameter.empty:
            continue
        elif hint is bool:
            args[p.name] = True
        elif hint in (date, date | None):
            args[p.name] = target["today"]
        elif hint in (datetime, datetime | None):
            args[p.name] = target["now"]
        elif hint in (int, Decimal):
            args[p.name] = 1
        elif p.name == "path":
            args[p.name] = tmp / "out.xlsx"
        elif p.name in ("data",):
            args[p.name] = b"secret bytes"
        elif p.name in ("file_name",):
            args[p.name] = "外来附件.pdf"
        else:
            raise CannotBuild(f"{ep.name}: parameter {p.name!r} ({hint})")
    return args

"""Role × entry point (issue 12): every public service entry point, run by each user of
team 1 against the records of a team-2 customer — one that always was team 2's, and one
that team 1's rep had and lost to a transfer — must refuse (a ServiceError in Chinese) or
answer without a trace of that customer, and must change none of its records. On SQLite
and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import (
    AccessGrant,
    AfterSalesContact,
    ClassSheet,
    ClassSheetRow,
    Complaint,
    Contact,
    Customer,
    CustomerAttachment,
    CustomerReview,
    DailyNote,
    Deal,
    FollowUp,
    MaintenanceCheck,
    Role,
    SampleRequest,
    Team,
    TransferRequest,
    User,
    VisitPlan,
    VisitRecord,
    VisitReport,
    WorkPlan,
)
from app.services.core import clock
from app.services.core.errors import ServiceError
from app.services.core.uow import UnitOfWork
from app.services.customers import grants, ownership, transfers
from app.services.customers.forms import ContactForm
from app.services.policy import class_sheets
from app.services.policy.class_sheet_lists import sheet_rows
from tests.services.access.entry_points import (
    NOT_RECORD_DRIVEN,
    CannotBuild,
    build_args,
    entry_points,
    record_of,
    skipped,
)
from tests.services.customer_fixtures import (
    fast_passwords,
    make_world,
    records_of_every_kind,
    register,
)
from tests.services.helpers import add_user, login

SECRET = "机密客户甲有限公司"
MOVED = "转走客户乙有限公司"
MARKERS = (SECRET, MOVED, "机密联系人", "13900001111", "转走联系人", "13900002222")
RECORD_MODELS = (Contact, FollowUp, Deal, CustomerAttachment, VisitPlan, VisitRecord, Complaint,
                 SampleRequest, WorkPlan, CustomerReview, AfterSalesContact,
                 ClassSheetRow)  # fmt: skip


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    # Always team 2's: rep3's customer with a record of every kind.
    s = register(w, w.rep3, SECRET, contacts=[ContactForm(name="机密联系人", mobile="13900001111",
                                                          is_primary=True)]).customer_id  # fmt: skip
    w.secret = records_of_every_kind(w, s, w.rep3, with_review=True, note_title=f"{SECRET}拜访要点")
    # Team 1's rep had this one, with records, and lost it to team 2 by a transfer.
    t = register(w, w.rep1, MOVED, contacts=[ContactForm(name="转走联系人", mobile="13900002222",
                                                         is_primary=True)]).customer_id  # fmt: skip
    w.moved = records_of_every_kind(w, t, w.rep1, with_review=False)
    # Reviews and daily notes are not moved with a customer: aim at team 2's.
    w.moved["review"], w.moved["note"] = w.secret["review"], w.secret["note"]
    ownership.transfer(UnitOfWork(w.db, w.admin), [t], w.rep3.id, "调整到二组")
    grant = grants.request_grant(UnitOfWork(w.db, w.rep2), "想看看", clock.now() + timedelta(days=3),
                                 customer_id=s)  # fmt: skip
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        team2 = uow.session.scalar(select(Team.id).where(Team.name == "二组"))
    # 转让申请 between team 2's two reps, about both customers, agreed by the receiver.
    add_user(w.db, w.admin, "rep4", Role.SALES_REP, team2)
    rep4 = login(w.db, "rep4")
    transfer = transfers.request_transfer(UnitOfWork(w.db, w.rep3), [s, t], rep4.id, "二组内调整")
    transfers.agree_transfer(UnitOfWork(w.db, rep4), transfer)
    # A 客户等级分类表 being filled, with a row for each (the sales admin sees both).
    sheet = class_sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    rows = {r.customer_id: r.id for r in sheet_rows(UnitOfWork(w.db, w.sales_admin), sheet)}
    w.class_sheet = sheet
    for target in (w.secret, w.moved):
        target.update(grant=grant, owner=w.rep3.id, outsider_user=w.rep3.id, team=team2,
                      transfer=transfer, class_sheet=sheet,
                      class_sheet_row=rows[target["customer"]])  # fmt: skip
    return w


def fingerprint(w) -> dict:
    """Every row that belongs to the two customers, with its version: a write shows."""
    out = {}
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        s = uow.session
        for cid in (w.secret["customer"], w.moved["customer"]):
            c = s.get(Customer, cid)
            out[("customer", cid)] = (c.version, c.owner_id, c.is_protected, c.deleted_at,
                                      c.last_follow_up_at)  # fmt: skip
            for model in RECORD_MODELS:
                rows = s.execute(
                    select(model.id, model.version).where(model.customer_id == cid)
                    .execution_options(include_deleted=True)
                ).all()  # fmt: skip
                out[(model.__name__, cid)] = sorted(rows)
            checks = select(MaintenanceCheck.id).where(MaintenanceCheck.customer_id == cid)
            out[("MaintenanceCheck", cid)] = sorted(s.scalars(checks))
        out["VisitReport"] = sorted(
            s.execute(select(VisitReport.id, VisitReport.version, VisitReport.deleted_at)).all()
        )
        note = select(DailyNote.id, DailyNote.version, DailyNote.deleted_at)
        out["notes of rep3"] = sorted(s.execute(note.where(DailyNote.owner_id == w.rep3.id)).all())
        out["grants"] = sorted(s.execute(select(AccessGrant.id, AccessGrant.status)).all())
        out["transfers"] = sorted(
            s.execute(select(TransferRequest.id, TransferRequest.version)).all()
        )
        out["users"] = sorted(s.execute(select(User.id, User.version)).all())
    return out


def _version(w, target: dict, ep) -> int:
    """The current version of the record an entry point's first id parameter names."""
    models = {"customer": Customer, "contact": Contact, "follow_up": FollowUp, "deal": Deal,
              "attachment": CustomerAttachment, "visit_plan": VisitPlan,
              "visit_record": VisitRecord, "visit_report": VisitReport, "complaint": Complaint,
              "sample": SampleRequest, "note": DailyNote, "review": CustomerReview,
              "owner": User, "outsider_user": User, "team": Team, "grant": AccessGrant,
              "work_plan": WorkPlan, "transfer": TransferRequest,
              "after_sales": AfterSalesContact, "class_sheet": ClassSheet,
              "class_sheet_row": ClassSheetRow}  # fmt: skip
    for p in ep.params():
        kind = record_of(ep.name, p.name)
        if kind:
            with UnitOfWork(w.db, w.admin, write=False) as uow:
                row = uow.session.get(models[kind], target[kind])
                return row.version if row is not None else 1
    return 1


def test_every_entry_point_can_be_driven():
    """A new public entry point fails here until its parameters are taught to the builder."""
    target = {k: 1 for k in ("customer", "contact", "follow_up", "deal", "attachment",
                             "visit_plan", "visit_record", "visit_report", "complaint", "sample",
                             "note", "review", "grant", "owner", "outsider_user", "team",
                             "work_plan", "transfer", "after_sales", "class_sheet",
                             "class_sheet_row")}  # fmt: skip
    target.update(today=date.today(), now=clock.now(), version=1)
    unknown = []
    found = entry_points()
    assert len(found) > 100
    for ep in found:
        if skipped(ep):
            continue
        try:
            build_args(ep, target, SECRET, __import__("pathlib").Path("/tmp"))
        except CannotBuild as exc:
            unknown.append(str(exc))
    assert unknown == []
    assert set(NOT_RECORD_DRIVEN) <= {ep.name for ep in found}  # no stale exemptions


def _leaks(result) -> list[str]:
    text = repr(result)
    return [m for m in MARKERS if m in text]


@pytest.mark.parametrize("which", ["secret", "moved"])
def test_no_entry_point_reaches_another_teams_customer(world, which, tmp_path):
    w = world
    target = getattr(w, which)
    before = fingerprint(w)
    problems = []
    for ep in entry_points():
        if skipped(ep):
            continue
        for actor in (w.rep1, w.rep2, w.manager):
            args = build_args(ep, {**target, "version": _version(w, target, ep)}, SECRET, tmp_path)
            try:
                result = ep.fn(UnitOfWork(w.db, actor), **args)
            except ServiceError:
                continue
            except Exception as exc:  # a traceback in the user's face
                problems.append(f"{ep.name} as {actor.username}: {type(exc).__name__}: {exc}")
                continue
            leaked = _leaks(result)
            if leaked:
                problems.append(f"{ep.name} as {actor.username} shows {leaked}")
            after = fingerprint(w)
            if after != before:
                changed = [k for k in after if after[k] != before.get(k)]
                problems.append(f"{ep.name} as {actor.username} changed {changed}")
                before = after
    assert problems == [], "\n".join(problems)

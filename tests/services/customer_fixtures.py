"""Builders for the customer-archive tests: a small company with every role."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Role
from app.services.admin import code_tables, users
from app.services.core.uow import Actor, UnitOfWork
from app.services.customers.forms import CustomerForm
from app.services.customers.registration import RegisterResult, register_customer
from tests.services.helpers import add_user, login, setup_admin

NXH = "宁夏红枸杞产业集团有限公司"


@dataclass
class World:
    db: object
    admin: Actor
    chairman: Actor
    sales_admin: Actor
    manager: Actor  # team 1
    rep1: Actor  # team 1
    rep2: Actor  # team 1
    rep3: Actor  # team 2
    clerk: Actor
    source_id: int  # 客户来源 “展会”

    def uow(self, actor):
        return UnitOfWork(self.db, actor)


def fast_passwords(monkeypatch) -> None:
    """Argon2 with the smallest cost: these tests create many users."""
    from argon2 import PasswordHasher

    from app.services.core import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def make_world(db) -> World:
    admin = setup_admin(db)
    t1 = users.create_team(UnitOfWork(db, admin), "一组")
    t2 = users.create_team(UnitOfWork(db, admin), "二组")
    add_user(db, admin, "chair", Role.CHAIRMAN, full_name="董事长")
    add_user(db, admin, "neiqin", Role.SALES_ADMIN, full_name="李内勤")
    add_user(db, admin, "boss1", Role.MANAGER, t1, full_name="赵主管")
    add_user(db, admin, "rep1", Role.SALES_REP, t1, full_name="张三")
    add_user(db, admin, "rep2", Role.SALES_REP, t1, full_name="李四")
    add_user(db, admin, "rep3", Role.SALES_REP, t2, full_name="王五")
    add_user(db, admin, "clerk", Role.CLERK, full_name="陈文员")
    actors = {
        u: login(db, u) for u in ("chair", "neiqin", "boss1", "rep1", "rep2", "rep3", "clerk")
    }
    with UnitOfWork(db, admin) as uow:
        source = code_tables.find_item(uow, "source", "04")
    return World(
        db, admin, actors["chair"], actors["neiqin"], actors["boss1"], actors["rep1"],
        actors["rep2"], actors["rep3"], actors["clerk"], source,
    )  # fmt: skip


def form(world: World, name: str = NXH, **kw) -> CustomerForm:
    """A registration form; met at this moment unless `first_contact_at` says otherwise."""
    from app.services.core import clock

    kw.setdefault("source_id", world.source_id)
    kw.setdefault("first_contact_at", clock.now())
    return CustomerForm(name=name, **kw)


def register(world: World, actor: Actor, name: str = NXH, **kw) -> RegisterResult:
    return register_customer(world.uow(actor), form(world, name, **kw))


def grant_read_access(world: World, actor: Actor, customer_id: int) -> int:
    """An approved 查阅授权 for `actor` on one customer, valid a week."""
    from datetime import timedelta

    from app.services.core import clock
    from app.services.customers import grants

    until = clock.now() + timedelta(days=7)
    gid = grants.request_grant(world.uow(actor), "协助跟进", until, customer_id=customer_id)
    grants.decide_grant(world.uow(world.chairman), gid, True)
    return gid


def records_of_every_kind(
    w, cid, owner, *, with_review: bool, note_title: str = "拜访要点"
) -> dict:
    """One record of each kind for customer `cid`, made by its owner `owner`: a follow-up,
    a delivered deal (with its 交付后回访 task), an attachment, a visit plan, record and
    report, a complaint, a sample request, a daily note, and optionally a review."""
    from datetime import timedelta

    from sqlalchemy import select

    from app.models import AfterSalesContact, Contact, CustomerReview, WorkPlan
    from app.services.core import clock
    from app.services.customers import attachments, followups
    from app.services.customers.followups import DealForm, FollowUpForm
    from app.services.service_desk import complaints, samples
    from app.services.service_desk.complaints import ComplaintForm
    from app.services.visits import workflow as visits
    from app.services.visits.workflow import PlanForm, RecordForm
    from app.services.work import notes
    from app.services.work.notes import NoteForm

    u = lambda: UnitOfWork(w.db, owner)  # noqa: E731
    now, today = clock.now(), clock.now().date()
    with UnitOfWork(w.db, w.admin) as uow:
        channel = code_tables.find_item(uow, "feedback_channel", "1")
        category = code_tables.find_item(uow, "complaint_type", "01")
    ids = {"customer": cid, "today": today, "now": now}
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        ids["contact"] = uow.session.scalar(select(Contact.id).where(Contact.customer_id == cid))
    ids["follow_up"] = followups.add_follow_up(u(), cid, FollowUpForm(content="电话沟通"))
    ids["deal"] = followups.add_deal(u(), cid, DealForm(product="枸杞原浆", amount="5000"))
    followups.mark_delivered(u(), ids["deal"], 1)  # 交付后回访 tasks for the owner
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        ids["work_plan"] = uow.session.scalar(
            select(WorkPlan.id).where(WorkPlan.customer_id == cid).order_by(WorkPlan.id)
        )
        ids["after_sales"] = uow.session.scalar(
            select(AfterSalesContact.id).where(AfterSalesContact.work_plan_id == ids["work_plan"])
        )
    ids["attachment"] = attachments.add_attachment(u(), cid, "报价单.pdf", b"%PDF-1.4")
    ids["visit_plan"] = visits.create_plan(
        u(), PlanForm(cid, today, today + timedelta(days=5), purpose="了解使用情况")
    )
    ids["visit_record"] = visits.add_record(
        u(), ids["visit_plan"], RecordForm(visited_at=now, needs="增加采购")
    )
    ids["visit_report"] = visits.create_report(u(), "回访报告", [ids["visit_record"]], "客户满意")
    ids["complaint"] = complaints.register_complaint(
        u(), ComplaintForm(customer_id=cid, channel_id=channel, category_id=category,
                           customer_words="到货有破损", contact_name="马经理"),
    )  # fmt: skip
    form = samples.defaults_for(UnitOfWork(w.db, owner, write=False), cid)
    form.items, form.quantity, form.reason = "样品", "1 箱", "试用"
    form.address = form.address or "宁夏银川市兴庆区"
    ids["sample"] = samples.file_request(u(), form)
    ids["note"] = notes.create_note(u(), NoteForm(title=note_title, content="机密"))
    if with_review:
        with UnitOfWork(w.db, w.admin) as uow:
            review = CustomerReview(customer_id=cid, owner_id=owner.id, deadline=today,
                                    opened_at=now)  # fmt: skip
            uow.session.add(review)
            uow.commit()
            ids["review"] = review.id
    return ids

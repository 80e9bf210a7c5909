"""Fills a new database with half a year of a small sales office, through the services
themselves (so every rule, number, key and history row is what the app would make):
two teams with a manager and three reps each, a sales admin and a chairman; a few
hundred customers (Faker zh_CN names, phones and addresses) with contacts, follow-ups,
deals (some delivered, with their 交付后回访 tasks), visit plans, records and reports,
complaints, sample requests and this week's work plans. Customers left idle go to the
pool and overdue development windows into 评审 by the real sweep at the end.

The clock is moved to each action's moment while it is made, and set back afterwards.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.models import Role
from app.services.access import roles
from app.services.admin import auth, code_tables, users
from app.services.admin.users import UserForm
from app.services.core import clock
from app.services.core.database import Database
from app.services.core.errors import ServiceError
from app.services.core.uow import Actor, UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import DealForm, FollowUpForm
from app.services.customers.forms import ContactForm, CustomerForm
from app.services.customers.registration import register_customer
from app.services.demo import COMPANY, PASSWORD, PEOPLE
from app.services.policy import reviews
from app.services.pool import rules as pool
from app.services.service_desk import complaints, samples
from app.services.service_desk.complaints import ComplaintForm
from app.services.visits.plans import PlanForm, create_plan
from app.services.visits.records import RecordForm, add_record
from app.services.visits.reports import create_report
from app.services.work.plans import WorkPlanForm
from app.services.work.plans import create_plan as create_work_plan

DAYS = 240  # how far back the office's history goes
TEAMS = ("银川销售一部", "银川销售二部")
PRODUCTS = ("枸杞原浆", "枸杞干果", "枸杞酒", "枸杞芽茶", "枸杞籽油")
TALKS = ("电话沟通报价", "发送产品资料", "确认样品反馈", "约定拜访时间", "询问付款方式",
         "介绍新品", "了解采购计划", "跟进合同条款")  # fmt: skip


@dataclass
class DemoSummary:
    users: int
    customers: int
    pool: int
    reviews: int


def build(db: Database, customers: int = 300, seed: int = 2026,
          progress: Callable[[int, int], None] | None = None) -> DemoSummary:  # fmt: skip
    """Fill the empty, migrated database `db`. Refused (ServiceError) when it has users."""
    from faker import Faker

    fake, rnd = Faker("zh_CN"), random.Random(seed)
    Faker.seed(seed)
    end = clock.now().replace(microsecond=0)
    start = end - timedelta(days=DAYS)
    try:
        clock.set_clock(lambda: start)
        people = _people(db)
        codes = _codes(db, people["admin"])
        reps = [a for a in people.values() if a.role == Role.SALES_REP]
        moments = sorted(start + timedelta(minutes=rnd.randrange(DAYS * 24 * 60 - 600))
                         for _ in range(customers))  # fmt: skip
        for i, at in enumerate(moments):
            owner = rnd.choice(reps)
            _customer(db, fake, rnd, codes, people, owner, at, end)
            if progress is not None:
                progress(i + 1, customers)
        clock.set_clock(lambda: end)
        _shown_passwords(db, people)
        _this_week(db, rnd, people)
        # Development windows first: an undeveloped old customer is reviewed, not pooled.
        opened = reviews.open_due_reviews(UnitOfWork(db, None))
        moved = pool.sweep(UnitOfWork(db, None)).moved
    finally:
        clock.set_clock(None)
    return DemoSummary(len(people), customers, len(moved), len(opened))


# The passwords the office used during the half year; the shown one is set at the end, so
# that no account's password has expired (90 days) on the day the demo opens.
INTERIM = PASSWORD + "#"


def _people(db: Database) -> dict[str, Actor]:
    admin = auth.setup_first_admin(UnitOfWork(db), COMPANY, "admin", "赵管理", INTERIM, INTERIM)
    teams = [users.create_team(UnitOfWork(db, admin), name) for name in TEAMS]
    out = {"admin": admin}
    for username, name, role, team in PEOPLE[1:]:
        form = UserForm(username, name, role, teams[team] if team is not None else None)
        first = PASSWORD + "!"
        users.create_user(UnitOfWork(db, admin), form, first, first)
        # Through the first login's password change, as a new user goes.
        actor = auth.login(UnitOfWork(db), username, first)
        auth.change_password(UnitOfWork(db, actor), first, INTERIM, INTERIM)
        out[username] = auth.login(UnitOfWork(db), username, INTERIM)
    return out


def _shown_passwords(db: Database, people: dict[str, Actor]) -> None:
    for actor in people.values():
        auth.change_password(UnitOfWork(db, actor), INTERIM, PASSWORD, PASSWORD)


def _codes(db: Database, admin: Actor) -> dict[str, list[int]]:
    keys = ("source", "industry", "region", "feedback_channel", "complaint_type")
    with UnitOfWork(db, admin, write=False) as uow:
        return {k: [r.id for r in code_tables.items_in(uow, k, include_inactive=False)]
                for k in keys}  # fmt: skip


def _at(moment: datetime) -> None:
    clock.set_clock(lambda: moment)


def _customer(db, fake, rnd, codes, people, owner: Actor, at: datetime, end: datetime) -> None:
    """One customer, registered at `at` by its rep (or by the sales admin for the rep),
    then what happened to it until `end`."""
    _at(at)
    registrar = people["neiqin"] if rnd.random() < 0.3 else owner
    contact = fake.name()
    form = CustomerForm(
        name=fake.company(), phone=fake.phone_number(), address=fake.address(),
        source_id=rnd.choice(codes["source"]), industry_id=rnd.choice(codes["industry"]),
        region_id=rnd.choice(codes["region"]), first_contact_at=at - timedelta(hours=2),
        demand=rnd.choice(PRODUCTS), principal=contact, owner_id=owner.id,
        contacts=[ContactForm(name=contact, mobile=fake.phone_number(), is_primary=True)],
    )  # fmt: skip
    try:
        cid = register_customer(UnitOfWork(db, registrar), form).customer_id
    except ServiceError:
        return  # Faker repeated a company name: the duplicate check refused it, as it should
    u = lambda: UnitOfWork(db, owner)  # noqa: E731
    moment = at
    for _ in range(rnd.choice((0, 1, 2, 2, 3, 4, 5))):
        moment += timedelta(days=rnd.uniform(3, 40))
        if moment >= end:
            break
        _at(moment)
        followups.add_follow_up(u(), cid, FollowUpForm(content=rnd.choice(TALKS)))
        if rnd.random() < 0.25:
            amount = str(rnd.randrange(20, 500) * 100)
            deal = followups.add_deal(
                u(), cid, DealForm(product=rnd.choice(PRODUCTS), amount=amount)
            )
            if rnd.random() < 0.5:
                followups.mark_delivered(u(), deal, 1)
        if rnd.random() < 0.12:
            _visit(u, cid, moment, rnd)
        if rnd.random() < 0.05:
            _complaint(u, db, owner, cid, codes, rnd, contact)


def _visit(u, cid: int, moment: datetime, rnd) -> None:
    day = moment.date()
    plan = create_plan(u(), PlanForm(cid, day, day + timedelta(days=3), purpose="了解使用情况"))
    record = add_record(u(), plan, RecordForm(visited_at=moment, needs="增加采购",
                                              satisfaction=rnd.randint(3, 5)))  # fmt: skip
    if rnd.random() < 0.6:
        create_report(u(), f"{day:%m月}回访报告", [record], "客户总体满意，有增购意向")


def _complaint(u, db, owner, cid: int, codes, rnd, contact: str) -> None:
    complaints.register_complaint(u(), ComplaintForm(
        customer_id=cid, channel_id=rnd.choice(codes["feedback_channel"]),
        category_id=rnd.choice(codes["complaint_type"]),
        customer_words=rnd.choice(("到货有破损", "发货延迟", "包装与样品不一致")),
        contact_name=contact,
    ))  # fmt: skip
    form = samples.defaults_for(UnitOfWork(db, owner, write=False), cid)
    form.items, form.quantity, form.reason = rnd.choice(PRODUCTS), "2 箱", "客户试用"
    form.address = form.address or "宁夏银川市兴庆区"
    samples.file_request(u(), form)


def _this_week(db: Database, rnd, people: dict[str, Actor]) -> None:
    for actor in people.values():
        if actor.role in roles.CAN_OWN_CUSTOMERS:
            for title in ("新客户开发 5 家", "老客户回访 3 家"):
                create_work_plan(UnitOfWork(db, actor), WorkPlanForm(title=title))

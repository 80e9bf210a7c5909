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
    kw.setdefault("source_id", world.source_id)
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

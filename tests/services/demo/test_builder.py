"""The demo company (main.py --demo): every account logs in with the shown password,
and every kind of record the screens list is there, made through the services."""

from sqlalchemy import func, select

from app.models import (
    Complaint,
    Contact,
    Customer,
    CustomerReview,
    Deal,
    FollowUp,
    SampleRequest,
    VisitPlan,
    VisitRecord,
    WorkPlan,
)
from app.services import demo
from app.services.admin import auth
from app.services.core.uow import UnitOfWork
from app.services.demo import builder
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.pool.lists import pool_source


def test_a_demo_office(db, monkeypatch):
    monkeypatch.setattr(builder, "DAYS", 240)
    done = builder.build(db, customers=60, seed=7)
    assert done.users == len(demo.PEOPLE) and done.pool > 0
    with UnitOfWork(db, None, write=False) as uow:
        count = lambda model: uow.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        counts = {m.__name__: count(m) for m in (Customer, Contact, FollowUp, Deal, VisitPlan,
                  VisitRecord, Complaint, SampleRequest, WorkPlan, CustomerReview)}  # fmt: skip
    assert counts["Customer"] >= 55  # a name Faker repeats is refused as a duplicate
    assert [k for k, n in counts.items() if n == 0] == []
    for username, _name, role, _team in demo.PEOPLE:
        actor = auth.login(UnitOfWork(db), username, demo.PASSWORD)
        assert actor.role == role
        assert not auth.must_change_password(UnitOfWork(db, actor))
    rep = auth.login(UnitOfWork(db), "xiaoshou1", demo.PASSWORD)
    pooled = list_query.fetch_first_ids(UnitOfWork(db, rep, write=False), pool_source(rep),
                                        ListQuery(), 100)  # fmt: skip
    assert len(pooled) == done.pool

"""Record numbers in one style (issue 15): 投诉/反馈, 寄样申请, 回访计划/记录/报告 are numbered
like customers, from a pattern per kind in 系统设置; records made before are numbered by the
upgrade (migration 0014), and new ones continue after them."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select

from app.models import Complaint, SampleRequest, VisitPlan, VisitRecord, VisitReport
from app.services.core import settings
from app.services.core.errors import ValidationError
from app.services.core.migrations import alembic_config
from app.services.core.uow import UnitOfWork
from app.services.customers.forms import ContactForm
from tests.services.customer_fixtures import (
    fast_passwords,
    make_world,
    records_of_every_kind,
    register,
)


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    contact = ContactForm(name="马经理", mobile="13900001111", is_primary=True)
    w.cid = register(w, w.rep1, phone="0951-5012345", contacts=[contact]).customer_id
    w.ids = records_of_every_kind(w, w.cid, w.rep1, with_review=False)
    return w


def numbers(w) -> dict[str, list[str]]:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return {
            m.__tablename__: list(uow.session.scalars(select(m.number).order_by(m.id)))
            for m in (VisitPlan, VisitRecord, VisitReport, Complaint, SampleRequest)
        }


def test_each_kind_is_numbered_in_the_customer_numbers_style(world):
    assert numbers(world) == {
        "visit_plans": ["HFJH202600001"], "visit_records": ["HFJL202600001"],
        "visit_reports": ["HFBG202600001"], "complaints": ["TS202600001"],
        "sample_requests": ["JY202600001"],
    }  # fmt: skip


def test_a_changed_pattern_numbers_the_next_record(world):
    w = world
    with pytest.raises(ValidationError, match="序号"):
        settings.update_settings(UnitOfWork(w.db, w.admin), {"numbers.complaint": "KS{yy}"})
    settings.update_settings(UnitOfWork(w.db, w.admin), {"numbers.complaint": "KS{yy}-{seq:03}"})
    records_of_every_kind(w, w.cid, w.rep1, with_review=False)
    assert numbers(w)["complaints"] == ["TS202600001", "KS26-001"]
    assert numbers(w)["visit_plans"] == ["HFJH202600001", "HFJH202600002"]


def test_the_upgrade_numbers_earlier_records_and_new_ones_continue(world):
    w = world
    with w.db.engine.begin() as conn:
        cfg = alembic_config(w.db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
        command.upgrade(cfg, "head")
    assert numbers(w)["complaints"] == ["TS202600001"]  # numbered by the upgrade
    records_of_every_kind(w, w.cid, w.rep1, with_review=False)
    assert numbers(w)["complaints"] == ["TS202600001", "TS202600002"]
    assert numbers(w)["visit_reports"] == ["HFBG202600001", "HFBG202600002"]

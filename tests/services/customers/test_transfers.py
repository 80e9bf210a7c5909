"""转让申请 (二.2): requested by the giving rep, agreed by the receiving rep, carried out by
the 市场总监 — each step only by the one who must act, each a reminder for them."""

import pytest
from sqlalchemy import select

from app.models import Customer, OwnershipChange, TransferRequest
from app.services.core import settings
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import transfers
from app.services.customers.transfer_lists import transfer_requests_source
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.reminders.registry import collect
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register


@pytest.fixture
def world(db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    settings.update_settings(UnitOfWork(db, w.admin), {"pool.market_directors": "boss1"})
    w.cid = register(w, w.rep1, NXH).customer_id
    w.other = register(w, w.rep1, "银川枸杞贸易有限公司").customer_id
    return w


def u(w, actor):
    return UnitOfWork(w.db, actor)


def owner_of(w, cid):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.get(Customer, cid).owner_id


def status_of(w, rid):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.get(TransferRequest, rid).status


def kinds(w, actor):
    return {(r.kind, r.target.record_id) for r in collect(u(w, actor)).items}


def test_both_parties_then_the_director(world):
    w = world
    rid = transfers.request_transfer(u(w, w.rep1), [w.cid, w.other], w.rep2.id, "区域调整")
    assert ("transfer_to_agree", rid) in kinds(w, w.rep2)
    assert ("transfer_to_execute", rid) not in kinds(w, w.manager)
    transfers.agree_transfer(u(w, w.rep2), rid)
    assert ("transfer_to_agree", rid) not in kinds(w, w.rep2)
    assert ("transfer_to_execute", rid) in kinds(w, w.manager)
    assert transfers.execute_transfer(u(w, w.manager), rid) == 2
    assert owner_of(w, w.cid) == owner_of(w, w.other) == w.rep2.id
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        history = uow.session.scalars(
            select(OwnershipChange).where(OwnershipChange.customer_id == w.cid)
            .order_by(OwnershipChange.id)
        ).all()  # fmt: skip
    assert (history[-1].kind, history[-1].from_user_id, history[-1].to_user_id) == (
        "转让", w.rep1.id, w.rep2.id)  # fmt: skip
    detail = transfers.transfer_detail(u(w, w.rep2), rid)
    assert detail.status_label == "已执行" and detail.decider_name == "赵主管"
    assert set(detail.customers) == {NXH, "银川枸杞贸易有限公司"}
    assert ("transfer_to_execute", rid) not in kinds(w, w.manager)


def test_one_side_only_cannot_be_executed(world):
    w = world
    rid = transfers.request_transfer(u(w, w.rep1), [w.cid], w.rep2.id, "区域调整")
    with pytest.raises(ValidationError, match="接收方尚未同意"):
        transfers.execute_transfer(u(w, w.manager), rid)
    assert owner_of(w, w.cid) == w.rep1.id and status_of(w, rid) == "requested"


def test_second_agreement_and_wrong_people(world):
    w = world
    rid = transfers.request_transfer(u(w, w.rep1), [w.cid], w.rep2.id, "区域调整")
    with pytest.raises(PermissionDenied, match="接收客户的一方"):
        transfers.agree_transfer(u(w, w.rep1), rid)  # the giver cannot agree for both
    with pytest.raises(NotFound):
        transfers.agree_transfer(u(w, w.rep3), rid)  # not a party: not even seen
    transfers.agree_transfer(u(w, w.rep2), rid)
    with pytest.raises(ValidationError, match="无需再次处理"):
        transfers.agree_transfer(u(w, w.rep2), rid)
    with pytest.raises(PermissionDenied, match="市场总监"):
        transfers.execute_transfer(u(w, w.admin), rid)
    transfers.reject_transfer(u(w, w.manager), rid, "暂不调整")
    with pytest.raises(ValidationError, match="已处理"):
        transfers.execute_transfer(u(w, w.manager), rid)
    assert owner_of(w, w.cid) == w.rep1.id and status_of(w, rid) == "rejected"


def test_declined_request_moves_nothing(world):
    w = world
    rid = transfers.request_transfer(u(w, w.rep1), [w.cid], w.rep2.id, "区域调整")
    with pytest.raises(ValidationError, match="拒绝理由"):
        transfers.decline_transfer(u(w, w.rep2), rid, "  ")
    transfers.decline_transfer(u(w, w.rep2), rid, "客户太多")
    with pytest.raises(ValidationError, match="已处理"):
        transfers.agree_transfer(u(w, w.rep2), rid)
    assert owner_of(w, w.cid) == w.rep1.id and status_of(w, rid) == "declined"


def test_bad_requests_change_nothing(world):
    w = world
    mine = register(w, w.rep3, "石嘴山枸杞合作社").customer_id
    with pytest.raises(ValidationError, match="本人名下"):
        transfers.request_transfer(u(w, w.rep1), [w.cid, mine], w.rep2.id, "区域调整")
    with pytest.raises(ValidationError, match="转让原因"):
        transfers.request_transfer(u(w, w.rep1), [w.cid], w.rep2.id, "")
    with pytest.raises(ValidationError, match="本人"):
        transfers.request_transfer(u(w, w.rep1), [w.cid], w.rep1.id, "区域调整")
    with pytest.raises(ValidationError, match="在职的销售人员"):
        transfers.request_transfer(u(w, w.rep1), [w.cid], w.clerk.id, "区域调整")
    with pytest.raises(PermissionDenied):
        transfers.request_transfer(u(w, w.sales_admin), [w.cid], w.rep2.id, "区域调整")
    transfers.request_transfer(u(w, w.rep1), [w.cid], w.rep2.id, "区域调整")
    with pytest.raises(ValidationError, match="已有待处理的转让申请"):
        transfers.request_transfer(u(w, w.rep1), [w.cid], w.rep3.id, "再转一次")
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert len(uow.session.scalars(select(TransferRequest)).all()) == 1


def test_a_customer_that_moved_meanwhile_is_not_executed(world):
    from app.services.customers import ownership

    w = world
    rid = transfers.request_transfer(u(w, w.rep1), [w.cid, w.other], w.rep2.id, "区域调整")
    transfers.agree_transfer(u(w, w.rep2), rid)
    ownership.transfer(u(w, w.admin), [w.other], w.rep3.id, "另行安排")
    with pytest.raises(ValidationError, match="已不归申请人所有"):
        transfers.execute_transfer(u(w, w.manager), rid)
    assert owner_of(w, w.cid) == w.rep1.id and status_of(w, rid) == "agreed"


def test_reps_see_only_requests_they_are_party_to(world):
    w = world
    rid = transfers.request_transfer(u(w, w.rep1), [w.cid], w.rep2.id, "区域调整")
    source = transfer_requests_source()

    def ids(actor):
        return list(list_query.fetch_ids(UnitOfWork(w.db, actor, write=False), source, ListQuery()))

    assert ids(w.rep1) == ids(w.rep2) == ids(w.manager) == ids(w.sales_admin) == [rid]
    assert ids(w.rep3) == []
    with pytest.raises(NotFound):
        transfers.transfer_detail(u(w, w.rep3), rid)
    keys = ["from_user", "to_user", "customers", "status"]
    rows = list_query.fetch_rows(UnitOfWork(w.db, w.rep2, write=False), source, [rid], keys)
    assert [r[1:] for r in rows] == [("张三", "李四", 1, "requested")]
    assert [n for _i, n in transfers.transfer_targets(u(w, w.rep1))] == ["李四", "王五", "赵主管"]

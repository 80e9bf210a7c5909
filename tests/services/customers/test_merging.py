"""合并客户 (issue 20): two customers, each with contacts, follow-ups, deals, a visit chain,
a complaint, a sample, an attachment and a grant, become one — every row moves, nothing
is lost, the class and the idle clock are recomputed — and the admin's undo restores
both. Refusals change nothing; two users merging the same pair at once: one wins."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.models import Contact, Customer, CustomerMerge, Deal, MergeProposal, OwnershipChange
from app.services.admin import code_tables
from app.services.core.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationError,
)
from app.services.core.uow import UnitOfWork
from app.services.customers import followups, merge_proposals, merging, recycle_bin
from app.services.customers.card import get_customer
from app.services.customers.followups import FollowUpForm
from app.services.customers.forms import ContactForm
from app.services.customers.lists import customers_source
from app.services.customers.merging import KEPT, OWNER, REMOVED, customer_tables
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.reminders import registry
from tests.services.customer_fixtures import (
    NXH,
    fast_passwords,
    grant_read_access,
    make_world,
    records_of_every_kind,
    register,
)
from tests.services.helpers import set_rules

BRANCH = "宁夏红枸杞产业集团银川分公司"


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.a = register(w, w.rep1, NXH, phone="0951-5012345", website="www.nxh.com.cn",
                   contacts=[ContactForm(name="马经理", mobile="13900001111", is_primary=True)],
                   ).customer_id  # fmt: skip
    w.b = register(w, w.rep2, BRANCH, phone="0951-6099999", email="yc@nxh.com.cn",
                   address="银川市金凤区", contacts=[ContactForm(name="马经理",
                   mobile="13900002222", is_primary=True)]).customer_id  # fmt: skip
    w.recs_a = records_of_every_kind(w, w.a, w.rep1, with_review=False)
    fake_clock.advance(days=3)  # B's history is the later one: its follow-up sets the clock
    w.recs_b = records_of_every_kind(w, w.b, w.rep2, with_review=True)
    w.fu_b = followups.add_follow_up(w.uow(w.rep2), w.b, FollowUpForm(content="电话确认订单"))
    w.grant = grant_read_access(w, w.rep3, w.b)
    # Each alone sold 5,000 (class C); together 10,000 reach class B at 8,000.
    set_rules(w.db, w.admin, {"class.threshold_B": 8000})
    return w


def rows_by_table(w) -> dict[tuple[str, int], list[int]]:
    """Every row of every customer table, by (table, customer)."""
    out = {}
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        for table, col in customer_tables():
            for cid in (w.a, w.b):
                ids = uow.session.scalars(select(table.c.id).where(col == cid)).all()
                out[(table.name, cid)] = sorted(ids)
    return out


def customer(w, cid) -> Customer:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        c = uow.session.scalar(
            select(Customer).where(Customer.id == cid).execution_options(include_deleted=True)
        )
        uow.session.expunge(c)
        return c


def grade(w, cid) -> str:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        gid = customer(w, cid).grade_id
        return code_tables.item_labels(uow, [gid]).get(gid, "")[:1]


def versions(w):
    return customer(w, w.a).version, customer(w, w.b).version


def test_merge_moves_every_row_and_recomputes_and_undo_restores(world):
    w = world
    before = rows_by_table(w)
    a0, b0 = customer(w, w.a), customer(w, w.b)
    assert grade(w, w.a) == "C" and grade(w, w.b) == "C"

    preview = merging.merge_preview(w.uow(w.manager), w.a, w.b)
    assert preview.owners_differ and preview.may_decide_owner
    moves = dict(preview.moves)
    for what in ("联系人", "跟进记录", "成交记录", "回访计划", "回访记录", "投诉/反馈",
                 "寄样申请", "附件", "查阅授权", "工作计划"):  # fmt: skip
        assert moves.get(what, 0) >= 1, what
    fields = {f.name: f for f in preview.fields}
    assert fields["name"].kept_text == NXH and fields["name"].removed_text == BRANCH
    assert fields["email"].default == REMOVED  # A has none: the non-empty one
    assert fields["name"].default == REMOVED  # both set: B was changed last

    mid = merging.merge(w.uow(w.manager), w.a, w.b, {"name": KEPT, "address": REMOVED,
                        OWNER: REMOVED}, versions(w))  # fmt: skip
    after = rows_by_table(w)
    for table, _col in customer_tables():
        moved = before[(table.name, w.a)] + before[(table.name, w.b)]
        assert after[(table.name, w.b)] == [], table.name
        assert set(moved) <= set(after[(table.name, w.a)]), table.name  # nothing lost
    a, b = customer(w, w.a), customer(w, w.b)
    assert b.deleted_at is not None and b.merged_into_id == w.a
    # Chosen (name, address), the non-empty (email), the newer by default (phone).
    assert (a.name, a.address, a.email, a.phone) == (NXH, "银川市金凤区", "yc@nxh.com.cn",
                                                     "0951-6099999")  # fmt: skip
    assert a.owner_id == w.rep2.id  # the manager chose B's owner
    assert grade(w, w.a) == "B" and "合并后重新评定" in a.class_reason
    assert a.last_sales_action_at == b0.last_sales_action_at > a0.last_sales_action_at
    assert a.last_follow_up_at == b0.last_follow_up_at
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        primaries = uow.session.scalar(
            select(func.count()).where(Contact.customer_id == w.a, Contact.is_primary.is_(True))
        )
        kinds = uow.session.scalars(
            select(OwnershipChange.kind).where(OwnershipChange.customer_id == w.a)
        ).all()
    assert primaries == 1 and "合并" in kinds
    # Past deals keep their salesperson (performance attribution stays with the deal).
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        sellers = dict(uow.session.execute(select(Deal.id, Deal.salesperson_id)).all())
    assert sellers[w.recs_a["deal"]] == w.rep1.id and sellers[w.recs_b["deal"]] == w.rep2.id
    # Old links lead to the kept record; the grant on B now shows A to rep3.
    assert merging.resolve_merged(w.uow(w.admin), w.b) == w.a
    assert get_customer(w.uow(w.rep3), w.a).form.name == NXH
    assert get_customer(w.uow(w.admin), w.b).id == w.a
    # B's number, typed from an old export into the list's search, finds A.
    src = customers_source()
    for search in (b0.number, b0.number.lower()):
        ids = list_query.fetch_ids(UnitOfWork(w.db, w.rep2, write=False), src,
                                   ListQuery(search=search))  # fmt: skip
        assert list(ids) == [w.a]
    # The registration check still knows B's name and phone: they are A's keys now.
    with pytest.raises(ServiceError, match="不能重复登记"):
        register(w, w.rep3, BRANCH)
    with pytest.raises(ServiceError, match="不能重复登记"):
        register(w, w.rep3, "另一家公司", phone="0951-5012345")
    # The merged record is not in the recycle bin to be restored by hand.
    assert w.b not in [r.id for r in recycle_bin.list_recycle_bin(w.uow(w.sales_admin))]
    with pytest.raises(ServiceError, match="合并"):
        recycle_bin.restore_customer(w.uow(w.sales_admin), w.b)

    # Undo: only the admin; every row back where it was, both records as before.
    with pytest.raises(PermissionDenied):
        merging.undo_merge(w.uow(w.manager), mid)
    merging.undo_merge(w.uow(w.admin), mid)
    after = rows_by_table(w)
    # Every row is back; only history written since stays with A (合并, 撤销合并, and
    # rep3's view of A under the moved grant).
    history = ("ownership_changes", "grant_views")
    assert {k: v for k, v in after.items() if k[0] not in history} == {
        k: v for k, v in before.items() if k[0] not in history
    }
    for key in before:
        assert set(before[key]) <= set(after[key]) and (
            key[1] == w.a or after[key] == before[key]
        ), key
    a, b = customer(w, w.a), customer(w, w.b)
    assert b.deleted_at is None and b.merged_into_id is None
    for col in ("name", "address", "email", "owner_id", "grade_id", "last_sales_action_at",
                "last_follow_up_at", "class_reason"):  # fmt: skip
        assert getattr(a, col) == getattr(a0, col), col
        assert getattr(b, col) == getattr(b0, col), col
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(CustomerMerge, mid).undone_at is not None
        primaries = uow.session.scalar(
            select(func.count()).where(Contact.customer_id == w.b, Contact.is_primary.is_(True))
        )
    assert primaries == 1
    with pytest.raises(ValidationError, match="撤销过"):
        merging.undo_merge(w.uow(w.admin), mid)


def test_undo_is_refused_after_a_change_or_after_30_days(world, fake_clock):
    w = world
    mid = merging.merge(w.uow(w.manager), w.a, w.b, {OWNER: KEPT}, versions(w))
    fake_clock.advance(hours=1)
    followups.add_follow_up(w.uow(w.rep1), w.a, FollowUpForm(content="合并后又跟进"))
    with pytest.raises(ValidationError, match="已有改动"):
        merging.undo_merge(w.uow(w.admin), mid)
    other = register(w, w.rep1, "吴忠测试有限公司").customer_id
    twin = register(w, w.rep1, "吴忠测试有限公司吴忠办事处").customer_id
    mid2 = merging.merge(w.uow(w.manager), other, twin, {}, (1, 1))
    fake_clock.advance(days=31)
    with pytest.raises(ValidationError, match="30 天"):
        merging.undo_merge(w.uow(w.admin), mid2)


def test_refusals_say_why_in_chinese_and_change_nothing(world):
    w = world
    before = rows_by_table(w), versions(w)
    with pytest.raises(ValidationError, match="自身"):
        merging.merge(w.uow(w.manager), w.a, w.a, {}, (1, 1))
    with pytest.raises(PermissionDenied):
        merging.merge(w.uow(w.rep1), w.a, w.b, {OWNER: KEPT}, versions(w))
    with pytest.raises(PermissionDenied):
        merging.merge(w.uow(w.chairman), w.a, w.b, {OWNER: KEPT}, versions(w))
    # Different owners: the sales admin may not decide; a manager must choose one.
    with pytest.raises(PermissionDenied, match="决定归属"):
        merging.merge(w.uow(w.sales_admin), w.a, w.b, {OWNER: KEPT}, versions(w))
    with pytest.raises(ValidationError, match="归属销售"):
        merging.merge(w.uow(w.manager), w.a, w.b, {}, versions(w))
    # A customer outside the manager's team, and one in the recycle bin.
    other = register(w, w.rep3, "中卫测试有限公司").customer_id
    with pytest.raises(NotFound):
        merging.merge(w.uow(w.manager), w.a, other, {OWNER: KEPT}, (1, 1))
    with pytest.raises(NotFound):
        merging.merge_preview(w.uow(w.manager), other, w.a)
    binned = register(w, w.rep1, "回收站测试有限公司").customer_id
    recycle_bin.delete_customer(w.uow(w.sales_admin), binned, 1)
    with pytest.raises(ValidationError, match="回收站"):
        merging.merge(w.uow(w.sales_admin), w.a, binned, {}, (1, 2))
    # Someone edited B since the dialog read it.
    stale = (versions(w)[0], versions(w)[1] - 1)
    with pytest.raises(ConflictError):
        merging.merge(w.uow(w.manager), w.a, w.b, {OWNER: KEPT}, stale)
    assert (rows_by_table(w), versions(w)) == before


def test_a_rep_proposes_and_the_sales_admin_merges_from_the_queue(world):
    w = world
    mine = register(w, w.rep1, "永宁测试商贸有限公司").customer_id
    twin = register(w, w.rep1, "永宁测试商贸有限公司永宁分公司").customer_id
    with pytest.raises(NotFound):  # rep1 does not see rep2's B
        merge_proposals.propose_merge(w.uow(w.rep1), w.a, w.b, "同一家")
    with pytest.raises(ValidationError, match="理由"):
        merge_proposals.propose_merge(w.uow(w.rep1), mine, twin, " ")
    pid = merge_proposals.propose_merge(w.uow(w.rep1), mine, twin, "分公司就是总公司")
    # A reminder for those who decide (the sales admin; the team's manager), not the rep.
    for actor, sees in ((w.sales_admin, True), (w.manager, True), (w.rep1, False)):
        items = registry.collect(UnitOfWork(w.db, actor, write=False)).items
        found = [r for r in items if r.kind == "merge_proposal"]
        assert bool(found) == sees and all(r.target.record_id == pid for r in found)
    with pytest.raises(ValidationError, match="待处理"):
        merge_proposals.propose_merge(w.uow(w.rep1), twin, mine, "再提一次")
    with pytest.raises(PermissionDenied):
        merge_proposals.reject_proposal(w.uow(w.rep1), pid, "不行")
    # Same owner: the sales admin merges without a manager.
    merging.merge(w.uow(w.sales_admin), mine, twin, {}, (1, 1), proposal_id=pid)
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        p = uow.session.get(MergeProposal, pid)
        assert (p.status, p.decided_by_id) == ("merged", w.sales_admin.id)


def _race(w, barrier: threading.Barrier | None, monkeypatch):
    """The manager merges B into A while the admin merges A into B."""
    if barrier is not None:
        real = merging._pair

        def pair_then_lock(uow, kept_id, removed_id, *, lock):
            if lock:
                barrier.wait()  # both have read what they merge
            return real(uow, kept_id, removed_id, lock=lock)

        monkeypatch.setattr(merging, "_pair", pair_then_lock)
    seen = versions(w)
    wins, losses = [], []

    def run(actor, kept, removed, v):
        try:
            wins.append(merging.merge(UnitOfWork(w.db, actor), kept, removed, {OWNER: KEPT}, v))
        except ServiceError as exc:
            losses.append(exc)

    threads = [
        threading.Thread(target=run, args=(w.manager, w.a, w.b, seen)),
        threading.Thread(target=run, args=(w.admin, w.b, w.a, seen[::-1])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return wins, losses


def _exactly_one_won(w, wins, losses):
    assert len(wins) == 1 and len(losses) == 1
    live = [c for c in (customer(w, w.a), customer(w, w.b)) if c.deleted_at is None]
    assert len(live) == 1
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(CustomerMerge)) == 1


def test_two_users_merging_the_same_pair_one_wins(world, monkeypatch):
    wins, losses = _race(world, None, monkeypatch)
    _exactly_one_won(world, wins, losses)


# PostgreSQL only: SQLite serializes writers with BEGIN IMMEDIATE (the test above).
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_two_users_merging_at_the_same_moment_one_wins_postgres(world, db, monkeypatch):
    wins, losses = _race(world, threading.Barrier(2, timeout=20), monkeypatch)
    _exactly_one_won(world, wins, losses)

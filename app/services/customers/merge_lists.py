"""The lists of 客户合并 (shared list component): 疑似重复客户 — the pairs the last search
found, both customers in the viewer's scope, live and not marked 不是重复 — and 合并记录,
every merge with who did it and whether it was undone.

The pair list shows only pairs whose two customers the viewer may see; the merge
record names the removed customer from its snapshot (the record itself is in the
recycle bin, which a list never joins)."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import aliased

from app.models import Customer, CustomerMerge, DuplicatePair
from app.models import User as UserModel
from app.services.access import roles
from app.services.access.visibility import customer_scope, ids_within
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork, logged_in
from app.services.customers.likely_duplicates import dismiss_pairs, pair_scope
from app.services.lists.spec import BatchAction, BatchResult, Column, ListSource, text_search

_A, _B = aliased(Customer, name="cust_a"), aliased(Customer, name="cust_b")
_OwnerA, _OwnerB = aliased(UserModel, name="owner_a"), aliased(UserModel, name="owner_b")
_Kept = aliased(Customer, name="merged_kept")
_By, _Undoer = aliased(UserModel, name="merged_by"), aliased(UserModel, name="undone_by")


def _customer_columns(prefix: str, label: str, c, owner) -> list[Column]:
    return [
        Column(f"{prefix}_number", f"{label}编号", c.number, width=110),
        Column(f"{prefix}_name", f"{label}名称", c.name, sort_expr=c.name_pinyin, width=200),
        Column(f"{prefix}_owner", f"{label}归属销售", owner.full_name, groupable=True,
               filterable=True, width=105),
    ]  # fmt: skip


def _dismiss(uow: UnitOfWork, ids, **_params) -> BatchResult:
    ids = list(ids)
    done = dismiss_pairs(uow, ids)
    return BatchResult(done, [(i, "不在您的管理范围内") for i in ids[done:]])


def duplicate_pairs_source() -> ListSource:
    def base(uow: UnitOfWork):
        me = logged_in(uow)
        if me.role not in roles.CAN_MERGE_CUSTOMERS:
            raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以查看疑似重复客户。")
        return (
            select(DuplicatePair.id)
            .select_from(DuplicatePair)
            .join(_A, _A.id == DuplicatePair.a_id)
            .join(_B, _B.id == DuplicatePair.b_id)
            .outerjoin(_OwnerA, _OwnerA.id == _A.owner_id)
            .outerjoin(_OwnerB, _OwnerB.id == _B.owner_id)
            .where(pair_scope(DuplicatePair, customer_scope(me)))
        )

    return ListSource(
        key="duplicate_pairs",
        title="疑似重复客户",
        id_expr=DuplicatePair.id,
        base=base,
        columns=[
            Column("score", "相似度", DuplicatePair.score, kind="int", width=60, summable=False),
            Column("reasons", "匹配原因", DuplicatePair.reasons, width=220),
            *_customer_columns("a", "客户甲", _A, _OwnerA),
            *_customer_columns("b", "客户乙", _B, _OwnerB),
            Column("found_at", "发现时间", DuplicatePair.found_at, kind="datetime", width=130),
        ],  # fmt: skip
        search=text_search(_A.name, _B.name, _A.number, _B.number, DuplicatePair.reasons),
        search_hint="客户名称、编号或匹配原因",
        default_sort=[("score", True)],  # ix_duplicate_pairs_score serves it
        default_date_key="found_at",
        batch_actions=[BatchAction("dismiss", "标记为不是重复", _dismiss)],
        open_entity="duplicate_pair",  # a double-click opens 合并客户 for the pair
    )


def merges_source() -> ListSource:
    """合并记录: the sales admin, the admin and the chairman see every merge; a manager
    those whose kept customer is the team's."""

    def base(uow: UnitOfWork):
        me = logged_in(uow)
        if me.role not in (*roles.CAN_MERGE_CUSTOMERS, *roles.CAN_UNDO_MERGES):
            raise PermissionDenied("您无权查看合并记录。")
        return (
            select(CustomerMerge.id)
            .select_from(CustomerMerge)
            .join(_Kept, _Kept.id == CustomerMerge.kept_id)
            .outerjoin(_By, _By.id == CustomerMerge.by_id)
            .outerjoin(_Undoer, _Undoer.id == CustomerMerge.undone_by_id)
            .where(_kept_scope(me))
        )

    removed_number = CustomerMerge.removed_before["number"].as_string()
    removed_name = CustomerMerge.removed_before["name"].as_string()
    return ListSource(
        key="customer_merges",
        title="合并记录",
        id_expr=CustomerMerge.id,
        base=base,
        columns=[
            Column("at", "合并时间", CustomerMerge.at, kind="datetime", width=130),
            Column("by", "经办人", _By.full_name, groupable=True, filterable=True, width=80),
            Column("kept_number", "保留客户编号", _Kept.number, width=110),
            Column("kept_name", "保留客户", _Kept.name, sort_expr=_Kept.name_pinyin, width=200),
            Column("removed_number", "并入客户编号", removed_number, width=110),
            Column("removed_name", "并入客户", removed_name, width=200),
            Column(
                "state",
                "状态",
                case((CustomerMerge.undone_at.is_(None), "已合并"), else_="已撤销"),
                groupable=True,
                width=70,
            ),
            Column("undone_by", "撤销人", _Undoer.full_name, width=80),
            Column("undone_at", "撤销时间", CustomerMerge.undone_at, kind="datetime", width=130),
        ],  # fmt: skip
        search=text_search(_Kept.name, _Kept.number, removed_number, removed_name),
        search_hint="客户名称或编号",
        default_sort=[("at", True)],
        default_date_key="at",
    )


def _kept_scope(me):
    return ids_within(customer_scope(me), _Kept.id)

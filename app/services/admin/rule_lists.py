"""规则修改 as a list (shared list component): every change of a rule number the admin
asked for, its status, and — once approved — the day it took effect. The chairman
decides from it (审批 → 规则修改); the admin reads it under 系统设置 → 规则."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import RuleChange, RuleValue
from app.models import User as UserModel
from app.services.access import roles
from app.services.admin.rule_changes import STATUS_LABELS
from app.services.core.errors import PermissionDenied
from app.services.core.settings import RULE_KEYS, SPECS
from app.services.core.uow import UnitOfWork, logged_in
from app.services.lists.spec import Column, ListSource, text_search

_Requester = aliased(UserModel, name="rule_requester")
_Decider = aliased(UserModel, name="rule_decider")
RULE_LABELS = {k: SPECS[k].label for k in RULE_KEYS}


def rule_changes_source() -> ListSource:
    def base(uow: UnitOfWork):
        if logged_in(uow).role not in roles.SEES_RULE_CHANGES:
            raise PermissionDenied("只有董事长和系统管理员可以查看规则修改。")
        return (
            select(RuleChange.id)
            .select_from(RuleChange)
            .outerjoin(_Requester, _Requester.id == RuleChange.requester_id)
            .outerjoin(_Decider, _Decider.id == RuleChange.decided_by_id)
            .outerjoin(RuleValue, RuleValue.change_id == RuleChange.id)
        )

    return ListSource(
        key="rule_changes",
        title="规则修改",
        id_expr=RuleChange.id,
        base=base,
        columns=[
            Column("created_at", "申请时间", RuleChange.created_at, kind="datetime", width=130),
            Column(
                "rule",
                "规则",
                RuleChange.key,
                labels=RULE_LABELS,
                groupable=True,
                filterable=True,
                width=260,
            ),
            Column("old_value", "原值", RuleChange.old_value, width=80),
            Column("new_value", "新值", RuleChange.new_value, width=80),
            Column(
                "status",
                "状态",
                RuleChange.status,
                labels=STATUS_LABELS,
                groupable=True,
                filterable=True,
                width=70,
            ),
            Column("effective_from", "生效日期", RuleValue.effective_from, kind="date", width=95),
            Column("requester", "申请人", _Requester.full_name, width=80),
            Column("decider", "审批人", _Decider.full_name, width=80),
            Column("decided_at", "审批时间", RuleChange.decided_at, kind="datetime", width=130),
            Column("note", "审批意见", RuleChange.note, width=160),
        ],  # fmt: skip
        search=text_search(_Requester.full_name, _Decider.full_name, RuleChange.note),
        search_hint="申请人、审批人或审批意见",
        default_sort=[("created_at", True)],
        default_date_key="created_at",
    )

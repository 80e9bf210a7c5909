"""The 操作日志 in words: table and field names in Chinese, people, teams, code values and
customers by name instead of ids, statuses by their labels, dates as 2026-12-04 22:15.

The stored changes stay raw ({"owner_id": [3, 5]}); they are put into words for a page
of rows at a time, with one query per kind of name looked up (_internal.audit_names)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.models import ROLE_LABELS, CodeItem, CodeTable, Customer, Team, User
from app.models.base import Base
from app.models.class_sheet import SHEET_PERIODS, SHEET_STATUS
from app.models.customer import (
    APPROVAL_STATUS,
    CUSTOMER_FIELD_LABELS,
    PROSPECT_STEPS,
    SALES_ACTIONS,
)
from app.models.maintenance import SPOT_CHECK_VERDICTS
from app.models.review import REVIEW_OUTCOMES, REVIEW_STATUS
from app.models.service_desk import COMPLAINT_KIND, COMPLAINT_STATUS, SAMPLE_STATUS, SEVERITY
from app.models.visit import PLAN_STATUS, REPORT_STATUS
from app.models.work import PERIOD, WORK_STATUS
from app.services.core.settings import SPECS

TABLE_LABELS = {
    "users": "用户", "teams": "团队", "settings": "系统设置", "list_preferences": "列表设置",
    "customers": "客户", "contacts": "联系人", "customer_keys": "查重键",
    "ownership_changes": "归属变更", "access_grants": "查阅授权", "grant_views": "授权查阅记录",
    "change_requests": "信息变更申请", "number_counters": "编号计数",
    "follow_ups": "跟进记录", "deals": "成交记录", "customer_attachments": "客户附件",
    "customer_reviews": "客户评审", "complaints": "投诉/反馈", "sample_requests": "寄样申请",
    "visit_plans": "回访计划", "visit_plan_visitors": "回访人员", "visit_records": "回访记录",
    "visit_reports": "回访报告", "work_plans": "工作计划", "daily_notes": "日常记事",
    "code_tables": "代码表", "code_items": "代码", "extra_field_defs": "自定义字段",
    "customer_merges": "客户合并", "merge_proposals": "合并申请",
    "duplicate_dismissals": "不是重复标记", "prospect_steps": "开发三步",
    "transfer_requests": "转让申请", "transfer_request_customers": "转让申请客户",
    "rule_changes": "规则修改", "rule_values": "规则生效记录",
    "after_sales_contacts": "客户维护表售后回访", "maintenance_checks": "客户维护表抽查",
}  # fmt: skip

# Field names in the words the forms use (a table's own words first, then these).
FIELD_LABELS = {
    **CUSTOMER_FIELD_LABELS,
    # 转让申请, 业绩归属, 规则修改 (issue 14)
    "agreed_at": "接收方同意时间", "request_id": "申请", "attribution": "业绩归属",
    "attribution_reason": "归属原因", "old_value": "原值", "new_value": "新值",
    "previous": "原值", "effective_from": "生效日期", "change_id": "规则修改",
    "username": "用户名", "full_name": "姓名", "role": "角色", "team_id": "团队",
    "phone": "电话", "email": "邮箱", "is_active": "启用", "password_hash": "密码",
    "password_changed_at": "密码修改时间", "must_change_password": "须修改密码",
    "failed_logins": "登录失败次数", "locked_until": "锁定至", "last_login_at": "最近登录",
    "deleted_at": "删除时间", "deleted_by_id": "删除人", "key": "设置项", "value": "值",
    "code": "代码", "sort_order": "排序", "is_system": "系统项", "label": "名称",
    "name": "名称", "table_id": "代码表", "field_type": "类型",
    "owner_id": "归属销售", "owner_since": "归属时间", "registered_by_id": "登记人",
    "is_in_pool": "公海", "is_protected": "保护", "developed_on": "开发成功日期",
    "last_follow_up_at": "最近跟进时间", "dev_deadline": "开发期限", "number": "编号",
    "late_registration": "超时登记", "customer_id": "客户", "content": "内容", "at": "时间",
    "method_id": "方式", "next_step": "下一步", "next_date": "下次日期", "amount": "金额",
    "product": "产品", "quantity": "数量", "deal_date": "成交日期", "delivered": "已交付",
    "delivered_on": "交付日期", "salesperson_id": "销售人员", "by_id": "经办人",
    "is_primary": "主要联系人", "mobile": "手机", "wechat": "微信", "qq": "QQ",
    "payload": "内容", "list_key": "列表", "kind": "类别", "status": "状态",
    "reason": "理由", "note": "说明", "comments": "意见", "title": "标题", "target": "目标",
    "from_user_id": "原归属", "to_user_id": "新归属", "requester_id": "申请人",
    "approver_id": "审批人", "decided_by_id": "处理人", "decided_at": "处理时间",
    "decision_note": "审批意见", "valid_until": "有效期至", "book_owner_id": "查阅对象",
    "handler_id": "处理人", "due_date": "期限", "severity": "严重程度",
    "category_id": "类别", "channel_id": "渠道", "received_at": "受理时间",
    "customer_words": "客户原话", "resolution": "处理结果", "requested_by_id": "申请人",
    "items": "样品/资料", "recipient": "收件人", "tracking_no": "快递单号",
    "planned_from": "计划开始", "planned_to": "计划完成", "purpose": "回访目的",
    "appointment_at": "预约时间", "visitor_id": "回访人", "visited_at": "回访时间",
    "reviewer_id": "审阅人", "author_id": "撰写人", "period": "周期", "progress": "进度",
    "assignee_id": "执行人", "assigned_by_id": "下达人", "note_date": "日期",
    "file_name": "文件名", "size": "大小", "outcome": "结果", "statement": "陈述",
    "deadline": "期限", "new_owner_id": "新归属销售", "user_id": "用户",
    "financial_status": "财务状况", "class_reason": "分级理由", "extra": "自定义字段",
    "merged_into_id": "合并到", "kept_id": "保留客户", "removed_id": "并入客户",
    "moved": "转移的记录", "changed": "随合并改动", "kept_before": "保留客户合并前资料",
    "removed_before": "并入客户合并前资料", "kept_version": "保留客户版本",
    "removed_version": "并入客户版本", "undone_at": "撤销时间", "undone_by_id": "撤销人",
    "a_id": "客户甲", "b_id": "客户乙",
    "pinyin": "拼音", "initials": "首字母", "code_table_id": "代码表", "required": "必填",
    "action": "操作", "table_name": "对象", "record_id": "记录号", "changes": "变更内容",
    "last_sales_action_at": "最近销售动作时间", "last_sales_action_kind": "最近销售动作",
    "pool_due_at": "回收公海日期",
    "verified_at": "核对时间", "verified_by_id": "核对人", "classified_on": "分级日期",
    "is_default": "默认方案", "conclusions": "主要结论", "suggestions": "改进建议",
    "submitted_at": "提交时间", "review_due": "审阅期限", "review_comments": "处理意见",
    "reviewed_at": "审阅时间", "archive_due": "归档期限", "archive_category_id": "归档类别",
    "archive_note": "归档说明", "archived_by_id": "归档人", "archived_at": "归档时间",
    "diff": "变更内容", "channel": "反馈渠道", "received_by_id": "受理人",
    "contact_name": "反映人", "handling_notes": "处理记录", "resolved_at": "解决时间",
    "customer_confirmation": "客户确认", "closed_at": "关闭时间", "closed_by_id": "关闭人",
    "content_type": "文件类型", "data": "文件内容", "overridden": "公司特别指派",
    "opened_at": "开始时间", "statement_at": "陈述时间", "new_deadline": "新期限",
    "reasons": "匹配原因", "score": "相似度", "found_at": "发现时间",
    "requested_at": "申请时间", "needed_by": "需寄达", "dispatched_on": "寄出日期",
    "courier": "快递公司", "dispatched_by_id": "寄出人", "dispatch_note": "寄出说明",
    "appointment_place": "预约地点", "appointment_note": "预约说明", "ad_hoc": "临时回访",
    "cancel_reason": "取消原因", "period_start": "开始日期", "period_end": "结束日期",
    "kind_id": "类别", "target_qty": "目标数量", "done_qty": "完成数量",
    "progress_note": "进度说明", "completed_at": "完成时间", "urge_count": "催办次数",
    "urged_at": "催办时间", "urged_by_id": "催办人", "urge_note": "催办说明",
    "grant_id": "查阅授权", "plan_id": "回访计划", "place": "地点", "people_met": "接待人",
    "needs": "客户需求", "service_opinion": "售后服务意见", "satisfaction": "满意度",
    "problems": "存在问题", "actions": "约定事项", "next_visit_date": "下次回访",
    "follow_up_id": "跟进记录", "report_id": "回访报告", "step": "步骤", "done_at": "完成时间",
}  # fmt: skip

# Stored values a user reads as words, by (table, field); ("*", field) for any table.
VALUE_LABELS = {
    ("*", "role"): {r.value: label for r, label in ROLE_LABELS.items()},
    ("access_grants", "status"): APPROVAL_STATUS,
    ("change_requests", "status"): APPROVAL_STATUS,
    ("customer_reviews", "status"): REVIEW_STATUS,
    ("customer_reviews", "outcome"): REVIEW_OUTCOMES,
    ("complaints", "status"): COMPLAINT_STATUS,
    ("complaints", "kind"): COMPLAINT_KIND,
    ("complaints", "severity"): SEVERITY,
    ("sample_requests", "status"): SAMPLE_STATUS,
    ("visit_plans", "status"): PLAN_STATUS,
    ("visit_reports", "status"): REPORT_STATUS,
    ("work_plans", "status"): WORK_STATUS,
    ("work_plans", "period"): PERIOD,
    ("customers", "last_sales_action_kind"): SALES_ACTIONS,
    ("prospect_steps", "step"): PROSPECT_STEPS,
    ("maintenance_checks", "verdict"): SPOT_CHECK_VERDICTS,
    ("customer_keys", "kind"): {
        "name": "客户名称",
        "phone": "电话",
        "email": "邮箱",
        "domain": "网站域名",
    },  # fmt: skip
    ("merge_proposals", "status"): {"pending": "待处理", "merged": "已合并", "rejected": "已驳回"},
    ("settings", "key"): {key: spec.label for key, spec in SPECS.items()},
}
HIDDEN = {"password_hash"}  # only "已设置" is said
# Columns the app derives from others (search keys, pinyin): not what anybody changed.
_DERIVED = re.compile(r".*_(pinyin|initials|digits|key)$|capital_(unit|amount)$")
TABLE_FIELD_LABELS = {"customers": {**CUSTOMER_FIELD_LABELS, "number": "客户编号",
                                    "capital_text": "注册资金"},
                      "after_sales_contacts": {"deal_id": "成交记录", "work_plan_id": "回访任务",
                                               "step_days": "回访节点（交付后天数）",
                                               "feedback": "客户反馈"},
                      "maintenance_checks": {"checked_by_id": "抽查人", "checked_at": "抽查时间",
                                             "verdict": "抽查结论", "remark": "抽查意见"}}  # fmt: skip
# 《客户等级分类表》 (issue 14): the sheets and their rows.
TABLE_LABELS.update({"class_sheets": "客户等级分类表", "class_sheet_rows": "客户等级分类表行"})
TABLE_FIELD_LABELS["class_sheets"] = {
    "filler_id": "填写人", "reviewed_by_id": "审核人", "reviewed_at": "审核时间",
    "checked_by_id": "复核人", "checked_at": "复核时间", "filed_on": "备案日期",
    "applied": "调整类别数", "return_reason": "退回理由", "returned_by_id": "退回人",
    "returned_at": "退回时间", "period_end": "截止日期",
}  # fmt: skip
TABLE_FIELD_LABELS["class_sheet_rows"] = {
    "sheet_id": "分类表", "customer_number": "客户编号", "customer_name": "客户名称",
    "owner_name": "归属销售", "current_class": "原类别", "computed_class": "计算类别",
    "proposed_class": "评定类别", "total_3y": "近三年销售额", "basis": "分类依据",
    "remark": "备注", "d_reason": "D 类理由", "applied": "已调整",
}  # fmt: skip
VALUE_LABELS.update({("class_sheets", "status"): SHEET_STATUS,
                     ("class_sheets", "period"): SHEET_PERIODS})  # fmt: skip
# The name a row of a referenced table goes by.
NAMES = {
    "users": User.full_name, "teams": Team.name, "code_items": CodeItem.name,
    "code_tables": CodeTable.name, "customers": Customer.name,
}  # fmt: skip
NAMED_MODELS = {t: col.class_ for t, col in NAMES.items()}
_ISO_TIME = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?")


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table)


def target_table(table: str, field: str) -> str | None:
    """The table a field's id points at (users for owner_id …), from the model metadata."""
    t = Base.metadata.tables.get(table)
    if t is None or field not in t.c:
        return None
    keys = list(t.c[field].foreign_keys)
    return keys[0].column.table.name if keys else None


def pairs(changes) -> Iterable[tuple[str, object, object]]:
    if not isinstance(changes, dict):
        return []
    out = []
    for field, pair in changes.items():
        if isinstance(pair, list) and len(pair) == 2:
            out.append((field, pair[0], pair[1]))
        else:
            out.append((field, None, pair))
    return out


def _value(table: str, field: str, value, names: dict) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    labels = VALUE_LABELS.get((table, field)) or VALUE_LABELS.get(("*", field))
    if labels is not None:
        return labels.get(value, str(value))
    target = target_table(table, field)
    if target is not None and isinstance(value, int):
        return names.get((target, value), f"#{value}")
    if isinstance(value, str):
        return _ISO_TIME.sub(r"\1 \2", value)
    if isinstance(value, dict | list):
        return "、".join(str(v) for v in (value.values() if isinstance(value, dict) else value))
    return str(value)


def describe(table: str, changes, names: dict) -> str:
    """名称：一组 → 二组；归属销售：张三 → 李四 — secrets only say they changed."""
    parts = []
    labels = TABLE_FIELD_LABELS.get(table, {})
    for field, before, after in pairs(changes):
        empty = (None, "", {}, [])
        if _DERIVED.fullmatch(field) or (before in empty and after in empty):
            continue  # derived, or a blank field of a new record
        label = labels.get(field) or FIELD_LABELS.get(field, field)
        if field in HIDDEN:
            parts.append(f"{label}：已设置")
        elif before is None or before == "":
            parts.append(f"{label}：{_value(table, field, after, names)}")
        else:
            old, new = _value(table, field, before, names), _value(table, field, after, names)
            parts.append(f"{label}：{old} → {new}")
    return "；".join(parts)

"""The code tables a new database starts with (客户类型, 客户来源, 地区, 行业 …).

seed_defaults is called by the migrations (0003, 0005, 0007) and is safe to call again.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.models import CodeItem, CodeTable
from app.services.core import clock
from app.services.search.customer_names import industries, provinces
from app.services.search.pinyin import name_keys

# key, name, [(code, name, is_system)]
DEFAULT_TABLES: list[tuple[str, str, list[tuple[str, str, bool]]]] = [
    ("customer_type", "客户类型", [("E", "企业", True), ("P", "个人", True), ("S", "供应商", True)]),
    ("source", "客户来源", [
        ("01", "公司原有客户信息库", False),
        ("02", "销售内勤接听电话", False),
        ("03", "网站", False),
        ("04", "展会", False),
        ("05", "转介绍", False),
        ("99", "其他", False),
    ]),
    ("region", "地区", []),  # from GB/T 2260, filled below
    ("industry", "行业", []),  # from GB/T 4754, filled below
    ("position", "职位", [
        (f"{i + 1:02d}", n, False)
        for i, n in enumerate(
            ["董事长", "总经理", "副总经理", "部门经理", "采购经理", "采购员", "财务负责人",
             "技术负责人", "销售经理", "业务员", "办公室主任", "其他"]
        )
    ]),
    ("grade", "等级", [("A", "A", True), ("B", "B", True), ("C", "C", True), ("D", "D", True)]),
    ("coop_status", "合作状态", [
        ("1", "待开发考察", True),
        ("2", "正常合作", True),
        ("3", "暂中止合作", True),
        ("4", "已终止合作", True),
    ]),
    ("payment", "付款方式", [
        (f"{i + 1:02d}", n, False)
        for i, n in enumerate(
            ["现金", "银行转账", "承兑汇票", "月结", "货到付款", "预付款", "分期付款"]
        )
    ]),
    ("visit_method", "回访方式", [
        ("1", "电话", False), ("2", "走访", False), ("3", "邀请", False), ("4", "邮件", False)
    ]),
    ("follow_method", "跟进方式", [
        ("1", "电话", False), ("2", "拜访", False), ("3", "邮件", False),
        ("4", "微信", False), ("5", "传真", False), ("9", "其他", False),
    ]),
    ("complaint_type", "投诉类别", [
        (f"{i + 1:02d}", n, False)
        for i, n in enumerate(["产品质量", "交货延误", "服务态度", "价格异议", "售后服务", "其他"])
    ]),
    # Issue 6: 回访资料归档类别, 反馈渠道, 工作计划类别.
    ("visit_archive", "回访归档类别", [
        ("1", "客户需求", False), ("2", "售后服务", False), ("3", "产品质量", False),
        ("4", "市场信息", False), ("9", "其他", False),
    ]),
    ("feedback_channel", "反馈渠道", [
        ("1", "电话", False), ("2", "来访", False), ("3", "邮件", False),
        ("4", "微信", False), ("5", "信函", False), ("6", "回访中反映", False), ("9", "其他", False),
    ]),
    ("work_plan_kind", "工作计划类别", [
        ("1", "拜访计划", False), ("2", "拓展计划", False), ("3", "回访计划", False),
        ("4", "销售目标", False), ("5", "收款计划", False), ("6", "交付后回访", True),
        ("9", "其他", False),
    ]),
]  # fmt: skip


def _default_items(key: str, items):
    if key == "region":
        return [(code, name, False) for code, name, _short in provinces()]
    if key == "industry":
        return [(code, name, False) for code, name in industries()]
    return items


def seed_defaults(conn: Connection) -> int:
    """Create every default table that does not exist yet. Idempotent; returns tables added.

    Called by migration 0003 (a fresh database has the defaults) and safe to call again.
    """
    now = clock.now()
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    existing = set(conn.execute(select(CodeTable.key)).scalars())
    added = 0
    for order, (key, name, items) in enumerate(DEFAULT_TABLES):
        if key in existing:
            continue
        table_id = conn.execute(
            CodeTable.__table__.insert().returning(CodeTable.__table__.c.id),
            {"key": key, "name": name, "is_system": True, "sort_order": order, **stamp},
        ).scalar_one()
        rows = []
        for i, (code, item_name, system) in enumerate(_default_items(key, items)):
            keys = name_keys(item_name)
            rows.append(
                {
                    "table_id": table_id,
                    "code": code,
                    "name": item_name,
                    "sort_order": (i + 1) * 10,
                    "is_active": True,
                    "is_system": system,
                    "pinyin": keys.full,
                    "initials": keys.initials,
                    **stamp,
                }
            )
        if rows:
            conn.execute(CodeItem.__table__.insert(), rows)
        added += 1
    return added

"""The admin's custom-field definitions (自定义字段) as a ListSource for the editor.

Definitions are few, but the editor is a list like every other: searchable,
sortable, exportable and printable through the shared list component.
"""

from __future__ import annotations

from sqlalchemy import select

from app.models import CodeTable, ExtraFieldDef, Role
from app.services.admin.extra_fields import TYPES
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.lists.spec import Column, ListSource, text_search


def _base(uow: UnitOfWork):
    if uow.actor is None or uow.actor.role != Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以查看自定义字段定义。")
    return (
        select(ExtraFieldDef.id)
        .select_from(ExtraFieldDef)
        .outerjoin(CodeTable, CodeTable.id == ExtraFieldDef.code_table_id)
    )


def extra_fields_source() -> ListSource:
    return ListSource(
        key="extra_field_defs",
        title="自定义字段",
        id_expr=ExtraFieldDef.id,
        base=_base,
        columns=[
            Column("label", "字段名称", ExtraFieldDef.label, width=160),
            Column(
                "field_type",
                "类型",
                ExtraFieldDef.field_type,
                kind="enum",
                labels=TYPES,
                width=100,
                groupable=True,
                filterable=True,
            ),
            Column("code_table", "代码表", CodeTable.name, width=110, groupable=True),
            Column("required", "必填", ExtraFieldDef.required, kind="bool", width=60),
            Column(
                "is_active",
                "状态",
                ExtraFieldDef.is_active,
                kind="bool",
                labels={True: "启用", False: "已停用"},
                width=70,
                groupable=True,
                filterable=True,
            ),
            Column("sort_order", "排序", ExtraFieldDef.sort_order, kind="int", width=60),
            Column("key", "标识", ExtraFieldDef.key, width=110),
            Column("created_at", "创建时间", ExtraFieldDef.created_at, kind="datetime", width=130),
        ],
        search=text_search(ExtraFieldDef.label, ExtraFieldDef.key),
        search_hint="字段名称或标识",
        default_sort=[("sort_order", False)],
    )

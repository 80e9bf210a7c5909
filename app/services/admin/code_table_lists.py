"""The entries of one code table (代码表) as a ListSource, for the code-table editor.

The editor shows one table at a time, so the source is built per table key; all of
them share the preference key "code_items" (one column layout for every table).
Everyone may read code tables; only the administrator edits them (code_tables.py).
"""

from __future__ import annotations

from sqlalchemy import select

from app.models import CodeItem, CodeTable
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.lists.spec import Column, ListSource
from app.services.search.pinyin import search_clause

ACTIVE_LABELS = {True: "启用", False: "已停用"}


def _search(text: str):
    return search_clause(
        text,
        text_columns=(CodeItem.code, CodeItem.name),
        pinyin_columns=(CodeItem.pinyin, CodeItem.initials),
    )


def code_items_source(table_key: str, table_name: str = "代码表") -> ListSource:
    def base(uow: UnitOfWork):
        if uow.actor is None:
            raise PermissionDenied("请先登录。")
        return (
            select(CodeItem.id)
            .select_from(CodeItem)
            .join(CodeTable, CodeTable.id == CodeItem.table_id)
            .where(CodeTable.key == table_key)
        )

    return ListSource(
        key="code_items",
        title=f"代码表：{table_name}",
        id_expr=CodeItem.id,
        base=base,
        columns=[
            Column("code", "代码", CodeItem.code, width=90),
            Column("name", "名称", CodeItem.name, width=220, sort_expr=CodeItem.pinyin),
            Column("sort_order", "排序", CodeItem.sort_order, kind="int", width=60),
            Column(
                "is_active",
                "状态",
                CodeItem.is_active,
                kind="bool",
                width=70,
                groupable=True,
                filterable=True,
                labels=ACTIVE_LABELS,
            ),
            Column(
                "is_system",
                "系统代码",
                CodeItem.is_system,
                kind="bool",
                width=70,
                groupable=True,
                filterable=True,
            ),
            Column("pinyin", "拼音", CodeItem.pinyin, width=200, visible=False),
            Column("updated_at", "修改时间", CodeItem.updated_at, kind="datetime", width=130),
        ],
        search=_search,
        search_hint="代码、名称、拼音或首字母",
        default_sort=[("sort_order", False)],
    )

"""The customer archive list (客户档案) as a ListSource for the shared list component.

Every read is scoped by visibility.customer_scope: a sales rep's list, search, export
and print can only ever contain the rep's own customers (or granted ones).
Code-table columns show the entry's name and sort by the entry's user-defined order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Date, bindparam, func, select
from sqlalchemy.orm import aliased

from app.models import CodeItem, CodeTable, Customer, Role, User
from app.models.customer import SALES_ACTIONS
from app.services.access import roles
from app.services.access.visibility import customer_scope, edit_scope
from app.services.admin.extra_fields import ExtraFieldRow
from app.services.core.errors import PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import ownership
from app.services.customers.grants import log_output
from app.services.customers.idle_clock import days_until_pool
from app.services.customers.recycle_bin import delete_customer, restore_customer
from app.services.customers.registration import verify_registrations
from app.services.customers.search import CUSTOMER_SEARCH_HINT, customer_search
from app.services.lists.spec import BatchAction, BatchResult, Column, ListSource

CODE_COLUMNS = [  # key, label, Customer attribute, code table key, shown by default
    ("type", "客户类型", Customer.type_id, "customer_type", True),
    ("grade", "等级", Customer.grade_id, "grade", True),
    ("coop_status", "合作状态", Customer.coop_status_id, "coop_status", True),
    ("industry", "所属行业", Customer.industry_id, "industry", True),
    ("region", "地区", Customer.region_id, "region", True),
    ("source", "客户来源", Customer.source_id, "source", False),
    ("payment", "付款方式", Customer.payment_id, "payment", False),
]
_CODES = {key: aliased(CodeItem, name=f"code_{key}") for key, *_ in CODE_COLUMNS}
Owner = aliased(User, name="owner")
Registrar = aliased(User, name="registrar")


def _base(uow: UnitOfWork):
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    stmt = select(Customer.id).select_from(Customer)
    for key, _label, attr, _table, _shown in CODE_COLUMNS:
        alias = _CODES[key]
        stmt = stmt.outerjoin(alias, attr == alias.id)
    stmt = stmt.outerjoin(Owner, Customer.owner_id == Owner.id)
    stmt = stmt.outerjoin(Registrar, Customer.registered_by_id == Registrar.id)
    return stmt.where(customer_scope(uow.actor))


def _code_column(key, label, _attr, _table, shown) -> Column:
    alias = _CODES[key]
    return Column(
        key,
        label,
        alias.name,
        groupable=True,
        filterable=True,
        visible=shown,
        width=90,
        sort_expr=alias.sort_order,
    )


def _columns() -> list[Column]:
    codes = {c[0]: _code_column(*c) for c in CODE_COLUMNS}
    return [
        Column("number", "客户编号", Customer.number, width=120),
        Column("name", "客户名称", Customer.name, width=220, sort_expr=Customer.name_pinyin),
        Column("short_name", "简称", Customer.short_name, width=90, visible=False),
        codes["type"], codes["grade"], codes["coop_status"], codes["industry"], codes["region"],
        codes["source"], codes["payment"],
        Column("phone", "电话", Customer.phone, width=120),
        Column("principal", "负责人", Customer.principal, width=70),
        Column("principal_mobile", "负责人手机", Customer.principal_mobile, width=110),
        Column("email", "邮箱", Customer.email, width=150, visible=False),
        Column("location", "公司地点", Customer.location, width=120, visible=False),
        Column("owner", "归属销售", Owner.full_name, groupable=True, filterable=True, width=80),
        Column("registered_on", "登记日期", Customer.registered_on, kind="date", width=95),
        Column("last_follow_up_at", "最近跟进", Customer.last_follow_up_at, kind="datetime",
               width=125),
        Column("dev_deadline", "开发期限", Customer.dev_deadline, kind="date", width=95),
        Column("last_sales_action_at", "最近销售动作", Customer.last_sales_action_at,
               kind="datetime", width=125),
        Column("last_sales_action_kind", "动作类别", Customer.last_sales_action_kind,
               labels=SALES_ACTIONS, groupable=True, filterable=True, width=70),
        Column("verified", "核对", Customer.verified_at.is_not(None),
               labels={True: "已核对", False: "待核对"}, groupable=True, filterable=True,
               width=60, sort_expr=Customer.verified_at),
        Column("days_to_pool", "距回收公海(天)", days_until_pool(),
               kind="int", width=100, sort_expr=Customer.pool_due_at),
        Column("capital_amount", "注册资金(元)", Customer.capital_amount, kind="money",
               width=120, visible=False, summable=False),
        Column("credit_level", "信用等级", Customer.credit_level, groupable=True, width=70,
               visible=False),
        Column("is_in_pool", "公海", Customer.is_in_pool, kind="bool", groupable=True,
               filterable=True, width=50, visible=False),
        Column("late_registration", "逾期登记", Customer.late_registration, kind="bool",
               groupable=True, filterable=True, width=70, visible=False),
        Column("registrar", "登记人", Registrar.full_name, groupable=True, width=70,
               visible=False),
        Column("created_at", "录入时间", Customer.created_at, kind="datetime", width=125,
               visible=False),
    ]  # fmt: skip


# --- batch actions (each row checked against the actor's edit scope) ----------------


def _editable(uow: UnitOfWork, ids) -> tuple[list[Customer], list[tuple[int, str]]]:
    ids = list(ids)
    rows = uow.session.scalars(
        select(Customer).where(Customer.id.in_(ids), edit_scope(uow.actor))
    ).all()
    found = {c.id for c in rows}
    return list(rows), [(i, "无权修改该客户") for i in ids if i not in found]


def _code_choices(table_key: str):
    def choices(uow: UnitOfWork):
        with uow:
            q = (
                select(CodeItem.id, CodeItem.name)
                .join(CodeTable, CodeItem.table_id == CodeTable.id)
                .where(CodeTable.key == table_key, CodeItem.is_active.is_(True))
                .order_by(CodeItem.sort_order, CodeItem.id)
            )
            return [tuple(r) for r in uow.session.execute(q)]

    return choices


def _set_code(attr_name: str, table_key: str):
    def run(uow: UnitOfWork, ids, value: int, **_params) -> BatchResult:
        with uow:
            ok = {v for v, _ in _code_choices(table_key)(uow)}
            if value not in ok:
                raise ValidationError("所选的值不存在或已停用。")
            rows, skipped = _editable(uow, ids)
            done = 0
            for c in rows:
                if getattr(c, attr_name) != value:
                    setattr(c, attr_name, value)
                    done += 1
            uow.commit()
            return BatchResult(done, skipped)

    return run


def _assignable_owners(uow: UnitOfWork):
    with uow:
        q = select(User.id, User.full_name).where(
            User.is_active.is_(True), User.role.in_(roles.CAN_OWN_CUSTOMERS)
        )
        if uow.actor.role == Role.MANAGER:
            q = q.where(User.team_id == uow.actor.team_id)
        return [tuple(r) for r in uow.session.execute(q.order_by(User.full_name))]


def _assign(uow: UnitOfWork, ids, owner: int, reason: str = "批量分配", **_params) -> BatchResult:
    """分配/转移 in batch: the pool service checks roles, team and the target rep."""

    ids = list(ids)
    done = ownership.transfer(uow, ids, owner, reason)
    skipped = len(ids) - done
    return BatchResult(done, [(0, "已属于该销售或不在您的管理范围")] * skipped)


def _delete(uow: UnitOfWork, ids, versions: Mapping[int, int], **_params) -> BatchResult:
    """Move to the recycle bin, each row through customers.delete_customer in one
    transaction: a row changed since the list read it (`versions`: id -> version) refuses
    the whole batch with ConflictError, like a stale save (so does a row without a
    version). Rows the actor may not change, or deleted since, are skipped."""
    if uow.actor.role not in roles.CAN_DELETE_CUSTOMERS:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以删除客户。")
    with uow:
        rows, skipped = _editable(uow, ids)
        for c in rows:
            delete_customer(uow.joined(), c.id, versions.get(c.id))
        uow.commit()
        return BatchResult(len(rows), skipped)


# --- user-defined fields (自定义字段) as columns ------------------------------------------


def _json_value(key: str):
    """customers.extra[key] as SQL. The key is rendered into the statement text (it is an
    identifier from extra_field_defs), so that the same expression in SELECT and GROUP BY
    is literally the same on PostgreSQL, whose server-side parameters would differ."""
    index_type = Customer.extra[key].right.type  # the dialect's JSON path formatting
    return Customer.extra[bindparam(None, key, type_=index_type, literal_execute=True)]


def _extra_column(d: ExtraFieldRow):
    """(column, outer join or None) for one extra field definition."""
    value = _json_value(d.key)
    common = dict(width=100, filterable=True)
    if d.field_type == "number":
        return Column(d.key, d.label, value.as_float(), kind="number", **common), None
    if d.field_type == "date":
        # "YYYY-MM-DD" text. date() is SQLite's date function and PostgreSQL's cast to
        # date, so the time slice compares dates on both (and sorts by date).
        expr = func.date(value.as_string(), type_=Date)
        return Column(d.key, d.label, expr, kind="date", groupable=True, **common), None
    if d.field_type == "choice":
        alias = aliased(CodeItem, name=f"xcode_{d.key}")
        join = (alias, alias.id == value.as_integer())
        col = Column(
            d.key, d.label, alias.name, groupable=True, sort_expr=alias.sort_order, **common
        )
        return col, join
    return Column(d.key, d.label, value.as_string(), groupable=True, **common), None


def extra_columns(defs: Sequence[ExtraFieldRow]) -> tuple[list[Column], list]:
    """Columns (and the outer joins choice fields need) for the ACTIVE definitions."""
    cols, joins = [], []
    for d in defs:
        if not d.is_active:
            continue
        col, join = _extra_column(d)
        cols.append(col)
        if join is not None:
            joins.append(join)
    return cols, joins


def customers_source(extra_defs: Sequence[ExtraFieldRow] = ()) -> ListSource:
    """The customer list. Pass extra_fields.defs_in(uow) (read by the caller) to get a
    column per active user-defined field; the list page re-reads them on reload."""
    extra, joins = extra_columns(extra_defs)

    def base(uow: UnitOfWork):
        stmt = _base(uow)
        for target, on in joins:
            stmt = stmt.outerjoin(target, on)
        return stmt

    return ListSource(
        key="customers",
        title="客户档案",
        id_expr=Customer.id,
        base=base,
        columns=_columns() + extra,
        search=customer_search,
        search_hint=CUSTOMER_SEARCH_HINT,
        default_sort=[("registered_on", True)],
        default_date_key="registered_on",
        open_entity="customer",
        on_output=log_output,
        version_expr=Customer.version,
        batch_actions=[
            BatchAction(
                "assign",
                "分配给…",
                _assign,
                param=("owner", "分配给销售人员：", _assignable_owners),
            ),
            BatchAction(
                "grade",
                "修改等级…",
                _set_code("grade_id", "grade"),
                param=("value", "等级：", _code_choices("grade")),
            ),
            BatchAction(
                "coop_status",
                "修改合作状态…",
                _set_code("coop_status_id", "coop_status"),
                param=("value", "合作状态：", _code_choices("coop_status")),
            ),
            BatchAction("verify", "核对登记（确认无误）", _verify),
            BatchAction("delete", "删除（移入回收站）", _delete, destructive=True, versioned=True),
        ],
    )


def _verify(uow: UnitOfWork, ids, **_params) -> BatchResult:
    """核对 (4.3.2): rows already checked, or out of reach, are skipped."""
    ids = list(ids)
    done = verify_registrations(uow, ids)
    return BatchResult(done, [(0, "已核对过或不在您的范围")] * (len(ids) - done))


# --- the recycle bin (客户回收站) -----------------------------------------------------------


def _recycle_base(uow: UnitOfWork):
    if uow.actor is None or uow.actor.role not in roles.CAN_DELETE_CUSTOMERS:
        raise PermissionDenied("您无权查看客户回收站。")
    return (
        _base(uow)
        .where(Customer.deleted_at.is_not(None), Customer.merged_into_id.is_(None))
        .where(edit_scope(uow.actor))
        .execution_options(include_deleted=True)
    )


def _restore(uow: UnitOfWork, ids, **_params) -> BatchResult:
    from app.services.core.errors import ServiceError

    done, skipped = 0, []
    for cid in ids:  # each its own transaction: one refusal does not undo the others
        try:
            restore_customer(uow, cid)  # unopened: each call commits on its own
            done += 1
        except ServiceError as exc:
            skipped.append((cid, str(exc)))
    return BatchResult(done, skipped)


def recycle_bin_source() -> ListSource:
    by_key = {c.key: c for c in _columns()}
    columns = [by_key[k] for k in ("number", "name", "type", "owner", "phone", "registered_on")]
    columns.append(Column("deleted_at", "删除时间", Customer.deleted_at, kind="datetime",
                          width=125))  # fmt: skip
    return ListSource(
        key="customer_recycle_bin",
        title="客户回收站",
        id_expr=Customer.id,
        base=_recycle_base,
        columns=columns,
        search=customer_search,
        search_hint=CUSTOMER_SEARCH_HINT,
        default_sort=[("deleted_at", True)],
        default_date_key="deleted_at",
        batch_actions=[BatchAction("restore", "恢复", _restore)],
    )

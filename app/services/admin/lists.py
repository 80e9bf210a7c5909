"""List sources for the administrator's lists: users and the audit log."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.models import ROLE_LABELS, AuditLog, Role, Team, User
from app.services.admin import audit_text
from app.services.admin._internal import audit_names, owned_customers, still_owns
from app.services.core import clock
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.lists.spec import BatchAction, BatchResult, Column, ListSource, text_search
from app.services.search.pinyin import search_clause

ACTION_LABELS = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "purge": "彻底删除",
}
# Layout changes (column widths, saved filters) are not business events.
NOT_BUSINESS = ("list_preferences",)


def _admin_only(uow: UnitOfWork) -> None:
    if uow.actor is None or uow.actor.role != Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以查看此列表。")


def _users_base(uow: UnitOfWork):
    _admin_only(uow)
    return select(User.id).select_from(User).outerjoin(Team, User.team_id == Team.id)


def _set_active(active: bool):
    def run(uow: UnitOfWork, ids, **_params) -> BatchResult:
        _admin_only(uow)
        skipped, done = [], 0
        with uow:
            for uid in ids:
                user = uow.session.get(User, uid)
                if user is None:
                    skipped.append((uid, "用户不存在"))
                elif not active and uid == uow.actor.id:
                    skipped.append((uid, "不能停用自己的账户"))
                elif not active and user.role == Role.ADMIN:
                    skipped.append((uid, "管理员账户请单独停用"))
                elif not active and (count := owned_customers(uow, uid)):
                    skipped.append((uid, still_owns(count).rstrip("。")))
                elif user.is_active != active:
                    user.is_active = active
                    done += 1
            uow.commit()
        return BatchResult(done, skipped)

    return run


def _unlock(uow: UnitOfWork, ids, **_params) -> BatchResult:
    _admin_only(uow)
    done = 0
    with uow:
        for user in uow.session.scalars(select(User).where(User.id.in_(list(ids)))):
            if user.locked_until and user.locked_until > clock.now():
                user.locked_until, user.failed_logins = None, 0
                done += 1
        uow.commit()
    return BatchResult(done)


def users_source() -> ListSource:
    return ListSource(
        key="users",
        title="用户列表",
        id_expr=User.id,
        base=_users_base,
        columns=[
            Column("username", "用户名", User.username, width=100),
            Column("full_name", "姓名", User.full_name, width=90),
            Column(
                "role",
                "角色",
                User.role,
                kind="enum",
                groupable=True,
                filterable=True,
                labels={r: ROLE_LABELS[r] for r in Role} | {r.value: ROLE_LABELS[r] for r in Role},
            ),
            Column("team", "团队", Team.name, groupable=True, width=110),
            Column("phone", "电话", User.phone, width=110),
            Column("email", "邮箱", User.email, width=160, visible=False),
            Column(
                "is_active",
                "启用",
                User.is_active,
                kind="bool",
                groupable=True,
                filterable=True,
                width=60,
            ),
            Column("locked_until", "锁定至", User.locked_until, kind="datetime", width=130),
            Column("last_login_at", "最近登录", User.last_login_at, kind="datetime", width=130),
            Column("created_at", "创建时间", User.created_at, kind="datetime", width=130),
        ],
        search=lambda text: search_clause(
            text,
            text_columns=(User.username, User.full_name, User.phone, User.email),
            pinyin_columns=(User.name_pinyin, User.name_initials),
        ),
        search_hint="用户名、姓名（可用拼音或首字母）、电话或邮箱",
        default_sort=[("username", False)],
        default_date_key="created_at",
        batch_actions=[
            BatchAction("activate", "启用", _set_active(True)),
            BatchAction("deactivate", "停用", _set_active(False), destructive=True),
            BatchAction("unlock", "解锁", _unlock),
        ],
        open_entity="user",
    )


def _teams_base(uow: UnitOfWork):
    _admin_only(uow)
    return select(Team.id).select_from(Team)


_member_count = (
    select(func.count(User.id)).where(User.team_id == Team.id).correlate(Team).scalar_subquery()
)


def teams_source() -> ListSource:
    return ListSource(
        key="teams",
        title="团队列表",
        id_expr=Team.id,
        base=_teams_base,
        columns=[
            Column("name", "团队名称", Team.name, width=200),
            Column("members", "成员数", _member_count, kind="int", width=80),
            Column("created_at", "创建时间", Team.created_at, kind="datetime", width=130),
        ],
        search=text_search(Team.name),
        search_hint="团队名称",
        default_sort=[("name", False)],
        default_date_key="created_at",
    )


Actor_ = aliased(User)


def _changes_text(value) -> str:
    """The changes column: put into words by _present_changes (a stored dict otherwise)."""
    return value if isinstance(value, str) else audit_text.describe("", value, {})


def _present_changes(uow: UnitOfWork, keys: list[str], rows: list[tuple]) -> list[tuple]:
    if "changes" not in keys:
        return rows
    at = 1 + keys.index("changes")
    tables = dict(
        uow.session.execute(
            select(AuditLog.id, AuditLog.table_name).where(AuditLog.id.in_([r[0] for r in rows]))
        )
        .tuples()
        .all()
    )
    pairs = [(tables.get(r[0], ""), r[at]) for r in rows]
    names = audit_names(uow, pairs)
    texts = [audit_text.describe(table, changes, names) for table, changes in pairs]
    return [(*r[:at], text, *r[at + 1 :]) for r, text in zip(rows, texts, strict=True)]


def _audit_base(uow: UnitOfWork):
    _admin_only(uow)
    return (
        select(AuditLog.id)
        .select_from(AuditLog)
        .outerjoin(Actor_, AuditLog.user_id == Actor_.id)
        .where(AuditLog.table_name.not_in(NOT_BUSINESS))
    )


def audit_source() -> ListSource:
    return ListSource(
        key="audit_log",
        title="操作日志",
        id_expr=AuditLog.id,
        base=_audit_base,
        columns=[
            Column("at", "时间", AuditLog.at, kind="datetime", width=140),
            Column(
                "user", "操作人", func.coalesce(Actor_.full_name, "系统"), groupable=True, width=90
            ),
            Column(
                "action",
                "操作",
                AuditLog.action,
                groupable=True,
                filterable=True,
                labels=ACTION_LABELS,
                width=70,
            ),
            Column(
                "table_name",
                "对象",
                AuditLog.table_name,
                groupable=True,
                filterable=True,
                labels=audit_text.TABLE_LABELS,
                width=80,
            ),
            Column("record_id", "记录号", AuditLog.record_id, kind="int", width=70),
            Column(
                "changes",
                "变更内容",
                AuditLog.changes,
                sortable=False,
                width=420,
                formatter=_changes_text,
            ),
        ],
        search=lambda text: search_clause(
            text,
            text_columns=(Actor_.full_name, AuditLog.table_name),
            pinyin_columns=(Actor_.name_pinyin, Actor_.name_initials),
        ),
        search_hint="操作人或对象",
        default_sort=[("at", True)],
        present=_present_changes,
    )

"""Session hooks every record gets for free: stamps, audit trail and soft-delete filter.

They run inside the service layer's sessions, so no service can forget them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from app.models import AuditLog
from app.models.base import SoftDeleteMixin, TrackedMixin
from app.services.core import clock  # noqa: F401  (users' pinyin follows full_name)

# Fields never worth an audit line (bookkeeping) and fields whose values are secret.
_SKIP = {"updated_at", "updated_by_id", "version", "created_at", "created_by_id"}
_SECRET = {"password_hash"}


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _stamp)
    event.listen(factory, "after_flush", _audit)
    event.listen(factory, "do_orm_execute", _hide_deleted)


def actor_id(session: Session) -> int | None:
    return session.info.get("actor_id")


def _stamp(session: Session, _ctx, _instances) -> None:
    now = clock.now()
    who = actor_id(session)
    for obj in session.new:
        if isinstance(obj, TrackedMixin):
            obj.created_at = obj.created_at or now
            obj.updated_at = now
            obj.created_by_id = obj.created_by_id or who
            obj.updated_by_id = who
    for obj in session.dirty:
        if isinstance(obj, TrackedMixin) and session.is_modified(obj, include_collections=False):
            if _audited_changes(obj):
                obj.updated_at = now
                obj.updated_by_id = who
            if isinstance(obj, SoftDeleteMixin):
                hist = inspect(obj).attrs.deleted_at.history
                if hist.added and hist.added[0] is not None:
                    obj.deleted_by_id = who


LONG_TEXT = 4000  # an audit line keeps what a person reads, not an image's base64


def _plain(value):
    if isinstance(value, str) and len(value) > LONG_TEXT:
        return f"（{len(value):,} 个字符的数据）"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _excluded(obj) -> set[str]:
    return _SKIP | set(getattr(type(obj), "__audit_exclude__", ()))


def _audited_changes(obj) -> dict[str, list]:
    state = inspect(obj)
    skip = _excluded(obj)
    changes: dict[str, list] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in skip:
            continue
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        before = hist.deleted[0] if hist.deleted else None
        after = hist.added[0] if hist.added else None
        if before == after:
            continue
        if attr.key in _SECRET:
            changes[attr.key] = ["***", "***(已修改)"]
        else:
            changes[attr.key] = [_plain(before), _plain(after)]
    return changes


def _all_values(obj) -> dict[str, list]:
    state = inspect(obj)
    skip = _excluded(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        if attr.key in skip or attr.key == "id":
            continue
        value = getattr(obj, attr.key)
        if value is None:
            continue
        out[attr.key] = [None, "***" if attr.key in _SECRET else _plain(value)]
    return out


def _audited(obj) -> bool:
    return not isinstance(obj, AuditLog) and getattr(type(obj), "__audited__", True)


def _audit(session: Session, _ctx) -> None:
    now = clock.now()
    who = actor_id(session)
    rows = []

    def row(obj, action, changes):
        rows.append(
            {
                "at": now,
                "user_id": who,
                "action": action,
                "table_name": obj.__tablename__,
                "record_id": inspect(obj).mapper.primary_key_from_instance(obj)[0],
                "changes": changes,
            }
        )

    for obj in session.new:
        if _audited(obj):
            row(obj, "create", _all_values(obj))
    for obj in session.dirty:
        if not _audited(obj):
            continue
        changes = _audited_changes(obj)
        if not changes:
            continue
        action = "update"
        if "deleted_at" in changes:
            action = "delete" if changes["deleted_at"][1] else "restore"
        row(obj, action, changes)
    for obj in session.deleted:
        if _audited(obj):
            row(obj, "purge", {})
    if rows:
        # Core insert on the flush's own connection: same transaction, no re-entrant flush.
        session.connection().execute(AuditLog.__table__.insert(), rows)


def live_rows_only():
    """The loader option that hides soft-deleted rows of every table in a statement."""
    return with_loader_criteria(
        SoftDeleteMixin, lambda cls: cls.deleted_at.is_(None), include_aliases=True
    )


def _hide_deleted(state: ORMExecuteState) -> None:
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get("include_deleted", False)
    ):
        state.statement = state.statement.options(live_rows_only())

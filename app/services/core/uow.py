"""Unit of work: one transaction, on behalf of one acting user.

    with UnitOfWork(db, actor) as uow:
        user = uow.session.get(User, 3)
        ...
        uow.commit()

Leaving the block without commit() rolls back. StaleDataError (someone saved the
same row first) becomes a ConflictError with a message in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import Role
from app.services.core.database import Database
from app.services.core.errors import ConflictError, DatabaseError, PermissionDenied


@dataclass(frozen=True)
class Actor:
    """Who is acting: a plain snapshot of the logged-in user, safe to pass to the UI."""

    id: int
    username: str
    full_name: str
    role: Role
    team_id: int | None

    @property
    def role_label(self) -> str:
        return self.role.label


CONFLICT_MESSAGE = "保存失败：该记录已被其他用户修改或删除。请刷新后查看最新内容再修改。"


class UnitOfWork:
    def __init__(self, db: Database, actor: Actor | None = None, *, write: bool = True):
        self.db = db
        self.actor = actor
        self._factory = db.write_sessions if write else db.sessions
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.session.info["actor_id"] = self.actor.id if self.actor else None
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # close() ends any open transaction without committing it (a rollback) and
        # detaches objects with their loaded values, so read results stay usable.
        try:
            if exc is not None:
                self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, StaleDataError):
            raise ConflictError(CONFLICT_MESSAGE) from exc
        if isinstance(exc, OperationalError):
            raise DatabaseError(f"数据库操作失败：{str(exc.orig).splitlines()[0]}") from exc

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()

    def joined(self) -> UnitOfWork:
        """Inside this unit of work: one for a service function called per row of a batch,
        so that the rows share this transaction. Its commit() only flushes and leaving it
        keeps the session open; this unit of work commits, or rolls back, them all."""
        return _Joined(self)


class _Joined(UnitOfWork):
    def __init__(self, outer: UnitOfWork):
        super().__init__(outer.db, outer.actor)
        self.session = outer.session

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if isinstance(exc, StaleDataError):
            raise ConflictError(CONFLICT_MESSAGE) from exc

    def commit(self) -> None:
        self.session.flush()


def logged_in(uow: UnitOfWork) -> Actor:
    """The acting user, or PermissionDenied for a unit of work without one."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    return uow.actor

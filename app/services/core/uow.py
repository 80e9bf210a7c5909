"""Unit of work: one transaction, on behalf of one acting user.

    with UnitOfWork(db, actor) as uow:
        user = uow.session.get(User, 3)
        ...
        uow.commit()

Leaving the block without commit() rolls back. StaleDataError (someone saved the
same row first) becomes a ConflictError with a message in Chinese.

Each unit of work re-reads its actor's user row (one primary-key lookup): a session opened
before the user was deactivated, deleted or demoted acts with the user's role and team as
they are now, or not at all; a user who must change the password can do nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import Role, User
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
INACTIVE_MESSAGE = "您的账户已被停用或删除，不能继续操作。请联系系统管理员。"
CHANGE_PASSWORD_FIRST = "请先修改密码，再进行其他操作。"


class UnitOfWork:
    def __init__(self, db: Database, actor: Actor | None = None, *, write: bool = True):
        self.db = db
        self._actor = actor
        self._checked = actor is None
        self._factory = db.write_sessions if write else db.sessions
        self.session: Session
        # Set by the services that must work before the password is changed (the change
        # itself, and asking whether it is needed).
        self.before_password_change = False
        self._depth = 0  # a service called inside an open unit of work joins it

    def __enter__(self) -> UnitOfWork:
        self._depth += 1
        if self._depth > 1:
            return self
        self.session = self._factory()
        try:
            actor = self.actor
        except BaseException:
            self._depth = 0
            self.session.close()
            raise
        self.session.info["actor_id"] = actor.id if actor else None
        return self

    @property
    def actor(self) -> Actor | None:
        """The acting user as the database has them now (read once per unit of work)."""
        if not self._checked:
            if self._depth:
                self._actor = self._current(self.session, self._actor)
            else:
                with self.db.sessions() as session:
                    self._actor = self._current(session, self._actor)
            self._checked = True
        return self._actor

    def _current(self, session: Session, actor: Actor) -> Actor:
        row = session.execute(
            select(User.is_active, User.role, User.team_id, User.full_name,
                   User.must_change_password).where(User.id == actor.id)
        ).first()  # fmt: skip
        if row is None or not row.is_active:
            raise PermissionDenied(INACTIVE_MESSAGE)
        if row.must_change_password and not self.before_password_change:
            raise PermissionDenied(CHANGE_PASSWORD_FIRST)
        if (row.role, row.team_id, row.full_name) == (actor.role, actor.team_id, actor.full_name):
            return actor
        return Actor(actor.id, actor.username, row.full_name, row.role, row.team_id)

    def __exit__(self, exc_type, exc, tb) -> None:
        self._depth -= 1
        if self._depth:
            return  # the outermost block ends the transaction
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

    def separate(self, *, write: bool) -> UnitOfWork:
        """A unit of work of the same user with a transaction of its own: a read that must
        not hold the write lock (an import's checks), or a short write inside a long read
        (an export's 查阅授权 log)."""
        return UnitOfWork(self.db, self._actor, write=write)

    def joined(self) -> UnitOfWork:
        """Inside this unit of work: one for a service function called per row of a batch,
        so that the rows share this transaction. Its commit() only flushes and leaving it
        keeps the session open; this unit of work commits, or rolls back, them all."""
        return _Joined(self)


class _Joined(UnitOfWork):
    def __init__(self, outer: UnitOfWork):
        super().__init__(outer.db, outer.actor)
        self._checked = True  # the outer unit of work read the actor already
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

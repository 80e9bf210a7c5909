"""Who is logged in to which database: the two things every service call needs."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.core.database import Database
from app.services.core.uow import Actor, UnitOfWork


@dataclass(frozen=True)
class AppContext:
    db: Database
    actor: Actor

    # A fresh unit of work per service call: each call is its own transaction.

    def read_uow(self) -> UnitOfWork:
        """For reads: never takes SQLite's write lock."""
        return UnitOfWork(self.db, self.actor, write=False)

    def write_uow(self) -> UnitOfWork:
        """For anything that may write (a save, a delete, a logged view)."""
        return UnitOfWork(self.db, self.actor)

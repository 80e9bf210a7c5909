"""Who is logged in to which database: the two things every service call needs."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.core.database import Database
from app.services.core.uow import Actor, UnitOfWork


@dataclass(frozen=True)
class AppContext:
    db: Database
    actor: Actor

    def uow(self) -> UnitOfWork:
        # A fresh unit of work per service call: each call is its own transaction.
        return UnitOfWork(self.db, self.actor)

"""Units of work for list screens: reads never take SQLite's write lock."""

from app.services.core.uow import UnitOfWork
from app.ui.context import AppContext


def read_uow(ctx: AppContext) -> UnitOfWork:
    return UnitOfWork(ctx.db, ctx.actor, write=False)


def write_uow(ctx: AppContext) -> UnitOfWork:
    return UnitOfWork(ctx.db, ctx.actor)

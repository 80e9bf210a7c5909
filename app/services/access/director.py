"""市场总监 (市场部客户资源管理制度 二.3: 市场总监有权收回，改派): the managers named in 系统设置
who may reclaim, reassign and protect any customer, not only their own team's."""

from __future__ import annotations

from app.models import Role
from app.services.core import settings
from app.services.core.uow import Actor, UnitOfWork


def is_market_director(uow: UnitOfWork, actor: Actor | None) -> bool:
    if actor is None or actor.role != Role.MANAGER:
        return False
    return actor.username in settings.director_names(settings.get(uow, "pool.market_directors"))

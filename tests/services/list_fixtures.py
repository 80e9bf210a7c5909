"""Bulk data for list-view tests: many users inserted directly (no Argon2 per row)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.models import Role, Team, User
from app.services.core.uow import UnitOfWork

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞"]
ROLES = [Role.SALES_REP, Role.SALES_REP, Role.MANAGER, Role.CLERK, Role.SALES_ADMIN]


def bulk_users(db, admin, n: int, start: datetime) -> list[int]:
    with UnitOfWork(db, admin) as uow:
        teams = [Team(name="华北组"), Team(name="华南组")]
        uow.session.add_all(teams)
        uow.flush()
        users = []
        for i in range(n):
            users.append(
                User(
                    username=f"u{i:04d}",
                    full_name=NAMES[i % len(NAMES)] + str(i),
                    role=ROLES[i % len(ROLES)],
                    team_id=teams[i % 2].id if i % 3 else None,
                    phone=f"1390000{i:04d}",
                    is_active=i % 7 != 0,
                    password_hash="x",
                    password_changed_at=start,
                    created_at=start + timedelta(days=i),
                )
            )
        uow.session.add_all(users)
        uow.commit()
        return [u.id for u in users]

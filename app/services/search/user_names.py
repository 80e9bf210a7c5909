"""Users' names store their full pinyin and initials, like every name in the system, so
the user list and every people search match 张三 by "zs" or "zhangsan" (polyphonic
surnames give all readings: 单 → shan/dan).

The keys follow full_name through an attribute event, whatever path sets the name
(setup, the admin's dialog, a migration's backfill through the ORM)."""

from __future__ import annotations

from sqlalchemy import event

from app.models import User
from app.services.search.pinyin import name_keys


@event.listens_for(User.full_name, "set")
def _name_set(target: User, value, _old, _initiator) -> None:
    keys = name_keys(value or "", person=True)
    target.name_pinyin, target.name_initials = keys.full[:200], keys.initials[:60]

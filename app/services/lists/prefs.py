"""Per-user memory of each list: column layout, and named saved filters (one default)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from app.models import ListPreference
from app.services.core.errors import NotFound, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.lists.spec import ListQuery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedFilter:
    id: int
    name: str
    is_default: bool
    query: ListQuery


def _mine(uow: UnitOfWork, list_key: str, kind: str):
    return select(ListPreference).where(
        ListPreference.user_id == uow.actor.id,
        ListPreference.list_key == list_key,
        ListPreference.kind == kind,
    )


def load_layout(uow: UnitOfWork, list_key: str) -> dict | None:
    """{"columns": [keys in order], "hidden": [keys], "widths": {key: px}} or None."""
    with uow:
        row = uow.session.scalar(_mine(uow, list_key, "layout"))
        return dict(row.payload) if row else None


def save_layout(uow: UnitOfWork, list_key: str, layout: dict) -> None:
    with uow:
        row = uow.session.scalar(_mine(uow, list_key, "layout"))
        if row is None:
            uow.session.add(
                ListPreference(
                    user_id=uow.actor.id, list_key=list_key, kind="layout", name="", payload=layout
                )
            )
        elif row.payload != layout:
            row.payload = layout
        uow.commit()


def saved_filters(uow: UnitOfWork, list_key: str) -> list[SavedFilter]:
    """The user's saved filters for a list; a damaged one is left out (and logged), so the
    others stay usable."""
    out = []
    with uow:
        rows = uow.session.scalars(_mine(uow, list_key, "filter").order_by(ListPreference.name))
        for r in rows:
            try:
                out.append(SavedFilter(r.id, r.name, r.is_default, ListQuery.from_dict(r.payload)))
            except ValidationError:
                log.warning("saved filter %s (%s) is damaged: %r", r.id, r.name, r.payload)
    return out


def save_filter(
    uow: UnitOfWork, list_key: str, name: str, query: ListQuery, is_default: bool = False
) -> int:
    """Save (or overwrite by name) a named filter; at most one default per list."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("请输入筛选方案的名称。", field="name")
    if len(name) > 60:
        raise ValidationError("名称不能超过 60 个字。", field="name")
    with uow:
        rows = uow.session.scalars(_mine(uow, list_key, "filter")).all()
        row = next((r for r in rows if r.name == name), None)
        if is_default:
            for r in rows:
                if r.is_default and r is not row:
                    r.is_default = False
        if row is None:
            row = ListPreference(
                user_id=uow.actor.id,
                list_key=list_key,
                kind="filter",
                name=name,
                is_default=is_default,
                payload=query.to_dict(),
            )
            uow.session.add(row)
        else:
            row.payload, row.is_default = query.to_dict(), is_default
        uow.commit()
        return row.id


def delete_filter(uow: UnitOfWork, filter_id: int) -> None:
    with uow:
        row = uow.session.get(ListPreference, filter_id)
        if row is None or row.user_id != uow.actor.id or row.kind != "filter":
            raise NotFound("该筛选方案不存在。")
        uow.session.delete(row)
        uow.commit()

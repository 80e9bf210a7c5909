"""The duplicate check (规则 1): a customer's keys (name, phone, email, website domain), the
existing customers sharing one — pool and recycle bin too — and what the user is told.

UI entry point: check_duplicates(uow, form, exclude_id=None) -> list[DuplicateHit], live
while typing. Registration, import and update check with find_duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from app.models import Customer, CustomerKey, User
from app.services.access.visibility import customer_scope
from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers.forms import KIND_LABELS, CustomerForm
from app.services.customers.validation import is_personal
from app.services.search import customer_names as cn


def keys_of(cols: dict, personal: bool) -> list[tuple[str, str]]:
    """The duplicate-check keys of a customer's values (kind, value)."""
    keys: list[tuple[str, str]] = []
    if not personal:  # a person's name alone is not an identity (two 张伟)
        nk = cn.name_key(cols["name"])
        if nk:
            keys.append(("name", nk))
    for name in ("phone", "fax", "principal_mobile"):
        for k in cn.phone_keys(cols.get(name) or ""):
            if ("phone", k) not in keys:
                keys.append(("phone", k))
    email = cn.email_key(cols.get("email") or "")
    if email:
        keys.append(("email", email))
    domain = cn.domain_key(cols.get("website") or "")
    if domain:
        keys.append(("domain", domain))
    return keys


@dataclass(frozen=True)
class DuplicateHit:
    """One existing customer matching what is being registered. Details only if visible."""

    kind: str  # name | phone | email | domain
    value: str
    customer_id: int  # opaque to a rep who may not see it (usable for a 查阅授权 request)
    status: str  # mine | owned | pool | deleted
    owner_name: str
    owner_since: datetime | None
    visible: bool
    customer_name: str  # "" unless visible
    customer_number: str  # "" unless visible

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def message(self) -> str:
        since = self.owner_since.strftime("%Y-%m-%d") if self.owner_since else ""
        head = f"与已登记客户重复（{self.kind_label}相同）："
        if self.status == "deleted":
            return head + "该客户在回收站中（已删除），请联系销售内勤恢复，不能重复登记。"
        if self.status == "pool":
            return head + "该客户目前在公海中，请到公海领取，不能重复登记。"
        if self.status == "mine":
            return head + f"您已于 {since} 登记过该客户（{self.customer_number}），不能重复登记。"
        return head + f"该客户已由 {self.owner_name} 于 {since} 登记，归其所有，不能重复登记。"


class DuplicateFound(ValidationError):
    """Registration blocked by 规则 1. `hits` say who owns the match and since when."""

    def __init__(self, hits: list[DuplicateHit]):
        super().__init__(hits[0].message, field=_FIELD_OF_KIND[hits[0].kind])
        self.hits = hits


_FIELD_OF_KIND = {"name": "name", "phone": "phone", "email": "email", "domain": "website"}


def find_duplicates(
    uow: UnitOfWork, keys: list[tuple[str, str]], exclude_id: int | None = None
) -> list[DuplicateHit]:
    """Existing customers (pool and recycle bin too) sharing
    a key, but `exclude_id`. A hit never reveals a customer the actor may not see."""
    with uow:
        if not keys:
            return []
        cond = or_(*[and_(CustomerKey.kind == k, CustomerKey.value == v) for k, v in keys])
        q = (
            select(CustomerKey.kind, CustomerKey.value, Customer, User.full_name)
            .join(Customer, Customer.id == CustomerKey.customer_id)
            .outerjoin(User, User.id == Customer.owner_id)
            .where(cond)
            .order_by(CustomerKey.kind, Customer.id)
            .execution_options(include_deleted=True)
        )
        if exclude_id is not None:
            q = q.where(Customer.id != exclude_id)
        rows = uow.session.execute(q).all()
        if not rows:
            return []
        ids = {c.id for _, _, c, _ in rows}
        visible = set(
            uow.session.scalars(
                select(Customer.id)
                .where(Customer.id.in_(ids), customer_scope(uow.actor))
                .execution_options(include_deleted=True)
            )
        )
        order = {"name": 0, "phone": 1, "email": 2, "domain": 3}
        hits, seen = [], set()
        for kind, value, c, owner_name in sorted(rows, key=lambda r: order[r[0]]):
            if (kind, c.id) in seen:
                continue
            seen.add((kind, c.id))
            if c.deleted_at is not None:
                status = "deleted"
            elif c.is_in_pool or c.owner_id is None:
                status = "pool"
            elif uow.actor is not None and c.owner_id == uow.actor.id:
                status = "mine"
            else:
                status = "owned"
            see = c.id in visible
            hits.append(
                DuplicateHit(
                    kind, value, c.id, status, owner_name or "", c.owner_since or c.created_at, see,
                    c.name if see else "", c.number if see else "",
                )
            )  # fmt: skip
        return hits


def _lenient_keys(uow: UnitOfWork, form: CustomerForm) -> list[tuple[str, str]]:
    """Keys of a half-typed form: malformed parts are skipped, not errors."""
    keys = []
    if form.name and not is_personal(uow, form.type_id):
        nk = cn.name_key(form.name)
        if len(nk) >= 2:
            keys.append(("name", nk))
    for raw in (form.phone, form.fax, form.principal_mobile):
        for part in cn._SPLIT.split(cn.half_width(raw or "")):
            try:
                keys.append(("phone", cn.phone_key(part)))
            except ValueError:
                pass
    for kind, fn, raw in (
        ("email", cn.email_key, form.email),
        ("domain", cn.domain_key, form.website),
    ):
        try:
            v = fn(raw or "")
        except ValueError:
            continue
        if v:
            keys.append((kind, v))
    return list(dict.fromkeys(keys))


def check_duplicates(
    uow: UnitOfWork, form: CustomerForm, exclude_id: int | None = None
) -> list[DuplicateHit]:
    """Live duplicate check for the registration dialog (call as the user types)."""
    with uow:
        return find_duplicates(uow, _lenient_keys(uow, form), exclude_id)

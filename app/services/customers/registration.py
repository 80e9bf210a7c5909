"""Registration (登记, 规则 1 and 2): the owner check, the number, the customer row with its
keys, pinyin, contacts and the 归属变更 “登记”; and whom a registration may be owned by.

UI entry points (each takes a fresh UnitOfWork(db, actor)):
  register_customer(uow, form, override_reason=None) -> RegisterResult
  owner_choices(uow) -> list[(user id, name)]
The Excel import goes through prepare_registration and insert_registration too."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.models import Customer, Role, User
from app.services.access import roles
from app.services.access.visibility import customer_scope
from app.services.core import clock
from app.services.core.errors import ConflictError, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers._internal import (
    PreparedRegistration,
    RegisterResult,
    insert_registration,
    reattribute_reported,
)
from app.services.customers.duplicates import (
    DuplicateFound,
    find_duplicates,
    keys_of,
)
from app.services.customers.forms import ContactForm, CustomerForm
from app.services.customers.validation import (
    contact_columns,
    is_personal,
    validate_customer,
)


def _check_owner(uow: UnitOfWork, owner_id: int | None) -> int:
    actor = uow.actor
    if actor.role == Role.SALES_REP:
        if owner_id not in (None, actor.id):
            raise PermissionDenied("销售人员只能登记自己的客户。")
        return actor.id
    if owner_id is None:
        if actor.role == Role.MANAGER:
            return actor.id
        raise ValidationError("请选择归属销售。", field="owner_id")
    owner = uow.session.get(User, owner_id)
    if owner is None or not owner.is_active or owner.role not in roles.CAN_OWN_CUSTOMERS:
        raise ValidationError("归属销售必须是在职的销售人员或销售主管。", field="owner_id")
    if (
        actor.role == Role.MANAGER
        and owner.id != actor.id
        and (actor.team_id is None or owner.team_id != actor.team_id)
    ):
        raise PermissionDenied("销售主管只能为本团队成员登记客户。")
    return owner.id


def register_customer(
    uow: UnitOfWork, form: CustomerForm, override_reason: str | None = None
) -> RegisterResult:
    """登记: duplicate check, number, keys, pinyin, 归属变更 “登记”.

    A duplicate blocks with DuplicateFound (who owns it, since when). A manager or admin
    may force it with override_reason ("公司特别指派"), recorded in the ownership history.
    Of two concurrent registrations of the same company exactly one commits (UNIQUE on
    customer_keys); the other gets DuplicateFound.
    """
    actor = uow.actor
    if actor is None or actor.role not in roles.CAN_REGISTER_CUSTOMERS:
        raise PermissionDenied("您没有登记客户的权限。")
    override_reason = (override_reason or "").strip()
    if override_reason and actor.role not in roles.CAN_OVERRIDE_DUPLICATES:
        raise PermissionDenied("只有销售主管或系统管理员可以“公司特别指派”重复客户。")
    if len(override_reason) > 400:
        raise ValidationError("指派理由不能超过 400 个字。", field="override_reason")
    keys: list[tuple[str, str]] = []
    try:
        with uow:
            prepared = prepare_registration(uow, form)
            keys = prepared.keys
            hits = find_duplicates(uow, keys)
            if hits and not override_reason:
                raise DuplicateFound(hits)
            result = insert_registration(uow, prepared, hits, override_reason)
            uow.commit()
            return result
    except IntegrityError:
        # Someone registered the same company between our check and our commit.
        hits = find_duplicates(uow, keys)  # a transaction of its own: the failed one ended
        if hits:
            raise DuplicateFound(hits) from None
        raise ConflictError("保存失败：其他用户同时登记了相同信息的客户，请刷新后重试。") from None


def prepare_registration(
    uow: UnitOfWork, form: CustomerForm, *, first_contact_required: bool = True
) -> PreparedRegistration:
    """Inside an open unit of work: the owner check and every validation of a registration,
    without writing. Raises ValidationError(field=...) or PermissionDenied. Registration
    and the Excel import (customer_import) both go through here and insert_registration;
    an import brings an existing archive, whose first contacts may be unknown
    (first_contact_required=False: a row without one is not a late registration)."""
    with uow:
        contacts = [c if isinstance(c, ContactForm) else ContactForm(**c) for c in form.contacts]
        owner_id = _check_owner(uow, form.owner_id)
        cols = validate_customer(uow, asdict(form), None, registering=first_contact_required)
        personal = is_personal(uow, cols["type_id"])
        contact_rows = [contact_columns(uow, c, None, i) for i, c in enumerate(contacts)]
        return PreparedRegistration(owner_id, cols, contact_rows, keys_of(cols, personal))


def owner_choices(uow: UnitOfWork) -> list[tuple[int, str]]:
    """归属销售 drop-down for the registration form: whom the actor may register for."""
    actor = uow.actor
    with uow:
        q = select(User.id, User.full_name).where(
            User.is_active.is_(True), User.role.in_(roles.CAN_OWN_CUSTOMERS)
        )
        if actor.role == Role.SALES_REP:
            q = q.where(User.id == actor.id)
        elif actor.role == Role.MANAGER:
            q = q.where(or_(User.id == actor.id, User.team_id == actor.team_id))
        elif actor.role not in roles.REGISTERS_FOR_ANY_OWNER:
            return []
        return list(uow.session.execute(q.order_by(User.full_name)).tuples())


VERIFY_WITHIN_DAYS = 7  # a registration not checked in a week is a reminder


def verify_registrations(uow: UnitOfWork, customer_ids) -> int:
    """核对 (4.3.2): the sales admin confirms new registrations against what the reps
    reported; a registration already checked is left as it was. Returns how many."""
    actor = uow.actor
    if actor is None or actor.role not in roles.CAN_VERIFY_REGISTRATIONS:
        raise PermissionDenied("只有销售内勤或系统管理员可以核对客户登记。")
    ids = list(customer_ids)
    with uow:
        rows = uow.session.scalars(
            select(Customer).where(
                Customer.id.in_(ids), Customer.verified_at.is_(None), customer_scope(actor)
            )
        ).all()
        now = clock.now()
        for c in rows:
            c.verified_at, c.verified_by_id = now, actor.id
            reattribute_reported(uow, c)  # reported now: its deals may be the rep's (二.4)
        uow.commit()
        return len(rows)

"""归属变更: a manager (within the team), the sales admin or the admin moves customers
between reps (转移), or gives pool customers to a rep (分配). Every move writes an
OwnershipChange row, the customer card's 归属变更 tab.

What the old owner had open for the customer follows it to the new owner (hand_over):
open visit plans, the old owner's place among the visitors of the customer's plans, and
open work-plan items about it (the 交付后回访 tasks). What is done stays as history (the
records still name who visited), seen through the customer by whoever may see it now."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from app.models import Customer, Role, User
from app.services.access import roles
from app.services.access.director import is_market_director
from app.services.core import clock
from app.services.core.errors import PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers._internal import move_owner


def transfer(uow: UnitOfWork, customer_ids, to_user_id: int, reason: str) -> int:
    """转移: a manager (within the team) or the admin moves customers between reps."""
    actor = uow.actor
    if actor is None or actor.role not in roles.CAN_TRANSFER_CUSTOMERS:
        raise PermissionDenied("只有销售主管、销售内勤或系统管理员可以转移客户。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写转移原因。", field="reason")
    with uow:
        target = uow.session.get(User, to_user_id)
        if target is None or not target.is_active or target.role not in roles.CAN_OWN_CUSTOMERS:
            raise ValidationError("请选择一位在职的销售人员。", field="to_user_id")
        anywhere = is_market_director(uow, actor)  # 市场总监: any rep, any customer (二.3)
        if actor.role == Role.MANAGER and target.team_id != actor.team_id and not anywhere:
            raise PermissionDenied("只能转移给本团队的销售人员。")
        now, done = clock.now(), 0
        owner_team = select(User.team_id).where(User.id == Customer.owner_id).scalar_subquery()
        q = select(Customer).where(Customer.id.in_(list(customer_ids)))
        if actor.role == Role.MANAGER and not anywhere:
            q = q.where(or_(and_(Customer.owner_id.is_not(None), owner_team == actor.team_id),
                            Customer.is_in_pool.is_(True)))  # fmt: skip
        for c in uow.session.scalars(q):
            if c.owner_id == to_user_id:
                continue
            move_owner(uow, c, to_user_id, reason, now)
            done += 1
        uow.commit()
        return done


def hand_over_book(uow: UnitOfWork, from_user_id: int, to_user_ids: list[int], reason: str) -> int:
    """交接: every customer a leaving rep owns, to one rep or spread evenly over several
    (a team), in one transaction — all of them move, or none. The admin does it before
    deactivating the rep. Returns how many moved."""
    actor = uow.actor
    if actor is None or actor.role != Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以交接离职人员的客户。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写交接原因。", field="reason")
    targets = list(dict.fromkeys(to_user_ids or []))
    if not targets:
        raise ValidationError("请选择接手的销售人员。", field="to_user_id")
    if from_user_id in targets:
        raise ValidationError("不能交接给本人。", field="to_user_id")
    with uow:
        found = uow.session.scalars(select(User).where(User.id.in_(targets))).all()
        if len(found) != len(targets) or any(
            not u.is_active or u.role not in roles.CAN_OWN_CUSTOMERS for u in found
        ):
            raise ValidationError("接手人必须是在职的销售人员或销售主管。", field="to_user_id")
        book = uow.session.scalars(
            select(Customer)
            .where(Customer.owner_id == from_user_id, Customer.is_in_pool.is_(False))
            .order_by(Customer.id)
        ).all()
        now = clock.now()
        for i, c in enumerate(book):  # round robin: an even share each
            move_owner(uow, c, targets[i % len(targets)], reason, now)
        uow.commit()
        return len(book)

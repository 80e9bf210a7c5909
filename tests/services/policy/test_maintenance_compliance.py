"""二.3.1 维护达标: only visits by the right person for the class count toward its minimum
(A 公司领导, B 市场部经理, C 市场部专员), from follow-ups and visit records; any month."""

from datetime import date, timedelta

import pytest

from app.services.admin import code_tables
from app.services.core import clock, settings
from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.policy.compliance_lists import compliance_source
from app.services.visits import plans, records
from app.services.visits.plans import PlanForm
from app.services.visits.records import RecordForm
from tests.services.policy.test_maintenance import C3, A, B, C, log, world  # noqa: F401

KEYS = ["grade", "visitor", "required", "done_right", "done_other", "shortfall", "status",
        "responsible"]  # fmt: skip


def table(w, actor, first_day=None):
    src = compliance_source(first_day)
    ids = list_query.fetch_ids(UnitOfWork(w.db, actor, write=False), src, ListQuery())
    got = list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), src, ids, ["name", *KEYS])
    return {r[1]: tuple(r[2:]) for r in got}


def visit_together(w, owner, name, visitor):
    """A 走访 planned by `owner` with `visitor` going along; only the owner writes it up."""
    with UnitOfWork(w.db, w.admin) as uow:
        method = code_tables.find_item(uow, "visit_method", "2")  # 走访
    today = clock.now().date()
    plan = plans.create_plan(
        UnitOfWork(w.db, owner),
        PlanForm(w.ids[name], today, today, purpose="走访", method_id=method,
                 visitor_ids=(visitor.id,)),
    )  # fmt: skip
    records.add_record(UnitOfWork(w.db, owner), plan, RecordForm(clock.now(), needs="了解需求"))


def test_a_reps_visit_does_not_count_for_the_leaders_requirement(world):  # noqa: F811
    w = world
    log(w, w.rep1, A, "2")  # 拜访 by the rep
    log(w, w.manager, A, "2")  # by the manager: not a company leader either
    got = table(w, w.admin)
    assert got[A] == ("A", "公司领导", 1, 0, 2, 1, "short", "公司领导")
    # Naming the manager a company leader makes his visit count (read at query time).
    settings.update_settings(w.uow(w.admin), {"maint.leaders": "boss1， "})
    assert settings.get(UnitOfWork(w.db, w.admin, write=False), "maint.leaders") == "boss1"
    assert table(w, w.admin)[A] == ("A", "公司领导", 1, 1, 1, 0, "ok", "公司领导")


def test_b_and_c_count_their_own_roles_and_co_visitors(world):  # noqa: F811
    w = world
    log(w, w.rep1, B, "2")
    log(w, w.rep1, C, "2")
    log(w, w.manager, C, "2")  # a manager's visit to a C customer: not its 专员's
    log(w, w.rep1, C, "1")  # a phone call is no visit at all
    got = table(w, w.admin)
    assert got[B] == ("B", "市场部经理", 1, 0, 1, 1, "short", "赵主管")
    assert got[C] == ("C", "市场部专员", 2, 1, 1, 1, "short", "张三")
    assert got[C3][-1] == "王五"
    # The manager goes along on the rep's 走访 of B; the rep writes the record.
    visit_together(w, w.rep1, B, w.manager)
    got = table(w, w.admin)
    assert got[B] == ("B", "市场部经理", 1, 1, 2, 0, "ok", "赵主管")
    log(w, w.rep1, C, "2")
    assert table(w, w.admin)[C][3:7] == (2, 1, 0, "ok")
    assert set(table(w, w.rep1)) == {A, B, C}  # a rep sees only own customers
    assert set(table(w, w.rep3)) == {C3}


def test_the_month_is_selectable(world, fake_clock):  # noqa: F811
    w = world
    log(w, w.rep1, C, "2")
    this_month = clock.now().date()
    fake_clock.advance(days=31)  # April now
    assert table(w, w.admin)[C][3:5] == (0, 0)
    assert table(w, w.admin, lambda: this_month)[C][3:5] == (1, 0)
    earlier = this_month.replace(day=1) - timedelta(days=1)
    assert table(w, w.admin, lambda: earlier)[C][3:5] == (0, 0)
    assert table(w, w.admin, lambda: date(2026, 3, 31))[C][3:5] == (1, 0)


def test_leaders_must_be_active_users(world):  # noqa: F811
    w = world
    with pytest.raises(ValidationError, match="不是在职用户"):
        settings.update_settings(w.uow(w.admin), {"maint.leaders": "boss1,nobody"})
    assert settings.get(UnitOfWork(w.db, w.admin, write=False), "maint.leaders") == ""


def test_a_user_name_with_an_underscore_is_no_wildcard(world):  # noqa: F811
    """ "boss_1" must not pass for the leader "bossx1": LIKE's "_" is escaped."""
    from app.models import Role
    from tests.services.helpers import add_user
    from tests.services.helpers import login as log_in

    w = world
    add_user(w.db, w.admin, "bossx1", Role.MANAGER, w.manager.team_id, full_name="钱总")
    add_user(w.db, w.admin, "boss_1", Role.MANAGER, w.manager.team_id, full_name="孙主管")
    settings.update_settings(w.uow(w.admin), {"maint.leaders": "bossx1"})
    log(w, log_in(w.db, "boss_1"), A, "2")
    assert table(w, w.admin)[A][3:5] == (0, 1)
    log(w, log_in(w.db, "bossx1"), A, "2")
    assert table(w, w.admin)[A][3:5] == (1, 1)

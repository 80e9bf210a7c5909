"""How often a code entry is used is the administrator's fact (issue 12.6)."""

import pytest

from app.services.admin import code_table_editing, code_tables
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from tests.services.customer_fixtures import fast_passwords, make_world, register


def test_usage_count_is_for_the_admin_only(db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    register(w, w.rep3, "二组的客户有限公司")  # uses 客户来源 “展会”
    assert code_table_editing.usage_count(UnitOfWork(db, w.admin), w.source_id) == 1
    for actor in (w.rep1, w.manager, w.sales_admin, w.chairman):
        with pytest.raises(PermissionDenied):
            code_table_editing.usage_count(UnitOfWork(db, actor), w.source_id)
    with UnitOfWork(db, w.admin) as uow:
        assert code_tables.find_item(uow, "source", "04") == w.source_id

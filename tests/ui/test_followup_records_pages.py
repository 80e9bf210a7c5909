"""跟进记录 and 成交记录 tabs of 客户档案: a rep sees only his customers' records, the
tab shows what was written since, a double-click opens the customer card."""

from datetime import timedelta

from app.services.core import clock
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import DealForm, FollowUpForm
from app.ui.context import AppContext
from app.ui.customers.customer_page import CustomerPage
from tests.ui.conftest import COMPANY, screenshot
from tests.ui.test_contacts_address_book import setup_book


def texts(page, key) -> list[str]:
    model = page.list_view.model
    col = model.keys.index(key)
    return sorted(model.index(r, col).data() for r in range(model.rowCount()))


def test_follow_ups_and_deals_tabs(qtbot, admin_ctx, fake_clock):
    rep1, rep3, cid = setup_book(admin_ctx)
    db = admin_ctx.db
    fake_clock.advance(days=1)
    at = clock.now() - timedelta(hours=3)
    followups.add_follow_up(UnitOfWork(db, rep1), cid, FollowUpForm(at=at, content="电话报价"))
    page = CustomerPage(AppContext(db, rep1), COMPANY)
    qtbot.addWidget(page)
    page.resize(1200, 500)
    page.show()

    page.setCurrentWidget(page.follow_ups)
    assert texts(page.follow_ups, "content") == ["电话报价"]
    # Written from the card while the page is open: the tab shows it when opened again.
    followups.add_follow_up(UnitOfWork(db, rep1), cid, FollowUpForm(at=at, content="上门拜访"))
    followups.add_deal(
        UnitOfWork(db, rep1), cid, DealForm(product="枸杞原浆", quantity="5", amount="6000")
    )
    page.setCurrentWidget(page.deals)
    assert texts(page.deals, "product") == ["枸杞原浆"]
    assert texts(page.deals, "amount") == ["6,000.00"]
    page.setCurrentWidget(page.follow_ups)
    assert texts(page.follow_ups, "content") == ["上门拜访", "电话报价"]
    screenshot(page, "follow_ups_tab")

    opened = []
    page.list_page.open_customer = opened.append
    view = page.follow_ups.list_view
    view.table.doubleClicked.emit(view.model.index(0, 0))
    assert opened == [cid]

    # Another rep sees none of them.
    other = CustomerPage(AppContext(db, rep3), COMPANY)
    qtbot.addWidget(other)
    other.setCurrentWidget(other.follow_ups)
    other.setCurrentWidget(other.deals)
    assert other.follow_ups.list_view.model.rowCount() == 0
    assert other.deals.list_view.model.rowCount() == 0

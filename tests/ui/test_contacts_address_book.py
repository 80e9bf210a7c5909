"""通讯录 page: a rep sees only the contacts of own customers; search; drill-through."""

from PySide6.QtCore import Qt

from app.models import Role
from app.services.admin import auth, code_tables
from app.services.core import clock
from app.services.core.uow import UnitOfWork
from app.services.customers.forms import ContactForm, CustomerForm
from app.services.customers.registration import register_customer
from app.ui.contacts.address_book_page import AddressBookPage
from app.ui.context import AppContext
from tests.ui.conftest import COMPANY, PASSWORD, add_user, screenshot


def setup_book(admin_ctx):
    db = admin_ctx.db
    add_user(admin_ctx, "rep1", "张三", Role.SALES_REP)
    add_user(admin_ctx, "rep3", "王五", Role.SALES_REP)
    rep1 = auth.login(UnitOfWork(db, None), "rep1", PASSWORD)
    rep3 = auth.login(UnitOfWork(db, None), "rep3", PASSWORD)
    with UnitOfWork(db, admin_ctx.actor) as uow:
        expo = code_tables.find_item(uow, "source", "04")
        boss = code_tables.find_item(uow, "position", "02")
        buyer = code_tables.find_item(uow, "position", "05")
    mine = [
        ContactForm(name="单田芳", position_id=boss, mobile="13909512345", is_primary=True),
        ContactForm(name="曾国藩", position_id=buyer, phone="0951-5111111", wechat="zgf1811"),
        ContactForm(name="区志强", email="ozq@nxh.cn", qq="123456"),
    ]
    cid = register_customer(
        UnitOfWork(db, rep1),
        CustomerForm(
            first_contact_at=clock.now(),
            name="宁夏红枸杞产业集团有限公司",
            source_id=expo,
            contacts=mine,
        ),
    ).customer_id
    register_customer(
        UnitOfWork(db, rep1),
        CustomerForm(
            first_contact_at=clock.now(),
            name="银川塞上物流有限公司",
            source_id=expo,
            contacts=[ContactForm(name="马晓燕", mobile="13895001122")],
        ),
    )
    register_customer(
        UnitOfWork(db, rep3),
        CustomerForm(
            first_contact_at=clock.now(),
            name="北京中关村软件有限公司",
            source_id=expo,
            contacts=[ContactForm(name="单雄信", mobile="13800138000")],
        ),
    )
    return rep1, rep3, cid


def names(page) -> list[str]:
    model = page.list_view.model
    col = model.keys.index("name")
    return sorted(model.index(r, col).data() for r in range(model.rowCount()))


def test_rep_sees_only_own_customers_contacts(qtbot, admin_ctx):
    rep1, rep3, cid = setup_book(admin_ctx)
    page = AddressBookPage(AppContext(admin_ctx.db, rep1), COMPANY)
    qtbot.addWidget(page)
    page.resize(1100, 420)
    page.show()
    assert names(page) == sorted(["单田芳", "曾国藩", "区志强", "马晓燕"])
    header = [
        page.list_view.model.headerData(i, Qt.Orientation.Horizontal)
        for i in range(page.list_view.model.columnCount())
    ]
    assert header[:4] == ["姓名", "客户", "职位", "手机"]
    assert "主要联系人" in header and "生日" in header

    for search, found in (
        ("shantianfang", ["单田芳"]),
        ("stf", ["单田芳"]),
        ("塞上", ["马晓燕"]),  # by the customer's name
        ("zgf", ["曾国藩"]),
        ("5111111", ["曾国藩"]),
    ):
        page.list_view.search.setText(search)
        page.list_view.reload()
        assert names(page) == found, search
    page.list_view.search.setText("单雄信")  # another rep's contact
    page.list_view.reload()
    assert names(page) == []
    page.list_view.search.clear()
    page.list_view.reload()
    screenshot(page, "address_book_rep")

    other = AddressBookPage(AppContext(admin_ctx.db, rep3), COMPANY)
    qtbot.addWidget(other)
    other.show()
    assert names(other) == ["单雄信"]


def test_double_click_opens_the_customer(qtbot, admin_ctx):
    rep1, _rep3, cid = setup_book(admin_ctx)
    page = AddressBookPage(AppContext(admin_ctx.db, rep1), COMPANY)
    qtbot.addWidget(page)
    view = page.list_view
    view.search.setText("曾国藩")
    view.reload()
    assert len(view.model.ids) == 1
    with qtbot.waitSignal(page.open_record) as blocker:
        view.table.doubleClicked.emit(view.model.index(0, 0))
    assert blocker.args == ["customer", cid]

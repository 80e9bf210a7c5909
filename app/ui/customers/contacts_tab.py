"""The card's 联系人 tab: the customer's contacts; add, edit, delete, set primary."""

from __future__ import annotations

from app.services.customers import contacts
from app.services.customers.card import ContactRow
from app.ui.common.messages import confirm
from app.ui.context import AppContext
from app.ui.customers.contact_fields import ContactDialog
from app.ui.customers.fields import shown
from app.ui.customers.record_table import RecordTab, TabColumn

COLUMNS = [
    TabColumn("主要", 44, lambda r: "★" if r.is_primary else ""),
    TabColumn("姓名", 80, lambda r: r.name),
    TabColumn("性别", 44, lambda r: r.gender),
    TabColumn("职位", 90, lambda r: r.position),
    TabColumn("手机", 105, lambda r: r.mobile),
    TabColumn("电话", 110, lambda r: r.phone),
    TabColumn("邮箱", 150, lambda r: r.email),
    TabColumn("微信", 90, lambda r: r.wechat),
    TabColumn("QQ", 90, lambda r: r.qq),
    TabColumn("生日", 90, lambda r: shown(r.birthday)),
    TabColumn("爱好", None, lambda r: r.hobbies),
]


class ContactsTab(RecordTab):
    what = "联系人"
    columns = COLUMNS

    def __init__(self, ctx: AppContext, customer_id: int, can_edit: bool, parent=None):
        super().__init__(ctx, customer_id, can_edit, parent)
        if can_edit:
            self.table.doubleClicked.connect(lambda _i: self.edit())
        self.add_buttons(
            ("添加联系人…", self.add),
            ("编辑…", self.edit),
            ("设为主要联系人", self.make_primary),
            ("删除", self.delete),
        )
        self.button_bar.addStretch()
        self.reload()

    def load(self, uow) -> list[ContactRow]:
        return contacts.list_contacts(uow, self.customer_id)

    def add(self) -> None:
        self.open_dialog(ContactDialog(self.ctx, self.customer_id, None, self))

    def edit(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_dialog(ContactDialog(self.ctx, self.customer_id, row, self))

    def make_primary(self) -> None:
        row = self.selected()
        if row is None or row.is_primary:
            return
        self.run(lambda: contacts.set_primary(self.ctx.write_uow(), row.id))

    def delete(self) -> None:
        row = self.selected()
        if row is None or not confirm(self, "删除联系人", f"确定删除联系人“{row.name}”吗？"):
            return
        self.run(lambda: contacts.delete_contact(self.ctx.write_uow(), row.id))
